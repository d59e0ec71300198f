"""Rule define: the cut's ADaM datasets -> define.xml (Define-XML 2.1) and define.html."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr.submission.datasets import read_adam
from oncocsr.submission.define import write_define, write_define_html

params = snakemake.params
datasets = [
    read_adam(Path(parquet).stem, parquet, xpt, params.labels)
    for parquet, xpt in zip(snakemake.input.parquet, snakemake.input.xpt, strict=True)
]
write_define(datasets, params.study, params.cut, snakemake.output.define)
write_define_html(snakemake.output.define, snakemake.output.html)
note(f"define.xml of {len(datasets)} datasets, {sum(len(d.variables) for d in datasets)} variables")
