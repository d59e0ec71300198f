"""Rule adae: AE, EX and ADSL -> ADAE (SAP section 6, safety)."""

import pandas as pd

from oncocsr.adam.adae import derive_adae
from oncocsr.io import write_parquet

adae = derive_adae(
    pd.read_parquet(snakemake.input.ae),
    pd.read_parquet(snakemake.input.ex),
    pd.read_parquet(snakemake.input.adsl),
    window_days=snakemake.params.window_days,
)
write_parquet(adae, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"ADAE: {len(adae)} records, {(adae['TRTEMFL'] == 'Y').sum()} emergent", file=log)
