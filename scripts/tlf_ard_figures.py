"""Rule tlf_ard_figures: ADTTE (curves) and ARD (numbers at risk, medians, ORR by subgroup) ->
the KM figures (14.2.5 PFS, 14.2.7 OS) and the forest plot (14.2.2) as SVG."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import pandas as pd

from oncocsr.atomic import write_bytes
from oncocsr.tlf.figures import forest_figure, km_figure

params, output = snakemake.params, snakemake.output
adtte, ard = pd.read_parquet(snakemake.input.adtte), pd.read_parquet(snakemake.input.ard)
svgs = {
    path: km_figure(
        adtte,
        ard,
        paramcd=params.figures[tlf]["paramcd"],
        label=params.figures[tlf]["label"],
        conf_level=params.conf_level,
        reference_start=params.reference_start,
    )
    for tlf, path in zip(sorted(params.figures), output.km, strict=True)
}
svgs[output.forest] = forest_figure(ard, subgroups=params.subgroups, design=params.design)
for path, svg in svgs.items():
    write_bytes(path, svg)
note(f"{len(svgs)} figures")
