"""What each job read and wrote, by sha256: the links of the audit chain (DESIGN.md).

A job hashes its inputs when it starts and its outputs when it ends without error, and writes
the record beside its log (``results/{cut}/logs/<log name>.job.json``). Provenance takes the
input hashes from these records, not from a re-read at the end of the run, and ``verify`` checks
that what a job read is what the job before it wrote: a product replaced between two jobs, or
after the last, breaks the chain.

Raw snapshot files are not hashed here: the ingest job hashes the bytes it parses (a verified
read) and records that hash with :meth:`JobRecord.read`, so a 1 GB snapshot is read once.
"""

from __future__ import annotations

import json
from pathlib import Path

from oncocsr.atomic import write_text
from oncocsr.hashing import sha256_file

SUFFIX = ".job.json"
# Inputs a job hashes itself, on the bytes it parses (ingest), or never reads (provenance lists
# the snapshot's files): named "raw" in the rules.
SELF_HASHED = ("raw",)


def record_path(log: str | Path) -> Path:
    """Where the record of the job with log ``log`` is: ``x.log`` -> ``x.job.json``."""
    log = Path(log)
    return log.with_name(log.name.removesuffix(".log") + SUFFIX)


def _entry(path: str) -> dict:
    return {"path": path, "sha256": sha256_file(path), "size": Path(path).stat().st_size}


class JobRecord:
    """The record of one job: its rule, wildcards, inputs and outputs with their sha256."""

    def __init__(self, rule: str, wildcards: dict, inputs, outputs, log: str, skip=()):
        self.rule = rule
        self.wildcards = dict(wildcards)
        self.path = record_path(log)
        self.outputs = sorted(map(str, outputs))
        skipped = {str(path) for path in skip}
        # A record left by an earlier run of this job must not outlive a failure of this one.
        self.path.unlink(missing_ok=True)
        self.inputs = {
            path: _entry(path)
            for path in sorted(set(map(str, inputs)) - skipped)
            if Path(path).is_file()
        }
        self.reads: dict[str, dict] = {}
        self.failed = False

    def read(self, path: str, sha256: str, size: int) -> None:
        """Record the hash of the bytes the job itself read from ``path`` (a verified read)."""
        self.reads[str(path)] = {"path": str(path), "sha256": sha256, "size": size}

    def document(self) -> dict:
        return {
            "rule": self.rule,
            "wildcards": self.wildcards,
            "inputs": sorted([*self.inputs.values(), *self.reads.values()], key=_by_path),
            "outputs": [_entry(path) for path in self.outputs if Path(path).is_file()],
        }

    def finish(self) -> None:
        """Hash the outputs and write the record, unless the job failed."""
        if not self.failed:
            write_text(self.path, json.dumps(self.document(), indent=1, sort_keys=True) + "\n")


def _by_path(entry: dict) -> str:
    return entry["path"]


_CURRENT: list[JobRecord] = []


def start(snakemake) -> JobRecord:
    """The record of the running Snakemake job, its inputs hashed (job_log calls this)."""
    skip = []
    for name in SELF_HASHED:
        files = snakemake.input.get(name, [])
        skip += [files] if isinstance(files, str) else list(files)
    record = JobRecord(
        snakemake.rule,
        dict(snakemake.wildcards.items()),
        list(snakemake.input),
        list(snakemake.output),
        snakemake.log[0],
        skip,
    )
    _CURRENT[:] = [record]
    return record


def current() -> JobRecord:
    """The record of the job this process runs (after job_log)."""
    if not _CURRENT:
        raise RuntimeError("no job record: call oncocsr.joblog.job_log(snakemake) first")
    return _CURRENT[0]


def read_records(folder: str | Path) -> list[dict]:
    """Every job record in a cut's logs folder, by record file name."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(Path(folder).glob(f"*{SUFFIX}"))
    ]
