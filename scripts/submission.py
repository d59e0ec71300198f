"""Rule submission: the cut's ADaM datasets -> define.xml (Define-XML 2.1), define.html and a
CDISC Dataset-JSON v1.1 file per dataset.

One job reads every dataset once for all of them: a job per file costs more in start-up
(a Python process importing pandas) than the bundled study's writing takes.
"""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr.submission.datasetjson import write_dataset_json
from oncocsr.submission.datasets import read_adam
from oncocsr.submission.define import write_define, write_define_html

params, output = snakemake.params, snakemake.output
datasets = [
    read_adam(Path(parquet).stem, parquet, xpt, params.labels)
    for parquet, xpt in zip(snakemake.input.parquet, snakemake.input.xpt, strict=True)
]
write_define(datasets, params.study, params.cut, output.define)
write_define_html(output.define, output.html)
for dataset, path in zip(datasets, output.json, strict=True):
    write_dataset_json(dataset, params.study, params.cut, path)
note(
    f"define.xml and Dataset-JSON of {len(datasets)} datasets,"
    f" {sum(len(d.variables) for d in datasets)} variables"
)
