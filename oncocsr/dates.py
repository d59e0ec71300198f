"""ISO 8601 dates of SDTM, partial dates and their imputation (SAP section 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375

_ISO = r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?:T[\d:.]*)?$"
# SDTM writes an unknown year as "--" (e.g. "--06-15"): valid, but never imputed.
_NO_YEAR = r"^--(?:-?\d{2})?(?:-\d{2})?(?:T[\d:.-]*)?$"


def parse_iso8601(values: pd.Series) -> pd.DataFrame:
    """Split ISO 8601 strings into year, month, day and a precision.

    Precision is ``"day"`` (full date; datetimes keep their date part), ``"month"``, ``"year"``,
    ``"noyear"`` for SDTM's ``--MM-DD`` form (SAP section 3: never imputed), ``""`` for a missing
    value and ``"invalid"`` for anything else. ``date`` is the full date where precision is day.
    """
    # Dates repeat across records: parse each distinct value once, then spread back.
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    return parse_iso8601_factorized(codes, uniques, values.index)


def parse_iso8601_factorized(codes: np.ndarray, uniques, index: pd.Index) -> pd.DataFrame:
    """``parse_iso8601`` of values given as distinct ``uniques`` and per-record ``codes``."""
    parsed = _parse_unique(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    result = parsed.iloc[codes].reset_index(drop=True)
    result.index = index
    return result


def _parse_unique(values: pd.Series) -> pd.DataFrame:
    text = values.str.strip()
    parts = text.str.extract(_ISO)
    year = pd.to_numeric(parts["year"], errors="coerce")
    month = pd.to_numeric(parts["month"], errors="coerce")
    day = pd.to_numeric(parts["day"], errors="coerce")
    precision = np.select(
        [text.eq(""), day.notna(), month.notna(), year.notna(), text.str.match(_NO_YEAR)],
        ["", "day", "month", "year", "noyear"],
        default="invalid",
    )
    full = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    ).where(precision == "day")
    precision = np.where((precision == "day") & full.isna(), "invalid", precision)
    return pd.DataFrame(
        {"year": year, "month": month, "day": day, "precision": precision, "date": full},
        index=values.index,
    )


def to_date(values: pd.Series) -> pd.Series:
    """Full dates only; partial, missing and invalid values become NaT."""
    return parse_iso8601(values)["date"]


def impute_date(values: pd.Series, rule: str, ceiling: pd.Timestamp | None = None) -> pd.DataFrame:
    """Impute partial dates by ``rule``; return ``date`` and ``flag`` (``D``, ``M`` or ``""``).

    ``"last"`` takes the last day of the month (or year), ``"first"`` the first; a ``ceiling``
    caps the imputed date (SAP section 3: response dates are never imputed after the data cutoff).
    A value with a missing year stays missing.
    """
    if rule not in ("first", "last"):
        raise ValueError(f"unknown imputation rule {rule!r}")
    parsed = parse_iso8601(values)
    year_start = pd.to_datetime(
        pd.DataFrame({"year": parsed["year"], "month": 1, "day": 1}), errors="coerce"
    )
    month_start = pd.to_datetime(
        pd.DataFrame({"year": parsed["year"], "month": parsed["month"], "day": 1}), errors="coerce"
    )
    if rule == "first":
        by_month, by_year = month_start, year_start
    else:
        by_month = month_start + pd.offsets.MonthEnd(0)
        by_year = year_start + pd.offsets.YearEnd(0)
    precision = parsed["precision"]
    imputed = parsed["date"].where(precision == "day")
    imputed = imputed.where(precision != "month", by_month)
    imputed = imputed.where(precision != "year", by_year)
    flag = pd.Series(
        np.select([precision == "month", precision == "year"], ["D", "M"], ""), index=values.index
    )
    if ceiling is not None:
        capped = (flag != "") & (imputed > ceiling)
        imputed = imputed.mask(capped, ceiling)
    return pd.DataFrame({"date": imputed, "flag": flag}, index=values.index)


# The study day variable of each ISO 8601 date variable, by suffix (SDTMIG 3.4 section 4.4.4).
_STUDY_DAY_SUFFIXES = {"DTC": "DY", "STDTC": "STDY", "ENDTC": "ENDY"}


def study_day_variables(domain: str, columns) -> list[tuple[str, str]]:
    """(date variable, its study day variable) of the domain's date variables among ``columns``;
    SDTMIG 3.4 MH has only MHDY, of the collection date MHDTC."""
    return [
        (f"{domain}{suffix}", f"{domain}{day}")
        for suffix, day in _STUDY_DAY_SUFFIXES.items()
        if f"{domain}{suffix}" in columns and (suffix == "DTC" or domain != "MH")
    ]


def study_day(dates: pd.Series, reference: pd.Series) -> pd.Series:
    """Study day with no day 0 (SAP section 3): on/after the reference ``+1``, before it not."""
    delta = (dates - reference).dt.days
    return delta.where(delta < 0, delta + 1).astype("Int64")
