"""Rule tlf_response_figures: ADTR, ADRS, ADSL and ADTTE -> the waterfall, spider and swimmer
plots (figure 14.2.8) as SVG."""

import pandas as pd

from oncocsr.tlf.figures import spider_figure, swimmer_figure, waterfall_figure

data = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
output = snakemake.output
svgs = {
    output.waterfall: waterfall_figure(data["adtr"], data["adrs"]),
    output.spider: spider_figure(data["adtr"], data["adrs"]),
    output.swimmer: swimmer_figure(data["adsl"], data["adrs"], data["adtte"]),
}
for path, svg in svgs.items():
    with open(path, "wb") as handle:
        handle.write(svg)
