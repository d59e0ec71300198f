"""Rule provenance: every raw file and product of a cut -> provenance.json, its W3C PROV-JSON
export, and the run log of job times (kept apart: provenance.json must not change between
identical rebuilds)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr import jobrecord
from oncocsr.atomic import write_text
from oncocsr.joblog import JobError
from oncocsr.provenance import ChainError, build_provenance, prov_document, write_provenance

params = snakemake.params
try:
    document, run_log = build_provenance(
        raw=list(snakemake.input.raw),
        products=list(snakemake.input.products),
        records=jobrecord.read_records(Path(snakemake.log[0]).parent),
        hashed=jobrecord.current().inputs,
        code_hashes=params.code_hashes,
        lock=snakemake.input.lock,
        cut=params.cut,
        pipeline=params.pipeline,
        config=params.config,
        repo=Path(snakemake.scriptdir).parent,
    )
except ChainError as error:
    raise JobError(str(error)) from None
write_provenance(document, snakemake.output.provenance)
write_text(snakemake.output.prov, prov_document(document))
write_provenance(run_log, snakemake.output.run_log)
note(f"provenance of {len(document['outputs'])} outputs and {len(document['raw'])} raw files")
