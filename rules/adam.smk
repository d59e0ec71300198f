rule adsl:
    input:
        unpack(
            sdtm_inputs(
                ["dm", "ds", "ex"],
                ["suppdm", "rs", "tu", "tr", "cm", "ae", "qs", "ss", "dd", "vs", "mh"],
            )
        ),
    output:
        parquet="results/{cut}/adam/adsl.parquet",
        xpt="results/{cut}/adam/adsl.xpt",
    log:
        "results/{cut}/logs/adsl.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        settings=sap_sections(
            "reference_start",
            "populations",
            "terms",
            "tumour",
            "baseline.ecog",
            "baseline.age_groups",
            "baseline.supplemental",
            "baseline.vitals",
            "baseline.bsa_formula",
            "baseline.prior_classes",
            "baseline.prior_setting",
            "baseline.diagnosis_category",
            "response.evaluator",
            "response.criterion",
            "safety.teae_window_days",
        ),
        labels=sap("baseline", "supplemental"),
        code=code_hash("scripts/adsl.py", "schemas/adam.yaml"),
    script:
        "../scripts/adsl.py"


rule adrs:
    input:
        unpack(sdtm_inputs(["rs"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        parquet="results/{cut}/adam/adrs.parquet",
        xpt="results/{cut}/adam/adrs.xpt",
    log:
        "results/{cut}/logs/adrs.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        response=sap("response"),
        window_days=sap("orr", "window_days"),
        code=code_hash("scripts/adrs.py", "schemas/adam.yaml"),
    script:
        "../scripts/adrs.py"


rule adtte:
    input:
        unpack(sdtm_inputs(["ds"])),
        adsl="results/{cut}/adam/adsl.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
    output:
        parquet="results/{cut}/adam/adtte.parquet",
        xpt="results/{cut}/adam/adtte.xpt",
    log:
        "results/{cut}/logs/adtte.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        pfs=sap("pfs"),
        progression_term=sap("terms", "ds", "clinical_progression"),
        code=code_hash("scripts/adtte.py", "schemas/adam.yaml"),
    script:
        "../scripts/adtte.py"


rule adtr:
    input:
        unpack(sdtm_inputs([], ["tr", "tu", "rs"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        parquet="results/{cut}/adam/adtr.parquet",
        xpt="results/{cut}/adam/adtr.xpt",
    log:
        "results/{cut}/logs/adtr.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        evaluator=sap("response", "evaluator"),
        code=code_hash("scripts/adtr.py", "schemas/adam.yaml"),
    script:
        "../scripts/adtr.py"


rule adae:
    input:
        unpack(sdtm_inputs(["ae", "ex"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        parquet="results/{cut}/adam/adae.parquet",
        xpt="results/{cut}/adam/adae.xpt",
    log:
        "results/{cut}/logs/adae.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        safety=sap("safety"),
        code=code_hash("scripts/adae.py", "schemas/adam.yaml"),
    script:
        "../scripts/adae.py"


rule adex:
    input:
        unpack(sdtm_inputs(["ex"])),
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        parquet="results/{cut}/adam/adex.parquet",
        xpt="results/{cut}/adam/adex.xpt",
    log:
        "results/{cut}/logs/adex.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(30, base=1000),
        runtime=runtime_min(0.2),
    params:
        cut=cut_params,
        exposure=sap("exposure"),
        code=code_hash("scripts/adex.py", "schemas/adam.yaml"),
    script:
        "../scripts/adex.py"
