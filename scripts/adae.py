"""Rule adae: AE, EX and ADSL -> ADAE (SAP section 6, safety)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adae import derive_adae
from oncocsr.adam.contracts import write_adam

safety = snakemake.params.safety
adae = derive_adae(
    pd.read_parquet(snakemake.input.ae),
    pd.read_parquet(snakemake.input.ex),
    pd.read_parquet(snakemake.input.adsl),
    window_days=safety["teae_window_days"],
    grade=safety["grade"],
    aesi=safety["aesi"],
)
write_adam(adae, "adae", snakemake.output, snakemake.params.cut["cutoff"])
note(f"ADAE: {len(adae)} records, {(adae['TRTEMFL'] == 'Y').sum()} emergent")
