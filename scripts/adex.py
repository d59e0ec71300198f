"""Rule adex: EX and ADSL -> ADEX (SAP section 6, exposure)."""

import pandas as pd

from oncocsr.adam.adex import derive_adex
from oncocsr.adam.contracts import write_adam

adex = derive_adex(
    pd.read_parquet(snakemake.input.ex),
    pd.read_parquet(snakemake.input.adsl),
    **snakemake.params.exposure,
)
write_adam(adex, "adex", snakemake.output, snakemake.params.cut["cutoff"])
with open(snakemake.log[0], "w") as log:
    print(f"ADEX: {len(adex)} records", file=log)
