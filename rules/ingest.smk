rule ingest_domain:
    input:
        raw_sdtm,
    output:
        "results/{cut}/sdtm/{domain}.parquet",
    log:
        "results/{cut}/logs/ingest_{domain}.log",
    conda:
        ENVIRONMENT
    params:
        cut=cut_params,
        code=code_hash("scripts/ingest.py", *library("io", "dates", "ingest")),
    script:
        "../scripts/ingest.py"
