"""Rule ingest_domain: raw SDTM file -> checked, cut Parquet and its findings (DESIGN.md)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from oncocsr.checks import load_spec
from oncocsr.findings import write_findings
from oncocsr.hashing import sha256_file
from oncocsr.ingest import ingest
from oncocsr.io import domain_of, write_parquet

raw = snakemake.input.raw
domain = domain_of(raw)
cut, findings, summary = ingest(
    raw,
    load_spec(snakemake.input.spec, domain),
    snakemake.params.cut["cutoff"],
    snakemake.params.settings,
)
summary["sha256"] = sha256_file(raw)
write_parquet(cut, snakemake.output.sdtm)
write_findings(snakemake.output.checks, summary, findings)
note(
    f"{raw} sha256={summary['sha256']} records={summary['records']} "
    f"after_cut={summary['records_after_cut']} findings={len(findings)}"
)
