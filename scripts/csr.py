"""Rule csr: ARD, TLF fragments and figures -> the clinical study report PDF."""

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from oncocsr.checks import read_findings
from oncocsr.io import inputs_sha256
from oncocsr.report import environment, font_faces, write_pdf
from oncocsr.tlf.render import data_issues_listing, footer, render_figure, synopsis_numbers
from oncocsr.tlf.tables import TITLES

params = snakemake.params
templates = Path(params.templates)
cut = params.cut
ard = pd.read_parquet(snakemake.input.ard)

contents = []
for path in snakemake.input.tables:
    tlf = Path(path).stem
    body = Markup(Path(path).read_text(encoding="utf-8"))
    contents.append({"kind": "Table", "tlf_id": tlf, "title": TITLES[tlf], "body": body})
for path in snakemake.input.figures:
    tlf = Path(path).stem
    spec = params.figures[tlf]
    body = render_figure(
        tlf_id=tlf,
        title=f"{spec['label']}: Kaplan-Meier curve",
        population="Full analysis set",
        svg=Path(path).read_bytes(),
        note="Vertical ticks: censored observations; band: pointwise 95% CI; dotted: median.",
        footer_text=footer(
            sources="ADTTE, ARD",
            rule="tlf_km_figure",
            cut=cut,
            input_sha256=inputs_sha256([snakemake.input.adtte, snakemake.input.ard]),
        ),
        template_dir=templates,
    )
    contents.append({"kind": "Figure", "tlf_id": tlf, "title": spec["label"], "body": Markup(body)})
_, findings = read_findings(snakemake.input.checks)
listing = data_issues_listing(
    findings,
    max_rows=params.listing_max_rows,
    footer_text=footer(
        sources="data checks",
        rule="checks_report",
        cut=cut,
        input_sha256=inputs_sha256(snakemake.input.checks),
    ),
    template_dir=templates,
)
contents.append(
    {
        "kind": "Listing",
        "tlf_id": "16.2.4",
        "title": "Data issues found by the data checks",
        "body": Markup(listing),
    }
)
contents.sort(
    key=lambda item: (tuple(int(p) for p in item["tlf_id"].split(".")), item["kind"] != "Table")
)
for number, item in enumerate(contents):
    item["anchor"] = f"tlf-{number}"
sections = [
    {"anchor": "section-14", "title": "14 Tables and figures", "prefix": "14."},
    {"anchor": "section-16", "title": "16.2 Listings", "prefix": "16."},
]
for section in sections:
    section["entries"] = [item for item in contents if item["tlf_id"].startswith(section["prefix"])]

html = (
    environment(templates)
    .get_template("csr.html.j2")
    .render(
        study=params.study,
        cut=cut,
        pipeline=params.pipeline,
        synopsis=synopsis_numbers(ard, params.design, params.window_days),
        sections=sections,
        fonts=font_faces(),
        css=Markup((templates / "csr.css").read_text(encoding="utf-8")),
    )
)
epoch = int(pd.Timestamp(cut["cutoff"]).timestamp())
write_pdf(html, snakemake.output[0], base_dir=templates, allowed_roots=[templates], epoch=epoch)
