rule ingest_domain:
    input:
        raw_sdtm,
    output:
        "results/{cut}/sdtm/{domain}.parquet",
    params:
        cut=cut_params,
        code=code_hash("scripts/ingest.py", *library("io", "dates", "ingest")),
    log:
        "results/{cut}/logs/ingest_{domain}.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ingest.py"
