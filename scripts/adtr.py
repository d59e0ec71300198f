"""Rule adtr: TR (where the study has one) and ADSL -> ADTR (SAP section 4, tumour
measurements)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adtr import derive_adtr
from oncocsr.adam.contracts import write_adam

adtr = derive_adtr(
    pd.read_parquet(snakemake.input.tr) if "tr" in snakemake.input.keys() else None,
    pd.read_parquet(snakemake.input.adsl),
    evaluator=snakemake.params.evaluator,
    cutoff=snakemake.params.cut["cutoff"],
)
write_adam(adtr, "adtr", snakemake.output, snakemake.params.cut["cutoff"])
note(f"ADTR: {len(adtr)} records")
