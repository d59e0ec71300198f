"""Rule csr: ARD, TLF fragments and figures -> the clinical study report PDF."""

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from oncocsr.io import inputs_sha256
from oncocsr.report import environment, font_faces, write_pdf
from oncocsr.tlf.render import footer, render_figure, synopsis_numbers
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
contents.sort(
    key=lambda item: (tuple(int(p) for p in item["tlf_id"].split(".")), item["kind"] != "Table")
)
for number, item in enumerate(contents):
    item["anchor"] = f"tlf-{number}"

html = (
    environment(templates)
    .get_template("csr.html.j2")
    .render(
        study=params.study,
        cut=cut,
        pipeline=params.pipeline,
        synopsis=synopsis_numbers(ard, params.design, params.window_days),
        contents=contents,
        fonts=font_faces(),
        css=Markup((templates / "csr.css").read_text(encoding="utf-8")),
    )
)
epoch = int(pd.Timestamp(cut["cutoff"]).timestamp())
write_pdf(html, snakemake.output[0], base_dir=templates, allowed_roots=[templates], epoch=epoch)
