rule submission:
    input:
        parquet=expand("results/{{cut}}/adam/{dataset}.parquet", dataset=ADAM),
        xpt=expand("results/{{cut}}/adam/{dataset}.xpt", dataset=ADAM),
    output:
        define="results/{cut}/adam/define.xml",
        html="results/{cut}/adam/define.html",
        json=expand("results/{{cut}}/adam/json/{dataset}.json", dataset=ADAM),
    log:
        "results/{cut}/logs/submission.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.04),
    params:
        study=STUDY.study["study"],
        cut=cut_params,
        labels=sap("baseline", "supplemental"),
        code=code_hash("scripts/submission.py", "schemas/adam.yaml"),
    script:
        "../scripts/submission.py"
