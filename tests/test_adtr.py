"""ADTR: sums of target-lesion diameters, baseline, percent change, nadir, best change."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import adsl_for, day

from oncocsr.adam.adtr import derive_adtr


def tr_records(subject: str, scans: list[tuple[int, list[float | None]]]) -> pd.DataFrame:
    rows = []
    for number, (study_day, diameters) in enumerate(scans):
        for lesion, value in enumerate(diameters, start=1):
            rows.append(
                {
                    "USUBJID": subject,
                    "TRGRPID": "TARGET",
                    "TRLNKID": f"T0{lesion}",
                    "TRTESTCD": "LDIAM",
                    "TRSTRESN": value,
                    "TREVAL": "INVESTIGATOR",
                    "VISIT": f"V{number}",
                    "TRDTC": day(study_day),
                }
            )
    return pd.DataFrame(rows)


def test_sum_baseline_change_nadir_and_best_change():
    # Baseline (day -5) 20 + 30 = 50; day 43: 40 (-20%); day 85: one lesion not measured (no sum);
    # day 127: 35 (-30%, nadir before it 40); day 169: 45 (+12.5% over nadir 35).
    tr = tr_records(
        "A", [(-5, [20, 30]), (43, [16, 24]), (85, [10, None]), (127, [14, 21]), (169, [18, 27])]
    )
    adtr = derive_adtr(tr, adsl_for(["A"]), evaluator="INVESTIGATOR", cutoff="2017-12-31")
    sums = adtr[adtr["PARAMCD"] == "SUMDIAM"].reset_index(drop=True)
    assert sums["AVAL"].tolist()[:2] == [50, 40] and pd.isna(sums["AVAL"][2])
    assert sums["ABLFL"].tolist() == ["Y", "", "", "", ""]
    assert sums["PCHG"].tolist()[1] == pytest.approx(-20) and sums["PCHG"].tolist()[
        3
    ] == pytest.approx(-30)
    assert sums["NADIR"].tolist()[3:] == [40, 35]
    best = adtr[adtr["PARAMCD"] == "BPCHG"]["AVAL"].tolist()
    assert best == [pytest.approx(-30)]


def by_param(adtr: pd.DataFrame, paramcd: str) -> pd.DataFrame:
    return adtr[adtr["PARAMCD"] == paramcd].reset_index(drop=True)


def non_target(subject: str, scans: list[tuple[int, list[str]]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "USUBJID": subject,
                "TRGRPID": "NON-TARGET",
                "TRLNKID": f"NT0{lesion}",
                "TRTESTCD": "TUMSTATE",
                "TRSTRESC": state,
                "TREVAL": "INVESTIGATOR",
                "VISIT": f"V{number}",
                "TRDTC": day(study_day),
            }
            for number, (study_day, states) in enumerate(scans)
            for lesion, state in enumerate(states, start=1)
        ]
    )


def test_change_from_nadir_and_target_progression_by_the_nadir_not_the_baseline():
    # Baseline 100; day 43: 60 (nadir 100); day 85: 40 (nadir 60); day 127: 50 = +10 mm, +25%
    # over the nadir 40 while still -50% from baseline: RECIST target progression.
    # B: baseline 20, day 43: 22 = +10% over nadir 20; day 85: 24.5 = +22.5% but only 4.5 mm:
    # no progression (RECIST 1.1 needs 5 mm as well).
    tr = pd.concat(
        [
            tr_records("A", [(-3, [100]), (43, [60]), (85, [40]), (127, [50])]),
            tr_records("B", [(-3, [20]), (43, [22]), (85, [24.5])]),
        ]
    )
    adtr = derive_adtr(tr, adsl_for(["A", "B"]), evaluator="INVESTIGATOR", cutoff="2017-12-31")
    a = by_param(adtr[adtr["USUBJID"] == "A"], "SUMDIAM")
    assert a["CHGNAD"].tolist()[1:] == [-40, -20, 10]
    assert a["PCHGNAD"].tolist()[1:] == [pytest.approx(-40), pytest.approx(-33.333, 1e-3), 25]
    assert pd.isna(a["CHGNAD"][0]) and a["PCHG"].tolist()[3] == -50
    first = by_param(adtr, "PDTRG")
    assert first["AVALC"].tolist() == ["Y", "N"]
    assert first["ADT"][0] == pd.Timestamp(day(127)) and pd.isna(first["ADT"][1])
    assert first["ADY"][0] == 127 and pd.isna(first["ADY"][1])
    # No non-target or new-lesion data: those components have no records (not collected).
    assert not adtr["PARAMCD"].isin(["NTRGRESP", "NEWLIND", "PDNTRG", "PDNEWL"]).any()


def test_non_target_response_new_lesions_and_the_components_of_the_first_progression():
    # Day 43: both non-target lesions present (NON-CR/NON-PD), no new lesion; day 85: NT01
    # unequivocal progression (PD) and a new lesion in TU on the same date; day 127 (after the
    # first progression): NT02 absent, NT01 not evaluable -> NE. Target sums stay at 50 (no
    # target progression). At day 85 non-target and new lesion both progressed, target not.
    tr = pd.concat(
        [
            tr_records("A", [(-3, [50]), (43, [50]), (85, [50]), (127, [50])]),
            non_target(
                "A",
                [
                    (-3, ["PRESENT", "PRESENT"]),
                    (43, ["PRESENT", "PRESENT"]),
                    (85, ["UNEQUIVOCAL PROGRESSION", "PRESENT"]),
                    (127, ["NOT EVALUABLE", "ABSENT"]),
                ],
            ),
        ]
    )
    tu = pd.DataFrame(
        {
            "USUBJID": ["A", "A"],
            "TULNKID": ["T01", "NEW01"],
            "TUSTRESC": ["TARGET", "NEW"],
            "TUEVAL": "INVESTIGATOR",
            "TUDTC": [day(-3), day(85)],
        }
    )
    adtr = derive_adtr(tr, adsl_for(["A"]), evaluator="INVESTIGATOR", cutoff="2017-12-31", tu=tu)
    nt = by_param(adtr, "NTRGRESP")
    assert nt["AVALC"].tolist() == ["NON-CR/NON-PD", "PD", "NE"]
    assert nt["ADY"].tolist() == [43, 85, 127] and nt["SRCDOM"].tolist() == ["TR"] * 3
    new = by_param(adtr, "NEWLIND")
    assert new["AVALC"].tolist() == ["N", "Y", "N"] and new["AVAL"].tolist() == [0, 1, 0]
    first = {
        row.PARAMCD: row.AVALC for row in adtr[adtr["PARAMCD"].str.startswith("PD")].itertuples()
    }
    assert first == {"PDTRG": "N", "PDNTRG": "Y", "PDNEWL": "Y"}


def test_rs_component_records_are_used_where_the_study_collects_them():
    # RS NTRGRESP and NEWLIND take precedence over the lesion records.
    tr = tr_records("A", [(-3, [50]), (43, [50])])
    rs = pd.DataFrame(
        {
            "USUBJID": "A",
            "RSTESTCD": ["NTRGRESP", "NEWLIND", "OVRLRESP"],
            "RSSTRESC": ["NON-CR/NON-PD", "N", "SD"],
            "RSEVAL": "INVESTIGATOR",
            "RSDTC": day(43),
        }
    )
    adtr = derive_adtr(tr, adsl_for(["A"]), evaluator="INVESTIGATOR", cutoff="2017-12-31", rs=rs)
    assert by_param(adtr, "NTRGRESP")[["AVALC", "SRCDOM"]].values.tolist() == [
        ["NON-CR/NON-PD", "RS"]
    ]
    assert by_param(adtr, "NEWLIND")["AVALC"].tolist() == ["N"]
    assert by_param(adtr, "PDNEWL")["AVALC"].tolist() == ["N"]


def test_new_lesions_recorded_in_tr_as_group_new():
    # No TU: a TR record of group NEW on day 85 makes that date Y, the day-43 assessment N.
    tr = pd.concat(
        [
            tr_records("A", [(-3, [50]), (43, [50]), (85, [50])]),
            pd.DataFrame(
                {
                    "USUBJID": ["A"],
                    "TRGRPID": "NEW",
                    "TRLNKID": "NEW01",
                    "TRTESTCD": "TUMSTATE",
                    "TRSTRESC": "PRESENT",
                    "TREVAL": "INVESTIGATOR",
                    "TRDTC": day(85),
                }
            ),
        ]
    )
    adtr = derive_adtr(tr, adsl_for(["A"]), evaluator="INVESTIGATOR", cutoff="2017-12-31")
    new = by_param(adtr, "NEWLIND")
    assert new[["ADY", "AVALC", "SRCDOM"]].values.tolist() == [[43, "N", "TR"], [85, "Y", "TR"]]
    assert by_param(adtr, "PDNEWL")["ADY"].tolist() == [85]
