"""ADAE (treatment emergence, imputation, safety flags) and ADEX (exposure), by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import START, adsl_for

from oncocsr.adam.adae import derive_adae
from oncocsr.adam.adex import derive_adex

ADSL = adsl_for(["A"], TRTEDT=START + pd.Timedelta(days=28))
EX = pd.DataFrame(
    {
        "USUBJID": "A",
        "EXTRT": "IRINOTECAN",
        # Day 1 full dose; day 15 (on time) reduced; day 36 (7 days late) same reduced dose.
        "EXDOSE": [180.0, 150.0, 150.0],
        "EXSTDTC": ["2015-01-01T09:00", "2015-01-15T09:00", "2015-02-05T09:00"],
    }
)


def ae(rows: list[dict]) -> pd.DataFrame:
    base = {
        "USUBJID": "A",
        "AEDECOD": "Nausea",
        "AETOXGR": "1",
        "AESER": "N",
        "AEREL": "RELATED",
        "AEACN": "DOSE NOT CHANGED",
        "AEOUT": "RECOVERED/RESOLVED",
        "AESDTH": "N",
        "AEENDTC": "",
    }
    return pd.DataFrame([{**base, "AESEQ": float(i + 1), **row} for i, row in enumerate(rows)])


def test_treatment_emergence_window_and_partial_start_dates():
    events = ae(
        [
            {"AESTDTC": "2014-12-31"},  # before first dose: not emergent
            {
                "AESTDTC": "2015-03-07"
            },  # last dose 2015-01-29 + 30 days = 2015-02-28 < start... see below
            {"AESTDTC": "2015-01"},  # same month as first dose: imputed to the first dose, emergent
            {"AESTDTC": "2014"},  # year before first dose: 2014-01-01, not emergent
        ]
    )
    adsl = ADSL.assign(TRTEDT=pd.Timestamp("2015-02-05"))
    adae = derive_adae(events, EX, adsl, window_days=30)
    # TRTEDT 2015-02-05 + 30 days = 2015-03-07: the second event is on the last emergent day.
    assert adae["TRTEMFL"].tolist() == ["", "Y", "Y", ""]
    assert adae["ASTDT"][2] == START and adae["ASTDTF"].tolist() == ["", "", "D", "M"]


AESI = [
    {"id": "DIARRHOEA", "label": "Diarrhoea", "terms": ["DIARRHOEA"], "early_onset_hours": 24},
    {"id": "FN", "label": "Febrile neutropenia", "terms": ["FEBRILE NEUTROPENIA"]},
]


def test_safety_flags_and_early_diarrhoea():
    events = ae(
        [
            {"AEDECOD": "Diarrhoea", "AESTDTC": "2015-01-01T14:00"},  # 5 h after the infusion
            {"AEDECOD": "Diarrhoea", "AESTDTC": "2015-01-07"},  # no time: late
            {
                "AEDECOD": "Febrile neutropenia",
                "AETOXGR": "4",
                "AESER": "Y",
                "AEACN": "DRUG WITHDRAWN",
                "AESTDTC": "2015-01-20",
            },
            {
                "AEDECOD": "Nausea",
                "AETOXGR": "5",
                "AEOUT": "FATAL",
                "AEREL": "NOT RELATED",
                "AESTDTC": "2015-01-21",
            },
        ]
    )
    adae = derive_adae(events, EX, ADSL, window_days=30, aesi=AESI)
    # AEs of special interest come from the study's config: CQ01 (split by onset), CQ02.
    assert adae["CQ01NAM"].tolist() == ["Diarrhoea", "Diarrhoea", "", ""]
    assert adae["CQ01ONS"].tolist() == ["EARLY", "LATE", "", ""]
    assert adae["CQ02NAM"].tolist() == ["", "", "Febrile neutropenia", ""]
    assert "CQ02ONS" not in adae
    assert adae["GR3FL"].tolist() == ["", "", "Y", "Y"] and adae["SERFL"].tolist() == [
        "",
        "",
        "Y",
        "",
    ]
    assert adae["DISCFL"].tolist() == ["", "", "Y", ""] and adae["FATALFL"].tolist() == [
        "",
        "",
        "",
        "Y",
    ]
    assert adae["RELFL"].tolist() == ["Y", "Y", "Y", ""]
    # Worst-grade record per subject and term: one per term among emergent events.
    assert adae["AOCCPFL"].tolist() == ["Y", "", "Y", "Y"]


def test_exposure_by_hand():
    adex = derive_adex(EX, ADSL, planned_dose=180, cycle_days=14, delay_tolerance_days=3).set_index(
        "PARAMCD"
    )
    # Duration: 2015-02-05 - 2015-01-01 = 35 days + one 14-day cycle = 49 days = 7 weeks.
    # Cumulative 480 mg/m2; intensity 480 / 7 = 68.57 mg/m2/week; planned 90 -> RDI 76.19%.
    assert adex.loc["NCYCLE", "AVAL"] == 3 and adex.loc["DURD", "AVAL"] == 49
    assert adex.loc["CUMDOSE", "AVAL"] == 480
    assert adex.loc["DOSEINT", "AVAL"] == pytest.approx(480 / 7)
    assert adex.loc["RDI", "AVAL"] == pytest.approx(100 * (480 / 7) / 90)
    assert (adex.loc["NREDUCE", "AVAL"], adex.loc["NDELAY", "AVAL"]) == (1, 1)


def test_grade_sources_aesev_and_none():
    """The grade comes from the study's source: AESEV mapped to grades, or none at all."""
    events = ae([{"AESTDTC": "2015-01-02"}, {"AESTDTC": "2015-01-03"}]).drop(columns="AETOXGR")
    events["AESEV"] = ["SEVERE", "MILD"]
    mapping = {"MILD": 1, "MODERATE": 2, "SEVERE": 3}
    graded = derive_adae(
        events, EX, ADSL, window_days=30, grade={"source": "AESEV", "aesev": mapping}
    )
    assert graded["ATOXGRN"].tolist() == [3.0, 1.0] and graded["GR3FL"].tolist() == ["Y", ""]
    ungraded = derive_adae(events, EX, ADSL, window_days=30, grade={"source": "none"})
    assert ungraded["ATOXGRN"].isna().all() and (ungraded["GR3FL"] == "").all()


def test_continuous_exposure_of_a_daily_patch_and_placebo():
    """A daily patch (EXDOSFRQ QD) as the pharmaverse example records it: each record covers
    EXSTDTC to EXENDTC at EXDOSE per day (exposure.model continuous)."""
    adsl = adsl_for(["A", "P"], ACTARM=["High", "Placebo"])
    ex = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "P"],
            "EXTRT": ["XANOMELINE", "XANOMELINE", "XANOMELINE", "PLACEBO"],
            "EXDOSE": [54.0, 81.0, 54.0, 0.0],
            "EXDOSFRQ": "QD",
            # 14 days at 54, 14 days at 81, a 5-day gap, then 7 days at 54; placebo 10 days.
            "EXSTDTC": ["2015-01-01", "2015-01-15", "2015-02-03", "2015-01-01"],
            "EXENDTC": ["2015-01-14", "2015-01-28", "2015-02-09", "2015-01-10"],
        }
    )
    adex = derive_adex(
        ex,
        adsl,
        model="continuous",
        planned_dose={"High": 81, "Placebo": 0},
        delay_tolerance_days=3,
    )
    value = adex.set_index(["USUBJID", "PARAMCD"])["AVAL"]
    # Duration 2015-01-01 to 2015-02-09: 40 days; dose 14*54 + 14*81 + 7*54 = 2268 mg.
    assert value["A", "DURD"] == 40 and value["A", "CUMDOSE"] == 2268
    assert value["A", "DOSEINT"] == pytest.approx(2268 / 40)
    assert value["A", "RDI"] == pytest.approx(100 * (2268 / 40) / 81)
    # 81 -> 54 is one reduction; the 5-day gap (2015-01-29 to 02-02) one interruption.
    assert (value["A", "NREDUCE"], value["A", "NINTRP"]) == (1, 1)
    # Placebo is exposure too (10 days), without a dose intensity against a planned dose of 0.
    assert value["P", "DURD"] == 10 and pd.isna(value["P", "RDI"])
    assert "NCYCLE" not in set(adex["PARAMCD"])
