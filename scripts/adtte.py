"""Rule adtte: ADSL, ADRS and DS -> ADTTE with PFS, PFS2, OS and DOR (SAP section 5)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adtte import derive_adtte
from oncocsr.adam.contracts import write_adam

adtte = derive_adtte(
    pd.read_parquet(snakemake.input.adsl),
    pd.read_parquet(snakemake.input.adrs),
    pd.read_parquet(snakemake.input.ds),
    snakemake.params.progression_term,
    **snakemake.params.pfs,
)
write_adam(adtte, "adtte", snakemake.output, snakemake.params.cut["cutoff"])
note(adtte.groupby(["PARAMCD", "CNSR"]).size().to_string())
