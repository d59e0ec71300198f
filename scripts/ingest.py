"""Rule ingest_domain: raw SDTM file -> checked, cut Parquet and its findings (DESIGN.md).

The raw file's bytes are read once, checked against the data lock and parsed (a verified read):
a file that changed since the run started stops the job before it writes anything.
"""

from oncocsr.joblog import JobError, job_log

note = job_log(snakemake)

from oncocsr import jobrecord
from oncocsr.checks import load_spec
from oncocsr.findings import write_findings
from oncocsr.ingest import ingest
from oncocsr.io import domain_of, write_parquet
from oncocsr.lock import SnapshotChanged
from oncocsr.rawfile import SymlinkRefused

raw = snakemake.input.raw
domain = domain_of(raw)
try:
    cut, findings, summary = ingest(
        raw,
        load_spec(snakemake.input.spec, domain),
        snakemake.params.cut["cutoff"],
        snakemake.params.settings,
        locked=snakemake.params.locked,
        snapshot_date=snakemake.params.snapshot_date,
    )
except (SnapshotChanged, SymlinkRefused) as error:
    raise JobError(str(error)) from None
# What provenance records of the raw file: the hash of the bytes parsed, not of a re-read.
jobrecord.current().read(raw, summary["sha256"], summary["size"])
write_parquet(cut, snakemake.output.sdtm)
write_findings(snakemake.output.checks, summary, findings)
note(
    f"{raw} sha256={summary['sha256']} records={summary['records']} "
    f"after_cut={summary['records_after_cut']} findings={len(findings)}"
)
