"""SDTM ingestion: read a raw file, apply the data cut, keep the record's origin (SAP section 3)."""

from __future__ import annotations

import pandas as pd

from oncocsr.dates import parse_iso8601

# The date that places a record in time, per domain, for the data cut. DM, SUPPxx and MH
# (history before the study) are not cut: DM's death date is handled in ADSL.
CUT_DATE_VARIABLE = {
    "AE": "AESTDTC",
    "CM": "CMSTDTC",
    "DS": "DSSTDTC",
    "EX": "EXSTDTC",
    "RS": "RSDTC",
    "TR": "TRDTC",
    "TU": "TUDTC",
}
# End dates after the cutoff are unknown at the cut: the record is ongoing.
CUT_END_VARIABLE = {"AE": "AEENDTC", "CM": "CMENDTC", "EX": "EXENDTC"}


def earliest_possible(values: pd.Series) -> pd.Series:
    """The earliest date a possibly partial ISO 8601 value can stand for (NaT if unknown)."""
    parsed = parse_iso8601(values)
    month = parsed["month"].fillna(1)
    day = parsed["day"].fillna(1)
    return pd.to_datetime(
        pd.DataFrame({"year": parsed["year"], "month": month, "day": day}), errors="coerce"
    )


def apply_data_cut(frame: pd.DataFrame, domain: str, cutoff: str) -> pd.DataFrame:
    """Remove records dated after the cutoff and blank end dates after it (SAP section 3).

    A partial date is after the cutoff only if its earliest possible day is; undated records
    are kept (the data checks report them).
    """
    limit = pd.Timestamp(cutoff)
    variable = CUT_DATE_VARIABLE.get(domain)
    if variable and variable in frame.columns:
        frame = frame[~(earliest_possible(frame[variable]) > limit)].reset_index(drop=True)
    end = CUT_END_VARIABLE.get(domain)
    if end and end in frame.columns:
        frame = frame.assign(**{end: frame[end].mask(earliest_possible(frame[end]) > limit, "")})
    return frame
