rule adsl:
    input:
        unpack(
            sdtm_inputs(["dm", "ds", "ex"], ["suppdm", "rs", "tu", "tr", "cm", "ae"])
        ),
    output:
        "results/{cut}/adam/adsl.parquet",
    log:
        "results/{cut}/logs/adsl.log",
    conda:
        ENVIRONMENT
    params:
        cut=cut_params,
        reference_start=config["reference_start"],
        code=code_hash(
            "scripts/adsl.py", *library("adam/adsl", "adam/common", "dates", "io")
        ),
    script:
        "../scripts/adsl.py"


rule adrs:
    input:
        unpack(sdtm_inputs(["rs"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/adam/adrs.parquet",
    log:
        "results/{cut}/logs/adrs.log",
    conda:
        ENVIRONMENT
    params:
        cut=cut_params,
        response=config["response"],
        window_days=config["orr"]["window_days"],
        code=code_hash("scripts/adrs.py", *library("adam/adrs", "dates", "io")),
    script:
        "../scripts/adrs.py"


rule adtte:
    input:
        unpack(sdtm_inputs(["ds"])),
        adsl="results/{cut}/adam/adsl.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
    output:
        "results/{cut}/adam/adtte.parquet",
    log:
        "results/{cut}/logs/adtte.log",
    conda:
        ENVIRONMENT
    params:
        pfs=config["pfs"],
        code=code_hash("scripts/adtte.py", *library("adam/adtte", "dates", "io")),
    script:
        "../scripts/adtte.py"


rule adtr:
    input:
        unpack(sdtm_inputs(["tr"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/adam/adtr.parquet",
    log:
        "results/{cut}/logs/adtr.log",
    conda:
        ENVIRONMENT
    params:
        cut=cut_params,
        evaluator=config["response"]["evaluator"],
        code=code_hash("scripts/adtr.py", *library("adam/adtr", "dates", "io")),
    script:
        "../scripts/adtr.py"


rule adae:
    input:
        unpack(sdtm_inputs(["ae", "ex"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/adam/adae.parquet",
    log:
        "results/{cut}/logs/adae.log",
    conda:
        ENVIRONMENT
    params:
        window_days=config["safety"]["teae_window_days"],
        code=code_hash("scripts/adae.py", *library("adam/adae", "dates", "io")),
    script:
        "../scripts/adae.py"


rule adex:
    input:
        unpack(sdtm_inputs(["ex"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/adam/adex.parquet",
    log:
        "results/{cut}/logs/adex.log",
    conda:
        ENVIRONMENT
    params:
        exposure=config["exposure"],
        code=code_hash("scripts/adex.py", *library("adam/adex", "dates", "io")),
    script:
        "../scripts/adex.py"
