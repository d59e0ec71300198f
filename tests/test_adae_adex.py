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
    adae = derive_adae(events, EX, ADSL, window_days=30)
    assert adae["AESIDIAR"].tolist() == ["EARLY", "LATE", "", ""]
    assert adae["AESIFN"].tolist() == ["", "", "Y", ""]
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
