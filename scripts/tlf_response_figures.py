"""Rule tlf_response_figures: ADTR, ADRS, ADSL and ADTTE -> the waterfall, spider and swimmer
plots (figure 14.2.8) as SVG, one panel or group per arm."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.atomic import write_bytes
from oncocsr.tlf.figures import spider_figure, swimmer_figure, waterfall_figure

data = {name: pd.read_parquet(path) for name, path in snakemake.input.items()}
output, arm = snakemake.output, snakemake.params.arms["variable"]
svgs = {
    output.waterfall: waterfall_figure(data["adtr"], data["adrs"], arm),
    output.spider: spider_figure(
        data["adtr"], data["adrs"], arm, reference_start=snakemake.params.reference_start
    ),
    output.swimmer: swimmer_figure(data["adsl"], data["adrs"], data["adtte"], arm),
}
for path, svg in svgs.items():
    write_bytes(path, svg)
note(f"{len(svgs)} figures")
