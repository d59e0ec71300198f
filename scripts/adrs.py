"""Rule adrs: RS and ADSL -> ADRS (SAP section 4)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adrs import derive_adrs
from oncocsr.adam.contracts import write_adam

response = snakemake.params.response
adrs = derive_adrs(
    pd.read_parquet(snakemake.input.rs),
    pd.read_parquet(snakemake.input.adsl),
    cutoff=snakemake.params.cut["cutoff"],
    criterion=response["criterion"],
    terms=response["terms"],
    evaluator=response["evaluator"],
    sd_min_days=response["sd_min_days"],
    confirm_min_days=response["confirm_min_days"],
    max_ne_between=response["max_ne_between"],
    window_days=snakemake.params.window_days,
)
write_adam(adrs, "adrs", snakemake.output, snakemake.params.cut["cutoff"])
note(adrs[adrs["PARAMCD"] == "CBOR"]["AVALC"].value_counts().to_string())
