"""Rule ard_baseline: ADSL -> ARD rows for disposition, analysis sets, demographics and prior
therapy (tables 14.1.1 to 14.1.4)."""

import pandas as pd

from oncocsr.baseline import baseline_ard
from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet

result = baseline_ard(
    pd.read_parquet(snakemake.input.adsl), input_sha256=inputs_sha256(snakemake.input)
)
write_parquet(result, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"{len(result)} ARD rows", file=log)
