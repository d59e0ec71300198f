"""TLF fragments (HTML) and the CSR document, rendered with Jinja2 from ARD-based models."""

from __future__ import annotations

import base64
import hashlib
import re
import textwrap
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from oncocsr.ard import TOTAL, ResultLookup
from oncocsr.conduct import date_of_sas
from oncocsr.hashing import inputs_sha256, sha256_file
from oncocsr.report import environment, font_faces, write_pdf
from oncocsr.tlf.listings import Listing
from oncocsr.tlf.tables import Table, display_units, fmt_ci_text, fmt_number, fmt_p, groups
from oncocsr.tlf.tables.hypothesis import NO_TEST, hypothesis_decision_text, primary_conclusion

# Characters of a sha256 that a footnote shows: enough to tell files apart at a glance; the full
# hashes are in provenance.json.
SHORT_HASH = 12


def input_files(inputs: dict[str, str | list[str]]) -> list[tuple[str, str]]:
    """What a TLF footnote hashes, by a name a reviewer can find among the cut's products: a
    file by its name ("ard.parquet"), several files of one kind by their folder and pattern
    ("checks/*.json, 13 files") with the sha256 of their sha256s (oncocsr.hashing.inputs_sha256)."""
    named = []
    for paths in inputs.values():
        if isinstance(paths, str | Path):
            named.append((Path(paths).name, sha256_file(paths)))
            continue
        files = [Path(path) for path in paths]
        suffixes = sorted({path.suffix for path in files})
        pattern = f"{files[0].parent.name}/*{suffixes[0] if len(suffixes) == 1 else ''}"
        named.append((f"{pattern}, {len(files)} files, combined", inputs_sha256(files)))
    return named


def footer(*, sources: str, program: str, cut: dict, inputs: dict[str, str | list[str]]) -> str:
    """The provenance line every TLF carries (SAP section 7): its source datasets, the files it
    is made from, each with the start of its sha256 (:func:`input_files`), the program that
    made it (e.g. scripts/tlf_tables.py) and the data cut."""
    files = ", ".join(
        f"{name} (sha256 {sha256[:SHORT_HASH]}…)" for name, sha256 in input_files(inputs)
    )
    return (
        f"Source datasets: {sources}. Input files: {files}. Program: {program}. "
        f"Data cut: {cut['name']} (cutoff {cut['cutoff']})."
    )


def render_tables(tables: list[Table], footer_text: str, template_dir: str | Path) -> str:
    template = environment(template_dir).get_template("table.html.j2")
    # Several tables under one id (one per analysis set) name their set in the title, so that
    # bookmarks and "(continued)" headers tell them apart.
    several = len(tables) > 1
    return "\n".join(
        template.render(table=table, footer=footer_text, qualify=several) for table in tables
    )


def render_figure(
    *,
    tlf_id: str,
    title: str,
    population: str,
    svg: bytes,
    note: str,
    footer_text: str,
    template_dir: str | Path,
) -> str:
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    template = environment(template_dir).get_template("figure.html.j2")
    return template.render(
        tlf_id=tlf_id, title=title, population=population, src=src, note=note, footer=footer_text
    )


class NarrativeNumbers:
    """ARD values for the CSR's text (synopsis, sections 9 to 12), formatted. Each number is
    of one group: the one given, else the lead group of the analysis (Total where the study
    pools its arms, else its only or first arm). A number that is not in the ARD is an error, so
    the text can only state what the ARD holds; ``has`` tells the text whether an analysis
    exists (e.g. no duration of response without responders)."""

    def __init__(self, ard: pd.DataFrame):
        self._value = ResultLookup(ard)
        self._ard = ard

    def groups(self, analysis: str) -> list[str]:
        """Groups of an analysis in display order (arms, then Total)."""
        return groups(self._ard, analysis)

    def arms(self, analysis: str) -> list[str]:
        """The arms of an analysis, without a pooled Total."""
        return [group for group in self.groups(analysis) if group != TOTAL]

    def _group(self, analysis: str, group: str | None) -> str:
        if group is not None:
            return group
        names = self.groups(analysis)
        return TOTAL if TOTAL in names else (names[0] if names else "")

    def has(self, analysis: str, variable: str, stat: str = "n", group: str | None = None):
        return self._value.has(analysis, self._group(analysis, group), variable, stat)

    def collected(self, item: str) -> bool:
        return self._value.collected(item)

    def value(self, analysis: str, variable: str, stat: str, group: str | None = None):
        return self._value(analysis, self._group(analysis, group), variable, stat)

    def n(self, analysis: str, variable: str, stat: str = "n", group: str | None = None) -> str:
        number = self.value(analysis, variable, stat, group)
        return "NE" if number is None else f"{number:.0f}"

    def level_n(self, analysis: str, variable: str, group: str | None = None) -> str:
        """Subjects at one level of a categorical summary (e.g. DISPOSITION "DTHFL=Y"): the ARD
        holds a row only for the levels a group has, so a level it lacks counts 0 there."""
        group = self._group(analysis, group)
        return (
            self.n(analysis, variable, group=group)
            if self.has(analysis, variable, "n", group)
            else "0"
        )

    def num(
        self, analysis: str, variable: str, stat: str, digits: int = 1, group: str | None = None
    ) -> str:
        return fmt_number(self.value(analysis, variable, stat, group), digits)

    def pct(
        self, analysis: str, variable: str, stat: str, digits: int = 1, group: str | None = None
    ) -> str:
        """A proportion (0 to 1) in the ARD, as a percentage."""
        number = self.value(analysis, variable, stat, group)
        return fmt_number(None if number is None else 100 * number, digits)

    def ci(
        self,
        analysis: str,
        variable: str,
        level: str,
        group: str | None = None,
        percent: bool = False,
        stats: tuple[str, str, str] = ("estimate", "lcl", "ucl"),
        unit: str = "",
    ) -> str:
        """An estimate with its confidence interval in running text, in the one CI format of
        the tables (fmt_ci_text: "20.9% (95% CI 10.0, 36.0)"); ``percent`` for proportions."""
        scale = 100 if percent else 1
        values = (self.value(analysis, variable, stat, group) for stat in stats)
        estimate, lcl, ucl = (None if v is None else scale * v for v in values)
        return fmt_ci_text(estimate, lcl, ucl, level, "%" if percent else unit)

    def p(self, analysis: str, variable: str, stat: str = "p_value", group: str | None = None):
        return fmt_p(self.value(analysis, variable, stat, group))

    def date(self, analysis: str, variable: str, stat: str, group: str | None = None) -> str:
        """A date the ARD holds as a SAS date number (oncocsr.conduct), as ISO 8601; "not
        collected" when missing."""
        return date_of_sas(self.value(analysis, variable, stat, group)) or "not collected"

    def conclusion(self, design: dict | None, level: str, group: str | None = None) -> str:
        """The primary hypothesis concluded in words (SAP section 7; oncocsr.tlf.tables.
        hypothesis): stage-1 decision, responders against r, naive and design-adjusted
        inference, or "no hypothesis test" without a design."""
        group = self._group("SIMON-FAS" if design else "ORR-FAS", group)
        return primary_conclusion(self._value, group, design, level)

    def decision(self, design: dict | None, group: str | None = None) -> str:
        """Responders against r and H0 rejected or not, in one sentence (SAP section 7)."""
        if not design:
            return NO_TEST
        group = self._group("SIMON-FAS", group)
        return hypothesis_decision_text(self._value, group, design["p0"])


def page_frame(*, study: dict, cut: dict, pipeline: dict, template_dir: str | Path) -> dict:
    """What every document of the report (CSR and appendices) needs from base.html.j2."""
    css = (Path(template_dir) / "csr.css").read_text(encoding="utf-8")
    return {
        "study": study,
        "cut": cut,
        "pipeline": pipeline,
        "fonts": font_faces(),
        "css": Markup(css),
    }


# A4 landscape text width (297 mm less two 15 mm margins, reports/csr.css) in characters of
# DejaVu Sans Mono at 7 pt, every glyph of which advances 0.602 em; two to spare.
LISTING_CHARS = int((297 - 2 * 15) / 25.4 * 72 / (0.602 * 7)) - 2
# Blanks between columns.
GAP = 2
# No column is widened beyond this to keep its longest word whole.
LONGEST_WORD = 24


def column_widths(columns: list[str], rows: list[list[str]], total: int) -> list[int]:
    """Character widths of a fixed-width listing's columns, GAP blanks between them: every
    value on one line when they fit; else each column gets its longest word (headers included,
    up to LONGEST_WORD) and the rest goes to the columns in proportion to what they still lack."""
    cells = [[header, *(row[i] for row in rows)] for i, header in enumerate(columns)]
    longest = [max(len(value) for value in column) for column in cells]
    budget = total - GAP * (len(columns) - 1)
    if sum(longest) <= budget:
        return longest
    words = [
        min(LONGEST_WORD, max(len(word) for value in column for word in value.split() or [""]))
        for column in cells
    ]
    widths = [max(1, word) for word in words]
    if sum(widths) > budget:
        widths = [max(1, width * budget // sum(widths)) for width in widths]
    lack = [max(0, full - width) for full, width in zip(longest, widths, strict=True)]
    spare = budget - sum(widths)
    if spare > 0 and sum(lack):
        share = [spare * need // sum(lack) for need in lack]
        widths = [width + extra for width, extra in zip(widths, share, strict=True)]
        # What rounding left over goes to the columns that lack the most, in column order.
        for i in sorted(range(len(lack)), key=lambda i: -lack[i])[: budget - sum(widths)]:
            widths[i] += 1
    return widths


# Unicode's bidi isolates (UAX #9, FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE): a value
# between them takes its direction from its own first letter and cannot move its neighbours.
# A row is one line of text, so without them a Hebrew or Arabic term pulled the numbers beside
# it into its right-to-left run and the end date was drawn before the start date.
FSI, PDI = "\u2068", "\u2069"


def fixed_width(values: list[str], widths: list[int]) -> str:
    """One listing row as lines of text: each value wrapped to its column's width and isolated
    (FSI ... PDI, which take no room) so that right-to-left text cannot reorder the columns."""
    wrapped = [
        textwrap.wrap(value, width, break_long_words=True, break_on_hyphens=False) or [""]
        for value, width in zip(values, widths, strict=True)
    ]
    lines = max(len(cell) for cell in wrapped)
    return "\n".join(
        (" " * GAP)
        .join(
            _isolated(cell[i] if i < len(cell) else "", width)
            for cell, width in zip(wrapped, widths, strict=True)
        )
        .rstrip()
        for i in range(lines)
    )


def _isolated(text: str, width: int) -> str:
    return f"{FSI}{text}{PDI}{' ' * (width - len(text))}" if text else " " * width


def render_listing(
    listing: Listing,
    *,
    footer_text: str,
    template_dir: str | Path,
    max_rows: int | None = None,
    appendix: dict | None = None,
    attached: dict | None = None,
) -> str:
    """A listing as an HTML fragment; with ``appendix`` (name, pages, sha256, csv) the fragment
    only refers to the separate PDF that holds the rows; with ``attached`` (name, sha256,
    max_rows) it says that the rows are in a CSV file attached to the PDF."""
    header, lines = "", []
    if not (appendix or attached):
        # Fixed-width text, one table cell per record: WeasyPrint lays out a cell in about a
        # millisecond, so a listing as one cell per value took five times as long.
        # Units typeset in the column titles only: data values are listed as recorded.
        columns = [display_units(column) for column in listing.columns]
        widths = column_widths(columns, listing.rows, LISTING_CHARS)
        header = fixed_width(columns, widths)
        lines = [fixed_width(row, widths) for row in listing.rows]
    return (
        environment(template_dir)
        .get_template("listing.html.j2")
        .render(
            listing=listing,
            header=header,
            lines=lines,
            footer=footer_text,
            max_rows=max_rows,
            appendix=appendix,
            attached=attached,
        )
    )


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula
# (=HYPERLINK(...) sends data away, =cmd|... runs a program): OWASP's list for CSV injection, the
# equals, plus, minus and at signs, tab, carriage return and line feed.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A cell that is nothing but a decimal number cannot call anything, so it is left alone: a study
# day of -12 or a change of -12.5 stays a number in the spreadsheet and in any CSV reader, rather
# than becoming the text "'-12.5". Only the whole cell counts: "-1+2" and "-2+3+cmd|..." are
# formulas and are neutralised.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def neutral_cell(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet runs as a formula: one that starts with a
    formula character (FORMULA_START) gets a leading single quote, as OWASP recommends, unless
    it is a plain number (PLAIN_NUMBER)."""
    if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def listing_csv(listing: Listing) -> bytes:
    """A listing's rows as CSV (UTF-8, header of column titles, the listing's row order), each
    value neutralised against formula injection (:func:`neutral_cell`).

    Lines end in CRLF, as RFC 4180 has it: the csv writer quotes a value holding any character
    of the line break, so a carriage return inside a value (which it left unquoted after LF
    line breaks) can no longer start a new row, whose first cell would be a formula."""
    rows = [[neutral_cell(value) for value in row] for row in listing.rows]
    frame = pd.DataFrame(rows, columns=listing.columns)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def write_listing_appendix(
    listing: Listing,
    output: str | Path,
    *,
    footer_text: str,
    frame: dict,
    template_dir: str | Path,
    epoch: int,
    max_rows: int,
) -> dict:
    """A listing as its own landscape PDF/A appendix (SAP 7); returns its name, pages, sha256 and
    the name of the attached CSV, if any.

    WeasyPrint lays out a few hundred listing records a second, so the AE listing of a
    100,000-subject study (a million records, some 50,000 pages) would take most of an hour and
    make a PDF nobody could page through. A listing longer than ``max_rows``
    (report.appendix_max_rows) is therefore a cover page, and its rows travel, complete, as a
    CSV file attached to that PDF (PDF/A-3 embeds data files)."""
    attachments, csv, attached = {}, None, None
    if len(listing.rows) > max_rows:
        data = listing_csv(listing)
        csv = f"{Path(output).stem}.csv"
        attachments[csv] = (data, f"Listing {listing.tlf_id}: all {len(listing.rows)} rows")
        attached = {"name": csv, "sha256": hashlib.sha256(data).hexdigest(), "max_rows": max_rows}
    html = render_listing(
        listing, footer_text=footer_text, template_dir=template_dir, attached=attached
    )
    pages = write_pdf(
        render_appendix(html, tlf_id=listing.tlf_id, frame=frame, template_dir=template_dir),
        output,
        base_dir=template_dir,
        allowed_roots=[Path(template_dir)],
        epoch=epoch,
        attachments=attachments,
    )
    return {"name": Path(output).name, "pages": pages, "sha256": sha256_file(output), "csv": csv}


def render_appendix(listing_html: str, *, tlf_id: str, frame: dict, template_dir) -> str:
    """A whole HTML document holding one listing on landscape pages."""
    return (
        environment(template_dir)
        .get_template("appendix.html.j2")
        .render(tlf_id=tlf_id, listing=Markup(listing_html), **frame)
    )
