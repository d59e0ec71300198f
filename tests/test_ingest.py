"""Reading SDTM files and applying the data cut (SAP section 3)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from oncocsr.ingest import apply_data_cut
from oncocsr.io import read_sdtm, write_xpt


def test_records_after_cutoff_are_removed_partial_dates_by_earliest_day():
    ae = pd.DataFrame(
        {
            "USUBJID": ["A"] * 5,
            "AESTDTC": ["2016-10-13", "2016-10-14", "2016-10", "2016-11", ""],
            "AEENDTC": ["2016-10-20", "", "", "", "2016-09-01"],
        }
    )
    cut = apply_data_cut(ae, "AE", "2016-10-13")
    # After the cutoff: 2016-10-14 and 2016-11 (earliest day after it); kept: the cutoff day, a
    # month that contains the cutoff, and an undated record. An end after the cutoff is unknown.
    assert list(cut["AESTDTC"]) == ["2016-10-13", "2016-10", ""]
    assert list(cut["AEENDTC"]) == ["", "", "2016-09-01"]
    assert list(ae["AESTDTC"])[1] == "2016-10-14"  # the input frame is not modified


def test_dm_is_not_cut():
    dm = pd.DataFrame({"USUBJID": ["A"], "DTHDTC": ["2020-01-01"]})
    assert apply_data_cut(dm, "DM", "2016-10-13").equals(dm)


def test_readers_agree_across_formats(tmp_path):
    frame = pd.DataFrame(
        {
            "STUDYID": ["S", "S"],
            "USUBJID": ["A", "B"],
            "RSSEQ": [1.0, 2.0],
            "RSDTC": ["2015-01-01", ""],
        }
    )
    write_xpt(frame, tmp_path / "rs.xpt", dataset="RS", stamp="01JAN15:00:00:00")
    frame.to_parquet(tmp_path / "rs.parquet")
    frame.to_csv(tmp_path / "rs.csv", index=False)
    xpt = read_sdtm(tmp_path / "rs.xpt")
    assert xpt.equals(read_sdtm(tmp_path / "rs.parquet"))
    assert list(read_sdtm(tmp_path / "rs.csv")["RSDTC"]) == ["2015-01-01", ""]


def test_xpt_bytes_depend_only_on_data_and_stamp(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["A"], "AVAL": [1.5]})
    write_xpt(frame, tmp_path / "a.xpt", dataset="ADX", stamp="13OCT16:00:00:00")
    write_xpt(frame, tmp_path / "b.xpt", dataset="ADX", stamp="13OCT16:00:00:00")
    data = (tmp_path / "a.xpt").read_bytes()
    assert data == (tmp_path / "b.xpt").read_bytes()
    assert b"13OCT16:00:00:00" in data[:400]


def test_fast_transport_reader_equals_pyreadstat(tmp_path):
    # Our numpy reader of XPT v5 against pyreadstat's, on every bundled and foreign file and on
    # short files whose last records are blank padding or SAS missing values.
    import pyreadstat

    from oncocsr.io import read_sdtm_file

    short = pd.DataFrame({"A": ["x", "", "y"], "B": ["", "", ""]})
    pyreadstat.write_xport(short, str(tmp_path / "short.xpt"), file_format_version=5)
    numbers = pd.DataFrame({"N": [1.5, float("nan"), -0.1, 1e-300, 123456789.25]})
    pyreadstat.write_xport(numbers, str(tmp_path / "numbers.xpt"), file_format_version=5)
    root = Path(__file__).resolve().parents[1]
    files = [
        *sorted((root / "data" / "sdtm" / "2016-11-27").glob("*.xpt")),
        *sorted((root.parent / "shared" / "external" / "pharmaverse-onco").glob("*.xpt")),
        tmp_path / "short.xpt",
        tmp_path / "numbers.xpt",
    ]
    for path in files:
        expected, _ = pyreadstat.read_xport(str(path))
        got, notes = read_sdtm_file(path)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=str(path))
        assert notes == []


def test_fast_transport_writer_gives_pyreadstats_bytes(tmp_path):
    # write_xpt encodes the observations with numpy; the whole file must equal what pyreadstat
    # writes from the same frame (header stamp aside): text with UTF-8 and missing values, an
    # all-blank text variable, numbers near the IBM range's edges and their signs, integers,
    # booleans, dates and datetimes with NaT (as pandas and as Python objects), and an empty frame.
    import numpy as np
    import pyreadstat

    from oncocsr.io import _XPT_OBS_HEADER

    frame = pd.DataFrame(
        {
            "USUBJID": ["A-1", "héllo wörld", None, "", "B"],
            "BLANK": ["", "", "", "", ""],
            "AVAL": [1.5, np.nan, -0.1, 1e-70, -7.2e74],
            "N": [0, 1, -3, 2**40, 7],
            "FL": [True, False, True, True, False],
            "ADT": pd.to_datetime(["2016-01-01", None, "1959-12-31", "2016-02-29", "1960-01-01"]),
            "ADTM": pd.to_datetime(
                ["2016-01-01 04:05:06", None, None, "1999-12-31 23:59:59", None]
            ),
            "TRTSDT": [date(2016, 1, 1), None, date(1959, 12, 31), date(2016, 2, 29), None],
            "TRTSDTM": [None, datetime(2016, 1, 1, 4, 5, 6), None, None, datetime(1960, 1, 1)],
        }
    )
    labels = {column: f"Label of {column}" for column in frame.columns}
    for rows in (frame, frame.iloc[[3, 1]], frame.head(0)):
        write_xpt(rows, tmp_path / "ours.xpt", dataset="ADX", label="X", column_labels=labels)
        pyreadstat.write_xport(
            rows,
            str(tmp_path / "theirs.xpt"),
            file_format_version=5,
            table_name="ADX",
            file_label="X",
            column_labels=[labels[column] for column in rows.columns],
        )
        ours, theirs = (tmp_path / "ours.xpt").read_bytes(), (tmp_path / "theirs.xpt").read_bytes()
        start = theirs.index(_XPT_OBS_HEADER)
        assert ours[start:] == theirs[start:] and len(ours) == len(theirs)
    # Datetimes named in ``dates`` are SAS dates, as pyreadstat writes Python dates.
    # (the first record's ADT missing: the header still types ADT from a record that has one)
    frame = frame.iloc[[1, 0, 2, 3, 4]]
    write_xpt(frame, tmp_path / "ours.xpt", dataset="ADX", dates=("ADT",))
    days = frame.assign(ADT=frame["ADT"].dt.date.astype(object).where(frame["ADT"].notna(), None))
    pyreadstat.write_xport(
        days, str(tmp_path / "theirs.xpt"), file_format_version=5, table_name="ADX"
    )
    ours, theirs = (tmp_path / "ours.xpt").read_bytes(), (tmp_path / "theirs.xpt").read_bytes()
    start = theirs.index(_XPT_OBS_HEADER)
    assert ours[start:] == theirs[start:] and b"DATE" in ours[:start]
    with pytest.raises(ValueError, match="outside the range"):
        write_xpt(pd.DataFrame({"AVAL": [1e76]}), tmp_path / "big.xpt", dataset="ADX")
