"""Rule csr: ARD, TLF fragments, figures and provenance -> the clinical study report PDF/A-3b."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

import json
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from oncocsr.findings import read_findings
from oncocsr.hashing import inputs_sha256
from oncocsr.report import environment, write_pdf
from oncocsr.tlf.catalog import FIGURES
from oncocsr.tlf.render import NarrativeNumbers, footer, page_frame, render_figure
from oncocsr.tlf.tables import TITLES
from oncocsr.tlf.tables.baseline import ENROLMENT
from oncocsr.waivers import describe

params, inputs = snakemake.params, snakemake.input
templates = Path(snakemake.scriptdir).parent / "reports"
ard = pd.read_parquet(inputs.ard)
provenance = json.loads(Path(inputs.provenance).read_text(encoding="utf-8"))


def fragment(kind, tlf_id, title, body, stem=None, order=0):
    return {
        "kind": kind,
        "tlf_id": tlf_id,
        "title": title,
        "body": Markup(body),
        "order": order,
        "anchor": f"{kind.lower()}-{stem or tlf_id}",
    }


def read(path):
    return Path(path).read_text(encoding="utf-8")


contents = [fragment("Table", Path(p).stem, TITLES[Path(p).stem], read(p)) for p in inputs.tables]
contents += [
    fragment("Listing", Path(p).stem, TITLES[Path(p).stem], read(p)) for p in inputs.listings
]
for order, (path, (stem, spec)) in enumerate(zip(inputs.figures, FIGURES.items(), strict=True)):
    text = footer(
        sources=", ".join(name.upper() for name in spec["sources"]),
        rule=spec["rule"],
        cut=params.cut,
        input_sha256=inputs_sha256([inputs[name] for name in spec["sources"]]),
    )
    body = render_figure(
        tlf_id=spec["tlf_id"],
        title=spec["title"],
        population=spec["population"],
        svg=Path(path).read_bytes(),
        note=spec["note"],
        footer_text=text,
        template_dir=templates,
    )
    contents.append(fragment("Figure", spec["tlf_id"], spec["title"], body, stem, order))
kinds = {"Table": 0, "Figure": 1, "Listing": 2}
contents.sort(
    key=lambda item: (
        tuple(map(int, item["tlf_id"].split("."))),
        kinds[item["kind"]],
        item["order"],
    )
)
summaries, _ = read_findings(inputs.checks)
settings = params.settings
# Both gates' waivers: the data checks' and the ADaM conformance checks' (one waiver file).
gates = [
    json.loads(Path(path).read_text(encoding="utf-8")) for path in (inputs.gate, inputs.adam_gate)
]
grade = settings["safety"]["grade"]
html = (
    environment(templates)
    .get_template("csr.html.j2")
    .render(
        numbers=NarrativeNumbers(ard),
        settings=settings,
        enrolment=f"Enrolled subjects: {ENROLMENT[settings['populations']['enrolled']]}.",
        grade_scale=grade["scale"] if grade["source"] == "AETOXGR" else "severity (AESEV)",
        aesi=settings["safety"]["aesi"],
        waivers=[{**w, "description": describe(w)} for gate in gates for w in gate["waivers"]],
        waiver_file=gates[0]["waiver_file"],
        section14=[item for item in contents if item["tlf_id"].startswith("14.")],
        section16=[item for item in contents if item["tlf_id"].startswith("16.")],
        provenance=provenance,
        rule_graph=params.rule_graph,
        checks=summaries,
        **page_frame(
            study=params.study, cut=params.cut, pipeline=params.pipeline, template_dir=templates
        ),
    )
)
write_pdf(
    html,
    snakemake.output[0],
    base_dir=templates,
    allowed_roots=[templates],
    epoch=int(pd.Timestamp(params.cut["cutoff"]).timestamp()),
    attachments={
        "provenance.json": (Path(inputs.provenance).read_bytes(), "Provenance of this data cut"),
        "ard.parquet": (Path(inputs.ard).read_bytes(), "Analysis Results Data of this report"),
    },
)
note(f"CSR of cut {params.cut['name']}: {len(contents)} TLFs")
