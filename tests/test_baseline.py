"""Disposition, analysis sets, demographics and prior therapy ARD rows (tables 14.1.1-14.1.4),
checked against counts and statistics worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import POOLED, bundled_settings

from oncocsr.ard import result_id
from oncocsr.baseline import baseline_ard

COLUMNS = [
    "USUBJID", "ACTARM", "ENRLFL", "SAFFL", "FASFL", "EFFFL", "AGE", "AGEGR1", "SEX", "RACE",
    "ECOGBL", "SUBTYPE", "VISCMET", "LIVERMET", "MDISFL", "NPRREG", "PRREGGR",
    "EOTSTT", "DCTREAS", "EOSSTT", "DCSREAS", "DTHFL",
]  # fmt: skip
SUBJECTS = [
    # A, B, D in arm X and C in arm Y are treated; E is enrolled but never treated; F is a
    # screen failure (in no analysis set). D has no baseline ECOG.
    ("A", "X", "Y", "Y", "Y", "Y", 40, "<50", "F", "ASIAN", "0", "HR+/HER2-", "Y", "N", "Y", 2,
     "<=2", "DISCONTINUED", "PROGRESSIVE DISEASE", "DISCONTINUED", "DEATH", "Y"),
    ("B", "X", "Y", "Y", "Y", "", 50, ">=50", "F", "ASIAN", "1", "HER2+", "N", "N", "", 3,
     ">=3", "ONGOING", "", "ONGOING", "", ""),
    ("C", "Y", "Y", "Y", "Y", "Y", 60, ">=50", "F", "ASIAN", "1", "HR+/HER2-", "Y", "Y", "Y", 2,
     "<=2", "DISCONTINUED", "ADVERSE EVENT", "ONGOING", "", ""),
    ("D", "X", "Y", "Y", "Y", "Y", 45, "<50", "F", "ASIAN", "", "HR+/HER2-", "Y", "Y", "Y", 4,
     ">=3", "DISCONTINUED", "PROGRESSIVE DISEASE", "DISCONTINUED", "WITHDRAWAL BY SUBJECT", ""),
    ("E", "Not Treated", "Y", "", "", "", 70, ">=50", "F", "ASIAN", "", "HER2+", "", "", "", 2,
     "<=2", "ONGOING", "", "DISCONTINUED", "WITHDRAWAL BY SUBJECT", ""),
    ("F", "Screen Failure", "", "", "", "", 30, "<50", "F", "ASIAN", "", "", "", "", "", 2,
     "<=2", "ONGOING", "", "DISCONTINUED", "SCREEN FAILURE", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    adsl = pd.DataFrame(SUBJECTS, columns=COLUMNS).astype({"AGE": float, "NPRREG": float})
    characteristics = bundled_settings()["baseline"]["characteristics"]
    return baseline_ard(adsl, "sha", characteristics=characteristics, arms=POOLED)


@pytest.fixture(scope="module")
def value(rows):
    values = rows.set_index("result_id")["stat_value"]
    return lambda analysis, group, variable, stat: values[
        result_id(analysis, group, variable, stat)
    ]


def test_disposition_counts_enrolled_subjects(rows, value):
    # Enrolled: A-E (F is a screen failure): X = A, B, D; Y = C; Not Treated = E; Total 5.
    assert value("DISPOSITION", "Total", "ENRLFL", "N") == 5
    assert value("DISPOSITION", "X", "ENRLFL", "N") == 3
    assert value("DISPOSITION", "Total", "SAFFL=Y", "n") == 4
    assert value("DISPOSITION", "Total", "SAFFL=Y", "pct") == pytest.approx(80)
    assert value("DISPOSITION", "Not Treated", "SAFFL=N", "n") == 1
    # Treatment status counts treated subjects only (analysis DISPOSITION-TREATMENT, N = the
    # 4 treated A-D): B is ongoing (1/4 = 25%); E's "ONGOING" is not counted.
    treatment = "DISPOSITION-TREATMENT"
    assert value(treatment, "Total", "SAFFL", "N") == 4
    assert value(treatment, "Total", "EOTSTT=ONGOING", "n") == 1
    assert value(treatment, "Total", "EOTSTT=ONGOING", "pct") == pytest.approx(25)
    assert value(treatment, "Total", "EOTSTT=DISCONTINUED", "n") == 3
    # Not Treated (E) has no treated subject: N 0, no percentage.
    assert value(treatment, "Not Treated", "SAFFL", "N") == 0
    assert math.isnan(value(treatment, "Not Treated", "EOTSTT=ONGOING", "pct"))
    # Reasons: PD for A and D, adverse event for C; the most frequent comes first.
    assert value(treatment, "Total", "DCTREAS=PROGRESSIVE DISEASE", "n") == 2
    assert value(treatment, "Total", "DCTREAS=PROGRESSIVE DISEASE", "order") == 1
    assert value(treatment, "Total", "DCTREAS=ADVERSE EVENT", "order") == 2
    # A reason seen in the study is listed in every arm, with 0 where nobody had it.
    assert value(treatment, "Y", "DCTREAS=PROGRESSIVE DISEASE", "n") == 0
    # Study: B and C ongoing; A (death), D and E (withdrawal) discontinued. F is not enrolled,
    # so "SCREEN FAILURE" is no reason here.
    assert value("DISPOSITION", "Total", "EOSSTT=ONGOING", "n") == 2
    assert value("DISPOSITION", "Total", "DCSREAS=WITHDRAWAL BY SUBJECT", "n") == 2
    assert value("DISPOSITION", "Total", "DCSREAS=WITHDRAWAL BY SUBJECT", "order") == 1
    assert value("DISPOSITION", "Total", "DCSREAS=DEATH", "n") == 1
    assert not rows["variable"].str.contains("SCREEN FAILURE").any()
    assert value("DISPOSITION", "Total", "DTHFL=Y", "n") == 1
    assert value("DISPOSITION", "Total", "DTHFL=Y", "pct") == pytest.approx(20)
    filters = rows.set_index("result_id")["filter"]
    assert filters[result_id(treatment, "Total", "DCTREAS=ADVERSE EVENT", "n")] == (
        "ENRLFL = 'Y' and SAFFL = 'Y' and EOTSTT = 'DISCONTINUED' and DCTREAS = 'ADVERSE EVENT'"
    )


def test_analysis_sets_as_percent_of_enrolled(value):
    # 5 enrolled; safety and FAS: A-D = 4 (80%); efficacy-evaluable: A, C, D = 3 (60%).
    assert value("ANALYSIS-SETS", "Total", "ENRLFL", "N") == 5
    assert value("ANALYSIS-SETS", "Total", "SAFFL=Y", "n") == 4
    assert value("ANALYSIS-SETS", "Total", "FASFL=Y", "pct") == pytest.approx(80)
    assert value("ANALYSIS-SETS", "Total", "EFFFL=Y", "n") == 3
    assert value("ANALYSIS-SETS", "Total", "EFFFL=Y", "pct") == pytest.approx(60)
    assert value("ANALYSIS-SETS", "X", "EFFFL=Y", "pct") == pytest.approx(200 / 3)


def test_demographics_on_the_full_analysis_set(rows, value):
    # FAS: A, B, C, D (E never treated, F a screen failure).
    assert value("DEMOGRAPHICS", "Total", "FASFL", "N") == 4
    # Ages 40, 50, 60, 45: mean 48.75; squared deviations 76.5625 + 1.5625 + 126.5625 +
    # 14.0625 = 218.75, variance 218.75 / 3; median (45 + 50) / 2 = 47.5.
    assert value("DEMOGRAPHICS", "Total", "AGE", "n") == 4
    assert value("DEMOGRAPHICS", "Total", "AGE", "mean") == pytest.approx(48.75)
    assert value("DEMOGRAPHICS", "Total", "AGE", "sd") == pytest.approx(math.sqrt(218.75 / 3))
    assert value("DEMOGRAPHICS", "Total", "AGE", "median") == pytest.approx(47.5)
    assert value("DEMOGRAPHICS", "Total", "AGE", "min") == 40
    assert value("DEMOGRAPHICS", "Total", "AGE", "max") == 60
    # Arm X: 40, 50, 45: mean 45, deviations -5, 5, 0: variance 50 / 2 = 25, SD 5.
    assert value("DEMOGRAPHICS", "X", "AGE", "sd") == pytest.approx(5)
    # Arm Y has one subject: no SD.
    assert math.isnan(value("DEMOGRAPHICS", "Y", "AGE", "sd"))
    assert value("DEMOGRAPHICS", "Total", "AGEGR1=<50", "n") == 2
    assert value("DEMOGRAPHICS", "Total", "AGEGR1=>=50", "pct") == pytest.approx(50)
    # ECOG: 0 = A, 1 = B and C, missing = D, listed last.
    assert value("DEMOGRAPHICS", "Total", "ECOGBL=1", "n") == 2
    assert value("DEMOGRAPHICS", "Total", "ECOGBL=Missing", "n") == 1
    assert value("DEMOGRAPHICS", "Total", "ECOGBL=Missing", "order") == 3
    # A defined subtype nobody has is still a row.
    assert value("DEMOGRAPHICS", "Total", "SUBTYPE=TRIPLE NEGATIVE", "n") == 0
    assert value("DEMOGRAPHICS", "Total", "SUBTYPE=HR+/HER2-", "n") == 3
    # MDISFL is a flag: blank (B) is "N", not missing.
    assert value("DEMOGRAPHICS", "Total", "MDISFL=N", "n") == 1
    assert value("DEMOGRAPHICS", "Total", "VISCMET=Y", "n") == 3
    assert set(rows.loc[rows["analysis_id"] == "DEMOGRAPHICS", "population"]) == {"FAS"}


def test_prior_therapy(value):
    # FAS regimens 2, 3, 2, 4: mean 2.75; counts 2 -> 2, 3 -> 1, 4 -> 1; groups <=2: 2, >=3: 2.
    assert value("PRIOR-THERAPY", "Total", "NPRREG", "mean") == pytest.approx(2.75)
    assert value("PRIOR-THERAPY", "Total", "NPRREG=2", "n") == 2
    assert value("PRIOR-THERAPY", "Total", "NPRREG=4", "order") == 3
    assert value("PRIOR-THERAPY", "Total", "PRREGGR=>=3", "n") == 2
    assert value("PRIOR-THERAPY", "Total", "PRREGGR=<=2", "pct") == pytest.approx(50)


def test_one_arm_has_no_total_column():
    adsl = pd.DataFrame(SUBJECTS[:2], columns=COLUMNS).astype({"AGE": float, "NPRREG": float})
    rows = baseline_ard(adsl, "sha", characteristics=[], arms=POOLED)
    # Only the COLLECTED and SCREENING rows, which are about the study as a whole (screen
    # failures have no arm), are of the Total group.
    whole = rows["analysis_id"].isin(["COLLECTED", "SCREENING"])
    assert set(rows.loc[~whole, "group"]) == {"X"}


def test_several_arms_have_no_total_unless_the_study_pools_them():
    """SAP section 2: a Total column only where the configuration says pooling is meaningful."""
    adsl = pd.DataFrame(SUBJECTS, columns=COLUMNS).astype({"AGE": float, "NPRREG": float})
    separate = baseline_ard(adsl, "sha", characteristics=[])
    assert "Total" not in set(separate.loc[separate["analysis_id"] == "DISPOSITION", "group"])
    assert {"X", "Y", "Not Treated"} <= set(separate["group"])
    # The groups of the tables in display order, and the variable they are arms of.
    arms = separate[separate["analysis_id"] == "ARMS"].sort_values("stat_value")
    assert arms["group"].tolist() == ["Not Treated", "X", "Y"]
    assert set(arms["variable"]) == {"ACTARM"}
    ordered = baseline_ard(
        adsl, "sha", characteristics=[], arms={"variable": "ACTARM", "pool": False, "order": ["Y"]}
    )
    arms = ordered[ordered["analysis_id"] == "ARMS"].sort_values("stat_value")
    assert arms["group"].tolist() == ["Y", "Not Treated", "X"]


def test_what_the_study_did_not_collect_is_said_so():
    """A characteristic ADSL lacks (the study did not collect it) is a COLLECTED row of 0,
    naming what was looked for, so that the tables print "not collected" rather than zeros."""
    adsl = pd.DataFrame(SUBJECTS, columns=COLUMNS).astype({"AGE": float, "NPRREG": float})
    adsl = adsl.drop(columns=["ECOGBL", "EOTSTT", "DCTREAS"])
    rows = baseline_ard(
        adsl,
        "sha",
        characteristics=[{"variable": "ECOGBL", "label": "ECOG"}],
        sources={"ECOGBL": "QS records with QSCAT = 'ECOG'"},
    )
    collected = rows[rows["analysis_id"] == "COLLECTED"].set_index("variable")
    assert collected.loc["ECOGBL", "stat_value"] == 0
    assert collected.loc["ECOGBL", "stat_label"] == "QS records with QSCAT = 'ECOG'"
    assert collected.loc["EOTSTT", "stat_value"] == 0 and collected.loc["NPRREG", "stat_value"] == 1
    disposition = rows[rows["analysis_id"] == "DISPOSITION"]["variable"]
    assert not disposition.str.startswith("EOTSTT").any()
