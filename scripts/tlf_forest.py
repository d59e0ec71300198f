"""Rule tlf_forest: ARD (ORR by subgroup, ORR of the FAS) -> forest plot (figure 14.2.2) as SVG."""

import pandas as pd

from oncocsr.tlf.figures import forest_figure

svg = forest_figure(pd.read_parquet(snakemake.input.ard), p0=snakemake.params.p0)
with open(snakemake.output[0], "wb") as handle:
    handle.write(svg)
