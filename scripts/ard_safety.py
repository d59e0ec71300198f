"""Rule ard_safety: ADAE, ADEX and ADSL -> ARD rows for the safety and exposure tables."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet
from oncocsr.safety import safety_ard

safety = snakemake.params.safety
result = safety_ard(
    pd.read_parquet(snakemake.input.adae),
    pd.read_parquet(snakemake.input.adex),
    pd.read_parquet(snakemake.input.adsl),
    input_sha256=inputs_sha256(snakemake.input),
    aesi=safety["aesi"],
    grade=safety["grade"],
    arms=snakemake.params.arms,
    window_days=safety["teae_window_days"],
    adverse_event=snakemake.params.adverse_event,
)
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows")
