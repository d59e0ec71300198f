"""Rule tlf_tables: ARD -> every section 14 table as an HTML fragment and an RTF copy."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd

from oncocsr.atomic import write_text
from oncocsr.tlf.render import footer, render_tables
from oncocsr.tlf.rtf import table_rtf
from oncocsr.tlf.tables import tables_for

params, output = snakemake.params, snakemake.output
ard = pd.read_parquet(snakemake.input.ard)
templates = Path(snakemake.scriptdir).parent / "reports"
for tlf, html, rtf in zip(sorted(params.sources), output.html, output.rtf, strict=True):
    tables = tables_for(ard, tlf, params.settings)
    text = footer(
        sources=params.sources[tlf],
        program="scripts/tlf_tables.py",
        cut=params.cut,
        inputs={"ard": snakemake.input.ard},
    )
    write_text(html, render_tables(tables, text, templates))
    write_text(rtf, table_rtf(tables, text, study=params.study, cut=params.cut), encoding="ascii")
note(f"{len(params.sources)} tables")
