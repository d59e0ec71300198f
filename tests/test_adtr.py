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
