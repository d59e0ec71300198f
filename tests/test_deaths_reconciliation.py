"""Deaths (ADSL DTHCAUS, DTHADY, LDDTHELD, DTHTEMFL; table 14.3.4's deaths table; listing
16.2.3), screening rows of the disposition table and the reconciliation of the TEAE overview with
disposition and exposure (SAP section 6), on small frames counted by hand."""

from __future__ import annotations

import pandas as pd
from conftest import POOLED

from oncocsr import ard as ard_module
from oncocsr.adam.adsl import derive_death_cause, derive_death_timing
from oncocsr.baseline import baseline_ard, screening_ard
from oncocsr.safety import safety_ard
from oncocsr.studyconfig import with_defaults
from oncocsr.tlf.listings import deaths_listing
from oncocsr.tlf.tables import tables_for

TERMS = with_defaults()["terms"]
DAY = pd.Timestamp


def test_cause_of_death_from_dd_then_fatal_ae_then_ds_term_else_not_collected():
    index = pd.Index(["A", "B", "C", "D"], name="USUBJID")
    domains = {
        # A: DD says sepsis (wins over A's fatal AE); DD rows of other tests are ignored.
        "DD": pd.DataFrame(
            {
                "USUBJID": ["A", "A"],
                "DDTESTCD": ["PRCDTH", "SECDTH"],
                "DDORRES": ["Sepsis", "Pneumonia"],
                "DDSTRESC": ["SEPSIS", "PNEUMONIA"],
            }
        ),
        # B: two fatal AEs (grade 5; AESDTH Y), the later start gives the cause; A's loses.
        "AE": pd.DataFrame(
            {
                "USUBJID": ["A", "B", "B", "B"],
                "AEDECOD": ["Pneumonia", "Hepatic failure", "Sepsis", "Nausea"],
                "AESTDTC": ["2015-01-01", "2015-02-01", "2015-03-01", "2015-04-01"],
                "AETOXGR": ["5", "5", "3", "1"],
                "AESDTH": ["Y", "N", "Y", "N"],
                "AEOUT": ["FATAL", "FATAL", "", ""],
            }
        ),
        # C: the DS death record says more than DEATH; D's says only DEATH: not collected.
        "DS": pd.DataFrame(
            {
                "USUBJID": ["C", "D"],
                "DSDECOD": ["DEATH", "DEATH"],
                "DSTERM": ["DEATH DUE TO DISEASE PROGRESSION", "DEATH"],
            }
        ),
    }
    cause = derive_death_cause(domains, index, TERMS)
    assert cause.to_dict() == {
        "A": "SEPSIS",
        "B": "Sepsis",
        "C": "DEATH DUE TO DISEASE PROGRESSION",
        "D": "NOT COLLECTED",
    }
    # A study without DD, AE or DS cause: not collected, never a crash.
    assert set(derive_death_cause({}, index, TERMS)) == {"NOT COLLECTED"}


def test_death_timing_against_the_treatment_emergent_window():
    adsl = pd.DataFrame(
        {
            "TRTSDT": [DAY("2015-01-01")] * 4,
            "TRTEDT": [DAY("2015-03-01")] * 4,
            # A: 2015-03-31 is 30 days after the last dose (within); B: 31 days (after);
            # C: during treatment; D: alive.
            "DTHDT": [DAY("2015-03-31"), DAY("2015-04-01"), DAY("2015-02-01"), pd.NaT],
        },
        index=list("ABCD"),
    )
    timing = derive_death_timing(adsl, window_days=30)
    assert timing["DTHTEMFL"].tolist() == ["Y", "", "Y", ""]
    # LDDTHELD = DTHDT - TRTEDT: 30, 31, -28 (2015-02-01 is 28 days before 2015-03-01).
    assert timing["LDDTHELD"].tolist()[:3] == [30, 31, -28]
    # DTHADY = DTHDT - TRTSDT + 1: 2015-03-31 is day 90 (31 + 28 + 31), 2015-02-01 day 32.
    assert timing["DTHADY"].tolist()[:3] == [90, 91, 32]
    assert timing["DTHADY"].isna().tolist() == [False, False, False, True]
    # A window of 31 days takes B in.
    assert derive_death_timing(adsl, window_days=31)["DTHTEMFL"].tolist() == ["Y", "Y", "Y", ""]


def _study():
    """Safety set A-E in one arm. Deaths: A within the window (pneumonia), B and C later
    (disease progression), D and E alive.

    Discontinuation: A's TEAE was DRUG WITHDRAWN but her reason is DEATH; B's reason is an
    adverse event with no DRUG WITHDRAWN; C's TEAE and reason agree. Reductions: D's DOSE
    REDUCED AE starts after her last dose (no reduction in EX); E has a reduction in EX and no
    such AE. Interruptions: C's DRUG INTERRUPTED AE lies before her last dose but EX has no
    delay; A has both.
    """
    last = DAY("2015-06-01")
    adsl = pd.DataFrame(
        {
            "USUBJID": list("ABCDE"),
            "ACTARM": "X",
            "SAFFL": "Y",
            "TRTSDT": DAY("2015-01-01"),
            "TRTEDT": last,
            "DTHFL": ["Y", "Y", "Y", "", ""],
            "DTHTEMFL": ["Y", "", "", "", ""],
            "DTHCAUS": ["PNEUMONIA", "DISEASE PROGRESSION", "DISEASE PROGRESSION", "", ""],
            "DCTREAS": ["DEATH", "ADVERSE EVENT", "ADVERSE EVENT", "PROGRESSIVE DISEASE", ""],
        }
    )
    flags = dict.fromkeys(["RELFL", "GR3FL", "SERFL", "DISCFL", "REDFL", "INTFL", "FATALFL"], "")
    events = [
        ("A", "2015-05-01", {"DISCFL": "Y", "FATALFL": "Y"}),
        ("A", "2015-02-01", {"INTFL": "Y"}),
        ("C", "2015-03-01", {"DISCFL": "Y", "INTFL": "Y"}),
        ("D", "2015-06-10", {"REDFL": "Y"}),
    ]
    adae = pd.DataFrame(
        [
            {
                "USUBJID": u,
                "AEBODSYS": "SOC",
                "AEDECOD": "PT",
                "TRTEMFL": "Y",
                "ATOXGRN": 1.0,
                "ASTDT": DAY(start),
                "TRTEDT": last,
                "ACTARM": "X",
            }
            | flags
            | extra
            for u, start, extra in events
        ]
    )
    adex = pd.DataFrame(
        {
            "USUBJID": list("ABCDE") * 2,
            "PARAMCD": ["NREDUCE"] * 5 + ["NDELAY"] * 5,
            # NREDUCE of A-E, then NDELAY of A-E.
            "AVAL": [0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
            "ACTARM": "X",
        }
    ).astype({"AVAL": float})
    return adsl, adae, adex


def _ard():
    adsl, adae, adex = _study()
    return safety_ard(adae, adex, adsl, "x", arms=POOLED, window_days=30)


def _value(ard: pd.DataFrame, analysis: str, variable: str, stat: str = "n") -> float:
    return ard_module.ResultLookup(ard)(analysis, "X", variable, stat)


def test_deaths_by_timing_and_cause_in_the_ard():
    ard = _ard()
    # 3 deaths of 5: within the window A (1, 20%), later B and C (2, 40%).
    assert _value(ard, "DEATHS-TIMING", "WITHIN") == 1
    assert _value(ard, "DEATHS-TIMING", "AFTER", "pct") == 40
    assert _value(ard, "DEATHS-TIMING", "WITHIN", "window_days") == 30
    assert _value(ard, "DEATHS-CAUSE", "ALL / DISEASE PROGRESSION") == 2
    assert _value(ard, "DEATHS-CAUSE", "ALL / DISEASE PROGRESSION", "order") == 1
    assert _value(ard, "DEATHS-CAUSE", "WITHIN / PNEUMONIA") == 1
    assert _value(ard, "DEATHS-CAUSE", "AFTER / DISEASE PROGRESSION") == 2


def test_reconciliation_classes_in_the_ard():
    ard = _ard()
    # Overview: DRUG WITHDRAWN A, C (2); reason adverse event B, C (2): A not in DS (her reason
    # is DEATH), B not in AE.
    assert _value(ard, "TEAE-OVERVIEW", "DISCONTINUED") == 2
    assert _value(ard, "RECONCILIATION", "DISCONTINUED:AE_NOT_DS") == 1
    assert _value(ard, "RECONCILIATION", "DISCONTINUED:AE_NOT_DS=DEATH") == 1
    assert _value(ard, "RECONCILIATION", "DISCONTINUED:DS_NOT_AE") == 1
    # DOSE REDUCED: D only, after her last dose; EX reduction: E only. 1 - 1 + 1 = 1 in both.
    assert _value(ard, "RECONCILIATION", "REDUCED:AE_AFTER_LAST_DOSE") == 1
    assert _value(ard, "RECONCILIATION", "REDUCED:AE_NOT_EX") == 0
    assert _value(ard, "RECONCILIATION", "REDUCED:EX_NOT_AE") == 1
    # DRUG INTERRUPTED: A (delay in EX) and C (none, before the last dose).
    assert _value(ard, "RECONCILIATION", "INTERRUPTED:AE_NOT_EX") == 1
    assert _value(ard, "RECONCILIATION", "INTERRUPTED:AE_AFTER_LAST_DOSE") == 0
    assert _value(ard, "RECONCILIATION", "INTERRUPTED:EX_NOT_AE") == 0


def _tables(tlf: str):
    settings = with_defaults({"arms": POOLED})
    adsl, adae, adex = _study()
    ard = ard_module.combine([safety_ard(adae, adex, adsl, "x", arms=POOLED)])
    return tables_for(ard, tlf, settings)


def test_overview_and_exposure_footnotes_quote_the_reconciliation():
    overview = " ".join(_tables("14.3.2")[0].footnotes)
    assert "1 subject with a TEAE whose action was DRUG WITHDRAWN recorded another reason" in (
        overview
    )
    assert "(Death: 1 subject)" in overview
    assert "1 subject whose recorded reason is an adverse event had no TEAE" in overview
    assert "1 subject whose every AE with action DOSE REDUCED started after the last dose" in (
        overview
    )
    assert "1 subject with such an AE before the last dose but no dose interruption" in overview
    exposure = " ".join(_tables("14.3.1")[0].footnotes)
    assert "1 subject with a reduced dose in the dosing records but no such AE" in exposure


def test_deaths_table_is_the_second_table_of_14_3_4():
    serious, deaths = _tables("14.3.4")
    assert (serious.tlf_id, deaths.tlf_id) == ("14.3.4.1", "14.3.4.2")
    rows = {row["label"]: row["cells"] for row in deaths.rows if not row.get("indent")}
    assert rows == {
        "All deaths": ["3 (60.0)"],
        "On treatment or within 30 days of the last dose": ["1 (20.0)"],
        "More than 30 days after the last dose": ["2 (40.0)"],
    }
    causes = [(row["label"], row["cells"]) for row in deaths.rows if row.get("indent")]
    assert causes == [
        ("Disease progression", ["2 (40.0)"]),
        ("Pneumonia", ["1 (20.0)"]),
        ("Pneumonia", ["1 (20.0)"]),
        ("Disease progression", ["2 (40.0)"]),
    ]


def test_screening_counts_every_subject_in_dm():
    # 6 in DM: F and G are screen failures, H has neither consent nor screen failure, A-C
    # enrolled.
    adsl = pd.DataFrame(
        {
            "USUBJID": list("ABCFGH"),
            "SCRNFFL": ["", "", "", "Y", "Y", ""],
            "ENRLFL": ["Y", "Y", "Y", "N", "N", "N"],
        }
    )
    rows = screening_ard(adsl, "x").set_index("variable")["stat_value"]
    assert rows.to_dict() == {"ENRLFL": 3, "NOTENRL": 1, "SCREENED": 6, "SCRNFFL": 2}


def test_deaths_listing_columns():
    adsl = pd.DataFrame(
        {
            "USUBJID": ["A", "B"],
            "SAFFL": "Y",
            "DTHFL": ["Y", ""],
            "TRTSDT": [DAY("2015-01-01")] * 2,
            "TRTEDT": [DAY("2015-03-01")] * 2,
            "DTHDT": [DAY("2015-03-31"), pd.NaT],
            "DTHDTF": ["", ""],
            "DTHADY": [90.0, None],
            "LDDTHELD": [30.0, None],
            "DTHTEMFL": ["Y", ""],
            "DTHCAUS": ["NOT COLLECTED", ""],
        }
    )
    adae = pd.DataFrame({"USUBJID": ["A"], "AEDECOD": ["Sepsis"], "FATALFL": ["Y"]})
    listing = deaths_listing(adsl, adae, window_days=30)
    assert "On treatment or within 30 days" in listing.columns
    assert listing.rows == [
        [
            "A",
            "2015-01-01",
            "2015-03-01",
            "2015-03-31",
            "",
            "90",
            "30",
            "Yes",
            "Not collected",
            "Sepsis",
        ]
    ]


def test_disposition_of_several_arms_without_total_gives_screening_in_the_label():
    # A, B in arm X; C in arm Y; F a screen failure: 4 screened, 1 screen failure.
    adsl = pd.DataFrame(
        {
            "USUBJID": list("ABCF"),
            "ACTARM": ["X", "X", "Y", ""],
            "SCRNFFL": ["", "", "", "Y"],
            "ENRLFL": ["Y", "Y", "Y", "N"],
            "SAFFL": ["Y", "Y", "Y", "N"],
            "FASFL": ["Y", "Y", "Y", "N"],
            "EFFFL": ["Y", "Y", "Y", "N"],
            "EOSSTT": "ONGOING",
            "DCSREAS": "",
            "DTHFL": "",
        }
    )
    separate = {"variable": "ACTARM", "pool": False, "order": []}
    ard = baseline_ard(adsl, "x", characteristics=[], arms=separate)
    table = tables_for(ard, "14.1.1", with_defaults({"arms": separate}))[0]
    rows = {row["label"]: row["cells"] for row in table.rows}
    assert rows["Screened: 4"] == ["–", "–"]
    assert rows["Screen failures: 1"] == ["–", "–"]
    assert rows["Enrolled"] == ["2 (100.0)", "1 (100.0)"]


def test_a_study_without_ae_actions_says_not_collected_rather_than_reconciling():
    adsl, adae, adex = _study()
    # No AE has an action: AEACN blank everywhere, as in a study that did not collect it.
    adae = adae.assign(DISCFL="", REDFL="", INTFL="", AEACN="")
    ard = ard_module.combine([safety_ard(adae, adex, adsl, "x", arms=POOLED)])
    assert not ard["analysis_id"].eq("RECONCILIATION").any()
    overview = tables_for(ard, "14.3.2", with_defaults({"arms": POOLED}))[0]
    rows = {row["label"]: row["cells"] for row in overview.rows}
    assert rows["TEAE leading to dose reduction"] == ["Not collected"]
    assert rows["Any TEAE"] == ["3 (60.0)"]
    assert any("AE action taken: not collected" in note for note in overview.footnotes)
    serious = tables_for(ard, "14.3.4", with_defaults({"arms": POOLED}))[0]
    discontinued = [r for r in serious.rows if r["label"].startswith("Any TEAE leading")]
    assert discontinued[0]["cells"] == ["Not collected"]
