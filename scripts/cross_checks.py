"""Rule cross_checks: checks across the cut SDTM domains (subjects, dates, dosing, tumour data)."""

from pathlib import Path

import pandas as pd

from oncocsr.crosschecks import cross_check
from oncocsr.findings import write_findings

domains = {Path(path).stem.upper(): pd.read_parquet(path) for path in snakemake.input}
files = {domain.upper(): path for domain, path in snakemake.params.raw.items()}
findings = cross_check(domains, files, snakemake.params.unknown)
write_findings(snakemake.output[0], {"domain": "CROSS", "file": "", "records": 0}, findings)
with open(snakemake.log[0], "w") as log:
    print(f"{len(findings)} cross-domain findings", file=log)
