"""Reading SDTM files and writing analysis datasets (DESIGN.md, data flow).

Readers are chosen by file extension; the domain is the file name's stem in upper case.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pyreadstat

SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")

# The SAS transport header stores its creation time as ddMMMyy:hh:mm:ss; readstat writes "now".
_XPT_STAMP = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
_XPT_OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD"


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks so large files stay out of memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inputs_sha256(paths) -> str:
    """One hash for several input files: sha256 of their sha256s, in path order."""
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        digest.update(sha256_file(path).encode("ascii"))
    return digest.hexdigest()


def domain_of(path: str | Path) -> str:
    """SDTM domain named by a file: ``dm.xpt`` -> ``DM``."""
    return Path(path).stem.upper()


def read_sdtm(path: str | Path) -> pd.DataFrame:
    """Read one SDTM file (XPT v5/v8, CSV or Parquet) with character variables as strings.

    Missing character values become empty strings, as in SAS, so that comparisons are plain.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xpt":
        frame, _ = pyreadstat.read_xport(str(path))
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        raise ValueError(
            f"{path}: unsupported SDTM file type {suffix!r}; expected one of {SDTM_EXTENSIONS}"
        )
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def write_xpt(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    dataset: str,
    label: str = "",
    column_labels: dict[str, str] | None = None,
    stamp: str = "01JAN70:00:00:00",
) -> None:
    """Write a SAS transport v5 file whose bytes depend only on the data and ``stamp``.

    ``stamp`` (ddMMMyy:hh:mm:ss) replaces the creation time readstat writes into the header,
    so that the same data give the same file (DESIGN.md, determinism).
    """
    path = Path(path)
    labels = [(column_labels or {}).get(column, "") for column in frame.columns]
    pyreadstat.write_xport(
        frame,
        str(path),
        file_format_version=5,
        table_name=dataset,
        file_label=label,
        column_labels=labels,
    )
    data = path.read_bytes()
    end = data.index(_XPT_OBS_HEADER)
    header = _XPT_STAMP.sub(stamp.encode("ascii"), data[:end])
    path.write_bytes(header + data[end:])


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write Parquet without the pandas index and without writer metadata that varies."""
    frame.reset_index(drop=True).to_parquet(path, index=False, compression="zstd")
