rule csr:
    input:
        ard="results/{cut}/ard/ard.parquet",
        provenance="results/{cut}/provenance.json",
        adsl="results/{cut}/adam/adsl.parquet",
        adrs="results/{cut}/adam/adrs.parquet",
        adtr="results/{cut}/adam/adtr.parquet",
        adtte="results/{cut}/adam/adtte.parquet",
        tables=expand("results/{{cut}}/tlf/{tlf}.html", tlf=sorted(TABLES)),
        figures=expand("results/{{cut}}/tlf/{stem}.svg", stem=list(FIGURES)),
        listings=expand("results/{{cut}}/tlf/{listing}.html", listing=sorted(LISTINGS)),
        gate="results/{cut}/checks/gate.json",
        adam_gate="results/{cut}/checks/adam_gate.json",
        checks=lambda wildcards: expand(
            "results/{cut}/checks/{name}.json",
            cut=wildcards.cut,
            name=[*checked_domains(wildcards.cut), "cross", "adam"],
        ),
    output:
        "results/{cut}/csr.pdf",
    log:
        "results/{cut}/logs/csr.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(10, base=1500),
        runtime=runtime_min(0.1),
    params:
        study=STUDY.study["study"],
        settings=sap_sections(
            "design",
            "orr",
            "response",
            "reference_start",
            "populations",
            "arms",
            "safety",
            "km",
        ),
        cut=cut_params,
        pipeline=PIPELINE,
        rule_graph=rule_graph,
        code=code_hash(
            "scripts/csr.py",
            "reports/csr.html.j2",
            "reports/base.html.j2",
            "reports/csr.css",
            "reports/figure.html.j2",
        ),
    script:
        "../scripts/csr.py"
