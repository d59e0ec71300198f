"""Data checks of AE actions against the doses and of last-known-alive dates against death
(oncocsr.safetychecks, oncocsr.crosschecks), on small frames whose findings are worked out by
hand."""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.adsl import ALIVE_DATES
from oncocsr.crosschecks import (
    ALIVE_AFTER_DEATH_DATES,
    PARTIAL_DEATH_DATES,
    check_alive_after_death,
    cross_check,
)
from oncocsr.safetychecks import ae_action_findings
from oncocsr.studyconfig import with_defaults

CYCLES = {"model": "cycles", "cycle_days": 14, "delay_tolerance_days": 3}
FILES = {"AE": "ae.xpt", "EX": "ex.xpt", "DM": "dm.xpt", "RS": "rs.xpt", "DS": "ds.xpt"}

# A: doses on days 1, 15 and 29 of January (no delay). B: 1, 22 (21 days after the dose before:
# more than 14 + 3, a delay) and 5 February.
EX = pd.DataFrame(
    {
        "USUBJID": ["A", "A", "A", "B", "B", "B"],
        "EXTRT": "DRUG",
        "EXDOSE": 100.0,
        "EXSTDTC": [
            "2015-01-01",
            "2015-01-15",
            "2015-01-29",
            "2015-01-01",
            "2015-01-22",
            "2015-02-05",
        ],
    }
)
AE = pd.DataFrame(
    {
        "USUBJID": ["A", "A", "A", "A", "A", "B", "B", "B"],
        "AESEQ": [1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0, 3.0],
        "AEACN": [
            # A1: reduced after the last dose (29 Jan): found.
            "DOSE REDUCED",
            # A2: withdrawn on 5 Feb, before the next dose was due (29 Jan + 14 + 3 = 15 Feb).
            "DRUG WITHDRAWN",
            # A3: withdrawn on 20 Feb, after it was due: found.
            "DRUG WITHDRAWN",
            # A4: interrupted on 10 Jan, between the doses of 1 and 15 Jan, 14 days apart: found.
            "DRUG INTERRUPTED",
            # A5: interrupted some day of January: no delay from 1 Jan to the last dose: found.
            "DRUG INTERRUPTED",
            # B1: interrupted on 10 Jan, and the next dose was delayed: nothing.
            "DRUG INTERRUPTED",
            # B2: interrupted some day of January, the delay of 22 Jan lies in it: nothing.
            "DRUG INTERRUPTED",
            # B3: no action on the drug.
            "DOSE NOT CHANGED",
        ],
        "AESTDTC": [
            "2015-02-05",
            "2015-02-05",
            "2015-02-20",
            "2015-01-10",
            "2015-01",
            "2015-01-10",
            "2015-01",
            "2015-03-01",
        ],
    }
)


def test_actions_without_a_dose_to_act_on_and_interruptions_without_a_delay():
    found = ae_action_findings({"AE": AE, "EX": EX}, FILES, CYCLES)
    by_check = found.groupby("id").apply(
        lambda f: sorted(zip(f["usubjid"], f["seq"], strict=True)), include_groups=False
    )
    assert by_check.to_dict() == {
        "CROSS.AE_ACTION_AFTER_LAST_DOSE": [("A", "1"), ("A", "3")],
        "CROSS.INTERRUPTION_WITHOUT_DELAY": [("A", "4"), ("A", "5")],
    }
    assert set(found["severity"]) == {"warning"}
    assert set(found["file"]) == {"ae.xpt"} and set(found["variable"]) == {"AEACN"}
    messages = found.set_index(["usubjid", "seq"])["message"]
    assert "after the last dose on 2015-01-29" in messages[("A", "1")]
    assert "after the next dose was due on 2015-02-15" in messages[("A", "3")]
    assert "doses from 2015-01-01 to 2015-01-15" in messages[("A", "4")]
    assert "doses from 2015-01-01 to 2015-01-29" in messages[("A", "5")]


def test_continuous_exposure_counts_gaps_between_records():
    # One record 1-10 January, the next from 20 January: a gap of 9 days, more than 3.
    ex = pd.DataFrame(
        {
            "USUBJID": ["A", "A"],
            "EXTRT": "DRUG",
            "EXDOSE": 5.0,
            "EXSTDTC": ["2015-01-01", "2015-01-20"],
            "EXENDTC": ["2015-01-10", "2015-02-10"],
        }
    )
    ae = AE[AE["USUBJID"].eq("A") & AE["AESEQ"].eq(4)]
    continuous = {"model": "continuous", "cycle_days": 14, "delay_tolerance_days": 3}
    assert ae_action_findings({"AE": ae, "EX": ex}, FILES, continuous).empty
    assert (
        len(
            ae_action_findings(
                {"AE": ae, "EX": ex}, FILES, continuous | {"delay_tolerance_days": 9}
            )
        )
        == 1
    )


def test_no_ae_action_or_no_ex_is_no_finding():
    assert ae_action_findings({"AE": AE.drop(columns="AEACN"), "EX": EX}, FILES, CYCLES).empty
    assert ae_action_findings({"AE": AE}, FILES, CYCLES).empty


def test_every_last_known_alive_source_of_adsl_is_checked_against_death():
    checked = {
        (domain, variable)
        for dates in (ALIVE_AFTER_DEATH_DATES, PARTIAL_DEATH_DATES)
        for domain, variables in dates.items()
        for variable in variables
    }
    used = {(domain, v) for domain, variables in ALIVE_DATES.items() for v in variables}
    assert used <= checked


def test_a_record_after_a_partial_death_month_is_an_error():
    terms = with_defaults()["terms"]
    dm = pd.DataFrame({"USUBJID": ["C", "D"], "DTHDTC": ["2015-05", "2015-05-10"]})
    rs = pd.DataFrame(
        {"USUBJID": ["C", "D"], "RSSEQ": [1.0, 1.0], "RSDTC": ["2015-06-10", "2015-06-10"]}
    )
    found = check_alive_after_death({"DM": dm, "RS": rs}, FILES, terms)
    # C died some day of May 2015, RS shows her alive on 10 June: ADSL would move the death to
    # June. D's full death date is CROSS.AFTER_DEATH's (an on-study record after death).
    assert found[["usubjid", "variable", "severity"]].values.tolist() == [["C", "RSDTC", "error"]]
    everything = cross_check({"DM": dm, "RS": rs}, FILES, [])
    after = everything[everything["id"] == "CROSS.AFTER_DEATH"]
    assert after["usubjid"].tolist() == ["D"]
