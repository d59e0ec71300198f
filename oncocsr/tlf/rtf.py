"""RTF copies of section 14 tables for submission packages, written with rtflite.

rtflite writes cell text into the RTF stream as it is: it escapes neither backslashes nor braces,
so a data value such as ``{\\par}`` would become RTF markup. Every text is escaped here first and
rtflite's LaTeX-to-Unicode conversion is switched off, so data values stay text.
"""

from __future__ import annotations

import polars as pl
import rtflite as rtf

from oncocsr.tlf.tables import Table

NO_CONVERSION = [False]


def rtf_escape(text: str) -> str:
    """Backslash and braces are RTF control characters; escape them so text stays text. Other
    characters beyond ASCII become RTF Unicode escapes (signed 16-bit UTF-16 code units, with
    "?" for readers without Unicode), which rtflite does for only some characters."""
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


def _frame(table: Table) -> pl.DataFrame:
    """One string column per table column; heading rows have empty cells."""
    width = len(table.columns)
    rows = [
        [
            rtf_escape(("    " if row.get("indent") else "") + row["label"]),
            *[rtf_escape(cell) for cell in (row["cells"] or [""] * width)],
        ]
        for row in table.rows
    ]
    names = [f"c{i}" for i in range(width + 1)]
    return pl.DataFrame(rows, schema=names, orient="row")


def table_rtf(tables: list[Table], footer_text: str) -> str:
    """One RTF document for the tables of one TLF id (e.g. 14.2.1 for FAS and EFF)."""
    first = tables[0]
    widths = [3.0, *[1.2] * len(first.columns)]
    headers, bodies = [], []
    for table in tables:
        labels = [table.population, *table.columns]
        headers.append(
            [
                rtf.RTFColumnHeader(
                    text=[rtf_escape(label) for label in labels],
                    col_rel_width=widths[: len(labels)],
                    text_justification=["l", *["c"] * len(table.columns)],
                    text_convert=NO_CONVERSION,
                )
            ]
        )
        bodies.append(
            rtf.RTFBody(
                col_rel_width=widths[: len(labels)],
                text_justification=[["l", *["c"] * len(table.columns)]],
                text_convert=NO_CONVERSION,
            )
        )
    notes = [note for table in tables for note in table.footnotes]
    document = rtf.RTFDocument(
        df=[_frame(table) for table in tables],
        rtf_title=rtf.RTFTitle(
            text=[rtf_escape(f"Table {first.tlf_id} {first.title}")], text_convert=NO_CONVERSION
        ),
        rtf_column_header=headers,
        rtf_body=bodies,
        rtf_footnote=rtf.RTFFootnote(
            text=[rtf_escape(note) for note in dict.fromkeys(notes)], text_convert=NO_CONVERSION
        ),
        rtf_source=rtf.RTFSource(text=[rtf_escape(footer_text)], text_convert=NO_CONVERSION),
    )
    return document.rtf_encode()
