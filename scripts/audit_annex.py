"""Rule audit_annex: provenance, data-check findings and gates -> appendices/audit.pdf, the
audit trail of the cut that section 16.1 of the CSR refers to (PDF/A-3b, provenance attached)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import json
from pathlib import Path

import pandas as pd

from oncocsr.csrdoc import render_audit
from oncocsr.findings import read_findings
from oncocsr.report import write_pdf
from oncocsr.tlf.render import page_frame
from oncocsr.waivers import describe

params, inputs = snakemake.params, snakemake.input
templates = Path(snakemake.scriptdir).parent / "reports"
provenance = json.loads(Path(inputs.provenance).read_text(encoding="utf-8"))
summaries, _ = read_findings(inputs.checks)
# Both gates' waivers: the data checks' and the ADaM conformance checks' (one waiver file).
gates = [
    json.loads(Path(path).read_text(encoding="utf-8")) for path in (inputs.gate, inputs.adam_gate)
]
html = render_audit(
    provenance=provenance,
    rule_graph=params.rule_graph,
    checks=summaries,
    waivers=[{**w, "description": describe(w)} for gate in gates for w in gate["waivers"]],
    waiver_file=gates[0]["waiver_file"],
    frame=page_frame(
        study=params.study, cut=params.cut, pipeline=params.pipeline, template_dir=templates
    ),
    template_dir=templates,
)
pages = write_pdf(
    html,
    snakemake.output[0],
    base_dir=templates,
    allowed_roots=[templates],
    epoch=int(pd.Timestamp(params.cut["cutoff"]).timestamp()),
    attachments={
        "provenance.json": (Path(inputs.provenance).read_bytes(), "Provenance of this data cut")
    },
)
note(f"audit annex of cut {params.cut['name']}: {pages} pages")
