"""Rule ard_safety: ADAE, ADEX and ADSL -> ARD rows for the safety and exposure tables."""

import pandas as pd

from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet
from oncocsr.safety import safety_ard

result = safety_ard(
    pd.read_parquet(snakemake.input.adae),
    pd.read_parquet(snakemake.input.adex),
    pd.read_parquet(snakemake.input.adsl),
    input_sha256=inputs_sha256(snakemake.input),
)
write_parquet(result, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"{len(result)} ARD rows", file=log)
