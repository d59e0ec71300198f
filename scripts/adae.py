"""Rule adae: AE, EX and ADSL -> ADAE (SAP section 6, safety)."""

import pandas as pd

from oncocsr.adam.adae import derive_adae
from oncocsr.adam.contracts import write_adam

adae = derive_adae(
    pd.read_parquet(snakemake.input.ae),
    pd.read_parquet(snakemake.input.ex),
    pd.read_parquet(snakemake.input.adsl),
    window_days=snakemake.params.window_days,
)
write_adam(adae, "adae", snakemake.output, snakemake.params.cut["cutoff"])
with open(snakemake.log[0], "w") as log:
    print(f"ADAE: {len(adae)} records, {(adae['TRTEMFL'] == 'Y').sum()} emergent", file=log)
