"""Kaplan-Meier ARD rows and tables 14.2.4 to 14.2.7: events by type, censoring by reason, rates
named for what they estimate, follow-up for OS only (SAP sections 5 and 6). Expected counts are
worked out by hand from the small ADTTE below."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import bundled_settings

from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.endpoints import km_ard
from oncocsr.tlf.tables import tables_for
from oncocsr.trace import parse_filter

RADIOLOGICAL, CLINICAL, DEATH = "Radiological progression", "Clinical progression", "Death"
# Censoring texts as another sponsor might word them: the tables must show these, not ours.
NO_BASELINE = "No adequate baseline; censored at day 1"
NEW_THERAPY = "New anticancer therapy; censored at last assessment before it"
NO_EVENT = "No event; censored at last assessment"
SETTINGS = {**bundled_settings(), "arms": {"variable": "ACTARM", "pool": False, "order": []}}
KM = {
    "conf_level": 0.95,
    "landmarks_months": SETTINGS["km"]["landmarks_months"],
    "risk_step_months": 3,
    "convention": "sas",
    "input_sha256": "x",
    "arms": SETTINGS["arms"],
}

# PFS. Arm A: radiological PD at 1 and 2 months, death at 3, censored (code 4) at 4.
# Arm B: clinical progression at 2, censored at day 1 (code 1) and for new therapy (code 2) at 5.
PFS = [
    ("A1", "A", 1, 0, RADIOLOGICAL, ""),
    ("A2", "A", 2, 0, RADIOLOGICAL, ""),
    ("A3", "A", 3, 0, DEATH, ""),
    ("A4", "A", 4, 4, "", NO_EVENT),
    ("B1", "B", 2, 0, CLINICAL, ""),
    ("B2", "B", 1 / DAYS_PER_MONTH, 1, "", NO_BASELINE),
    ("B3", "B", 5, 2, "", NEW_THERAPY),
]
# OS: deaths at 3 (A3) and 7 months (B1), everyone else alive (code 1).
OS = [
    (s, arm, 3 if s == "A3" else 7 if s == "B1" else 8, 0 if s in ("A3", "B1") else 1)
    for s, arm, *_ in PFS
]


def make_adtte() -> pd.DataFrame:
    pfs = pd.DataFrame(PFS, columns=["USUBJID", "ACTARM", "MONTHS", "CNSR", "EVNTDESC", "CNSDTDSC"])
    os_ = pd.DataFrame(OS, columns=["USUBJID", "ACTARM", "MONTHS", "CNSR"]).assign(
        EVNTDESC=lambda d: d["CNSR"].map({0: DEATH, 1: ""}),
        CNSDTDSC=lambda d: d["CNSR"].map({0: "", 1: "Alive at last contact"}),
    )
    adtte = pd.concat([pfs.assign(PARAMCD="PFS"), os_.assign(PARAMCD="OS")], ignore_index=True)
    return adtte.assign(AVAL=adtte.pop("MONTHS") * DAYS_PER_MONTH, FASFL="Y")


@pytest.fixture(scope="module")
def adtte() -> pd.DataFrame:
    return make_adtte()


@pytest.fixture(scope="module")
def ard(adtte) -> pd.DataFrame:
    return pd.concat([km_ard(adtte, paramcd=p, **KM) for p in ("PFS", "OS")], ignore_index=True)


def stat(ard: pd.DataFrame, analysis: str, group: str, variable: str, name: str = "n"):
    row = ard[
        (ard["analysis_id"] == analysis)
        & (ard["group"] == group)
        & (ard["variable"] == variable)
        & (ard["stat_name"] == name)
    ]
    assert len(row) == 1, (analysis, group, variable, name)
    return row.iloc[0]


def test_events_by_type_and_censoring_by_reason_are_ard_rows_of_every_group(ard):
    counts = {
        (group, variable): stat(ard, "KM-PFS", group, variable)["stat_value"]
        for group in "AB"
        for variable in (
            f"EVNTDESC={RADIOLOGICAL}",
            f"EVNTDESC={CLINICAL}",
            f"EVNTDESC={DEATH}",
            "CNSR=1",
            "CNSR=2",
            "CNSR=4",
        )
    }
    # A: 2 radiological, 0 clinical, 1 death; censored 0, 0, 1 (codes 1, 2, 4).
    # B: 0 radiological, 1 clinical, 0 deaths; censored 1, 1, 0.
    assert list(counts.values()) == [2, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0]
    # The texts are the ADTTE's: EVNTDESC as the event label, CNSDTDSC as the reason's.
    assert stat(ard, "KM-PFS", "B", "CNSR=2")["stat_label"] == NEW_THERAPY
    assert stat(ard, "KM-PFS", "A", f"EVNTDESC={DEATH}")["stat_label"] == DEATH
    # The counts add up to the events and censored totals (A: 3 + 1, B: 1 + 2).
    assert stat(ard, "KM-PFS", "A", "AVAL", "events")["stat_value"] == 3
    assert stat(ard, "KM-PFS", "B", "AVAL", "censored")["stat_value"] == 2


def test_outcome_filters_select_the_records_they_count(ard, adtte):
    """oncocsr trace applies an ARD row's filter to ADTTE: each count's filter, within its arm,
    selects exactly the subjects it counts."""
    for _, row in ard[ard["variable"].str.contains("=")].iterrows():
        conditions, note = parse_filter(row["filter"])
        assert note == ""
        chosen = adtte["ACTARM"] == row["group"]
        for condition in conditions:
            chosen &= adtte[condition.column] == condition.value
        assert chosen.sum() == row["stat_value"], row["result_id"]


def test_follow_up_is_for_overall_survival_only_and_rates_are_named(ard):
    names = set(ard.loc[ard["analysis_id"] == "KM-PFS", "stat_name"])
    assert "followup_median" not in names
    # OS arm A: reverse KM, the three alive (censored at 8) are its events, A3's death at 3 is
    # censored: S = 1 until 8, then 0: median follow-up 8 months.
    assert stat(ard, "KM-OS", "A", "AVAL", "followup_median")["stat_value"] == pytest.approx(8)
    assert stat(ard, "KM-OS", "A", "AVAL", "surv_6m")["stat_label"] == "6-month survival rate"
    assert stat(ard, "KM-PFS", "A", "AVAL", "surv_6m")["stat_label"] == (
        "6-month progression-free rate"
    )


def km_rows(ard: pd.DataFrame, tlf_id: str) -> dict[str, dict]:
    (table,) = tables_for(ard, tlf_id, SETTINGS)
    return {row["label"]: row for row in table.rows}


def test_pfs_table_shows_events_by_type_and_censoring_by_code_and_text(ard):
    rows = km_rows(ard, "14.2.5")
    labels = list(rows)
    # Events (A 3/4, B 1/3), then types by total frequency: radiological 2, then clinical and
    # death (1 each) by name; censored (A 1/4, B 2/3) then codes in order with their text.
    assert labels[:8] == [
        "Events, n (%)",
        RADIOLOGICAL,
        CLINICAL,
        DEATH,
        "Censored, n (%)",
        f"1: {NO_BASELINE}",
        f"2: {NEW_THERAPY}",
        f"4: {NO_EVENT}",
    ]
    assert rows["Events, n (%)"]["cells"] == ["3 (75.0)", "1 (33.3)"]
    assert rows[RADIOLOGICAL]["cells"] == ["2 (50.0)", "0 (0.0)"]
    assert rows[CLINICAL]["cells"] == ["0 (0.0)", "1 (33.3)"]
    assert rows[f"2: {NEW_THERAPY}"]["cells"] == ["0 (0.0)", "1 (33.3)"]
    assert all(rows[label].get("indent") for label in labels[1:4] + labels[5:8])
    assert "6-month progression-free rate, % (95% CI)" in rows
    assert not any("follow-up" in label for label in labels)


def test_os_table_says_survival_rate_and_has_the_follow_up(ard):
    rows = km_rows(ard, "14.2.7")
    assert "6-month survival rate, % (95% CI)" in rows
    assert not any("Event-free" in label or "progression-free" in label for label in rows)
    # Arm B: reverse KM events (alive) at 8, 8; B1's death at 7 censored: median 8.0.
    assert rows["Median follow-up, months (reverse Kaplan-Meier)"]["cells"] == ["8.0", "8.0"]
    assert rows[DEATH]["cells"] == ["1 (25.0)", "1 (33.3)"]
    assert rows["1: Alive at last contact"]["cells"] == ["3 (75.0)", "2 (66.7)"]


def test_adtte_without_descriptions_shows_totals_and_codes(adtte):
    """A study whose ADTTE has no EVNTDESC or CNSDTDSC (not collected): no event types, the
    censoring codes with "Reason not recorded", and no error."""
    bare = adtte.drop(columns=["EVNTDESC", "CNSDTDSC"])
    rows = km_rows(km_ard(bare, paramcd="PFS", **KM), "14.2.5")
    labels = list(rows)
    assert labels[:5] == [
        "Events, n (%)",
        "Censored, n (%)",
        "1: Reason not recorded",
        "2: Reason not recorded",
        "4: Reason not recorded",
    ]


def test_dor_table_counts_from_the_first_response():
    # Two responders: A1 progresses 2 months after the response, B1 is censored (code 4) at 5.
    dor = pd.DataFrame(
        {
            "USUBJID": ["A1", "B1"],
            "ACTARM": ["A", "A"],
            "PARAMCD": "DOR",
            "AVAL": [2 * DAYS_PER_MONTH, 5 * DAYS_PER_MONTH],
            "CNSR": [0, 4],
            "EVNTDESC": [RADIOLOGICAL, ""],
            "CNSDTDSC": ["", NO_EVENT],
            "FASFL": "Y",
        }
    )
    (table,) = tables_for(km_ard(dor, paramcd="DOR", **KM), "14.2.4", SETTINGS)
    rows = {row["label"]: row["cells"] for row in table.rows}
    assert rows[RADIOLOGICAL] == ["1 (50.0)"] and rows[f"4: {NO_EVENT}"] == ["1 (50.0)"]
    assert "6-month event-free rate, % (95% CI)" in rows
    assert not any("follow-up" in label for label in rows)
    assert any(
        note.startswith("Time from the first confirmed response.") for note in table.footnotes
    )
