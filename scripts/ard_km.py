"""Rule ard_km: ADTTE -> ARD rows for the Kaplan-Meier summary of one parameter."""

import pandas as pd

from oncocsr.endpoints import km_ard
from oncocsr.io import sha256_file, write_parquet

km = snakemake.params.km
result = km_ard(
    pd.read_parquet(snakemake.input.adtte),
    paramcd=snakemake.wildcards.paramcd,
    conf_level=km["conf_level"],
    landmarks_months=km["landmarks_months"],
    risk_step_months=km["risk_table_step_months"],
    convention=km["convention"],
    input_sha256=sha256_file(snakemake.input.adtte),
)
write_parquet(result, snakemake.output[0])
with open(snakemake.log[0], "w") as log:
    print(f"{len(result)} ARD rows", file=log)
