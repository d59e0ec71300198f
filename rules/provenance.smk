rule provenance:
    input:
        raw=lambda wildcards: list(snapshot_files(wildcards.cut).values()),
        products=lambda wildcards: cut_products(wildcards.cut),
    output:
        "results/{cut}/provenance.json",
    log:
        "results/{cut}/logs/provenance.log",
    conda:
        ENVIRONMENT
    params:
        producers=producers,
        cut=cut_params,
        pipeline=PIPELINE,
        config=config,
        code=code_hash("scripts/provenance.py", *library("provenance", "io")),
    script:
        "../scripts/provenance.py"
