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
    # Population flags are Y or N, never blank (ADaMIG 1.3, 3.2.3).
    assert flags["SCREENFAIL"] == {"ENRLFL": "N", "FASFL": "N", "SAFFL": "N", "EFFFL": "N"}
    # Consent only in DS still enrols; no dose keeps the subject out of FAS and safety.
    assert flags["NODOSE"] == {"ENRLFL": "Y", "FASFL": "N", "SAFFL": "N", "EFFFL": "N"}
    # Dosed but no baseline tumour data: FAS without EFFFL.
    assert flags["LATEDEATH"]["FASFL"] == "Y" and flags["LATEDEATH"]["EFFFL"] == "N"


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
    adsl = derive_adsl(domains, "2015-12-31", {"baseline": {"age_groups": [50]}})
    adsl = adsl.set_index("USUBJID")
    assert adsl.loc["TREATED", "AGEGR1"] == "<50" and adsl.loc["LATEDEATH", "AGEGR1"] == ">=50"
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


def test_age_groups_from_several_cut_points():
    from oncocsr.adam.adsl import groups_by_cut_points

    ages = pd.Series([30.0, 50.0, 64.9, 65.0, None])
    assert list(groups_by_cut_points(ages, [65, 50])) == ["<50", "50-<65", "50-<65", ">=65", ""]
    counts = pd.Series([1.0, 2.0, 3.0, 7.0])
    assert list(groups_by_cut_points(counts, [3], integer=True)) == ["<=2", "<=2", ">=3", ">=3"]


def test_enrolment_falls_back_to_randomised_or_treated_when_no_consent_is_recorded(domains):
    """SAP section 2: without consent dates the study names the fallback explicitly."""
    domains["DM"]["RFICDTC"] = ""
    domains["DS"] = domains["DS"][domains["DS"]["DSDECOD"] != "INFORMED CONSENT OBTAINED"]
    randomised = pd.DataFrame(
        {
            "USUBJID": ["LATEDEATH"],
            "DSSEQ": [2.0],
            "DSDECOD": ["RANDOMIZED"],
            "DSCAT": ["PROTOCOL MILESTONE"],
            "DSSCAT": [""],
            "DSSTDTC": ["2015-01-05"],
        }
    )
    domains["DS"] = pd.concat([domains["DS"], randomised], ignore_index=True)

    def enrolled(definition: str) -> set[str]:
        adsl = derive_adsl(domains, "2015-12-31", {"populations": {"enrolled": definition}})
        return set(adsl.loc[adsl["ENRLFL"] == "Y", "USUBJID"])

    assert enrolled("consent") == set()
    assert enrolled("randomized") == {"LATEDEATH"}
    assert enrolled("treated") == {"TREATED", "LATEDEATH"}
    adsl = derive_adsl(
        domains,
        "2015-12-31",
        {"populations": {"enrolled": "randomized"}, "reference_start": "randomization"},
    ).set_index("USUBJID")
    assert adsl.loc["LATEDEATH", "STARTDT"] == pd.Timestamp("2015-01-05")


def test_sponsor_terms_come_from_the_study_config(domains):
    """Another sponsor's controlled terms: consent milestone and disposition category named
    differently, no end-of-treatment record (treatment status not collected: no EOTSTT)."""
    domains["DM"]["RFICDTC"] = ""
    ds = domains["DS"].replace(
        {"INFORMED CONSENT OBTAINED": "CONSENT SIGNED", "DISPOSITION EVENT": "DISPOSITION"}
    )
    domains["DS"] = ds
    terms = {
        "ds": {
            "consent": "CONSENT SIGNED",
            "disposition_category": "DISPOSITION",
            "end_of_treatment": None,
        }
    }
    adsl = derive_adsl(domains, "2015-12-31", {"terms": terms}).set_index("USUBJID")
    assert adsl.loc["NODOSE", "ENRLFL"] == "Y" and adsl.loc["NODOSE", "RFICDT"] == pd.Timestamp(
        "2015-01-03"
    )
    assert adsl.loc["TREATED", "EOSSTT"] == "DISCONTINUED"
    assert "EOTSTT" not in adsl and "DCTREAS" not in adsl


def test_last_known_alive_counts_only_dates_that_show_the_subject_alive(domains):
    """SAP section 5: never RFPENDTC (end of participation, often the data transfer); a fatal
    AE's end date is the death; survival contacts (SS) with status ALIVE count."""
    dm = domains["DM"]
    dm.loc[dm["USUBJID"] == "LATEDEATH", "RFPENDTC"] = "2015-11-30"
    domains["AE"] = pd.DataFrame(
        {
            "USUBJID": ["LATEDEATH", "LATEDEATH"],
            "AESEQ": [1.0, 2.0],
            "AESTDTC": ["2015-02-01", "2015-03-01"],
            "AEENDTC": ["2015-02-10", "2015-07-01"],
            "AEOUT": ["RECOVERED/RESOLVED", "FATAL"],
        }
    )
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    # Latest date alive: the end of the non-fatal AE (the fatal one's end is not a date alive).
    assert adsl.loc["LATEDEATH", "LSTALVDT"] == pd.Timestamp("2015-03-01")
    domains["SS"] = pd.DataFrame(
        {
            "USUBJID": ["LATEDEATH", "LATEDEATH"],
            "SSSEQ": [1.0, 2.0],
            "SSSTRESC": ["ALIVE", "DEAD"],
            "SSDTC": ["2015-09-14", "2015-12-01"],
        }
    )
    adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
    assert adsl.loc["LATEDEATH", "LSTALVDT"] == pd.Timestamp("2015-09-14")


def test_baseline_ecog_from_qs_and_supplemental_qualifiers(domains):
    domains["QS"] = pd.DataFrame(
        {
            "USUBJID": ["TREATED", "TREATED"],
            "QSSEQ": [1.0, 2.0],
            "QSCAT": ["ECOG", "ECOG"],
            "QSSTRESC": ["1", "2"],
            "QSDTC": ["2015-01-05", "2015-03-01"],
        }
    )
    domains["SUPPDM"] = pd.DataFrame(
        {
            "RDOMAIN": "DM",
            "USUBJID": ["TREATED"],
            "IDVAR": [""],
            "IDVARVAL": [""],
            "QNAM": ["HISTTYPE"],
            "QVAL": ["ADENOCARCINOMA"],
        }
    )
    settings = {
        "baseline": {
            "ecog": {"domain": "QS", "category": "ECOG"},
            "supplemental": {"HISTTYPE": "Histology", "ABSENT": "Not in SUPPDM"},
        }
    }
    adsl = derive_adsl(domains, "2015-12-31", settings).set_index("USUBJID")
    # The last value on or before day 1 (2015-01-10), not the later one.
    assert adsl.loc["TREATED", "ECOGBL"] == "1" and adsl.loc["NODOSE", "ECOGBL"] == ""
    assert adsl.loc["TREATED", "HISTTYPE"] == "ADENOCARCINOMA" and "ABSENT" not in adsl
    # ECOG in RS (the default source) is not in this study: not collected, no ECOGBL.
    assert "ECOGBL" not in derive_adsl(domains, "2015-12-31")


def test_efficacy_evaluable_counts_assessments_of_the_studys_criterion_and_evaluator(domains):
    """SAP section 2: the post-baseline assessment must be one the response derivation uses:
    an iRECIST or another evaluator's assessment alone does not make TREATED evaluable."""
    rs, dm = domains["RS"], domains["DM"]
    # Alive: a death would make the subject evaluable without any assessment.
    dm.loc[dm["USUBJID"] == "TREATED", ["DTHDTC", "DTHFL"]] = ""
    assert derive_adsl(domains, "2015-12-31").set_index("USUBJID").loc["TREATED", "EFFFL"] == "Y"
    for change in ({"RSCAT": "iRECIST"}, {"RSEVAL": "INDEPENDENT ASSESSOR"}):
        domains["RS"] = rs.assign(**change)
        adsl = derive_adsl(domains, "2015-12-31").set_index("USUBJID")
        assert adsl.loc["TREATED", "EFFFL"] == "N", change
