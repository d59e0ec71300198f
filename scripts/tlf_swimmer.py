"""Rule tlf_swimmer: ADSL, ADRS and ADTTE -> swimmer plot (figure 14.2.8) as SVG."""

import pandas as pd

from oncocsr.tlf.figures import swimmer_figure

svg = swimmer_figure(
    pd.read_parquet(snakemake.input.adsl),
    pd.read_parquet(snakemake.input.adrs),
    pd.read_parquet(snakemake.input.adtte),
)
with open(snakemake.output[0], "wb") as handle:
    handle.write(svg)
