"""ADSL: analysis sets, reference dates, death and last-known-alive (SAP sections 2, 3 and 6)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocsr.adam.adsl import derive_adsl


def dm_row(subject: str, **values) -> dict:
    row = {
        "STUDYID": "S",
        "USUBJID": subject,
        "SUBJID": subject,
        "SITEID": "01",
        "AGE": 55.0,
        "SEX": "F",
        "RACE": "ASIAN",
        "ARMCD": "IRI",
        "ARM": "Irinotecan",
        "ACTARMCD": "IRI",
        "ACTARM": "Irinotecan",
        "RFICDTC": "2015-01-01",
        "RFSTDTC": "",
        "RFXSTDTC": "",
        "RFXENDTC": "",
        "RFENDTC": "",
        "DTHDTC": "",
        "DTHFL": "",
    }
    row.update(values)
    return row


@pytest.fixture
def domains():
    dm = pd.DataFrame(
        [
            dm_row("TREATED", DTHDTC="2015-06", DTHFL="Y", AGE=49.0),
            dm_row("SCREENFAIL", ARMCD="SCRNFAIL", ACTARMCD="SCRNFAIL"),
            dm_row("NODOSE", RFICDTC=""),
            dm_row("LATEDEATH", DTHDTC="2016-03-02", DTHFL="Y"),
        ]
    )
    ds = pd.DataFrame(
        {
            "USUBJID": ["NODOSE", "TREATED", "LATEDEATH"],
            "DSSEQ": [1.0, 1.0, 1.0],
            "DSDECOD": ["INFORMED CONSENT OBTAINED", "DEATH", "INFORMED CONSENT OBTAINED"],
            "DSCAT": ["PROTOCOL MILESTONE", "DISPOSITION EVENT", "PROTOCOL MILESTONE"],
            "DSSCAT": ["", "END OF STUDY", ""],
            "DSSTDTC": ["2015-01-03", "2015-06", "2015-01-02"],
        }
    )
    ex = pd.DataFrame(
        {
            "USUBJID": ["TREATED", "TREATED", "LATEDEATH"],
            "EXTRT": "IRINOTECAN",
            "EXDOSE": [180.0, 150.0, 180.0],
            "EXSTDTC": ["2015-01-10T09:00", "2015-06-12T09:00", "2015-01-12"],
            "EXENDTC": ["2015-01-10T10:30", "2015-06-12T10:30", "2015-01-12"],
        }
    )
    rs = pd.DataFrame(
        {
            "USUBJID": ["TREATED"],
            "RSSEQ": [1.0],
            "RSTESTCD": ["OVRLRESP"],
            "RSCAT": ["RECIST 1.1"],
            "RSSTRESC": ["SD"],
            "RSDTC": ["2015-02-21"],
        }
    )
    tu = pd.DataFrame(
        {
            "USUBJID": ["TREATED", "TREATED"],
            "TUSTRESC": ["TARGET", "NON-TARGET"],
            "TULOC": ["LIVER", "BONE"],
        }
    )
    return {"DM": dm, "DS": ds, "EX": ex, "RS": rs, "TU": tu}


def test_analysis_sets(domains):
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    flags = adsl[["ENRLFL", "FASFL", "SAFFL", "EFFFL"]].to_dict("index")
    assert flags["TREATED"] == {"ENRLFL": "Y", "FASFL": "Y", "SAFFL": "Y", "EFFFL": "Y"}
    assert flags["SCREENFAIL"] == {"ENRLFL": "", "FASFL": "", "SAFFL": "", "EFFFL": ""}
    # Consent only in DS still enrols; no dose keeps the subject out of FAS and safety.
    assert flags["NODOSE"] == {"ENRLFL": "Y", "FASFL": "", "SAFFL": "", "EFFFL": ""}
    # Dosed but no baseline tumour data: FAS without EFFFL.
    assert flags["LATEDEATH"]["FASFL"] == "Y" and flags["LATEDEATH"]["EFFFL"] == ""


def test_treatment_dates_from_exposure(domains):
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    assert adsl.loc["TREATED", "TRTSDT"] == pd.Timestamp("2015-01-10")
    assert adsl.loc["TREATED", "TRTEDT"] == pd.Timestamp("2015-06-12")
    assert adsl.loc["TREATED", "STARTDT"] == adsl.loc["TREATED", "TRTSDT"]


def test_partial_death_date_not_before_last_known_alive(domains):
    # Death "2015-06" imputes to 2015-06-01, but the subject was dosed on 2015-06-12.
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    assert adsl.loc["TREATED", "LSTALVDT"] == pd.Timestamp("2015-06-12")
    assert adsl.loc["TREATED", "DTHDT"] == pd.Timestamp("2015-06-12")
    assert (adsl.loc["TREATED", "DTHDTF"], adsl.loc["TREATED", "DTHFL"]) == ("D", "Y")


def test_death_after_cutoff_is_not_a_death_and_alive_date_is_capped(domains):
    domains["DM"].loc[domains["DM"]["USUBJID"] == "LATEDEATH", "RFENDTC"] = "2016-03-02"
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    assert pd.isna(adsl.loc["LATEDEATH", "DTHDT"]) and adsl.loc["LATEDEATH", "DTHFL"] == ""
    assert adsl.loc["LATEDEATH", "LSTALVDT"] == pd.Timestamp("2015-12-31")


def test_subgroup_variables(domains):
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    assert adsl.loc["TREATED", "AGEGR1"] == "<50"
    assert (
        adsl.loc["TREATED", "LIVERMET"],
        adsl.loc["TREATED", "VISCMET"],
        adsl.loc["TREATED", "MDISFL"],
    ) == ("Y", "Y", "Y")
    assert (
        adsl.loc["TREATED", "EOSSTT"] == "DISCONTINUED"
        and adsl.loc["TREATED", "DCSREAS"] == "DEATH"
    )
    assert adsl.loc["LATEDEATH", "EOSSTT"] == "ONGOING"


def test_supplemental_qualifiers_merge_onto_subjects_and_records():
    from oncocsr.adam.common import merge_supplemental

    dm = pd.DataFrame({"USUBJID": ["A", "B"], "AGE": [50.0, 60.0]})
    ae = pd.DataFrame({"USUBJID": ["A", "A"], "AESEQ": [1.0, 2.0], "AETERM": ["X", "Y"]})
    supp = pd.DataFrame(
        {
            "RDOMAIN": ["DM", "DM", "AE"],
            "USUBJID": ["A", "B", "A"],
            "IDVAR": ["", "", "AESEQ"],
            "IDVARVAL": ["", "", "2"],
            "QNAM": ["SUBTYPE", "SUBTYPE", "AETRTEM"],
            "QVAL": ["HER2+", "TRIPLE NEGATIVE", "Y"],
        }
    )
    assert list(merge_supplemental(dm, supp, "DM")["SUBTYPE"]) == ["HER2+", "TRIPLE NEGATIVE"]
    merged = merge_supplemental(ae, supp, "AE")
    assert merged["AETRTEM"].fillna("").tolist() == ["", "Y"]
    with pytest.raises(ValueError, match="given twice"):
        merge_supplemental(dm, pd.concat([supp, supp.iloc[[0]]]), "DM")
