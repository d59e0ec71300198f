"""Rule dataset_json: one ADaM dataset -> its CDISC Dataset-JSON v1.1 file."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from oncocsr.submission.datasetjson import write_dataset_json
from oncocsr.submission.datasets import read_adam

params = snakemake.params
dataset = read_adam(
    snakemake.wildcards.dataset, snakemake.input.parquet, snakemake.input.xpt, params.labels
)
write_dataset_json(dataset, params.study, params.cut, snakemake.output[0])
note(f"{dataset.upper}: {len(dataset.frame)} records as Dataset-JSON")
