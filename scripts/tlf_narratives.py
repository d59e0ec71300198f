"""Rule tlf_narratives: ADSL, ADAE and ADEX -> the patient narratives (ICH E3 12.3.2) as the
HTML fragment of CSR section 12.3.2."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd

from oncocsr.atomic import write_text
from oncocsr.narratives import EVENT_COLUMNS, narrative_subjects, patient_narratives
from oncocsr.report import environment
from oncocsr.tlf.render import footer

params, inputs = snakemake.params, snakemake.input
data = {name: pd.read_parquet(path) for name, path in inputs.items()}
total = len(narrative_subjects(data["adsl"], data["adae"]))
narratives = patient_narratives(
    data["adsl"], data["adae"], data["adex"], arm=params.arm, limit=params.max_subjects
)
text = footer(
    sources="ADSL, ADAE, ADEX",
    program="scripts/tlf_narratives.py",
    cut=params.cut,
    inputs={name: inputs[name] for name in inputs.keys()},
)
html = (
    environment(Path(snakemake.scriptdir).parent / "reports")
    .get_template("narratives.html.j2")
    .render(
        narratives=narratives,
        total=total,
        columns=EVENT_COLUMNS,
        footer=text,
    )
)
write_text(snakemake.output.html, html)
note(f"{total} subjects need a narrative, {len(narratives)} written")
