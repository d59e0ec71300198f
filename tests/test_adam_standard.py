"""ADaMIG 1.3 conformance of the written ADaM datasets, read back as a reviewer's software reads
them (pyreadstat on the XPT files), for the bundled study and the pharmaverse example; and the
standard variables (ASEQ, PARAMN, TRTP/TRTA, AVISITN, OCCDS flags, ADTF) by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pyreadstat
import pytest
from conftest import START, adsl_for, rs_records
from inprocess import ROOT, derive_study
from written_adam import ADAM, STUDIES, written_study

from oncocsr.adam.adae import derive_adae
from oncocsr.adam.adrs import derive_adrs
from oncocsr.adam.adtte import derive_adtte
from oncocsr.adam.metadata import dataset_spec, variable_metadata
from oncocsr.studyconfig import load_study

# The variables issue 14 lists from ADaMIG 1.3 (section 3.2 ADSL, 3.3 BDS), the ADaM BDS for
# TTE document (ADTTE) and OCCDS 1.1 (ADAE): written here from the standards, not the metadata.
ADSL_REQUIRED = (
    "STUDYID USUBJID SUBJID SITEID AGE AGEU SEX RACE ETHNIC COUNTRY ARM ACTARM TRT01P TRT01A"
    " TRTSDT TRTEDT TRTDURD SAFFL ITTFL FASFL EFFFL DTHDT DTHFL EOSSTT DCUTDT"
).split()
BDS_REQUIRED = "STUDYID USUBJID PARAMCD PARAM PARAMN AVAL ASEQ TRTP TRTA".split()
TTE_REQUIRED = "STARTDT ADT CNSR EVNTDESC CNSDTDSC SRCDOM SRCVAR SRCSEQ".split()
OCCDS_REQUIRED = (
    "STUDYID USUBJID AETERM AEDECOD AEBODSYS TRTA ASTDT ASTDTF AENDT ASTDY TRTEMFL ATOXGR"
    " AOCCFL AOCCPFL AOCCSFL ASEQ"
).split()


@pytest.fixture(scope="module", params=sorted(STUDIES))
def written(request, tmp_path_factory) -> SimpleNamespace:
    """A study's ADaM datasets derived in process and written as the rules write them (once per
    session, shared with the define.xml and Dataset-JSON tests)."""
    study = written_study(request.param, tmp_path_factory)
    frames = {name: pd.read_parquet(study.folder / f"{name}.parquet") for name in ADAM}
    return SimpleNamespace(folder=study.folder, frames=frames, labels=study.labels)


def test_every_variable_is_labelled_from_the_metadata_and_dates_are_date9(written):
    for name in ADAM:
        _, meta = pyreadstat.read_xport(str(written.folder / f"{name}.xpt"))
        assert meta.file_label == dataset_spec(name)["label"]
        assert meta.table_name == name.upper()
        for column in meta.column_names:
            label = meta.column_names_to_labels[column]
            assert 0 < len(label) <= 40, (name, column, label)
            assert label == variable_metadata(name, column, written.labels).label
            assert len(column) <= 8, (name, column)
            if variable_metadata(name, column, written.labels).type == "date":
                # Numeric SAS dates displayed as DATE9., even when no record has one.
                assert meta.readstat_variable_types[column] == "double", (name, column)
                assert meta.original_variable_types[column] == "DATE9", (name, column)


def test_adamig_required_variables_are_present(written):
    columns = {name: set(written.frames[name].columns) for name in ADAM}
    assert set(ADSL_REQUIRED) <= columns["adsl"], set(ADSL_REQUIRED) - columns["adsl"]
    for name in ("adrs", "adtr", "adtte", "adex"):
        assert set(BDS_REQUIRED) <= columns[name], (name, set(BDS_REQUIRED) - columns[name])
    assert set(TTE_REQUIRED) <= columns["adtte"]
    assert set(OCCDS_REQUIRED) <= columns["adae"], set(OCCDS_REQUIRED) - columns["adae"]
    assert "DATACUT" not in columns["adsl"]


def test_standard_variables_follow_their_definitions(written):
    adsl = written.frames["adsl"].set_index("USUBJID")
    # TRTDURD = TRTEDT - TRTSDT + 1 (ADaMIG 1.3), computed here from the dates.
    days = (adsl["TRTEDT"] - adsl["TRTSDT"]).dt.days + 1
    pd.testing.assert_series_equal(adsl["TRTDURD"], days, check_names=False)
    assert (adsl["TRT01P"] == adsl["ARM"]).all() and (adsl["TRT01A"] == adsl["ACTARM"]).all()
    for name in ("adrs", "adtr", "adtte", "adex", "adae"):
        frame = written.frames[name]
        # ASEQ numbers each subject's records 1..n.
        expected = frame.groupby("USUBJID").cumcount() + 1
        assert (frame["ASEQ"] == expected).all(), name
        assert (frame["TRTA"] == frame["USUBJID"].map(adsl["TRT01A"])).all(), name
        if name != "adae":
            assert (frame["TRTP"] == frame["USUBJID"].map(adsl["TRT01P"])).all(), name
            pairs = frame[["PARAMCD", "PARAMN"]].drop_duplicates()
            assert pairs["PARAMCD"].is_unique and pairs["PARAMN"].is_unique, name


def test_analysis_visit_numbers_are_the_rs_visit_numbers():
    settings = load_study(STUDIES["bundled"][0]).settings("primary")
    snapshot = ROOT / settings["cut"]["snapshot"]
    rs, _ = pyreadstat.read_xport(str(snapshot / "rs.xpt"))
    adrs = derive_study(snapshot, settings["cut"]["cutoff"], settings)["adrs"]
    ovr = adrs[adrs["PARAMCD"] == "OVR"]
    source = rs.set_index(["USUBJID", "RSSEQ"])["VISITNUM"]
    expected = source.reindex(pd.MultiIndex.from_arrays([ovr["USUBJID"], ovr["SRCSEQ"]]))
    assert (ovr["AVISITN"].to_numpy() == expected.to_numpy()).all()
    assert (ovr["AVISIT"] == ovr["VISIT"]).all()
    # Subject-level parameters have no visit.
    assert (adrs.loc[adrs["PARAMCD"] == "BOR", "AVISIT"] == "").all()


def test_analysis_visit_numbers_without_visitnum_rank_visits_by_day(sap_response):
    adsl = adsl_for(["A", "B"])
    rs = rs_records({"A": [(43, "SD"), (85, "PD")], "B": [(44, "SD")]})
    adrs = derive_adrs(rs, adsl, **sap_response)
    ovr = adrs[adrs["PARAMCD"] == "OVR"]
    # V1 is first seen on day 43, V2 on day 85.
    assert ovr["AVISITN"].tolist() == [1.0, 2.0, 1.0]


def test_occurrence_flags_by_hand():
    ex = pd.DataFrame({"USUBJID": "A", "EXTRT": "DRUG", "EXDOSE": [100.0], "EXSTDTC": "2015-01-01"})
    rows = [
        # AESEQ, term, SOC, grade, start
        (1, "Nausea", "GI disorders", "1", "2015-01-03"),
        (2, "Diarrhoea", "GI disorders", "3", "2015-01-05"),
        (3, "Nausea", "GI disorders", "3", "2015-01-10"),
        (4, "Rash", "Skin disorders", "2", "2014-12-20"),  # before the first dose
        (5, "Fatigue", "General disorders", "2", "2015-01-12"),
    ]
    ae = pd.DataFrame(
        [
            {"USUBJID": "A", "AESEQ": float(s), "AEDECOD": t, "AEBODSYS": b, "AETOXGR": g}
            | {"AESTDTC": d, "AETERM": t, "AESPONSOR": "x"}
            for s, t, b, g, d in rows
        ]
    )
    adae = derive_adae(ae, ex, adsl_for(["A"], TRTEDT=START), window_days=30)
    # First TEAE of the subject: AESEQ 1; of each SOC: 1 (GI) and 5 (General); of each
    # preferred term: 1, 2, 5; first of the highest grade (3): AESEQ 2. AESEQ 4 is not a TEAE.
    assert adae["AOCCFL"].tolist() == ["Y", "", "", "", ""]
    assert adae["AOCCSFL"].tolist() == ["Y", "", "", "", "Y"]
    assert adae["AOCCPFL"].tolist() == ["Y", "Y", "", "", "Y"]
    assert adae["AOCCIFL"].tolist() == ["", "Y", "", "", ""]
    assert adae["ATOXGR"].tolist() == ["1", "3", "3", "2", "2"]
    # A sponsor's variable without metadata stays in SDTM.
    assert "AESPONSOR" not in adae


def test_an_imputed_progression_date_is_flagged_in_adtte(sap_response):
    adsl = adsl_for(["A"])
    # PD recorded as 2015-03 (START is 2015-01-01): ADRS imputes the last day of the month.
    rs = rs_records({"A": [(43, "SD"), ("2015-03", "PD")]})
    adrs = derive_adrs(rs, adsl, **sap_response)
    ds = pd.DataFrame(columns=["USUBJID", "DSSEQ", "DSDECOD", "DSSTDTC"])
    pfs = {"assessment_interval_days": 42, "window_days": 7}
    pfs |= {"censor_new_therapy": True, "censor_missed_visits": True}
    adtte = derive_adtte(adsl, adrs, ds, **pfs).set_index("PARAMCD")
    assert adtte.loc["PFS", "ADT"] == pd.Timestamp("2015-03-31")
    assert adtte.loc["PFS", "ADTF"] == "D" and adtte.loc["OS", "ADTF"] == ""
