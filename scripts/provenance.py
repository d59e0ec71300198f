"""Rule provenance: every raw file and product of a cut -> provenance.json, its W3C PROV-JSON
export, and the run log of job times (kept apart: provenance.json must not change between
identical rebuilds)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr.provenance import build_provenance, prov_document, write_provenance

params = snakemake.params
document, run_log = build_provenance(
    raw=list(snakemake.input.raw),
    products=list(snakemake.input.products),
    code_hashes=params.code_hashes,
    lock=snakemake.input.lock,
    cut=params.cut,
    pipeline=params.pipeline,
    config=params.config,
    repo=Path(snakemake.scriptdir).parent,
)
write_provenance(document, snakemake.output.provenance)
Path(snakemake.output.prov).write_text(prov_document(document), encoding="utf-8")
write_provenance(run_log, snakemake.output.run_log)
note(f"provenance of {len(document['outputs'])} outputs and {len(document['raw'])} raw files")
