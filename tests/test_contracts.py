"""ADaM output contracts: a violating dataset is refused before anything is written."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pandera.pandas as pa
import pyreadstat
import pytest

from oncocsr.adam.contracts import write_adam


def adtte(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "USUBJID": ["A", "B"],
            "PARAMCD": ["OS", "OS"],
            "AVAL": [30.0, 200.0],
            "CNSR": [0, 1],
            "STARTDT": pd.to_datetime(["2015-01-01", "2015-01-01"]),
            "ADT": pd.to_datetime(["2015-01-30", "2015-07-19"]),
            "EVNTDESC": ["Death", ""],
            "FASFL": ["Y", "Y"],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def outputs(tmp_path):
    return SimpleNamespace(parquet=tmp_path / "adtte.parquet", xpt=tmp_path / "adtte.xpt")


def test_valid_dataset_is_written_as_parquet_and_labelled_transport(tmp_path):
    write_adam(adtte(), "adtte", outputs(tmp_path), "2016-10-13")
    frame, meta = pyreadstat.read_xport(str(tmp_path / "adtte.xpt"))
    assert meta.file_label == "Time-to-Event Analysis Dataset"
    assert meta.column_names_to_labels["CNSR"] == "Censor (0 = event)"
    assert str(frame.loc[0, "ADT"]) == "2015-01-30"
    assert pd.read_parquet(tmp_path / "adtte.parquet").shape == (2, 8)


@pytest.mark.parametrize(
    "changes",
    [
        {"AVAL": [0.0, 200.0]},  # AVAL >= 1
        {"FASFL": ["Y", "N"]},  # flags are Y or blank
        {"USUBJID": ["A", "A"]},  # unique key
        {"ADT": pd.to_datetime(["2014-12-31", "2015-07-19"])},  # ADT >= STARTDT
        {"EVNTDESC": ["", ""]},  # an event (CNSR 0) has its description
        {"CNSR": [-1, 1]},  # CNSR coding
    ],
)
def test_violations_are_refused_and_nothing_is_written(tmp_path, changes):
    with pytest.raises(pa.errors.SchemaErrors):
        write_adam(adtte(**changes), "adtte", outputs(tmp_path), "2016-10-13")
    assert not any(tmp_path.iterdir())
