"""Rule adtr: TR, TU and RS (where the study has them) and ADSL -> ADTR (SAP section 4, tumour
measurements)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.adam.adtr import derive_adtr
from oncocsr.adam.contracts import write_adam

sdtm = {
    domain: pd.read_parquet(snakemake.input[domain]) if domain in snakemake.input.keys() else None
    for domain in ("tr", "tu", "rs")
}
adtr = derive_adtr(
    sdtm["tr"],
    pd.read_parquet(snakemake.input.adsl),
    evaluator=snakemake.params.evaluator,
    cutoff=snakemake.params.cut["cutoff"],
    tu=sdtm["tu"],
    rs=sdtm["rs"],
)
write_adam(adtr, "adtr", snakemake.output, snakemake.params.cut["cutoff"])
note(f"ADTR: {len(adtr)} records")
