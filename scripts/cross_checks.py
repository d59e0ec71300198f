"""Rule cross_checks: checks across the cut SDTM domains (subjects, dates, dosing, tumour data)
and those that need the study's configuration (not collected, empty analysis sets, study text
with characters no pinned font draws)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd

from oncocsr.crosschecks import cross_check
from oncocsr.findings import write_findings
from oncocsr.fonts import config_glyph_findings

domains = {Path(path).stem.upper(): pd.read_parquet(path) for path in snakemake.input}
files = {domain.upper(): path for domain, path in snakemake.params.raw.items()}
findings = cross_check(
    domains,
    files,
    snakemake.params.unknown,
    snakemake.params.cut["cutoff"],
    snakemake.params.settings,
)
glyphs = config_glyph_findings(snakemake.params.study, snakemake.params.source)
if not glyphs.empty:
    findings = glyphs if findings.empty else pd.concat([findings, glyphs], ignore_index=True)
write_findings(snakemake.output[0], {"domain": "CROSS", "file": "", "records": 0}, findings)
note(f"{len(findings)} cross-domain findings")
