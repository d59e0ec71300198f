"""Rule tlf_km_figure: ADTTE (curve) and ARD (numbers at risk, median) -> KM figure as SVG."""

import pandas as pd

from oncocsr.tlf.figures import km_figure

spec = snakemake.params.spec
svg = km_figure(
    pd.read_parquet(snakemake.input.adtte),
    pd.read_parquet(snakemake.input.ard),
    paramcd=spec["paramcd"],
    label=spec["label"],
    conf_level=snakemake.params.conf_level,
)
with open(snakemake.output[0], "wb") as handle:
    handle.write(svg)
