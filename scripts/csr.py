"""Rule csr: ARD, TLF fragments, figures, narratives and the audit annex -> the clinical study
report PDF/A-3b (ICH E3 sections 1 to 16)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd
from markupsafe import Markup
from pypdf import PdfReader

from oncocsr.csrdoc import render_csr, tlf_contents
from oncocsr.hashing import sha256_file
from oncocsr.report import write_pdf
from oncocsr.tlf.catalog import FIGURES, TABLES
from oncocsr.tlf.render import footer, page_frame, render_figure
from oncocsr.tlf.tables.baseline import ENROLMENT

params, inputs = snakemake.params, snakemake.input
templates = Path(snakemake.scriptdir).parent / "reports"
ard = pd.read_parquet(inputs.ard)
settings = params.settings
figures = {}
for path, (stem, spec) in zip(inputs.figures, FIGURES.items(), strict=True):
    text = footer(
        sources=TABLES.get(spec["row"]) or ", ".join(name.upper() for name in spec["sources"]),
        program=f"scripts/{spec['rule']}.py",
        cut=params.cut,
        inputs={name: inputs[name] for name in spec["sources"]},
    )
    figures[stem] = (
        spec,
        render_figure(
            tlf_id=spec["tlf_id"],
            title=spec["title"],
            population=spec["population"],
            svg=Path(path).read_bytes(),
            note=spec["note"],
            footer_text=text,
            template_dir=templates,
        ),
    )
contents = tlf_contents(
    ard,
    settings,
    tables={Path(path).stem: path for path in inputs.tables},
    figures=figures,
    listings={Path(path).stem: path for path in inputs.listings},
)
grade = settings["safety"]["grade"]
html = render_csr(
    ard=ard,
    contents=contents,
    settings=settings,
    frame=page_frame(
        study=params.study, cut=params.cut, pipeline=params.pipeline, template_dir=templates
    ),
    template_dir=templates,
    enrolment=f"Enrolled subjects: {ENROLMENT[settings['populations']['enrolled']]}.",
    grade_scale=grade["scale"] if grade["source"] == "AETOXGR" else "severity (AESEV)",
    aesi=settings["safety"]["aesi"],
    domains=params.domains,
    report_date=params.study["report_date"] or params.cut["cutoff"],
    narratives=Markup(Path(inputs.narratives).read_text(encoding="utf-8")),
    audit={
        "name": f"appendices/{Path(inputs.audit).name}",
        "sha256": sha256_file(inputs.audit),
        "pages": len(PdfReader(inputs.audit).pages),
    },
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
