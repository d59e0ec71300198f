"""Safety and exposure ARD rows: subjects counted once, per arm and in total."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocsr.safety import safety_ard

# A treatment-emergent AE with no other flag set; events override what they need.
TEAE_NO_FLAGS = {
    "TRTEMFL": "Y",
    "RELFL": "",
    "GR3FL": "",
    "SERFL": "",
    "DISCFL": "",
    "REDFL": "",
    "INTFL": "",
    "FATALFL": "",
    "CQ01NAM": "",
    "CQ01ONS": "",
}
# An AE of special interest split by onset, as the bundled study defines diarrhoea.
AESI = [{"id": "DIARRHOEA", "label": "Diarrhoea", "terms": ["DIARRHOEA"], "early_onset_hours": 24}]
POOLED = {"variable": "ACTARM", "pool": True}


def test_counts_per_arm_and_total():
    adsl = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D"],
            "SAFFL": ["Y", "Y", "Y", ""],
            "ACTARM": ["X", "X", "Y", "Y"],
        }
    )
    flags = {
        f: ""
        for f in (
            "RELFL",
            "GR3FL",
            "SERFL",
            "DISCFL",
            "REDFL",
            "INTFL",
            "FATALFL",
        )
    }
    adae = pd.DataFrame(
        [
            # A: two diarrhoea events (one grade 3, early) -> counted once for the term.
            {
                "USUBJID": "A",
                "AEBODSYS": "GI",
                "AEDECOD": "Diarrhoea",
                "TRTEMFL": "Y",
                **flags,
                "GR3FL": "Y",
                "CQ01NAM": "Diarrhoea",
                "CQ01ONS": "EARLY",
            },
            {
                "USUBJID": "A",
                "AEBODSYS": "GI",
                "AEDECOD": "Diarrhoea",
                "TRTEMFL": "Y",
                **flags,
                "CQ01NAM": "Diarrhoea",
                "CQ01ONS": "LATE",
            },
            # C: nausea, serious; D is not in the safety set; B's event is not emergent.
            {
                "USUBJID": "C",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "Y",
                **flags,
                "SERFL": "Y",
                "CQ01NAM": "",
                "CQ01ONS": "",
            },
            {
                "USUBJID": "D",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "Y",
                **flags,
                "CQ01NAM": "",
                "CQ01ONS": "",
            },
            {
                "USUBJID": "B",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "",
                **flags,
                "CQ01NAM": "",
                "CQ01ONS": "",
            },
        ]
    )
    adex = pd.DataFrame({"USUBJID": ["A", "B", "C"], "PARAMCD": "NCYCLE", "AVAL": [2.0, 4.0, 6.0]})
    rows = safety_ard(adae, adex, adsl, "x", aesi=AESI, arms=POOLED)
    rows = rows.set_index("result_id")["stat_value"]
    assert rows["TEAE-OVERVIEW:X:ANY:n"] == 1 and rows["TEAE-OVERVIEW:X:ANY:pct"] == pytest.approx(
        50
    )
    assert rows["TEAE-OVERVIEW:TOTAL:ANY:n"] == 2 and rows["TEAE-OVERVIEW:TOTAL:SERIOUS:n"] == 1
    assert (
        rows["TEAE-SOCPT:TOTAL:GI_DIARRHOEA:n"] == 1
        and rows["TEAE-SOCPT:TOTAL:GI_DIARRHOEA:n_grade3"] == 1
    )
    assert rows["TEAE-SOCPT:Y:GI_NAUSEA:n"] == 1 and rows[
        "TEAE-SOCPT:Y:GI_NAUSEA:pct"
    ] == pytest.approx(100)
    assert rows["AESI:TOTAL:DIARRHOEA_EARLY:n"] == 1 and rows["AESI:TOTAL:DIARRHOEA_LATE:n"] == 1
    assert rows["EXPOSURE:TOTAL:NCYCLE:median"] == 4 and rows["EXPOSURE:X:NCYCLE:mean"] == 3
    assert rows["SAFETY-N:TOTAL:SAFFL:N"] == 3


def test_soc_and_pt_order_by_descending_frequency():
    adsl = pd.DataFrame({"USUBJID": list("ABC"), "SAFFL": "Y", "ACTARM": "X"})
    base = dict(TEAE_NO_FLAGS)
    events = [
        ("A", "Skin", "Alopecia"),
        ("A", "GI", "Nausea"),
        ("B", "GI", "Nausea"),
        ("C", "GI", "Vomiting"),
        ("B", "Skin", "Rash"),
        ("C", "Skin", "Rash"),
        ("A", "GI", "Diarrhoea"),
        ("B", "GI", "Diarrhoea"),
        ("C", "GI", "Diarrhoea"),
    ]
    adae = pd.DataFrame(
        [{"USUBJID": u, "AEBODSYS": soc, "AEDECOD": pt, **base} for u, soc, pt in events]
    )
    adex = pd.DataFrame(columns=["USUBJID", "PARAMCD", "AVAL"])
    rows = safety_ard(adae, adex, adsl, "x", arms=POOLED)
    order = rows[(rows["analysis_id"] == "TEAE-SOCPT") & (rows["stat_name"] == "order")]
    listed = order.sort_values("stat_value")["variable"].tolist()
    # GI: 3 subjects, Skin: 3 subjects -> tie broken alphabetically; within GI: Diarrhoea 3,
    # Nausea 2, Vomiting 1; within Skin: Rash 2, Alopecia 1.
    assert listed == [
        "GI / Diarrhoea",
        "GI / Nausea",
        "GI / Vomiting",
        "Skin / Rash",
        "Skin / Alopecia",
    ]
    denominators = rows[(rows["analysis_id"] == "TEAE-SOCPT") & (rows["stat_name"] == "N")][
        "stat_value"
    ]
    assert set(denominators) == {3}


def test_serious_discontinuation_fatal_and_deaths_by_soc_and_pt():
    adsl = pd.DataFrame(
        {
            "USUBJID": list("ABCD"),
            "SAFFL": ["Y", "Y", "Y", ""],
            "ACTARM": "X",
            "DTHFL": ["", "Y", "", "Y"],
        }
    )
    base = dict(TEAE_NO_FLAGS)
    events = [
        # A: serious grade 3 diarrhoea twice -> counted once.
        ("A", "GI", "Diarrhoea", {"SERFL": "Y", "GR3FL": "Y"}),
        ("A", "GI", "Diarrhoea", {"SERFL": "Y"}),
        # B: serious nausea; pneumonia serious, leading to discontinuation, fatal.
        ("B", "GI", "Nausea", {"SERFL": "Y"}),
        (
            "B",
            "Infections",
            "Pneumonia",
            {"SERFL": "Y", "DISCFL": "Y", "FATALFL": "Y", "GR3FL": "Y"},
        ),
        # C: diarrhoea, not serious; sepsis serious but not treatment-emergent.
        ("C", "GI", "Diarrhoea", {}),
        ("C", "Infections", "Sepsis", {"SERFL": "Y", "TRTEMFL": ""}),
    ]
    adae = pd.DataFrame(
        [{"USUBJID": u, "AEBODSYS": soc, "AEDECOD": pt, **base, **f} for u, soc, pt, f in events]
    )
    adex = pd.DataFrame({"USUBJID": list("ABC"), "PARAMCD": "NREDUCE", "AVAL": [0.0, 1.0, 2.0]})
    rows = safety_ard(adae, adex, adsl, "x", arms=POOLED)
    value = rows.set_index("result_id")["stat_value"]
    # Serious: GI has A and B (2), Infections has B (1); C's diarrhoea is not serious and the
    # sepsis is not emergent. Diarrhoea and Nausea tie at 1: alphabetical.
    assert value["TEAE-SER-SOC:X:GI:n"] == 2 and value["TEAE-SER-SOC:X:GI:order"] == 1
    assert value["TEAE-SER-SOC:X:INFECTIONS:n"] == 1
    assert value["TEAE-SER-SOC:X:INFECTIONS:order"] == 2
    assert value["TEAE-SER-SOCPT:X:GI_DIARRHOEA:n"] == 1
    assert value["TEAE-SER-SOCPT:X:GI_DIARRHOEA:order"] == 1
    assert value["TEAE-SER-SOCPT:X:GI_NAUSEA:order"] == 2
    assert value["TEAE-SER-SOCPT:X:INFECTIONS_PNEUMONIA:order"] == 3
    assert not rows["variable"].str.contains("Sepsis").any()
    # Discontinuation and fatal: B's pneumonia only, 1 of 3 in the safety set.
    assert value["TEAE-DISC-SOCPT:X:INFECTIONS_PNEUMONIA:pct"] == pytest.approx(100 / 3)
    assert not rows["result_id"].str.startswith("TEAE-DISC-SOC:X:GI").any()
    assert value["TEAE-FATAL-SOC:X:INFECTIONS:n"] == 1
    # Grade >= 3 by SOC: GI has A; Infections has B.
    assert value["TEAE-SOC:X:GI:n"] == 3 and value["TEAE-SOC:X:GI:n_grade3"] == 1
    assert value["TEAE-SOC:X:INFECTIONS:n_grade3"] == 1
    # Deaths in the safety set: B (D died but is not in the safety set).
    assert value["DEATHS:X:DTHFL:n"] == 1 and value["DEATHS:X:DTHFL:N"] == 3
    # Subjects with at least one dose reduction: B and C of 3.
    assert value["EXPOSURE:X:NREDUCE:n_any"] == 2
    assert value["EXPOSURE:X:NREDUCE:pct_any"] == pytest.approx(200 / 3)
