rule check_domain:
    input:
        sdtm="results/{cut}/sdtm/{domain}.parquet",
        spec=lambda wildcards: str(
            REPO / "schemas" / "sdtm" / f"{wildcards.domain}.yaml"
        ),
    output:
        "results/{cut}/checks/{domain}.json",
    log:
        "results/{cut}/logs/checks_{domain}.log",
    conda:
        ENVIRONMENT
    params:
        code=code_hash("scripts/check_domain.py", *library("checks", "dates")),
    script:
        "../scripts/check_domain.py"
