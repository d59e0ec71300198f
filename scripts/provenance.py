"""Rule provenance: every raw file and product of a cut -> provenance.json."""

from pathlib import Path

from oncocsr.provenance import build_provenance, write_provenance

params = snakemake.params
document = build_provenance(
    raw=list(snakemake.input.raw),
    products=list(snakemake.input.products),
    producers=params.producers,
    cut=params.cut,
    pipeline=params.pipeline,
    config=params.config,
    lock=Path(snakemake.scriptdir).parent / "requirements.lock",
)
write_provenance(document, snakemake.output[0])
