"""Rule ard_conduct: ADSL -> ARD rows of the study's conduct (study period, centres) for the
title page and the synopsis."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.conduct import study_conduct_ard
from oncocsr.hashing import sha256_file
from oncocsr.io import write_parquet

result = study_conduct_ard(
    pd.read_parquet(snakemake.input.adsl), input_sha256=sha256_file(snakemake.input.adsl)
)
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows")
