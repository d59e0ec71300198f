"""Section 14 tables built from the ARD of a small hand-made study; expected cells are worked
out by hand in the comments."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import POOLED, bundled_settings

from oncocsr import ard as ard_module
from oncocsr.baseline import baseline_ard
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.endpoints import km_ard, response_ard
from oncocsr.safety import safety_ard
from oncocsr.subgroups import subgroup_ard
from oncocsr.tlf.catalog import TABLES
from oncocsr.tlf.tables import TITLES, Table, fmt_n_pct, fmt_number, fmt_p, tables_for

# SAP section 7, every id; 14.2.8 is figures only.
SAP_SECTION_7 = [
    "14.1.1", "14.1.2", "14.1.3", "14.1.4",
    "14.2.1", "14.2.2", "14.2.3", "14.2.4", "14.2.5", "14.2.6", "14.2.7", "14.2.8",
    "14.3.1", "14.3.2", "14.3.3", "14.3.4", "14.3.5",
    "16.2.1", "16.2.2", "16.2.3", "16.2.4",
]  # fmt: skip
FIGURES_ONLY = {"14.2.8"}
P0, LANDMARKS = 0.10, [6.0, 12.0]
DESIGN = {"p0": P0, "p1": 0.25, "alpha": 0.05, "power": 0.80, "arms": []}
# The bundled study's settings (its AEs of special interest, subgroups, characteristics), with
# the arms pooled into a Total column.
SETTINGS = {**bundled_settings(), "arms": POOLED, "design": DESIGN}


def make_adsl(arms: list[str]) -> pd.DataFrame:
    """A-D treated (in ``arms``), E enrolled but not treated."""
    return pd.DataFrame(
        {
            "USUBJID": list("ABCDE"),
            "ACTARM": [*arms, "Not Treated"],
            "ENRLFL": "Y",
            "SAFFL": ["Y", "Y", "Y", "Y", ""],
            "FASFL": ["Y", "Y", "Y", "Y", ""],
            "EFFFL": ["Y", "Y", "Y", "", ""],
            "AGE": [40.0, 50.0, 60.0, 45.0, 70.0],
            "AGEGR1": ["<50", ">=50", ">=50", "<50", ">=50"],
            "SEX": "F",
            "RACE": "ASIAN",
            "ECOGBL": ["0", "1", "1", "1", ""],
            "SUBTYPE": ["HR+/HER2-", "HER2+", "HR+/HER2-", "TRIPLE NEGATIVE", ""],
            "VISCMET": ["Y", "N", "Y", "Y", ""],
            "LIVERMET": ["N", "N", "Y", "Y", ""],
            "MDISFL": ["Y", "Y", "Y", "", ""],
            "NPRREG": [2.0, 3.0, 2.0, 4.0, 2.0],
            "PRREGGR": ["<=2", ">=3", "<=2", ">=3", "<=2"],
            "EOTSTT": ["DISCONTINUED", "DISCONTINUED", "ONGOING", "DISCONTINUED", "ONGOING"],
            "DCTREAS": ["PROGRESSIVE DISEASE", "ADVERSE EVENT", "", "PROGRESSIVE DISEASE", ""],
            "EOSSTT": ["DISCONTINUED", "ONGOING", "ONGOING", "DISCONTINUED", "DISCONTINUED"],
            "DCSREAS": ["DEATH", "", "", "LOST TO FOLLOW-UP", "WITHDRAWAL BY SUBJECT"],
            "DTHFL": ["Y", "", "", "", ""],
            "DTHTEMFL": ["Y", "", "", "", ""],
            "DTHCAUS": ["PNEUMONIA", "", "", "", ""],
            "TRTSDT": pd.to_datetime(
                ["2015-01-01", "2015-01-02", "2015-01-03", "2015-01-04", None]
            ),
        }
    )


def make_adae(adsl: pd.DataFrame) -> pd.DataFrame:
    # The bundled study's AEs of special interest: CQ01 diarrhoea (by onset), CQ02
    # neutropenia, CQ03 febrile neutropenia (config/config.yaml, safety.aesi).
    flags = dict.fromkeys(
        ["RELFL", "GR3FL", "SERFL", "DISCFL", "REDFL", "INTFL", "FATALFL", "CQ02NAM", "CQ03NAM"],
        "",
    )
    diarrhoea = {"CQ01NAM": "Diarrhoea"}
    events = [
        # GI: diarrhoea A, B, C (A grade 3, serious, early onset); vomiting A, B; nausea C.
        # Blood: anaemia A, grade 3. D has no event.
        ("A", "GI", "Diarrhoea", {"GR3FL": "Y", "SERFL": "Y", **diarrhoea, "CQ01ONS": "EARLY"}),
        ("B", "GI", "Diarrhoea", {**diarrhoea, "CQ01ONS": "LATE"}),
        ("C", "GI", "Diarrhoea", {**diarrhoea, "CQ01ONS": "LATE"}),
        ("A", "GI", "Vomiting", {}),
        ("B", "GI", "Vomiting", {}),
        ("C", "GI", "Nausea", {}),
        ("A", "Blood", "Anaemia", {"GR3FL": "Y", "DISCFL": "Y"}),
    ]
    frame = pd.DataFrame(
        [
            {
                "USUBJID": u,
                "AEBODSYS": soc,
                "AEDECOD": pt,
                "TRTEMFL": "Y",
                "ATOXGRN": 3.0 if extra.get("GR3FL") else 1.0,
                "CQ01NAM": "",
                "CQ01ONS": "",
            }
            | flags
            | extra
            for u, soc, pt, extra in events
        ]
    )
    return frame.merge(adsl[["USUBJID", "ACTARM"]], on="USUBJID")


def make_ard(
    arms: list[str],
    *,
    groups: dict = POOLED,
    design: dict | None = DESIGN,
    drop: tuple[str, ...] = (),
    graded: bool = True,
    efficacy: bool = True,
) -> pd.DataFrame:
    """The ARD of the small study; ``drop`` removes ADSL variables (not collected), ``graded``
    False removes the AE grades, ``efficacy`` False empties the efficacy-evaluable set."""
    adsl = make_adsl(arms).drop(columns=list(drop))
    if not efficacy:
        adsl["EFFFL"] = ""
    fas = adsl[adsl["FASFL"] == "Y"]
    adrs = fas[["USUBJID", "ACTARM", "FASFL", "EFFFL", "TRTSDT"]].assign(
        PARAMCD="CBOR", AVALC=["PR", "SD", "CR", "PD"]
    )
    # PFS, PFS2 and OS: events at 1, 2, 3 and 4 months; DOR: A (2 months, event) and C
    # (5 months, censored).
    months = {"PFS": [1, 2, 3, 4], "PFS2": [1, 2, 3, 4], "OS": [1, 2, 3, 4]}
    adtte = pd.concat(
        [
            fas[["USUBJID", "ACTARM", "FASFL"]].assign(
                PARAMCD=code, AVAL=[m * DAYS_PER_MONTH for m in values], CNSR=0
            )
            for code, values in months.items()
        ]
        + [
            pd.DataFrame(
                {
                    "USUBJID": ["A", "C"],
                    "ACTARM": [arms[0], arms[2]],
                    "FASFL": "Y",
                    "PARAMCD": "DOR",
                    "AVAL": [2 * DAYS_PER_MONTH, 5 * DAYS_PER_MONTH],
                    "CNSR": [0, 1],
                }
            )
        ],
        ignore_index=True,
    )
    adex = pd.DataFrame(
        {"USUBJID": list("ABCD"), "PARAMCD": "NCYCLE", "AVAL": [2.0, 4.0, 6.0, 10.0]}
    ).merge(adsl[["USUBJID", "ACTARM"]], on="USUBJID")
    km = {
        "conf_level": 0.95,
        "landmarks_months": LANDMARKS,
        "risk_step_months": 3,
        "convention": "sas",
        "input_sha256": "x",
        "arms": groups,
    }
    characteristics = SETTINGS["baseline"]["characteristics"]
    adae = make_adae(adsl)
    if not graded:
        adae["ATOXGRN"] = float("nan")
    return ard_module.combine(
        [
            baseline_ard(adsl, "x", characteristics=characteristics, arms=groups),
            response_ard(adrs, design=design, conf_level=0.95, input_sha256="x", arms=groups),
            *[km_ard(adtte, paramcd=code, **km) for code in ("PFS", "PFS2", "OS", "DOR")],
            subgroup_ard(
                adrs,
                adtte,
                adsl,
                subgroups=SETTINGS["subgroups"],
                conf_level=0.95,
                convention="sas",
                input_sha256="x",
                arms=groups,
            ),
            safety_ard(adae, adex, adsl, "x", aesi=SETTINGS["safety"]["aesi"], arms=groups),
        ]
    )


@pytest.fixture(scope="module")
def one_arm() -> pd.DataFrame:
    return make_ard(["X"] * 4)


@pytest.fixture(scope="module")
def two_arms() -> pd.DataFrame:
    # Arm X = A, B; arm Y = C, D.
    return make_ard(["X", "X", "Y", "Y"])


def table(ard: pd.DataFrame, tlf_id: str, index: int = 0, settings=None) -> Table:
    return tables_for(ard, tlf_id, settings or SETTINGS)[index]


def cells(t: Table, label: str) -> list[str]:
    matches = [row["cells"] for row in t.rows if row["label"] == label]
    assert len(matches) == 1, (label, [row["label"] for row in t.rows])
    return matches[0]


def test_every_section_14_table_and_every_title(two_arms):
    tables = {tlf for tlf in SAP_SECTION_7 if tlf.startswith("14.")} - FIGURES_ONLY
    assert set(TABLES) == tables
    assert set(TITLES) == set(SAP_SECTION_7)
    for tlf in sorted(tables):
        built = tables_for(two_arms, tlf, SETTINGS)
        assert built, tlf
        for index, t in enumerate(built, start=1):
            # Several tables of one row are numbered <row>.1, <row>.2 (SAP section 7).
            assert t.tlf_id == (tlf if len(built) == 1 else f"{tlf}.{index}")
            assert t.rows and t.population
            for row in t.rows:
                assert set(row) <= {"label", "cells", "heading", "indent"}
                if row.get("heading"):
                    assert row["cells"] == []
                else:
                    assert len(row["cells"]) == len(t.columns), (tlf, row)
                    assert all(isinstance(cell, str) and cell for cell in row["cells"])
    with pytest.raises(KeyError):
        tables_for(two_arms, "14.2.8", SETTINGS)


def test_disposition(one_arm):
    t = table(one_arm, "14.1.1")
    # Enrolled A-E: arm X = A-D (N=4), Not Treated = E (N=1), Total N=5.
    assert t.columns == ["Not Treated (N=1)", "X (N=4)", "Total (N=5)"]
    assert cells(t, "Treated (at least one dose)") == ["0 (0.0)", "4 (100.0)", "4 (80.0)"]
    labels = [row["label"] for row in t.rows]
    # Treatment: C ongoing; A, B, D discontinued: PD (A, D) before adverse event (B), right
    # under "Discontinued" and indented. Study: B, C ongoing; A death, D lost, E withdrew.
    # Screening counts only (no SCRNFFL in this ADSL: no screen failure): all five in DM.
    assert cells(t, "Screened") == ["–", "–", "5"]
    assert cells(t, "Screen failures") == ["–", "–", "0"]
    start = labels.index("Study treatment (treated subjects)")
    assert labels[start : start + 5] == [
        "Study treatment (treated subjects)",
        "Ongoing at the data cutoff",
        "Discontinued",
        "Progressive disease",
        "Adverse event",
    ]
    assert t.rows[start + 3].get("indent") and not t.rows[start + 2].get("indent")
    # Treatment rows are of the treated (Total 1 of A-D = 25.0%, not 1 of 5); Not Treated has
    # none, so no percentage. Study rows stay of the enrolled (1 of 5 = 20.0%).
    assert t.rows[start + 1]["cells"] == ["0", "1 (25.0)", "1 (25.0)"]
    assert cells(t, "Lost to follow-up") == ["0 (0.0)", "1 (25.0)", "1 (20.0)"]
    assert cells(t, "Died") == ["0 (0.0)", "1 (25.0)", "1 (20.0)"]


def test_analysis_sets(one_arm):
    t = table(one_arm, "14.1.2")
    # Efficacy-evaluable: A, B, C = 3 of 5 enrolled.
    assert cells(t, "Efficacy-evaluable set") == ["0 (0.0)", "3 (75.0)", "3 (60.0)"]


def test_demographics_formatting(one_arm):
    t = table(one_arm, "14.1.3")
    assert t.columns == ["X (N=4)"] and t.population == "Full analysis set"
    # Ages 40, 50, 60, 45 (whole years): mean 48.75 -> 48.8; SD sqrt(218.75 / 3) = 8.54 -> 8.5;
    # median 47.5; range 40 to 60.
    assert cells(t, "Mean (SD)") == ["48.8 (8.5)"]
    assert cells(t, "Median") == ["47.5"]
    assert cells(t, "Min–max") == ["40–60"]
    assert cells(t, "≥50") == ["2 (50.0)"]
    assert cells(t, "Female") == ["4 (100.0)"]
    # Levels in their defined order; a defined level nobody has is still shown.
    labels = [row["label"] for row in t.rows]
    subtype = labels.index("Subtype (HR/HER2), n (%)")
    # Coded values in display case (issue 16): codes such as HR+/HER2- kept as they are.
    assert labels[subtype + 1 : subtype + 4] == ["HR+/HER2-", "Triple negative", "HER2+"]
    measurable = labels.index("Measurable disease at baseline, n (%)")
    assert [row["cells"] for row in t.rows[measurable + 1 : measurable + 3]] == [
        ["3 (75.0)"],
        ["1 (25.0)"],
    ]


def test_prior_therapy(one_arm):
    t = table(one_arm, "14.1.4")
    # Regimens 2, 3, 2, 4: mean 2.75 -> 2.8; SD sqrt((0.5625 + 0.0625 + 0.5625 + 1.5625) / 3)
    # = sqrt(0.9167) = 0.957 -> 1.0; by count 2: 2 (50%), 3: 1, 4: 1; groups ≤2: 2, ≥3: 2.
    assert cells(t, "Mean (SD)") == ["2.8 (1.0)"]
    assert cells(t, "2") == ["2 (50.0)"]
    assert cells(t, "≥3") == ["2 (50.0)"]


def test_response_subgroups_and_dcr(one_arm):
    # Subgroup age <50: A (PR) and D (PD): 1 of 2 responders.
    t = table(one_arm, "14.2.2")
    assert cells(t, "<50")[0] == "1 / 2 (50.0)"
    # DCR (CR, PR or SD): A, B, C of 4 in the FAS; 3 of 3 in the efficacy-evaluable set.
    fas, eff = tables_for(one_arm, "14.2.3", SETTINGS)
    assert fas.population == "Full analysis set" and eff.population == "Efficacy-evaluable set"
    assert fas.rows[0]["cells"] == ["3 (75.0)"] and eff.rows[0]["cells"] == ["3 (100.0)"]
    # One-sided exact p-value of 3/4 against 0.10: P(X >= 3) = 4(0.1^3)(0.9) + 0.1^4 = 0.0037.
    assert fas.rows[2]["cells"] == ["0.004"]


def test_time_to_event_tables(one_arm):
    # PFS events at 1, 2, 3, 4 months: S = 0.5 on [2, 3): the SAS median is the midpoint 2.5.
    pfs = table(one_arm, "14.2.5")
    assert cells(pfs, "Median (95% CI)")[0].startswith("2.5 (")
    # DOR among the two responders: one event, one censored.
    dor = table(one_arm, "14.2.4")
    assert dor.columns == ["X (N=2)"]
    assert cells(dor, "Events, n (%)") == ["1 (50.0)"]
    assert dor.population == "Confirmed responders in the full analysis set"
    assert "PFS2" in table(one_arm, "14.2.6").footnotes[0]


def test_dor_without_responders_is_a_note(one_arm):
    t = table(one_arm[one_arm["analysis_id"] != "KM-DOR"], "14.2.4")
    assert t.rows == [] and "No subject had a confirmed response" in t.footnotes[0]


def test_teae_by_soc_and_pt_in_descending_frequency(one_arm):
    t = table(one_arm, "14.3.3")
    assert t.spans == [("X (N=4)", 2)] and t.columns == ["any grade", "grade ≥ 3"]
    labels = [(row["label"], bool(row.get("indent"))) for row in t.rows]
    # GI (3 subjects) before Blood (1) though B sorts first; within GI diarrhoea (3), vomiting
    # (2), nausea (1), against alphabetical order.
    assert labels == [
        ("Any TEAE", False),
        ("GI", False),
        ("Diarrhoea", True),
        ("Vomiting", True),
        ("Nausea", True),
        ("Blood", False),
        ("Anaemia", True),
    ]
    # Any TEAE: A, B, C of 4; grade >= 3: A. GI grade >= 3: A's diarrhoea.
    assert cells(t, "Any TEAE") == ["3 (75.0)", "1 (25.0)"]
    assert cells(t, "GI") == ["3 (75.0)", "1 (25.0)"]
    assert cells(t, "Nausea") == ["1 (25.0)", "0 (0.0)"]


def test_multi_arm_soc_pt_follows_total_and_fills_zeros(two_arms):
    # Anaemia (A) is only in arm X; nausea (C) only in arm Y.
    t = table(two_arms, "14.3.3")
    assert t.spans == [("X (N=2)", 2), ("Y (N=2)", 2), ("Total (N=4)", 2)]
    assert cells(t, "Nausea") == [
        "0 (0.0)",
        "0 (0.0)",
        "1 (50.0)",
        "0 (0.0)",
        "1 (25.0)",
        "0 (0.0)",
    ]
    # Order by the Total column: diarrhoea 3, vomiting 2, nausea 1.
    pts = [row["label"] for row in t.rows if row.get("indent")]
    assert pts == ["Diarrhoea", "Vomiting", "Nausea", "Anaemia"]


def test_serious_and_special_interest_and_exposure(one_arm):
    t = table(one_arm, "14.3.4")
    labels = [row["label"] for row in t.rows]
    # Serious: A's diarrhoea; discontinuation: A's anaemia; deaths: A; no fatal TEAE.
    serious = labels.index("Any serious TEAE")
    assert labels[serious + 1 : serious + 3] == ["GI", "Diarrhoea"]
    assert cells(t, "Any TEAE leading to treatment discontinuation") == ["1 (25.0)"]
    assert cells(t, "Anaemia") == ["1 (25.0)"]
    assert cells(t, "Deaths (any cause, up to the data cutoff)") == ["1 (25.0)"]
    assert cells(t, "TEAE with fatal outcome") == ["0 (0.0)"]
    aesi = table(one_arm, "14.3.5")
    # Diarrhoea A, B, C (A grade 3); early onset A; late onset B, C.
    assert cells(aesi, "Diarrhoea") == ["3 (75.0)", "1 (25.0)"]
    assert cells(aesi, "Diarrhoea, late onset") == ["2 (50.0)", "0 (0.0)"]
    exposure = table(one_arm, "14.3.1")
    # Cycles 2, 4, 6, 10 (whole numbers): mean 5.5; squared deviations 12.25 + 2.25 + 0.25 +
    # 20.25 = 35, SD sqrt(35 / 3) = 3.42 -> 3.4; median (4 + 6) / 2 = 5.0.
    assert cells(exposure, "Mean (SD)") == ["5.5 (3.4)"]
    assert cells(exposure, "Median") == ["5.0"]
    assert cells(exposure, "Min–max") == ["2–10"]
    overview = table(one_arm, "14.3.2")
    assert cells(overview, "Any TEAE") == ["3 (75.0)"]


def test_a_stale_ard_without_the_serious_terms_fails(one_arm):
    stale = one_arm[~one_arm["analysis_id"].str.startswith("TEAE-SER-")]
    with pytest.raises(KeyError, match="TEAE-SER-SOC"):
        table(stale, "14.3.4")


def test_numbers_round_half_away_from_zero_as_sas_does():
    # SAS: put(round(5.25, 0.1), 5.1) = 5.3 and round(2.675, 0.01) = 2.68 (its rounding works on
    # the decimal value); Python's format rounds the binary value half to even: 5.2 and 2.67.
    assert fmt_number(5.25) == "5.3"
    assert fmt_number(-5.25) == "-5.3"
    assert fmt_number(2.675, 2) == "2.68"
    assert fmt_number(0.04999) == "0.0"
    # 1 of 16 subjects is 6.25%: printed 6.3, as in a SAS table.
    assert fmt_n_pct(1, 16) == "1 (6.3)"
    assert fmt_p(0.0205) == "0.021"
    assert fmt_p(0.0004) == "<0.001"


SEPARATE = {"variable": "ACTARM", "pool": False, "order": ["Y"]}


def test_several_arms_test_only_the_arms_the_design_names():
    """SAP section 2: no Total unless pooled; the Simon design and the tests against p0 only for
    the arm(s) the design names; arms in the configured order."""
    design = {**DESIGN, "arms": ["X"]}
    ard = make_ard(["X", "X", "Y", "Y"], groups=SEPARATE, design=design)
    settings = {**SETTINGS, "arms": SEPARATE, "design": design}
    fas = table(ard, "14.2.1", settings=settings)
    assert fas.columns == ["Y (N=2)", "X (N=2)"]
    p_value = cells(fas, "One-sided exact p-value, H0: ORR ≤ 10%")
    # Arm X: A (PR) and B (SD): 1 of 2; P(X >= 1 | n=2, p=0.1) = 1 - 0.9^2 = 0.19. Y: not tested.
    assert p_value == ["–", "0.190"]
    assert cells(fas, "Design")[0] == "–" and cells(fas, "Design")[1].startswith("r1/n1 = ")
    assert any("apply to X only" in note for note in fas.footnotes)
    dcr = table(ard, "14.2.3", settings=settings)
    assert cells(dcr, "One-sided exact p-value, H0: rate ≤ 10%")[0] == "–"
    assert "Total" not in " ".join(table(ard, "14.3.3", settings=settings).columns)


def test_without_a_design_rates_are_descriptive():
    ard = make_ard(["X"] * 4, design=None)
    settings = {**SETTINGS, "design": None}
    fas = table(ard, "14.2.1", settings=settings)
    labels = [row["label"] for row in fas.rows]
    assert not any("p-value" in label or "Simon" in label for label in labels)
    assert any("No primary hypothesis" in note for note in fas.footnotes)


def test_grades_not_collected_are_said_so():
    ard = make_ard(["X"] * 4, graded=False)
    overview = table(ard, "14.3.2")
    assert cells(overview, "TEAE of CTCAE grade 3 or higher") == ["Not collected"]
    assert any("AE grade: not collected" in note for note in overview.footnotes)
    soc = table(ard, "14.3.3")
    assert cells(soc, "Diarrhoea") == ["3 (75.0)", "Not collected"]
    assert cells(table(ard, "14.3.5"), "Diarrhoea") == ["3 (75.0)", "Not collected"]


def test_characteristics_not_collected_are_said_so():
    ard = make_ard(["X"] * 4, drop=("ECOGBL", "NPRREG", "PRREGGR", "EOTSTT", "DCTREAS"))
    demographics = table(ard, "14.1.3")
    labels = [row["label"] for row in demographics.rows]
    ecog = labels.index("Baseline ECOG performance status, n (%)")
    assert demographics.rows[ecog + 1] == {"label": "Not collected", "cells": ["Not collected"]}
    assert any(
        "Baseline ECOG performance status: not collected" in n for n in demographics.footnotes
    )
    prior = table(ard, "14.1.4")
    assert "Prior anticancer therapy: not collected" in prior.footnotes[0]
    disposition = table(ard, "14.1.1")
    # Columns: Not Treated, X, Total.
    assert cells(disposition, "End of treatment status") == ["Not collected"] * 3
    assert not any(row["label"] == "Ongoing at the data cutoff" for row in disposition.rows[:6])


def test_an_empty_efficacy_evaluable_set_is_a_note_not_a_crash():
    ard = make_ard(["X"] * 4, efficacy=False)
    fas, eff = tables_for(ard, "14.2.1", SETTINGS)
    assert fas.rows and eff.rows == [] and "empty" in eff.footnotes[0]


def test_a_study_without_aes_of_special_interest():
    ard = make_ard(["X"] * 4)
    t = table(ard, "14.3.5", settings={**SETTINGS, "safety": {**SETTINGS["safety"], "aesi": []}})
    assert t.rows == [] and "No adverse events of special interest" in t.footnotes[0]
