"""ISO 8601 parsing, partial-date imputation and study day (SAP section 3)."""

from __future__ import annotations

import pandas as pd

from oncocsr.dates import impute_date, parse_iso8601, study_day


def test_precision_of_full_partial_datetime_missing_and_invalid():
    values = pd.Series(
        ["2014-02-11", "2014-02", "2014", "2014-02-11T09:30", "", "2014-13-01", "--02-11"]
    )
    parsed = parse_iso8601(values)
    # "--02-11" is SDTM's date with an unknown year: recognised, never imputed.
    assert list(parsed["precision"]) == ["day", "month", "year", "day", "", "invalid", "noyear"]
    assert parsed["date"][3] == pd.Timestamp("2014-02-11")


def test_last_day_imputation_flags_and_cutoff_ceiling():
    values = pd.Series(["2016-02", "2015", "2015-06-03", "2015-06"])
    result = impute_date(values, "last", ceiling=pd.Timestamp("2015-06-10"))
    # 2016 is a leap year: last day of February is the 29th; the ceiling only caps imputed dates.
    assert list(result["date"]) == [
        pd.Timestamp("2015-06-10"),
        pd.Timestamp("2015-06-10"),
        pd.Timestamp("2015-06-03"),
        pd.Timestamp("2015-06-10"),
    ]
    assert list(result["flag"]) == ["D", "M", "", "D"]
    uncapped = impute_date(pd.Series(["2016-02"]), "last")
    assert uncapped["date"][0] == pd.Timestamp("2016-02-29")


def test_first_day_imputation_and_missing_year_not_imputed():
    result = impute_date(pd.Series(["2015-07", "2015", "--07-04", ""]), "first")
    assert list(result["date"][:2]) == [pd.Timestamp("2015-07-01"), pd.Timestamp("2015-01-01")]
    assert result["date"][2:].isna().all()
    assert list(result["flag"]) == ["D", "M", "", ""]


def test_study_day_has_no_day_zero():
    reference = pd.Series(pd.to_datetime(["2015-01-10"] * 3))
    dates = pd.Series(pd.to_datetime(["2015-01-09", "2015-01-10", "2015-01-11"]))
    assert list(study_day(dates, reference)) == [-1, 1, 2]
