"""Rule tlf_km_figures: ADTTE (curves) and ARD (numbers at risk, medians) -> the KM figures
(14.2.5 PFS, 14.2.7 OS) as SVG."""

import pandas as pd

from oncocsr.tlf.figures import km_figure

adtte, ard = pd.read_parquet(snakemake.input.adtte), pd.read_parquet(snakemake.input.ard)
figures = snakemake.params.figures
for tlf, path in zip(sorted(figures), snakemake.output, strict=True):
    svg = km_figure(
        adtte,
        ard,
        paramcd=figures[tlf]["paramcd"],
        label=figures[tlf]["label"],
        conf_level=snakemake.params.conf_level,
    )
    with open(path, "wb") as handle:
        handle.write(svg)
