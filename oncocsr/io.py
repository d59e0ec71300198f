"""Reading SDTM files and writing analysis datasets (DESIGN.md, data flow).

Readers are chosen by file extension; the domain is the file name's stem in upper case.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")

# The SAS transport header stores its creation time as ddMMMyy:hh:mm:ss; readstat writes "now".
_XPT_STAMP = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
_XPT_OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD"


def domain_of(path: str | Path) -> str:
    """SDTM domain named by a file: ``dm.xpt`` -> ``DM``."""
    return Path(path).stem.upper()


_XPT_V5_LIBRARY = b"HEADER RECORD*******LIBRARY HEADER RECORD"
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


def _read_xpt_v5(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a SAS transport v5 file with numpy.

    Written here because pyreadstat (and pandas' reader) take 12 to 17 s for a 2-million-row
    file, most of it growing arrays and converting text record by record; this reads the fixed
    records in one buffer and decodes each distinct text value once. pyreadstat still supplies
    the variable names, types and widths, and reads every other transport variant.
    """
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    data = path.read_bytes()
    start = data.index(b"HEADER RECORD*******OBS     HEADER RECORD") + 80
    names = meta.column_names
    widths = [meta.variable_storage_width[name] for name in names]
    row = sum(widths)
    if row == 0:
        return pd.DataFrame(columns=names), []
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    count = body.size // row
    records = body[: count * row].reshape(count, row)
    # Records end padded with blanks to a multiple of 80 bytes: drop trailing all-blank rows.
    while count and (records[count - 1] == 0x20).all() and body.size - (count - 1) * row <= 80:
        count -= 1
    records = records[:count]
    columns, notes, offset = {}, [], 0
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
                notes.append("CP1252")
        columns[name] = np.asarray(decoded, dtype=object)[inverse.ravel()]
    return pd.DataFrame(columns), sorted(set(notes))


class SDTMReadError(ValueError):
    """A raw SDTM file that cannot be read; the message names the file and the reason."""


def _decode_csv(path: Path) -> tuple[str, list[str]]:
    """Text of a CSV file and notes on what was normalised (BOM, legacy encoding).

    UTF-8 is expected; a byte-order mark is dropped, and text that is not UTF-8 is read as
    Windows-1252 (a superset of Latin-1 for printable characters), both with a note.
    """
    data = path.read_bytes()
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("BOM")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), [*notes, "CP1252"]
        except UnicodeDecodeError:
            return data.decode("latin-1"), [*notes, "LATIN1"]


# Tokens for a missing value in CSV files: R writes NA, SAS exports "." (ingest.csv_missing).
CSV_MISSING = ("", "NA", ".")


def read_sdtm_file(
    path: str | Path, missing: tuple[str, ...] | list[str] = CSV_MISSING
) -> tuple[pd.DataFrame, list[str]]:
    """Read one SDTM file (XPT v5/v8, CSV or Parquet) by extension; return it with notes.

    Character values are strings with missing as ``""`` (as in SAS). CSV columns are all read as
    text, a cell that is exactly one of the ``missing`` tokens being missing; numeric SDTM
    variables are converted later (``oncocsr.ingest.normalise``). Notes name normalisations the
    data checks report (``BOM``, ``CP1252``, ``LATIN1``, ``CSV_MISSING``). A file that cannot be
    read raises ``SDTMReadError``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SDTMReadError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise SDTMReadError(f"{path}: the file is empty (0 bytes)")
    notes: list[str] = []
    try:
        if suffix == ".xpt":
            # Transport files are whole 80-byte records; anything else was cut short.
            if size % 80:
                raise SDTMReadError(
                    f"{path}: truncated SAS transport file ({size} bytes, not a multiple of 80)"
                )
            with open(path, "rb") as handle:
                v5 = handle.read(len(_XPT_V5_LIBRARY)) == _XPT_V5_LIBRARY
            if v5:
                frame, notes = _read_xpt_v5(path)
            else:
                frame, _ = pyreadstat.read_xport(str(path))
        elif suffix == ".csv":
            text, notes = _decode_csv(path)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, na_values=list(missing)
            )
            if frame.isna().to_numpy().any():
                notes.append("CSV_MISSING")
            frame = frame.fillna("")
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise SDTMReadError(f"{path}: unsupported type {suffix!r}; expected {SDTM_EXTENSIONS}")
    except SDTMReadError:
        raise
    except Exception as error:  # every reader failure becomes one clear message
        raise SDTMReadError(f"{path}: cannot be read as {suffix[1:].upper()}: {error}") from error
    if suffix == ".parquet":
        # XPT and CSV readers already give "" for missing text; Parquet gives None.
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].fillna("").astype(str)
    return frame, notes


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


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write Parquet without the pandas index and without writer metadata that varies."""
    frame.reset_index(drop=True).to_parquet(path, index=False, compression="zstd")
