"""Rule ard_combine: every analysis's ARD -> ard/ard.parquet."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.ard import combine
from oncocsr.io import write_parquet

result = combine([pd.read_parquet(path) for path in snakemake.input])
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows from {len(snakemake.input)} analyses")
