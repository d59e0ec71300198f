"""Rule ard_response: ADRS -> ARD rows for best overall response and ORR (table 14.2.1)."""

import pandas as pd

from oncocsr.endpoints import response_ard
from oncocsr.hashing import sha256_file
from oncocsr.io import write_parquet

result = response_ard(
    pd.read_parquet(snakemake.input.adrs),
    design=snakemake.params.design,
    conf_level=snakemake.params.conf_level,
    input_sha256=sha256_file(snakemake.input.adrs),
)
write_parquet(result, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"{len(result)} ARD rows", file=log)
