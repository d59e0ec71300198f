"""Rule ard_subgroups: ADRS, ADTTE and ADSL -> ARD rows of ORR and PFS by subgroup."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet
from oncocsr.subgroups import subgroup_ard

result = subgroup_ard(
    pd.read_parquet(snakemake.input.adrs),
    pd.read_parquet(snakemake.input.adtte),
    pd.read_parquet(snakemake.input.adsl),
    subgroups=snakemake.params.subgroups,
    conf_level=snakemake.params.km["conf_level"],
    convention=snakemake.params.km["convention"],
    input_sha256=inputs_sha256(snakemake.input),
    arms=snakemake.params.arms,
)
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows")
