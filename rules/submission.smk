rule define:
    input:
        parquet=expand("results/{{cut}}/adam/{dataset}.parquet", dataset=ADAM),
        xpt=expand("results/{{cut}}/adam/{dataset}.xpt", dataset=ADAM),
    output:
        define="results/{cut}/adam/define.xml",
        html="results/{cut}/adam/define.html",
    log:
        "results/{cut}/logs/define.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(2, base=500),
        runtime=runtime_min(0.02),
    params:
        study=STUDY.study["study"],
        cut=cut_params,
        labels=sap("baseline", "supplemental"),
        code=code_hash("scripts/define.py", "schemas/adam.yaml"),
    script:
        "../scripts/define.py"


rule dataset_json:
    input:
        parquet="results/{cut}/adam/{dataset}.parquet",
        xpt="results/{cut}/adam/{dataset}.xpt",
    output:
        "results/{cut}/adam/json/{dataset}.json",
    log:
        "results/{cut}/logs/dataset_json_{dataset}.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        mem_mb=memory_mb(5, base=500),
        runtime=runtime_min(0.02),
    params:
        study=STUDY.study["study"],
        cut=cut_params,
        labels=sap("baseline", "supplemental"),
        code=code_hash("scripts/dataset_json.py", "schemas/adam.yaml"),
    script:
        "../scripts/dataset_json.py"
