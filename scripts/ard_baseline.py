"""Rule ard_baseline: ADSL -> ARD rows for disposition, analysis sets, demographics and prior
therapy (tables 14.1.1 to 14.1.4), the groups of the tables and what the study collected."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.baseline import baseline_ard, collection_sources
from oncocsr.hashing import inputs_sha256
from oncocsr.io import write_parquet

settings = snakemake.params.settings
result = baseline_ard(
    pd.read_parquet(snakemake.input.adsl),
    input_sha256=inputs_sha256(snakemake.input),
    characteristics=settings["baseline"]["characteristics"] + settings["subgroups"],
    sources=collection_sources(settings),
    arms=settings["arms"],
    prior_classes=settings["baseline"]["prior_classes"],
)
write_parquet(result, snakemake.output[0])
note(f"{len(result)} ARD rows")
