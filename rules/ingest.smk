rule ingest_domain:
    input:
        unpack(raw_sdtm),
    output:
        sdtm="results/{cut}/sdtm/{domain}.parquet",
        checks="results/{cut}/checks/{domain}.json",
    log:
        "results/{cut}/logs/ingest_{domain}.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(4, base=500),
        runtime=runtime_min(0.05),
    params:
        cut=cut_params,
        locked=locked_raw,
        snapshot_date=snapshot_date,
        settings=sap_sections(
            "ingest", "response.criterion", "response.terms", "safety.grade"
        ),
        code=code_hash("scripts/ingest.py"),
    script:
        "../scripts/ingest.py"
