"""Rule ard_subgroups: ADRS, ADTTE and ADSL -> ARD rows of ORR and PFS by subgroup."""

import pandas as pd

from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet
from oncocsr.subgroups import subgroup_ard

result = subgroup_ard(
    pd.read_parquet(snakemake.input.adrs),
    pd.read_parquet(snakemake.input.adtte),
    pd.read_parquet(snakemake.input.adsl),
    conf_level=snakemake.params.km["conf_level"],
    convention=snakemake.params.km["convention"],
    input_sha256=inputs_sha256(snakemake.input),
)
write_parquet(result, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"{len(result)} ARD rows", file=log)
