"""Rule tlf_listing: ADaM (or data-check results) -> one section 16.2 listing: the CSR fragment
and the listing as its own landscape PDF appendix, which the fragment refers to when the listing
is longer than report.listing_max_rows."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

import pandas as pd

from oncocsr.atomic import write_text
from oncocsr.findings import read_findings
from oncocsr.tlf import listings
from oncocsr.tlf.render import footer, page_frame, render_listing, write_listing_appendix
from oncocsr.tlf.tables.safety import grade_text

params, inputs, tlf = snakemake.params, snakemake.input, snakemake.wildcards.listing
templates = Path(snakemake.scriptdir).parent / "reports"
data = {
    name: pd.read_parquet(inputs[name]) for name in inputs.keys() if name not in ("checks", "gate")
}
listing = {
    "16.2.1": lambda: listings.tumour_response_listing(
        data["adrs"], data["adtr"], params.settings["response"]
    ),
    "16.2.2": lambda: listings.adverse_event_listing(data["adae"], grade_text(params.settings)),
    "16.2.3": lambda: listings.deaths_listing(
        data["adsl"], data["adae"], params.settings["safety"]["teae_window_days"]
    ),
    "16.2.4": lambda: listings.data_issues_listing(
        read_findings(inputs.checks)[1], gate=inputs.gate
    ),
}[tlf]()
sources = "SDTM (data checks)" if tlf == "16.2.4" else ", ".join(name.upper() for name in data)
text = footer(
    sources=sources,
    program="scripts/tlf_listing.py",
    cut=params.cut,
    inputs={name: inputs[name] for name in inputs.keys()},
)
appendix = write_listing_appendix(
    listing,
    snakemake.output.appendix,
    footer_text=text,
    frame=page_frame(
        study=params.study, cut=params.cut, pipeline=params.pipeline, template_dir=templates
    ),
    template_dir=templates,
    epoch=int(pd.Timestamp(params.cut["cutoff"]).timestamp()),
    max_rows=params.appendix_max_rows,
)
inline = len(listing.rows) <= params.max_rows
write_text(
    snakemake.output.html,
    render_listing(
        listing,
        footer_text=text,
        template_dir=templates,
        max_rows=params.max_rows,
        appendix=None if inline else appendix,
    ),
)
note(f"listing {tlf}: {len(listing.rows)} rows, appendix {appendix['pages']} pages")
