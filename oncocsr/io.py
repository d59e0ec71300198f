"""Reading SDTM files and writing analysis datasets (DESIGN.md, data flow).

Readers are chosen by file extension; the domain is the file name's stem in upper case. They
parse bytes read once (``oncocsr.rawfile.read_raw``), so that what is parsed is what was hashed
and checked against the data lock. A SAS transport file's structure is checked as it is read
(``ReadNote``): a file cut short inside a record, or with fewer records than a v8 header says, and
a second member (dataset), which is not read. A v5 file cut exactly at the end of a record on an
80-byte boundary looks like a whole file: v5 headers hold no record count.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from oncocsr.atomic import writes_atomically
from oncocsr.csvread import CSV_MISSING, read_csv_bytes
from oncocsr.rawfile import ReadNote, SDTMReadError, read_raw

SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")

# The SAS transport header stores its creation time as ddMMMyy:hh:mm:ss; readstat writes "now".
_XPT_STAMP = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
_XPT_OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD"


def domain_of(path: str | Path) -> str:
    """SDTM domain named by a file: ``dm.xpt`` -> ``DM``."""
    return Path(path).stem.upper()


_XPT_V5_LIBRARY = b"HEADER RECORD*******LIBRARY HEADER RECORD"
_XPT_V8_OBS_HEADER = b"HEADER RECORD*******OBSV8   HEADER RECORD"
# A member (one dataset) begins with one of these records, in v5 and v8 files.
_XPT_MEMBER_HEADERS = (
    b"HEADER RECORD*******MEMBER  HEADER RECORD",
    b"HEADER RECORD*******MEMBV8  HEADER RECORD",
)
_XPT_MEMBER_PREFIX = b"HEADER RECORD*******MEMB"
_IBM_MISSING = np.frombuffer(b"._" + bytes(range(ord("A"), ord("Z") + 1)), dtype=np.uint8)


def _ibm_to_double(raw: np.ndarray) -> np.ndarray:
    """IBM System/360 floating point (SAS transport numbers) to IEEE doubles; SAS missing
    values (".", "._" and ".A" to ".Z": first byte one of them, the rest zero) become NaN."""
    padded = np.zeros((raw.shape[0], 8), dtype=np.uint8)
    padded[:, : raw.shape[1]] = raw
    word = padded.view(">u8").ravel()
    sign = np.where(word >> np.uint64(63), -1.0, 1.0)
    exponent = ((word >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64) - 64
    mantissa = (word & np.uint64(0x00FFFFFFFFFFFFFF)).astype(np.float64)
    value = sign * mantissa * np.ldexp(1.0, 4 * exponent - 56)
    missing = np.isin(padded[:, 0], _IBM_MISSING) & ~padded[:, 1:].any(axis=1)
    return np.where(missing, np.nan, value)


def _member_name(data: bytes, at: int) -> str:
    """The dataset name of the member whose header record starts at ``at``: the first word
    after "SAS" in its descriptor record, two records on (8 characters in v5, 32 in v8)."""
    words = data[at + 168 : at + 200].split()
    return words[0].decode("ascii", errors="replace") if words else "?"


def _members(data: bytes) -> list[int]:
    """Offsets of the member header records of a transport file. A header is a whole 80-byte
    record; the same characters elsewhere are text inside the data."""
    found = []
    # One pass over the data for both versions' headers (their common start).
    at = data.find(_XPT_MEMBER_PREFIX)
    while at != -1:
        if at % 80 == 0 and data.startswith(_XPT_MEMBER_HEADERS, at):
            found.append(at)
        at = data.find(_XPT_MEMBER_PREFIX, at + 1)
    return found


def _members_note(data: bytes, members: list[int]) -> list[ReadNote]:
    """XPT_MEMBERS: a file holding several datasets, of which only the first is read."""
    if len(members) < 2:
        return []
    first, others = _member_name(data, members[0]), [_member_name(data, at) for at in members[1:]]
    return [
        ReadNote(
            "XPT_MEMBERS",
            f"a second member {others[0]} starts at byte {members[1]} ({len(members)} members: "
            f"{first}, then {', '.join(others)}); only {first} is read, the others are not read",
            value=", ".join(others),
        )
    ]


def _cut_record_note(partial: bytes, names, widths, row: int, number: int) -> ReadNote:
    """TRUNCATED: the file ends ``len(partial)`` bytes into record ``number``; the note names
    the variable the end falls in, its bytes and the record's subject if that much is there."""
    offset, variable, value, subject = 0, names[-1], "", ""
    for name, width in zip(names, widths, strict=True):
        cell = partial[offset : offset + width]
        if name == "USUBJID" and len(cell) == width:
            subject = cell.decode("utf-8", errors="replace").rstrip()
        if offset + width > len(partial):
            variable, value = name, cell.decode("utf-8", errors="replace").rstrip()
            break
        offset += width
    return ReadNote(
        "TRUNCATED",
        f"the file ends {len(partial)} bytes into record {number} (of {row} bytes)",
        variable,
        subject,
        value,
    )


def _xpt_v5_records(data: bytes, widths: list[int], end: int) -> tuple[np.ndarray, bytes]:
    """The whole observation records of a v5 member (its data up to ``end``) and the bytes
    after the last of them.

    Records end padded with blanks to a multiple of 80 bytes, so trailing all-blank records
    within the last 80 bytes are padding; what remains after the last record must be fewer
    than 80 blanks, or the file was cut inside a record.
    """
    start = data.index(_XPT_OBS_HEADER) + 80
    row = sum(widths)
    body = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    count = body.size // row
    records = body[: count * row].reshape(count, row)
    leftover = data[start + count * row : end]
    while count and (records[count - 1] == 0x20).all() and body.size - (count - 1) * row <= 80:
        count -= 1
    return records[:count], leftover


def _read_xpt_v5(data: bytes) -> tuple[pd.DataFrame, list[ReadNote]]:
    """Read a SAS transport v5 file's bytes with numpy.

    Written here because pyreadstat (and pandas' reader) take 12 to 17 s for a 2-million-row
    file, most of it growing arrays and converting text record by record; this reads the fixed
    records in one buffer and decodes each distinct text value once. pyreadstat still supplies
    the variable names, types and widths (from the same bytes), and reads every other
    transport variant.
    """
    _, meta = pyreadstat.read_xport(io.BytesIO(data), metadataonly=True)
    names = meta.column_names
    widths = [meta.variable_storage_width[name] for name in names]
    if sum(widths) == 0:
        return pd.DataFrame(columns=names), []
    members = _members(data)
    end = members[1] if len(members) > 1 else len(data)
    records, leftover = _xpt_v5_records(data, widths, end)
    notes = _members_note(data, members)
    if len(leftover) >= 80 or leftover.strip(b" "):
        notes.append(_cut_record_note(leftover, names, widths, sum(widths), len(records) + 1))
    columns, offset = {}, 0
    for name, width in zip(names, widths, strict=True):
        cells = records[:, offset : offset + width]
        offset += width
        if meta.readstat_variable_types[name] == "double":
            columns[name] = _ibm_to_double(cells)
            continue
        text = np.ascontiguousarray(cells).view(f"S{width}").ravel()
        # Hash-based (pandas) rather than sort-based (np.unique): twice as fast on millions.
        inverse, uniques = pd.factorize(text)
        decoded = []
        for value in uniques:
            raw = value.rstrip(b" ")
            try:
                decoded.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                decoded.append(raw.decode("cp1252", errors="replace"))
                notes.append(ReadNote("CP1252"))
        columns[name] = np.asarray(decoded, dtype=object)[inverse.ravel()]
    return pd.DataFrame(columns), list(dict.fromkeys(notes))


def _read_xpt_other(data: bytes) -> tuple[pd.DataFrame, list[ReadNote]]:
    """Any other transport variant (v8) with pyreadstat, from the same bytes; its record count
    is in the OBSV8 header, so a file cut at a record's end is found too."""
    frame, _ = pyreadstat.read_xport(io.BytesIO(data))
    notes = _members_note(data, _members(data))
    header = data.find(_XPT_V8_OBS_HEADER)
    stated = data[header + 48 : header + 80].strip() if header != -1 else b""
    if stated.isdigit() and int(stated) > len(frame):
        notes.append(
            ReadNote(
                "TRUNCATED",
                f"the header says {int(stated)} records, the file holds {len(frame)}",
                value=str(len(frame)),
            )
        )
    return frame, notes


# pyreadstat renames the second column of a name "NAME_duplicated1" (and so on).
_RENAMED_DUPLICATE = re.compile(r"(?P<name>.+)_duplicated\d+")


def _first_of_duplicates(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[ReadNote]]:
    """A transport file's columns without the copies of a name that heads several, and a
    DUPLICATE_VARIABLE note per such name (the first column of the name is kept)."""
    columns = list(frame.columns)
    copies: dict[str, list[int]] = {}
    for position, column in enumerate(columns):
        match = _RENAMED_DUPLICATE.fullmatch(str(column))
        if match and match["name"] in columns:
            first = columns.index(match["name"]) + 1
            copies.setdefault(match["name"], [first]).append(position + 1)
    notes = [
        ReadNote("DUPLICATE_VARIABLE", "", name, "", f"columns {', '.join(map(str, positions))}")
        for name, positions in copies.items()
    ]
    dropped = [columns[position - 1] for positions in copies.values() for position in positions[1:]]
    return frame.drop(columns=dropped), notes


def _read_xpt(data: bytes) -> tuple[pd.DataFrame, list[ReadNote]]:
    """A SAS transport file's bytes (v5 with numpy, others with pyreadstat)."""
    # Transport files are whole 80-byte records; anything else was cut short.
    if len(data) % 80:
        raise SDTMReadError(
            f"truncated SAS transport file ({len(data)} bytes, not a multiple of 80)"
        )
    if data.startswith(_XPT_V5_LIBRARY):
        frame, notes = _read_xpt_v5(data)
    else:
        frame, notes = _read_xpt_other(data)
    frame, duplicates = _first_of_duplicates(frame)
    return frame, [*notes, *duplicates]


def read_sdtm_bytes(
    data: bytes, path: str | Path, missing: tuple[str, ...] | list[str] = CSV_MISSING
) -> tuple[pd.DataFrame, list[ReadNote]]:
    """Parse the bytes of one SDTM file (XPT v5/v8, CSV or Parquet, by the extension of
    ``path``, which is only named); return the frame with notes.

    Character values are strings with missing as ``""`` (as in SAS). CSV columns are all read as
    text, a cell that is exactly one of the ``missing`` tokens being missing; numeric SDTM
    variables are converted later (``oncocsr.ingest.normalise``). Notes (``ReadNote``) name the
    normalisations and problems the data checks report. A file that cannot be read raises
    ``SDTMReadError``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not data:
        raise SDTMReadError(f"{path}: the file is empty (0 bytes)")
    try:
        if suffix == ".xpt":
            frame, notes = _read_xpt(data)
        elif suffix == ".csv":
            frame, notes = read_csv_bytes(data, missing)
        elif suffix == ".parquet":
            frame, notes = pd.read_parquet(io.BytesIO(data)), []
        else:
            raise SDTMReadError(f"unsupported type {suffix!r}; expected {SDTM_EXTENSIONS}")
    except SDTMReadError as error:
        raise SDTMReadError(f"{path}: {error}") from None
    except Exception as error:  # every reader failure becomes one clear message
        raise SDTMReadError(f"{path}: cannot be read as {suffix[1:].upper()}: {error}") from error
    if suffix == ".parquet":
        # XPT and CSV readers already give "" for missing text; Parquet gives None.
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].fillna("").astype(str)
    return frame, notes


def read_sdtm_file(
    path: str | Path, missing: tuple[str, ...] | list[str] = CSV_MISSING
) -> tuple[pd.DataFrame, list[ReadNote]]:
    """Read one SDTM file (``read_raw``: once, never through a symbolic link) and parse it
    (``read_sdtm_bytes``)."""
    return read_sdtm_bytes(read_raw(path), path, missing)


def read_sdtm(path: str | Path) -> pd.DataFrame:
    """``read_sdtm_file`` without the notes."""
    return read_sdtm_file(path)[0]


def xpt_stamp(date: str) -> str:
    """A date as the ddMMMyy:hh:mm:ss creation stamp of a SAS transport header (midnight)."""
    return pd.Timestamp(date).strftime("%d%b%y:00:00:00").upper()


# Rows encoded at a time by write_xpt.
XPT_BLOCK_ROWS = 100_000


def _double_to_ibm(values: np.ndarray) -> np.ndarray:
    """IEEE doubles to IBM System/360 floating point, big-endian bytes (n, 8); NaN becomes the
    SAS missing value ".". Exact: the 53-bit IEEE mantissa, shifted left by 0 to 3 bits to
    reach a hexadecimal exponent, fits the 56-bit IBM one."""
    values = np.asarray(values, dtype=np.float64)
    bits = values.view(np.uint64)
    biased = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
    mantissa = (bits & np.uint64((1 << 52) - 1)) | np.uint64(1 << 52)
    # value = mantissa * 2**(biased - 1075) = (mantissa << shift) * 16**(exponent - 64) * 2**-56
    shift = (biased - 763) % 4
    exponent = (biased - 763 - shift) // 4
    # readstat saturates numbers near the top of the IBM range (about 7.2e75); below 1e75 and
    # above the smallest IBM number the conversion is exact and the same as readstat's.
    if ((values != 0) & ((np.abs(values) >= 1e75) | (exponent < 0))).any():
        raise ValueError("a number is outside the range SAS transport (IBM) floats hold exactly")
    word = (
        ((bits >> np.uint64(63)) << np.uint64(63))
        | (np.clip(exponent, 0, 127).astype(np.uint64) << np.uint64(56))
        | (mantissa << shift.astype(np.uint64))
    )
    word = np.where(values == 0, np.uint64(0), word)
    word = np.where(np.isnan(values), np.uint64(ord(".") << 56), word)
    return word.astype(">u8").view(np.uint8).reshape(-1, 8)


def _text_codes(column: pd.Series) -> tuple[np.ndarray, list[bytes]]:
    """A text variable as codes into its distinct values, UTF-8 encoded (missing as "")."""
    codes, uniques = pd.factorize(column, sort=False)
    # Missing values have code -1: the last entry, "".
    return codes, [*(str(value).encode("utf-8") for value in uniques), b""]


def _text_table(uniques: list[bytes], width: int) -> np.ndarray:
    """Distinct text values as rows of ``width`` bytes, padded with blanks."""
    table = np.full((len(uniques), width), ord(" "), dtype=np.uint8)
    for i, raw in enumerate(uniques):
        table[i, : len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return table


def _xpt_cells(
    column: pd.Series, kind: str, width: int, text=None, days: bool = False
) -> np.ndarray:
    """One variable's cells of the observation records, as pyreadstat writes them: numbers (Python
    dates, or datetimes with ``days``, as days since 1960, other datetimes as seconds, booleans as
    0/1) in IBM floating point, text UTF-8 padded with blanks (``text``: its codes and
    ``_text_table``, when already known)."""
    if kind == "double":
        present = column.dropna()
        if column.dtype == object and len(present):
            # Python dates (days) or datetimes (seconds), as pyreadstat converts them.
            days = not isinstance(present.iloc[0], datetime.datetime)
            column = pd.to_datetime(column)
        if pd.api.types.is_datetime64_any_dtype(column):
            since = column - pd.Timestamp("1960-01-01")
            column = since.dt.days if days else since.dt.total_seconds()
        return _double_to_ibm(column.to_numpy(dtype=np.float64, na_value=np.nan))
    if text is None:
        codes, uniques = _text_codes(column)
        return _text_table(uniques, width)[codes]
    codes, table = text
    return table[codes]


@writes_atomically()
def write_xpt(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    dataset: str,
    label: str = "",
    column_labels: dict[str, str] | None = None,
    stamp: str = "01JAN70:00:00:00",
    dates: tuple[str, ...] = (),
    formats: dict[str, str] | None = None,
) -> None:
    """Write a SAS transport v5 file whose bytes depend only on the data and ``stamp``.

    pyreadstat writes the header (names, labels, types, widths, formats) from a one-row frame
    that holds each text variable's longest value, so that the widths are those of all the data;
    the observations are encoded here with numpy, because pyreadstat converts them row by row in
    Python (13 s for a 1.2-million-record ADRS). The encoding of that one row must equal
    pyreadstat's, or the write stops. ``stamp`` (ddMMMyy:hh:mm:ss) replaces the creation time
    readstat writes into the header (DESIGN.md, determinism). The datetime variables named in
    ``dates`` are written as SAS dates (days, DATE9.), as pyreadstat writes Python dates, without
    making a Python object per value; ``formats`` gives SAS display formats (e.g. DATE9.).
    """
    path = Path(path)
    text = {
        column: _text_codes(frame[column])
        for column in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_datetime64_any_dtype(frame[column])
    }
    prototype = frame.head(1).copy()
    for column, (codes, uniques) in text.items() if len(frame) else ():
        longest = max(range(len(uniques)), key=lambda i: len(uniques[i]))
        prototype[column] = frame[column].iloc[[int(np.argmax(codes == longest))]].to_numpy()
    for column in dates:
        # A value, if there is one: pyreadstat types an all-missing object variable as text.
        present = frame[column].notna().to_numpy()
        if not present.any():
            # No date at all: a missing number, still a numeric date variable.
            prototype[column] = np.nan
            continue
        prototype[column] = frame[column].iloc[[int(np.argmax(present))]].to_numpy()
        prototype[column] = prototype[column].dt.date.astype(object)
    labels = [(column_labels or {}).get(column, "") for column in frame.columns]
    pyreadstat.write_xport(
        prototype,
        str(path),
        file_format_version=5,
        table_name=dataset,
        file_label=label,
        column_labels=labels,
        variable_format=formats or {},
    )
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    data = path.read_bytes()
    end = data.index(_XPT_OBS_HEADER) + 80
    header = _XPT_STAMP.sub(stamp.encode("ascii"), data[:end])

    widths = [meta.variable_storage_width[name] for name in meta.column_names]

    def records(rows: pd.DataFrame, text: dict) -> np.ndarray:
        out = np.empty((len(rows), sum(widths)), dtype=np.uint8)
        offset = 0
        for name, width in zip(meta.column_names, widths, strict=True):
            kind = meta.readstat_variable_types[name]
            cells = _xpt_cells(rows[name], kind, width, text.get(name), days=name in dates)
            out[:, offset : offset + width] = cells
            offset += width
        return out

    if len(frame):
        expected = np.frombuffer(data, dtype=np.uint8, offset=end)
        mine = records(prototype, {}).ravel()
        if not np.array_equal(expected[: mine.size], mine):
            raise RuntimeError(f"{path}: the numpy XPT encoding differs from pyreadstat's")
    # In blocks of rows, so that the encoded records (hundreds of MB for a million-record
    # ADAE) are never held whole, nor copied into one bytes object.
    tables = {
        name: (codes, _text_table(uniques, meta.variable_storage_width[name]))
        for name, (codes, uniques) in text.items()
        if meta.readstat_variable_types[name] == "string"
    }
    size = 0
    with open(path, "wb") as handle:
        handle.write(header)
        for start in range(0, len(frame), XPT_BLOCK_ROWS):
            block = slice(start, start + XPT_BLOCK_ROWS)
            rows = records(frame.iloc[block], {n: (c[block], t) for n, (c, t) in tables.items()})
            handle.write(rows.data)
            size += rows.nbytes
        handle.write(b" " * (-size % 80))


@writes_atomically()
def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write Parquet without the pandas index and without writer metadata that varies."""
    frame.reset_index(drop=True).to_parquet(path, index=False, compression="zstd")
