# Reproducible clinical study report pipeline: locked SDTM snapshot -> checks -> ADaM -> ARD -> CSR.
# Layout and output contract: DESIGN.md; what is computed: SAP.md.


# The bundled study, unless a study config is given with --configfile: a study config is
# complete in itself and is never merged with the bundled one (DESIGN.md).
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/ingest.smk"
include: "rules/checks.smk"
include: "rules/adam.smk"
include: "rules/submission.smk"
include: "rules/analysis.smk"
include: "rules/tlf.smk"
include: "rules/provenance.smk"
include: "rules/report.smk"


rule all:
    default_target: True
    input:
        [finished_cut(cut) for cut in CUTS],
        expand("results/{cut}/adam/{dataset}.parquet", cut=CUTS, dataset=ADAM),
        expand("results/{cut}/adam/define.{ext}", cut=CUTS, ext=["xml", "html"]),
        expand("results/{cut}/adam/json/{dataset}.json", cut=CUTS, dataset=ADAM),
