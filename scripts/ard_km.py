"""Rule ard_km: ADTTE -> ARD rows for the Kaplan-Meier summary of each time-to-event parameter."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.endpoints import km_ard
from oncocsr.hashing import sha256_file
from oncocsr.io import write_parquet

km, adtte = snakemake.params.km, pd.read_parquet(snakemake.input.adtte)
input_sha256 = sha256_file(snakemake.input.adtte)
for paramcd, path in zip(snakemake.params.paramcds, snakemake.output, strict=True):
    result = km_ard(
        adtte,
        paramcd=paramcd,
        conf_level=km["conf_level"],
        landmarks_months=km["landmarks_months"],
        risk_step_months=km["risk_table_step_months"],
        convention=km["convention"],
        input_sha256=input_sha256,
        arms=snakemake.params.arms,
    )
    write_parquet(result, path)
    note(f"{paramcd}: {len(result)} ARD rows")
