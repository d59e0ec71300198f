rule cross_checks:
    input:
        lambda wildcards: expand(
            "results/{cut}/sdtm/{domain}.parquet",
            cut=wildcards.cut,
            domain=checked_domains(wildcards.cut),
        ),
    output:
        "results/{cut}/checks/cross.json",
    log:
        "results/{cut}/logs/cross_checks.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(6, base=500),
        runtime=runtime_min(0.05),
    params:
        raw=lambda wildcards: snapshot_files(wildcards.cut),
        unknown=lambda wildcards: unknown_files(wildcards.cut),
        cut=cut_params,
        settings=sap_sections(
            "reference_start",
            "populations",
            "terms",
            "tumour",
            "baseline.ecog",
            "baseline.age_groups",
            "baseline.supplemental",
            "response.evaluator",
            "response.criterion",
            "response.terms",
            "safety.grade",
        ),
        # The study text the report prints, checked for characters no pinned font draws.
        study=STUDY.study["study"],
        source=CONFIG_NAME,
        code=code_hash("scripts/cross_checks.py"),
    script:
        "../scripts/cross_checks.py"


rule checks_report:
    input:
        lambda wildcards: expand(
            "results/{cut}/checks/{name}.json",
            cut=wildcards.cut,
            name=[*checked_domains(wildcards.cut), "cross"],
        ),
    output:
        "results/{cut}/checks/report.html",
    log:
        "results/{cut}/logs/checks_report.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(3, base=500),
        runtime=runtime_min(0.02),
    params:
        cut=cut_params,
        study=STUDY.study["study"],
        title="Data checks",
        verdict="the run stops before any analysis dataset is made",
        proceed="the analysis may proceed",
        code=code_hash("scripts/checks_report.py", "reports/checks.html.j2"),
    script:
        "../scripts/checks_report.py"


rule checks_gate:
    input:
        findings=lambda wildcards: expand(
            "results/{cut}/checks/{name}.json",
            cut=wildcards.cut,
            name=[*checked_domains(wildcards.cut), "cross"],
        ),
        report="results/{cut}/checks/report.html",
        waivers=waiver_file,
    output:
        "results/{cut}/checks/gate.json",
    log:
        "results/{cut}/logs/checks_gate.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(2, base=300),
        runtime=runtime_min(0.01),
    params:
        waivers=waiver_path,
        adam=False,
        checks="Data checks",
        stops="no analysis datasets were produced",
        code=code_hash("scripts/checks_gate.py"),
    script:
        "../scripts/checks_gate.py"


rule adam_checks:
    input:
        parquet=expand("results/{{cut}}/adam/{dataset}.parquet", dataset=ADAM),
        xpt=expand("results/{{cut}}/adam/{dataset}.xpt", dataset=ADAM),
    output:
        "results/{cut}/checks/adam.json",
    log:
        "results/{cut}/logs/adam_checks.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(6, base=500),
        runtime=runtime_min(0.05),
    params:
        cut=cut_params,
        code=code_hash("scripts/adam_checks.py", "schemas/adam.yaml"),
    script:
        "../scripts/adam_checks.py"


rule adam_checks_report:
    input:
        "results/{cut}/checks/adam.json",
    output:
        "results/{cut}/checks/adam.html",
    log:
        "results/{cut}/logs/adam_checks_report.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(3, base=500),
        runtime=runtime_min(0.02),
    params:
        cut=cut_params,
        study=STUDY.study["study"],
        title="ADaM conformance checks",
        verdict="the run stops before the clinical study report is built",
        proceed="the report may be built",
        code=code_hash("scripts/checks_report.py", "reports/checks.html.j2"),
    script:
        "../scripts/checks_report.py"


rule adam_gate:
    input:
        findings=["results/{cut}/checks/adam.json"],
        report="results/{cut}/checks/adam.html",
        waivers=waiver_file,
    output:
        "results/{cut}/checks/adam_gate.json",
    log:
        "results/{cut}/logs/adam_gate.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(2, base=300),
        runtime=runtime_min(0.01),
    params:
        waivers=waiver_path,
        adam=True,
        checks="ADaM conformance checks",
        stops="the clinical study report was not built",
        code=code_hash("scripts/checks_gate.py"),
    script:
        "../scripts/checks_gate.py"
