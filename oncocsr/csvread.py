"""Reading an SDTM CSV file from its bytes (``oncocsr.io`` dispatches here).

UTF-8 is expected. What else the bytes hold is reported, never silently mended: a byte-order
mark; a file in a legacy encoding (read as Windows-1252); a file mixing UTF-8 with lines in
another encoding, each such line named (a whole-file guess would turn its UTF-8 text into
mojibake); NUL bytes, which the CSV parser would take as the end of the value; duplicate column
names; a last line with fewer fields than the header (a file cut short).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from oncocsr.rawfile import ReadNote

# Tokens for a missing value in CSV files: R writes NA, SAS exports "." (ingest.csv_missing).
CSV_MISSING = ("", "NA", ".")
BOM = b"\xef\xbb\xbf"
# Stands in for a NUL byte in the parsed text, so the value is not cut at the NUL.
NUL_SHOWN = "\ufffd"


def _legacy(data: bytes) -> tuple[str, list[ReadNote]]:
    """A file with no UTF-8 text at all: Windows-1252 (a superset of Latin-1 for printable
    characters), else Latin-1, which decodes any bytes."""
    try:
        return data.decode("cp1252"), [ReadNote("CP1252")]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [ReadNote("LATIN1")]


def decode_csv(data: bytes) -> tuple[str, str, list[ReadNote], set[int]]:
    """The text of a CSV file for the parser, the text for the scan of its lines, notes on the
    decoding, and the numbers (1-based) of the lines that are not UTF-8 in a file that also has
    UTF-8 text.

    A line is UTF-8 text when it holds non-ASCII characters that decode as UTF-8. A file with
    none is in a legacy encoding as a whole. In a mixed file each line is read in its own
    encoding (a line that is not UTF-8 as Windows-1252), and the scan text keeps the bytes that
    are not UTF-8 as surrogate escapes, so each field can be named with its raw bytes.
    """
    notes = []
    if data.startswith(BOM):
        data = data[len(BOM) :]
        notes.append(ReadNote("BOM"))
    try:
        text = data.decode("utf-8")
        return text, text, notes, set()
    except UnicodeDecodeError:
        pass
    # A newline byte is never inside a multi-byte UTF-8 character: lines decode independently.
    lines = data.split(b"\n")
    bad, utf8 = set(), False
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            bad.add(number)
    if not utf8:
        text, legacy = _legacy(data)
        return text, text, [*notes, *legacy], set()
    text = "\n".join(
        line.decode("cp1252", errors="replace") if number in bad else line.decode("utf-8")
        for number, line in enumerate(lines, start=1)
    )
    scan = data.decode("utf-8", errors="surrogateescape")
    return text, scan, notes, bad


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _raw(value: str) -> str:
    """A scanned value with its bytes that are not UTF-8 (or NUL) shown as ``\\xNN``."""
    raw = value.encode("utf-8", errors="surrogateescape")
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


def _field_notes(record: list[str], header: list[str], line: int, bad: bool) -> list[ReadNote]:
    """Notes for the fields of one record holding a NUL byte or bytes that are not UTF-8."""
    subject = _raw(record[header.index("USUBJID")]) if "USUBJID" in header[: len(record)] else ""
    notes = []
    for position, value in enumerate(record):
        variable = header[position] if position < len(header) else f"column {position + 1}"
        if "\x00" in value:
            notes.append(ReadNote("NUL", f"line {line}", variable, subject, _raw(value)))
        if bad and not _is_utf8(value):
            shown = value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
            notes.append(
                ReadNote(
                    "MIXED_ENCODING",
                    f"line {line}, read as Windows-1252: {shown!r}",
                    variable,
                    subject,
                    _raw(value),
                )
            )
    return notes


def line_notes(scan: str, header: list[str], bad_lines: set[int]) -> list[ReadNote]:
    """NUL bytes and values that are not UTF-8, one note per field, with the line the record
    starts on, its variable, subject (USUBJID) and raw value. Reads every record with Python's
    csv module (slow): only for files known to hold one of them."""
    reader = csv.reader(io.StringIO(scan, newline="\n"))
    notes, last = [], 0
    for record in reader:
        first, last = last + 1, reader.line_num
        bad = any(number in bad_lines for number in range(first, last + 1))
        if bad or any("\x00" in value for value in record):
            notes += _field_notes(record, header, first, bad)
    return notes


def truncation_note(data: bytes, header: list[str]) -> list[ReadNote]:
    """A last line, without the newline a CSV writer ends with, that has fewer fields than the
    header: the file was cut short inside that record."""
    if data.endswith(b"\n"):
        return []
    line = data.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    if '"' in line:
        # Possibly the end of a quoted value spanning lines: its fields cannot be counted here
        # (a quote left open makes the file unreadable instead).
        return []
    fields = next(csv.reader([line]), [])
    if not fields or len(fields) >= len(header):
        return []
    number = data.count(b"\n") + 1
    subject = fields[header.index("USUBJID")] if "USUBJID" in header[: len(fields)] else ""
    return [
        ReadNote(
            "TRUNCATED",
            f"line {number} ends after {len(fields)} of {len(header)} fields",
            header[len(fields) - 1],
            subject,
            fields[-1],
        )
    ]


def _first_of_duplicates(frame: pd.DataFrame, header: list[str]):
    """The frame with each column name once (the first column of that name) and a note per
    name that heads several columns; pandas would have renamed the copies ``X.1``."""
    if len(header) != len(frame.columns) or len(set(header)) == len(header):
        return frame, []
    frame = frame.set_axis(header, axis=1)
    notes = []
    for name in dict.fromkeys(name for name in header if header.count(name) > 1):
        positions = [str(i + 1) for i, other in enumerate(header) if other == name]
        notes.append(
            ReadNote("DUPLICATE_VARIABLE", "", name, "", f"columns {', '.join(positions)}")
        )
    return frame.loc[:, ~frame.columns.duplicated()], notes


def read_csv_bytes(data: bytes, missing=CSV_MISSING) -> tuple[pd.DataFrame, list[ReadNote]]:
    """A CSV file's bytes as a frame of text columns (a cell that is exactly one of the
    ``missing`` tokens is ``""``) and the notes on what reading it found."""
    text, scan, notes, bad_lines = decode_csv(data)
    nul = "\x00" in text
    if nul:
        text = text.replace("\x00", NUL_SHOWN)
    frame = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, na_values=list(missing)
    )
    header = pd.read_csv(io.StringIO(text), header=None, nrows=1, dtype=str, keep_default_na=False)
    header = [str(name) for name in header.iloc[0]] if len(header) else []
    if frame.isna().to_numpy().any():
        notes.append(ReadNote("CSV_MISSING"))
    frame, duplicates = _first_of_duplicates(frame.fillna(""), header)
    notes += duplicates
    if nul or bad_lines:
        notes += line_notes(scan, header, bad_lines)
    notes += truncation_note(data, header)
    return frame, notes
