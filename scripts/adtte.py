"""Rule adtte: ADSL, ADRS and DS -> ADTTE with PFS, PFS2 and OS (SAP section 5)."""

import pandas as pd

from oncocsr.adam.adtte import derive_adtte
from oncocsr.adam.contracts import write_adam

adtte = derive_adtte(
    pd.read_parquet(snakemake.input.adsl),
    pd.read_parquet(snakemake.input.adrs),
    pd.read_parquet(snakemake.input.ds),
    **snakemake.params.pfs,
)
write_adam(adtte, "adtte", snakemake.output, snakemake.params.cut["cutoff"])
with open(snakemake.log[0], "w") as log:
    print(adtte.groupby(["PARAMCD", "CNSR"]).size().to_string(), file=log)
