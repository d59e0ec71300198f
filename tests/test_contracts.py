"""ADaM output contracts: a violating dataset is refused before anything is written."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pandera.pandas as pa
import pyreadstat
import pytest

from oncocsr.adam.contracts import write_adam
from oncocsr.adam.metadata import MetadataError, load_metadata, variable_metadata


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
    # ADaMIG 1.3 / ADaM BDS for TTE labels.
    assert meta.column_names_to_labels["CNSR"] == "Censor"
    assert meta.column_names_to_labels["STARTDT"] == "Time-to-Event Origin Date for Subject"
    assert str(frame.loc[0, "ADT"]) == "2015-01-30"
    # SAS dates with DATE9. (not DATE, shown as DATE7.), numeric even when all missing.
    assert meta.original_variable_types["ADT"] == "DATE9"
    assert pd.read_parquet(tmp_path / "adtte.parquet").shape == (2, 8)


def test_an_all_missing_date_stays_a_numeric_date(tmp_path):
    write_adam(adtte(ADT=pd.to_datetime([None, None])), "adtte", outputs(tmp_path), "2016-10-13")
    _, meta = pyreadstat.read_xport(str(tmp_path / "adtte.xpt"))
    assert meta.readstat_variable_types["ADT"] == "double"
    assert meta.original_variable_types["ADT"] == "DATE9"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"MYVAR": ["x", "y"]}, "ADTTE.MYVAR: no metadata"),
        ({"CNSR": ["0", "1"]}, "ADTTE.CNSR: holds object, its metadata says integer"),
        ({"CNSR": [0.5, 1.0]}, "ADTTE.CNSR: integer variable holds 0.5"),
        ({"ADT": ["2015-01-30", "2015-07-19"]}, "ADTTE.ADT: holds object, its metadata says date"),
        ({"EVNTDESC": [1, 2]}, "ADTTE.EVNTDESC: holds int64, its metadata says text"),
    ],
)
def test_variables_must_match_their_metadata(tmp_path, changes, message):
    with pytest.raises(MetadataError, match=re.escape(message)):
        write_adam(adtte(**changes), "adtte", outputs(tmp_path), "2016-10-13")
    assert not any(tmp_path.iterdir())


def test_study_labels_describe_supplemental_qualifiers_and_must_fit(tmp_path):
    write_adam(
        adtte(SUBTYPE=["A", "B"]),
        "adtte",
        outputs(tmp_path),
        "2016-10-13",
        {"SUBTYPE": "Tumour Subtype"},
    )
    _, meta = pyreadstat.read_xport(str(tmp_path / "adtte.xpt"))
    assert meta.column_names_to_labels["SUBTYPE"] == "Tumour Subtype"
    long = "A label that is longer than forty characters"
    with pytest.raises(MetadataError, match="must have 1 to 40 characters"):
        write_adam(
            adtte(SUBTYPE=["A", "B"]),
            "adtte",
            outputs(tmp_path / "x"),
            "2016-10-13",
            {"SUBTYPE": long},
        )


def test_every_metadata_label_fits_and_every_variable_is_typed():
    spec = load_metadata()
    for dataset in spec["datasets"]:
        for name in spec["variables"]:
            variable_metadata(dataset, name)
        for name in spec["datasets"][dataset].get("required", []):
            assert name in spec["variables"], (dataset, name)


@pytest.mark.parametrize(
    "changes",
    [
        {"AVAL": [0.0, 200.0]},  # AVAL >= 1
        {"FASFL": ["Y", ""]},  # population flags are Y or N (ADaMIG 1.3, 3.2.3)
        {"ABLFL": ["Y", "N"]},  # other flags are Y or blank
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
