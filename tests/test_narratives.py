"""Patient narratives (ICH E3 12.3.2): who gets one, and the dates, study days, action and
outcome text of a hand-made subject."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oncocsr.narratives import EVENT_COLUMNS, narrative_subjects, patient_narratives
from oncocsr.report import environment

ROOT = Path(__file__).resolve().parent.parent

T = pd.Timestamp


def study() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """S1 died and had a serious AE; S2 stopped for an AE; S3 had only a non-serious AE; S4 died
    but is not in the safety set."""
    adsl = pd.DataFrame(
        {
            "USUBJID": ["S3", "S1", "S2", "S4"],
            "SAFFL": ["Y", "Y", "Y", "N"],
            "AGE": [60.0, 50.0, 41.0, 70.0],
            "AGEU": "YEARS",
            "SEX": ["F", "F", "M", "F"],
            "RACE": ["ASIAN", "ASIAN", "WHITE", "ASIAN"],
            "ACTARM": "Drug X 10 mg/m2",
            "TRTSDT": [T("2020-01-01"), T("2020-01-01"), T("2020-03-01"), pd.NaT],
            "TRTEDT": [T("2020-02-01"), T("2020-02-12"), T("2020-03-01"), pd.NaT],
            "DTHFL": ["", "Y", "", "Y"],
            "DTHDT": [pd.NaT, T("2020-03-02"), pd.NaT, T("2020-05-01")],
            "DTHDTF": "",
            "DTHCAUS": ["", "DISEASE PROGRESSION", "", ""],
            "DCTREAS": ["", "DEATH", "ADVERSE EVENT", ""],
        }
    )
    adae = pd.DataFrame(
        {
            "USUBJID": ["S1", "S1", "S2", "S3"],
            "AESEQ": [2, 1, 1, 1],
            "AEDECOD": ["Pneumonia", "Nausea", "Rash", "Fatigue"],
            "AETERM": ["PNEUMONIA", "nausea", "skin rash", "tired"],
            "ASTDT": [T("2020-02-10"), T("2020-01-05"), T("2020-03-01"), T("2020-01-09")],
            "ASTDTF": ["", "", "D", ""],
            "ASTDY": [41, 5, 1, 9],
            "AENDT": [pd.NaT, T("2020-01-06"), T("2020-02-28"), T("2020-01-10")],
            "ATOXGRN": [4.0, 1.0, 2.0, 1.0],
            "AESER": ["Y", "N", "N", "N"],
            "SERFL": ["Y", "", "", ""],
            "DISCFL": ["", "", "Y", ""],
            "FATALFL": ["", "", "", ""],
            "AEREL": ["NOT RELATED", "RELATED", "RELATED", "RELATED"],
            "AEACN": ["DRUG INTERRUPTED", "DOSE NOT CHANGED", "DRUG WITHDRAWN", "DOSE NOT CHANGED"],
            "AEOUT": [
                "NOT RECOVERED/NOT RESOLVED",
                "RECOVERED/RESOLVED",
                "RECOVERING/RESOLVING",
                "RECOVERED/RESOLVED",
            ],
        }
    )
    adex = pd.DataFrame(
        {
            "USUBJID": ["S1", "S1", "S1", "S1", "S2"],
            "PARAMCD": ["CUMDOSE", "NCYCLE", "RDI", "NREDUCE", "NCYCLE"],
            "PARAM": [
                "Cumulative Dose (mg/m2)",
                "Number of Cycles Started",
                "Relative Dose Intensity (%)",
                "Number of Dose Reductions",
                "Number of Cycles Started",
            ],
            "AVAL": [1500.0, 3.0, 95.0, 1.0, 1.0],
        }
    )
    return adsl, adae, adex


def test_narratives_for_deaths_serious_aes_and_ae_discontinuations_of_the_safety_set():
    adsl, adae, _ = study()
    reasons = narrative_subjects(adsl, adae)
    # S3 (non-serious AE only) and S4 (not in the safety set) have none; sorted by USUBJID.
    assert reasons.index.tolist() == ["S1", "S2"]
    assert reasons.loc["S1"].tolist() == [True, True, False]
    assert reasons.loc["S2"].tolist() == [False, False, True]


def test_narrative_of_a_hand_made_subject_dates_days_action_and_outcome():
    s1, s2 = patient_narratives(*study())
    assert s1.usubjid == "S1" and s1.reasons == "death; serious adverse event"
    demographics, dosing, death = s1.sentences
    assert (
        demographics == "The subject (aged 50 years, female, race Asian) received Drug X 10 mg/m²."
    )
    # Last dose 2020-02-12: 42 days after 2020-01-01, so day 43 (day 1 = first dose).
    assert dosing == (
        "First dose on 2020-01-01 (day 1), last dose on 2020-02-12 (day 43); number of cycles "
        "started: 3; cumulative dose (mg/m2): 1,500; number of dose reductions: 1. Reason for "
        "discontinuation of treatment: Death."
    )
    # Death 2020-03-02: 2020 is a leap year, 31 + 29 + 1 = 61 days after day 1 -> day 62; 19 days
    # after the last dose (2020-02-12 + 19 = 2020-03-02).
    assert death == (
        "The subject died on 2020-03-02 (day 62), 19 days after the last dose; cause of death: "
        "Disease progression."
    )
    # Only the serious AE (not the non-serious nausea), ongoing: no end date.
    assert s1.events == [
        [
            "Pneumonia",
            "2020-02-10 (day 41)",
            "No end date",
            "4",
            "Yes",
            "Not related",
            "Drug interrupted",
            "Not recovered/not resolved",
        ]
    ]
    # S2: one dose; the AE ended 2020-02-28, two days before the first dose (2020-02-29 is day
    # -1, there is no day 0): day -2; the verbatim term is as reported; the imputed start is said.
    assert s2.sentences[1].startswith(
        "First dose on 2020-03-01 (day 1), last dose on 2020-03-01 (day 1)"
    )
    assert s2.events[0][:3] == [
        "Rash (skin rash)",
        "2020-03-01 (day 1), imputed",
        "2020-02-28 (day -2)",
    ]
    assert s2.events[0][6:] == ["Drug withdrawn", "Recovering/resolving"]


def test_narrative_takes_day_of_death_and_days_since_last_dose_from_adsl_where_given():
    adsl, adae, adex = study()
    # Deliberately not the dates' arithmetic (62 and 19), so the test shows which is used.
    adsl = adsl.assign(DTHADY=[None, 70.0, None, None], LDDTHELD=[None, 25.0, None, None])
    s1, _ = patient_narratives(adsl, adae, adex)
    assert s1.sentences[2].startswith("The subject died on 2020-03-02 (day 70), 25 days after")


def test_narrative_without_cause_of_death_or_exposure_data_says_no_more_than_the_data():
    adsl, adae, adex = study()
    adsl = adsl.drop(columns=["DTHCAUS", "DCTREAS"])
    s1, _ = patient_narratives(adsl, adae, adex.iloc[:0])
    assert s1.sentences[1] == "First dose on 2020-01-01 (day 1), last dose on 2020-02-12 (day 43)."
    assert (
        s1.sentences[2] == "The subject died on 2020-03-02 (day 62), 19 days after the last dose."
    )


def test_the_fragment_has_a_heading_per_subject_escapes_data_and_says_when_it_is_cut_short():
    adsl, adae, adex = study()
    adae.loc[0, "AETERM"] = "<b>pneumonia</b>"
    narratives = patient_narratives(adsl, adae, adex, limit=1)
    assert [n.usubjid for n in narratives] == ["S1"]
    html = (
        environment(ROOT / "reports")
        .get_template("narratives.html.j2")
        .render(narratives=narratives, total=2, columns=EVENT_COLUMNS, footer="Source: x.")
    )
    assert html.count('<h4 class="narrative-subject">') == 1
    assert "Subject S1" in html and "Subject S2" not in html
    assert "&lt;b&gt;pneumonia&lt;/b&gt;" in html and "<b>" not in html
    assert "The first 1 subjects by subject identifier are shown here" in " ".join(html.split())
    # Pipeline internals (config keys) stay out of the CSR body.
    assert "narratives_max_subjects" not in html
