KM_FIGURES = {
    "14.2.5": {"paramcd": "PFS", "label": "Progression-free survival"},
    "14.2.7": {"paramcd": "OS", "label": "Overall survival"},
}


# One job writes every section 14 table: they all read the one ARD, so any change reruns all of
# them anyway, and one process instead of sixteen saves ~2 s of imports per table.
rule tlf_tables:
    input:
        ard="results/{cut}/ard/ard.parquet",
    output:
        html=expand("results/{{cut}}/tlf/{tlf}.html", tlf=sorted(TABLES)),
        rtf=expand("results/{{cut}}/tlf/{tlf}.rtf", tlf=sorted(TABLES)),
    log:
        "results/{cut}/logs/tlf_tables.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.1),
    params:
        sources=TABLES,
        settings=sap_sections(
            "design",
            "km",
            "response",
            "reference_start",
            "populations",
            "arms",
            "baseline",
            "subgroups",
            "safety",
            "exposure",
            "terms",
        ),
        study=STUDY.study["study"],
        cut=cut_params,
        code=code_hash("scripts/tlf_tables.py", "reports/table.html.j2"),
    script:
        "../scripts/tlf_tables.py"


# The figures drawn from the ARD (KM curves with their numbers at risk, forest plot) in one job,
# and those drawn from the response data in another: each job starts Python, pandas and
# matplotlib once (about 1 s), and the figures of a job always rerun together anyway.
rule tlf_ard_figures:
    input:
        adtte="results/{cut}/adam/adtte.parquet",
        ard="results/{cut}/ard/ard.parquet",
    output:
        km=report(
            expand("results/{{cut}}/tlf/{tlf}.svg", tlf=sorted(KM_FIGURES)),
            caption="../reports/captions/km.rst",
            category="Efficacy figures",
        ),
        forest=report(
            "results/{cut}/tlf/14.2.2.svg",
            caption="../reports/captions/forest.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_ard_figures.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        figures=KM_FIGURES,
        conf_level=sap("km", "conf_level"),
        reference_start=sap("reference_start"),
        subgroups=sap("subgroups"),
        design=sap("design"),
        code=code_hash("scripts/tlf_ard_figures.py"),
    script:
        "../scripts/tlf_ard_figures.py"


rule tlf_response_figures:
    input:
        adsl="results/{cut}/adam/adsl.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
        adtr="results/{cut}/adam/adtr.parquet",
        adtte="results/{cut}/adam/adtte.parquet",
    output:
        waterfall=report(
            "results/{cut}/tlf/14.2.8-waterfall.svg",
            caption="../reports/captions/waterfall.rst",
            category="Efficacy figures",
        ),
        spider=report(
            "results/{cut}/tlf/14.2.8-spider.svg",
            caption="../reports/captions/spider.rst",
            category="Efficacy figures",
        ),
        swimmer=report(
            "results/{cut}/tlf/14.2.8-swimmer.svg",
            caption="../reports/captions/swimmer.rst",
            category="Efficacy figures",
        ),
    log:
        "results/{cut}/logs/tlf_response_figures.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        arms=sap("arms"),
        reference_start=sap("reference_start"),
        code=code_hash("scripts/tlf_response_figures.py"),
    script:
        "../scripts/tlf_response_figures.py"


rule tlf_listing:
    input:
        unpack(listing_inputs),
    output:
        html="results/{cut}/tlf/{listing}.html",
        appendix="results/{cut}/appendices/listing-{listing}.pdf",
    log:
        "results/{cut}/logs/tlf_listing_{listing}.log",
    wildcard_constraints:
        listing="|".join(re.escape(listing) for listing in LISTINGS),
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(40, base=1000),
        runtime=runtime_min(1.0),
    params:
        max_rows=sap("report", "listing_max_rows"),
        appendix_max_rows=sap("report", "appendix_max_rows"),
        settings=sap_sections("response", "safety"),
        study=STUDY.study["study"],
        cut=cut_params,
        pipeline=PIPELINE,
        code=code_hash(
            "scripts/tlf_listing.py",
            "reports/listing.html.j2",
            "reports/appendix.html.j2",
            "reports/base.html.j2",
            "reports/csr.css",
        ),
    script:
        "../scripts/tlf_listing.py"


rule tlf_narratives:
    input:
        adsl="results/{cut}/adam/adsl.parquet",
        adae="results/{cut}/adam/adae.parquet",
        adex="results/{cut}/adam/adex.parquet",
    output:
        html="results/{cut}/tlf/narratives.html",
    log:
        "results/{cut}/logs/tlf_narratives.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.2),
    params:
        arm=sap("arms", "variable"),
        max_subjects=sap("report", "narratives_max_subjects"),
        cut=cut_params,
        code=code_hash("scripts/tlf_narratives.py", "reports/narratives.html.j2"),
    script:
        "../scripts/tlf_narratives.py"
