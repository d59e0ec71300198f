"""Rule tlf_listing: ADaM (or data-check results) -> one section 16.2 listing: the CSR fragment
and the listing as its own landscape PDF appendix, which the fragment refers to when the listing
is longer than report.listing_max_rows."""

from pathlib import Path

import pandas as pd

from oncocsr.findings import read_findings
from oncocsr.io import inputs_sha256, sha256_file
from oncocsr.report import write_pdf
from oncocsr.tlf import listings
from oncocsr.tlf.render import footer, page_frame, render_appendix, render_listing

params, inputs, tlf = snakemake.params, snakemake.input, snakemake.wildcards.listing
templates = Path(snakemake.scriptdir).parent / "reports"
data = {name: pd.read_parquet(inputs[name]) for name in inputs.keys() if name != "checks"}
listing = {
    "16.2.1": lambda: listings.tumour_response_listing(data["adrs"], data["adtr"]),
    "16.2.2": lambda: listings.adverse_event_listing(data["adae"]),
    "16.2.3": lambda: listings.deaths_listing(data["adsl"], data["adae"]),
    "16.2.4": lambda: listings.data_issues_listing(read_findings(inputs.checks)[1]),
}[tlf]()
sources = "data checks" if tlf == "16.2.4" else ", ".join(name.upper() for name in data)
text = footer(
    sources=sources, rule="tlf_listing", cut=params.cut, input_sha256=inputs_sha256(inputs)
)
frame = page_frame(
    study=params.study, cut=params.cut, pipeline=params.pipeline, template_dir=templates
)
full = render_listing(listing, footer_text=text, template_dir=templates)
pages = write_pdf(
    render_appendix(full, tlf_id=tlf, frame=frame, template_dir=templates),
    snakemake.output.appendix,
    base_dir=templates,
    allowed_roots=[templates],
    epoch=int(pd.Timestamp(params.cut["cutoff"]).timestamp()),
)
if len(listing.rows) > params.max_rows:
    appendix = {
        "name": Path(snakemake.output.appendix).name,
        "pages": pages,
        "sha256": sha256_file(snakemake.output.appendix),
    }
    full = render_listing(
        listing,
        footer_text=text,
        template_dir=templates,
        max_rows=params.max_rows,
        appendix=appendix,
    )
Path(snakemake.output.html).write_text(full, encoding="utf-8")
