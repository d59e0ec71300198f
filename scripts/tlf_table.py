"""Rule tlf_table: ARD -> one section 14 table as an HTML fragment and an RTF copy."""

from pathlib import Path

import pandas as pd

from oncocsr.io import sha256_file
from oncocsr.tlf.render import footer, render_tables
from oncocsr.tlf.rtf import table_rtf
from oncocsr.tlf.tables import tables_for

params = snakemake.params
tables = tables_for(
    pd.read_parquet(snakemake.input.ard),
    snakemake.wildcards.tlf,
    p0=params.p0,
    landmarks=params.landmarks,
)
text = footer(
    sources=params.sources,
    rule="tlf_table",
    cut=params.cut,
    input_sha256=sha256_file(snakemake.input.ard),
)
Path(snakemake.output.html).write_text(
    render_tables(tables, text, Path(snakemake.scriptdir).parent / "reports"), encoding="utf-8"
)
Path(snakemake.output.rtf).write_text(table_rtf(tables, text), encoding="ascii")
