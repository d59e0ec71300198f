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
        config=STUDY.study,
        code=code_hash("scripts/provenance.py"),
    script:
        "../scripts/provenance.py"
