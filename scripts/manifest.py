"""Rule manifest, the last step of a cut: the sha256 of every product (csr.pdf included), of
the raw files as read and of the lock, and every job's record -> manifest.json."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import json
from pathlib import Path

from oncocsr import jobrecord
from oncocsr.joblog import JobError
from oncocsr.manifest import build_manifest, write_manifest
from oncocsr.provenance import ChainError
from oncocsr.signing import certificate_sha256

inputs, params = snakemake.input, snakemake.params
hashed = jobrecord.current().inputs
provenance = json.loads(Path(inputs.provenance).read_text(encoding="utf-8"))
try:
    manifest = build_manifest(
        cut=params.cut["name"],
        files={path: entry for path, entry in hashed.items() if path != inputs.lock},
        raw=provenance["raw"],
        lock=hashed[inputs.lock],
        records=jobrecord.read_records(Path(snakemake.log[0]).parent),
        certificate_sha256=params.certificate and certificate_sha256(params.certificate),
    )
except ChainError as error:
    raise JobError(str(error)) from None
write_manifest(manifest, snakemake.output[0])
note(f"manifest of {len(manifest['files'])} files and {len(manifest['jobs'])} jobs")
