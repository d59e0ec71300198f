"""Writing a simulated snapshot: SAS transport v5 with the SDTMIG dataset and variable labels
(``oncocsr.simulate.labels``), or CSV as R's ``readr::write_csv`` writes it (the shape of SDTM
exported from R)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from oncocsr.io import write_xpt
from oncocsr.simulate.labels import DATASET_LABELS, VARIABLES


def write_sdtm(domains: dict[str, pd.DataFrame], out_dir: str | Path, stamp: str) -> list[Path]:
    """Write each domain as ``<domain>.xpt`` (SAS transport v5) and return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for domain, frame in domains.items():
        path = out_dir / f"{domain.lower()}.xpt"
        write_xpt(
            frame,
            path,
            dataset=domain,
            label=DATASET_LABELS[domain],
            column_labels=VARIABLES[domain],
            stamp=stamp,
        )
        paths.append(path)
    return paths


def write_sdtm_csv(domains: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each domain as ``<domain>.csv`` the way R's ``readr::write_csv`` (vroom) writes a data
    frame, and return the paths.

    UTF-8 without byte-order mark, a header row, ``\\n`` line ends; missing values (NaN, None and
    empty text, as SDTM read into R with blanks converted to NA) as the bare token ``NA``; text
    quoted only when it holds a comma, a double quote (doubled) or a line break; numbers as
    vroom prints doubles (``format_r_double``), integers and logicals as R does.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for domain, frame in domains.items():
        path = out_dir / f"{domain.lower()}.csv"
        path.write_bytes(format_csv(frame).encode("utf-8"))
        paths.append(path)
    return paths


def format_csv(frame: pd.DataFrame) -> str:
    """``frame`` as the text ``readr::write_csv`` writes (see ``write_sdtm_csv``)."""
    header = ",".join(_quoted(str(name)) for name in frame.columns) + "\n"
    if frame.empty:
        return header if len(frame.columns) else ""
    cells = [_cells(frame[column]) for column in frame.columns]
    # Rows joined in C (map over zip): no Python loop body per record.
    return header + "\n".join(map(",".join, zip(*cells, strict=True))) + "\n"


def _cells(column: pd.Series) -> np.ndarray:
    """A column's cells as text, each distinct value formatted once."""
    codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    if pd.api.types.is_bool_dtype(column):
        text = ["TRUE" if value else "FALSE" for value in uniques]
    elif pd.api.types.is_integer_dtype(column):
        text = [str(int(value)) for value in uniques]
    elif pd.api.types.is_float_dtype(column):
        text = [format_r_double(float(value)) for value in uniques]
    else:
        text = ["NA" if value == "" else _quoted(str(value)) for value in uniques]
    # Missing values have code -1: the last entry.
    return np.asarray([*text, "NA"], dtype=object)[codes]


def _quoted(text: str) -> str:
    if any(mark in text for mark in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def format_r_double(value: float) -> str:
    """A double as vroom (readr 2) writes it: the shortest digits that read back exactly, whole
    numbers below 10^15 in full (``1``, ``3000``), others as grisu3's presentation chooses
    (``12.5``, ``0.013``, ``1e-4``, ``1.23456e-5``, ``15e19``); ``Inf``, ``-Inf``; NaN is NA.

    vroom falls back to C's ``%.17g`` for the rare doubles its grisu3 cannot print shortest;
    that is not reproduced here (simulated data hold no such values).
    """
    if np.isnan(value):
        return "NA"
    if np.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    sign = "-" if np.signbit(value) else ""
    if value == 0:
        return sign + "0"
    parts = Decimal(repr(abs(value))).normalize().as_tuple()
    digits, exponent = "".join(map(str, parts.digits)), int(parts.exponent)
    length = len(digits)
    if 0 <= exponent <= max(2, 15 - length):
        return sign + digits + "0" * exponent
    if exponent < 0 and length + exponent > -3 and length <= -exponent:
        return sign + "0." + "0" * (-exponent - length) + digits
    if exponent < 0 and length > 1:
        decimals = min(-exponent, length - 1)
        exponent += decimals
        mantissa = digits[: length - decimals] + "." + digits[length - decimals :]
        return sign + mantissa + (f"e{exponent}" if exponent else "")
    return sign + digits + f"e{exponent}"
