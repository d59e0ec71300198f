# The audit annex of section 16.1: how the cut's report was built. Its own PDF, so that the
# CSR's body holds the study and the annex the pipeline; the CSR cites its sha256.
rule audit_annex:
    input:
        provenance="results/{cut}/provenance.json",
        gate="results/{cut}/checks/gate.json",
        adam_gate="results/{cut}/checks/adam_gate.json",
        checks=checks_findings,
    output:
        "results/{cut}/appendices/audit.pdf",
    log:
        "results/{cut}/logs/audit_annex.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(2, base=1000),
        runtime=runtime_min(0.05),
    params:
        study=STUDY.study["study"],
        cut=cut_params,
        pipeline=PIPELINE,
        rule_graph=rule_graph,
        code=code_hash(
            "scripts/audit_annex.py",
            "reports/audit.html.j2",
            "reports/base.html.j2",
            "reports/csr.css",
        ),
    script:
        "../scripts/audit_annex.py"


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
        narratives="results/{cut}/tlf/narratives.html",
        audit="results/{cut}/appendices/audit.pdf",
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
            "baseline",
            "subgroups",
            "exposure",
            "terms",
        ),
        cut=cut_params,
        pipeline=PIPELINE,
        domains=delivered_domains,
        code=code_hash(
            "scripts/csr.py",
            "reports/csr.html.j2",
            "reports/csr/macros.html.j2",
            "reports/csr/front.html.j2",
            "reports/csr/protocol.html.j2",
            "reports/csr/results.html.j2",
            "reports/csr/closing.html.j2",
            "reports/base.html.j2",
            "reports/csr.css",
            "reports/figure.html.j2",
        ),
    script:
        "../scripts/csr.py"
