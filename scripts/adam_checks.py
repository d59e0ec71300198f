"""Rule adam_checks: the ADaM conformance checks of a cut's analysis datasets, on their records
and on their SAS transport files as a reviewer's software reads them."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd

from oncocsr.adamchecks import check_adam, read_transport
from oncocsr.findings import write_findings

datasets = {Path(path).stem: pd.read_parquet(path) for path in snakemake.input.parquet}
transports = {Path(path).stem: read_transport(path) for path in snakemake.input.xpt}
findings = check_adam(datasets, snakemake.params.cut["cutoff"], transports)
summary = {
    "domain": "ADaM",
    "file": str(Path(snakemake.input.xpt[0]).parent),
    "records": sum(len(frame) for frame in datasets.values()),
}
write_findings(snakemake.output[0], summary, findings)
note(f"{len(findings)} ADaM conformance findings in {len(datasets)} datasets")
