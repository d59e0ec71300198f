"""RTF copies of section 14 tables for submission packages (SAP section 7), laid out like the
PDF: A4 with the margins of reports/csr.css, a running title (study, data cut, table id and
title) and "Page x of y" on every page, the column header rows repeated on each page, and arm
labels spanning their columns as in the HTML tables.

The RTF is written here rather than with rtflite: rtflite breaks pages itself after a fixed
number of rows, whatever those rows wrap to, and marks no row as a header row, so a word
processor could neither repeat the headers nor move a page break. Here the word processor
paginates; Word repeats the rows marked ``\\trhdr`` (LibreOffice 7.4 ignores that mark when it
imports RTF, and shows the header once).

Section 14 tables are portrait pages in the PDF (only the section 16.2 listings are landscape, and
they have no RTF copy), so the RTF pages are A4 portrait.

Every text is escaped (:func:`rtf_escape`), so data values stay text.
"""

from __future__ import annotations

from typing import NamedTuple

from oncocsr.tlf.tables import Table

TWIPS_PER_MM = 1440 / 25.4
# A4 portrait and the @page margins (top, right, bottom, left) of reports/csr.css, in mm.
PAGE_MM = (210, 297)
MARGINS_MM = (24, 18, 20, 18)
# Header and footer from the page edge, in millimetres: inside the top and bottom margins.
HEADER_MM, FOOTER_MM = 10, 10
# Relative widths of the label column and of each value column, as in the HTML tables.
LABEL_WIDTH, VALUE_WIDTH = 3.0, 1.2
# Font sizes in half-points: body and headers 8.5 pt, running titles and footnotes 7.5 pt.
TEXT_SIZE, SMALL_SIZE = 17, 15
RULE = "\\brdrs\\brdrw10"
PAGE_FIELD = "{\\field{\\*\\fldinst PAGE }{\\fldrslt 1}}"
PAGES_FIELD = "{\\field{\\*\\fldinst NUMPAGES }{\\fldrslt 1}}"


def rtf_escape(text: str) -> str:
    """Backslash and braces are RTF control characters; escape them so text stays text. Other
    characters beyond ASCII become RTF Unicode escapes (signed 16-bit UTF-16 code units, with
    "?" for readers without Unicode)."""
    text = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        units = char.encode("utf-16-be")
        for i in range(0, len(units), 2):
            unit = int.from_bytes(units[i : i + 2], "big", signed=True)
            out.append(f"\\u{unit}?")
    return "".join(out)


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def page_setup() -> tuple[str, int]:
    """The document's paper size and margins (A4 as the PDF; 210 mm is Word's 11906 twips),
    and the text width in twips."""
    width, height = (twips(mm) for mm in PAGE_MM)
    top, right, bottom, left = (twips(mm) for mm in MARGINS_MM)
    setup = f"\\paperw{width}\\paperh{height}\\margl{left}\\margr{right}\\margt{top}\\margb{bottom}"
    return setup, width - left - right


def cell_edges(columns: int, text_width: int) -> list[int]:
    """Right edges (\\cellx) of the label column and the ``columns`` value columns."""
    total = LABEL_WIDTH + VALUE_WIDTH * columns
    edges, used = [], 0.0
    for width in [LABEL_WIDTH, *[VALUE_WIDTH] * columns]:
        used += width
        edges.append(round(text_width * used / total))
    return edges


class Cell(NamedTuple):
    """One cell: its RTF text, right edge in twips, alignment (l, c) and rules (t, b)."""

    text: str
    edge: int
    align: str = "c"
    rules: str = ""


def _row(cells: list[Cell], *, header: bool) -> str:
    """One table row, never broken across pages; a header row repeats at the top of every
    page (\\trhdr) and its cells align at the bottom."""
    vertical = "\\clvertalb" if header else "\\clvertalt"
    definition = "".join(
        "".join(f"\\clbrdr{side}{RULE}" for side in cell.rules) + f"{vertical}\\cellx{cell.edge}"
        for cell in cells
    )
    content = "".join(
        f"\\pard\\plain\\intbl\\q{cell.align}\\fs{TEXT_SIZE} {cell.text}\\cell" for cell in cells
    )
    flags = "\\trhdr\\trkeep" if header else "\\trkeep"
    return f"\\trowd\\trgaph72\\trleft0{flags}\n{definition}\n{content}\\row\n"


def header_rows(table: Table, edges: list[int]) -> list[str]:
    """Column header rows: the spanning row of the groups (arm and N over their columns, a rule
    under each) when the table has one, then the column labels with the analysis set over the
    label column; a rule above and below the whole header."""
    rows = []
    if table.spans:
        cells, column = [Cell("", edges[0], "l", "t")], 0
        for label, width in table.spans:
            column += width
            cells.append(Cell(rtf_escape(label), edges[column], "c", "tb"))
        rows.append(_row(cells, header=True))
    labels = [table.population, *table.columns]
    top = "" if table.spans else "t"
    cells = [
        Cell(rtf_escape(label), edge, "l" if i == 0 else "c", top + "b")
        for i, (label, edge) in enumerate(zip(labels, edges, strict=True))
    ]
    rows.append(_row(cells, header=True))
    return rows


def body_rows(table: Table, edges: list[int]) -> list[str]:
    """The table's rows, a rule under the last; a heading row is one cell across the table,
    kept with the row after it."""
    rows = []
    for i, row in enumerate(table.rows):
        rules = "b" if i == len(table.rows) - 1 else ""
        label = rtf_escape(row["label"])
        if row.get("heading"):
            rows.append(
                _row([Cell(f"\\keepn\\b {label}\\b0", edges[-1], "l", rules)], header=False)
            )
            continue
        indent = "\\li240 " if row.get("indent") else ""
        values = row["cells"] or [""] * len(table.columns)
        cells = [Cell(f"{indent}{label}", edges[0], "l", rules)]
        cells += [
            Cell(rtf_escape(value), edge, "c", rules)
            for value, edge in zip(values, edges[1:], strict=True)
        ]
        rows.append(_row(cells, header=False))
    return rows


def table_title(table: Table, qualify: bool) -> str:
    """The title as the HTML table shows it: with the analysis set when one id has several."""
    title = f"Table {table.tlf_id} {table.title}"
    if qualify:
        title += f": {table.population[:1].lower()}{table.population[1:]}"
    return title


def running_title(study: dict, cut: dict, title: str) -> str:
    """Page header of every page (as the PDF's): protocol and study title, the data cut, and
    the table's id and title; page footer: "Page x of y"."""
    study_line = rtf_escape(f"{study['protocol']}: {study['title']}")
    cut_line = rtf_escape(f"Data cut: {cut['name']} (cutoff {cut['cutoff']})")
    paragraph = f"\\pard\\plain\\ql\\fs{SMALL_SIZE}"
    return (
        f"{{\\header {paragraph} {study_line}\\par {paragraph} {cut_line}\\par "
        f"{paragraph}\\sa120 {rtf_escape(title)}\\par}}\n"
        f"{{\\footer \\pard\\plain\\qc\\fs{SMALL_SIZE} Page {PAGE_FIELD} of {PAGES_FIELD}\\par}}\n"
    )


def table_rtf(tables: list[Table], footer_text: str, *, study: dict, cut: dict) -> str:
    """One RTF document for the tables of one SAP row (e.g. 14.2.1 for FAS and EFF), each in
    its own section with its running title, on A4 pages like the PDF (SAP section 7)."""
    setup, text_width = page_setup()
    qualify = len(tables) > 1
    sections = []
    for table in tables:
        title = table_title(table, qualify)
        edges = cell_edges(len(table.columns), text_width)
        notes = [rtf_escape(note) for note in [*table.footnotes, footer_text]]
        sections.append(
            f"\\sectd\\headery{twips(HEADER_MM)}\\footery{twips(FOOTER_MM)}\n"
            + running_title(study, cut, title)
            + f"\\pard\\plain\\keepn\\sa120\\ql\\b\\fs20 {rtf_escape(title)}\\par\n"
            + "".join(header_rows(table, edges) + body_rows(table, edges))
            + "".join(f"\\pard\\plain\\ql\\fs{SMALL_SIZE}\\sb40 {note}\\par\n" for note in notes)
        )
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\n"
        "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}\n"
        f"{setup}\n" + "\\sect\n".join(sections) + "}\n"
    )
