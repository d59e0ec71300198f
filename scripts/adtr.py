"""Rule adtr: TR and ADSL -> ADTR (SAP section 4, tumour measurements)."""

import pandas as pd

from oncocsr.adam.adtr import derive_adtr
from oncocsr.adam.contracts import write_adam

adtr = derive_adtr(
    pd.read_parquet(snakemake.input.tr),
    pd.read_parquet(snakemake.input.adsl),
    evaluator=snakemake.params.evaluator,
    cutoff=snakemake.params.cut["cutoff"],
)
write_adam(adtr, "adtr", snakemake.output, snakemake.params.cut["cutoff"])
with open(snakemake.log[0], "w") as log:
    print(f"ADTR: {len(adtr)} records", file=log)
