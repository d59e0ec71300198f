rule provenance:
    input:
        raw=lambda wildcards: raw_files(wildcards.cut),
        products=lambda wildcards: cut_products(wildcards.cut),
        lock=lambda wildcards: lock_file(wildcards.cut),
    output:
        provenance="results/{cut}/provenance.json",
        prov="results/{cut}/provenance.prov.json",
        run_log="results/{cut}/logs/run.json",
    log:
        "results/{cut}/logs/provenance.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(0, base=500),
        runtime=runtime_min(0.02),
    params:
        code_hashes=lambda wildcards: {
            step.name: step.params.code
            for step in workflow.rules
            if "code" in step.params.keys()
        },
        cut=cut_params,
        pipeline=PIPELINE,
        # What the analysis was configured with: the signing key is not part of it, so
        # configuring one changes no product, only adds the signed copies.
        config={k: v for k, v in STUDY.study.items() if k != "signing"},
        code=code_hash("scripts/provenance.py"),
    script:
        "../scripts/provenance.py"


rule manifest:
    input:
        csr="results/{cut}/csr.pdf",
        audit="results/{cut}/appendices/audit.pdf",
        provenance="results/{cut}/provenance.json",
        prov="results/{cut}/provenance.prov.json",
        products=lambda wildcards: cut_products(wildcards.cut),
        lock=lambda wildcards: lock_file(wildcards.cut),
    output:
        "results/{cut}/manifest.json",
    log:
        "results/{cut}/logs/manifest.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(0, base=300),
        runtime=runtime_min(0.02),
    params:
        cut=cut_params,
        certificate=SIGNING.get("certificate"),
        code=code_hash("scripts/manifest.py"),
    script:
        "../scripts/manifest.py"


rule sign:
    input:
        manifest="results/{cut}/manifest.json",
        csr="results/{cut}/csr.pdf",
    output:
        signature="results/{cut}/manifest.json.p7s",
        csr="results/{cut}/csr.signed.pdf",
    log:
        "results/{cut}/logs/sign.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(2, base=300),
        runtime=runtime_min(0.02),
    params:
        signing=SIGNING,
        code=code_hash("scripts/sign.py"),
    script:
        "../scripts/sign.py"
