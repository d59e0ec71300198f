"""Safety and exposure ARD rows: subjects counted once, per arm and in total."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocsr.safety import safety_ard


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
            "AESINEUT",
            "AESIFN",
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
                "AESIDIAR": "EARLY",
            },
            {
                "USUBJID": "A",
                "AEBODSYS": "GI",
                "AEDECOD": "Diarrhoea",
                "TRTEMFL": "Y",
                **flags,
                "AESIDIAR": "LATE",
            },
            # C: nausea, serious; D is not in the safety set; B's event is not emergent.
            {
                "USUBJID": "C",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "Y",
                **flags,
                "SERFL": "Y",
                "AESIDIAR": "",
            },
            {
                "USUBJID": "D",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "Y",
                **flags,
                "AESIDIAR": "",
            },
            {
                "USUBJID": "B",
                "AEBODSYS": "GI",
                "AEDECOD": "Nausea",
                "TRTEMFL": "",
                **flags,
                "AESIDIAR": "",
            },
        ]
    )
    adex = pd.DataFrame({"USUBJID": ["A", "B", "C"], "PARAMCD": "NCYCLE", "AVAL": [2.0, 4.0, 6.0]})
    rows = safety_ard(adae, adex, adsl, "x").set_index("result_id")["stat_value"]
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
    base = {
        "TRTEMFL": "Y",
        "RELFL": "",
        "GR3FL": "",
        "SERFL": "",
        "DISCFL": "",
        "REDFL": "",
        "INTFL": "",
        "FATALFL": "",
        "AESIDIAR": "",
        "AESINEUT": "",
        "AESIFN": "",
    }
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
    rows = safety_ard(adae, adex, adsl, "x")
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
