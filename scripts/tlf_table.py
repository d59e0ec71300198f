"""Rule tlf_table: ARD -> one section 14 table as an HTML fragment."""

import pandas as pd

from oncocsr.io import sha256_file
from oncocsr.tlf.render import footer, render_tables
from oncocsr.tlf.tables import km_table, response_table

spec = snakemake.params.spec
ard = pd.read_parquet(snakemake.input.ard)
tlf = snakemake.wildcards.tlf
if spec["kind"] == "response":
    tables = response_table(ard, snakemake.params.p0)
else:
    tables = [km_table(ard, spec["paramcd"], tlf, snakemake.params.landmarks)]
text = footer(
    sources=spec["sources"],
    rule="tlf_table",
    cut=snakemake.params.cut,
    input_sha256=sha256_file(snakemake.input.ard),
)
with open(snakemake.output[0], "w", encoding="utf-8") as handle:
    handle.write(render_tables(tables, text, snakemake.params.templates))
