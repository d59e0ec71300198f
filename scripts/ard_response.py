"""Rule ard_response: ADRS -> ARD rows for best overall response, ORR and DCR and the Simon
design (tables 14.2.1 and 14.2.3)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.endpoints import response_ard
from oncocsr.hashing import sha256_file
from oncocsr.io import write_parquet

result = response_ard(
    pd.read_parquet(snakemake.input.adrs),
    design=snakemake.params.design,
    conf_level=snakemake.params.conf_level,
    input_sha256=sha256_file(snakemake.input.adrs),
    arms=snakemake.params.arms,
)
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows")
