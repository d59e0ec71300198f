KM_PARAMS = ["PFS", "PFS2", "OS", "DOR"]
ARD_FILES = [
    "baseline",
    "response",
    "safety",
    "subgroups",
    "conduct",
    *(f"km_{paramcd}" for paramcd in KM_PARAMS),
    "ard",
]


rule ard_response:
    input:
        adrs="results/{cut}/adam/adrs.parquet",
    output:
        "results/{cut}/ard/response.parquet",
    log:
        "results/{cut}/logs/ard_response.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        design=sap("design"),
        conf_level=sap("km", "conf_level"),
        arms=sap("arms"),
        code=code_hash("scripts/ard_response.py"),
    script:
        "../scripts/ard_response.py"


# One job for the four time-to-event parameters: they share ADTTE and the KM settings, so
# they always rerun together, and one process saves three starts of lifelines and scipy.
rule ard_km:
    input:
        adtte="results/{cut}/adam/adtte.parquet",
    output:
        expand("results/{{cut}}/ard/km_{paramcd}.parquet", paramcd=KM_PARAMS),
    log:
        "results/{cut}/logs/ard_km.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        km=sap("km"),
        arms=sap("arms"),
        paramcds=KM_PARAMS,
        code=code_hash("scripts/ard_km.py"),
    script:
        "../scripts/ard_km.py"


rule ard_safety:
    input:
        adae="results/{cut}/adam/adae.parquet",
        adex="results/{cut}/adam/adex.parquet",
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/ard/safety.parquet",
    log:
        "results/{cut}/logs/ard_safety.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        safety=sap("safety"),
        arms=sap("arms"),
        adverse_event=sap("terms", "ds", "adverse_event"),
        code=code_hash("scripts/ard_safety.py"),
    script:
        "../scripts/ard_safety.py"


rule ard_subgroups:
    input:
        adrs="results/{cut}/adam/adrs.parquet",
        adtte="results/{cut}/adam/adtte.parquet",
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/ard/subgroups.parquet",
    log:
        "results/{cut}/logs/ard_subgroups.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        km=sap("km"),
        subgroups=sap("subgroups"),
        arms=sap("arms"),
        code=code_hash("scripts/ard_subgroups.py"),
    script:
        "../scripts/ard_subgroups.py"


rule ard_baseline:
    input:
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/ard/baseline.parquet",
    log:
        "results/{cut}/logs/ard_baseline.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(20, base=800),
        runtime=runtime_min(0.1),
    params:
        settings=sap_sections("baseline", "subgroups", "terms", "arms"),
        code=code_hash("scripts/ard_baseline.py"),
    script:
        "../scripts/ard_baseline.py"


rule ard_conduct:
    input:
        adsl="results/{cut}/adam/adsl.parquet",
    output:
        "results/{cut}/ard/conduct.parquet",
    log:
        "results/{cut}/logs/ard_conduct.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.02),
    params:
        code=code_hash("scripts/ard_conduct.py"),
    script:
        "../scripts/ard_conduct.py"


rule ard_combine:
    input:
        expand(
            "results/{{cut}}/ard/{name}.parquet",
            name=[name for name in ARD_FILES if name != "ard"],
        ),
    output:
        "results/{cut}/ard/ard.parquet",
    log:
        "results/{cut}/logs/ard_combine.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.02),
    params:
        code=code_hash("scripts/ard_combine.py"),
    script:
        "../scripts/ard_combine.py"
