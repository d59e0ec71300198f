"""Rule adex: EX and ADSL -> ADEX (SAP section 6, exposure)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adex import derive_adex
from oncocsr.adam.contracts import write_adam

adex = derive_adex(
    pd.read_parquet(snakemake.input.ex),
    pd.read_parquet(snakemake.input.adsl),
    **snakemake.params.exposure,
)
write_adam(adex, "adex", snakemake.output, snakemake.params.cut["cutoff"])
note(f"ADEX: {len(adex)} records")
