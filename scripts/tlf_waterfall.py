"""Rule tlf_waterfall: ADTR and ADRS -> waterfall and spider plots (figure 14.2.8) as SVG."""

import pandas as pd

from oncocsr.tlf.figures import spider_figure, waterfall_figure

adtr = pd.read_parquet(snakemake.input.adtr)
adrs = pd.read_parquet(snakemake.input.adrs)
outputs = {snakemake.output.waterfall: waterfall_figure, snakemake.output.spider: spider_figure}
for path, figure in outputs.items():
    with open(path, "wb") as handle:
        handle.write(figure(adtr, adrs))
