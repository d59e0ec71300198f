"""Baseline characteristics of the entry criteria (issue 16, item 6): BSA and weight from VS,
prior therapy by drug class and setting from CM, disease sites from TU, time since diagnosis
from MH, their ARD rows and tables 14.1.3 and 14.1.4, "not collected" and "not configured"
where the study lacks them, and display case. Every expected number is worked out by hand in
the comments from the small frames built here."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import bundled_settings

from oncocsr.adam.adsl_entry import (
    body_surface_area,
    derive_diagnosis,
    derive_disease_sites,
    derive_entry_characteristics,
    derive_prior_classes,
    derive_prior_setting,
    derive_vitals_baseline,
    prior_records,
)
from oncocsr.ard import result_id
from oncocsr.baseline import baseline_ard, collection_sources
from oncocsr.studyinit_choices import Inspection
from oncocsr.studyinit_entry import choose_entry_settings
from oncocsr.tlf.tables.baseline import demographics_table, prior_therapy_table
from oncocsr.tlf.tables.common import display_case

SUBJECTS = pd.Index(["A", "B", "C"], name="USUBJID")
# Day 1 of A and B; C was never dosed.
START = pd.Series(pd.to_datetime(["2015-03-01", "2015-04-01", None]), index=SUBJECTS)
VITALS = {"height": "HEIGHT", "weight": "WEIGHT"}
CLASSES = [
    {"variable": "PRANTHFL", "label": "Prior anthracycline", "terms": ["EPIRUBICIN"]},
    {"variable": "PRTAXFL", "label": "Prior taxane", "terms": ["DOCETAXEL", "PACLITAXEL"]},
]
PRIOR = "PRIOR ANTICANCER THERAPY"


def vs_frame() -> pd.DataFrame:
    rows = [
        # A, metric: screening 160 cm / 64 kg; a weight after day 1 (60 kg) is not baseline.
        ("A", "HEIGHT", "160", 160.0, "cm", "2015-02-20"),
        ("A", "WEIGHT", "64", 64.0, "kg", "2015-02-20"),
        ("A", "WEIGHT", "60", 60.0, "kg", "2015-03-15"),
        # B, imperial: 62 in = 157.48 cm -> 157.5; 132 LB = 59.87419 kg -> 59.9.
        ("B", "HEIGHT", "62", 62.0, "in", "2015-03-28"),
        ("B", "WEIGHT", "132", 132.0, "LB", "2015-03-28"),
    ]
    columns = ["USUBJID", "VSTESTCD", "VSORRES", "VSSTRESN", "VSSTRESU", "VSDTC"]
    return pd.DataFrame(rows, columns=columns)


def cm_frame() -> pd.DataFrame:
    rows = [
        # A: epirubicin (coded) adjuvant in 2012, then docetaxel metastatic in 2014.
        ("A", "EPI", "EPIRUBICIN", PRIOR, "REGIMEN 1", "ADJUVANT", "2012-01"),
        ("A", "DOCETAXEL", "", PRIOR, "REGIMEN 2", "METASTATIC", "2014-05-02"),
        # B: capecitabine only (no class), metastatic; a later therapy is not prior.
        ("B", "CAPECITABINE", "", PRIOR, "REGIMEN 1", "METASTATIC", "2014-09-01"),
        ("B", "PACLITAXEL", "", "SUBSEQUENT ANTICANCER THERAPY", "", "", "2015-08-01"),
    ]
    columns = ["USUBJID", "CMTRT", "CMDECOD", "CMCAT", "CMGRPID", "CMSCAT", "CMSTDTC"]
    return pd.DataFrame(rows, columns=columns)


def test_bsa_by_mosteller_and_du_bois():
    # 160 cm, 64 kg. Mosteller: sqrt(160 x 64 / 3600) = sqrt(2.8444) = 1.6865 -> 1.69.
    # Du Bois: 0.007184 x 64^0.425 x 160^0.725 = 0.007184 x 5.8563 x 39.630 = 1.6673 -> 1.67.
    # 150 cm, 50 kg. Mosteller: sqrt(7500 / 3600) = sqrt(2.0833) = 1.4434 -> 1.44.
    height, weight = pd.Series([160.0, 150.0]), pd.Series([64.0, 50.0])
    assert body_surface_area(height, weight, "mosteller").tolist() == [1.69, 1.44]
    assert body_surface_area(height, weight, "dubois").iloc[0] == 1.67


def test_baseline_height_and_weight_in_cm_and_kg():
    vitals = derive_vitals_baseline(vs_frame(), START, VITALS)
    assert vitals.loc["A"].tolist() == [160.0, 64.0]
    assert vitals.loc["B"].tolist() == [157.5, 59.9]
    assert vitals.loc["C"].isna().all()


def test_flagged_baseline_records_win_and_unknown_units_are_left_out():
    vs = vs_frame()
    # A second screening weight of A (62 kg, later that day) is not the flagged one.
    vs = pd.concat([vs, vs.iloc[[1]].assign(VSSTRESN=62.0, VSORRES="62")], ignore_index=True)
    vs["VSLOBXFL"] = ["Y", "Y", "", "Y", "Y", ""]
    assert derive_vitals_baseline(vs, START, VITALS).loc["A", "WEIGHTBL"] == 64.0
    # A weight in stones is not a unit the derivation knows: no weight at all, no guess.
    odd = vs_frame().assign(VSSTRESU=lambda f: f["VSSTRESU"].replace({"kg": "st", "LB": "st"}))
    assert "WEIGHTBL" not in derive_vitals_baseline(odd, START, VITALS)


def test_prior_classes_and_setting():
    prior = prior_records(cm_frame(), PRIOR)
    classes = derive_prior_classes(
        prior, [*CLASSES, {**CLASSES[0], "variable": "PRXFL", "terms": []}], SUBJECTS
    )
    # A had epirubicin (CMDECOD) and docetaxel (CMTRT); B capecitabine only (her paclitaxel is
    # subsequent, not prior); C has no CM. A class without terms gives no flag.
    assert classes["PRANTHFL"].tolist() == ["Y", "", ""]
    assert classes["PRTAXFL"].tolist() == ["Y", "", ""]
    assert "PRXFL" not in classes
    setting = derive_prior_setting(prior, "CMSCAT", SUBJECTS)
    assert setting.tolist() == ["ADJUVANT, METASTATIC", "METASTATIC", ""]
    assert derive_prior_setting(prior.drop(columns="CMSCAT"), "CMSCAT", SUBJECTS) is None
    assert derive_prior_setting(prior, None, SUBJECTS) is None


def test_disease_sites_and_time_since_diagnosis():
    tu = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "B", "B"],
            "TUSTRESC": ["TARGET", "TARGET", "NON-TARGET", "TARGET", "NEW"],
            "TULOC": ["LIVER", "LIVER", "BONE", "LUNG", "BRAIN"],
            "TUEVAL": "INVESTIGATOR",
        }
    )
    sites = derive_disease_sites(tu, SUBJECTS, "INVESTIGATOR")
    # A: liver twice and bone -> 2 sites; B: lung (a new lesion is not baseline); C: no TU.
    assert sites["NMETSITE"].tolist()[:2] == [2.0, 1.0] and pd.isna(sites.loc["C", "NMETSITE"])
    assert sites["METSITES"].tolist() == ["BONE; LIVER", "LUNG", ""]
    mh = pd.DataFrame(
        {"USUBJID": ["A", "B"], "MHCAT": ["PRIMARY DIAGNOSIS"] * 2, "MHSTDTC": ["2013-03", "2015"]}
    )
    diagnosis = derive_diagnosis(mh, "PRIMARY DIAGNOSIS", START)
    # A: 2013-03 -> 2013-03-01, to 2015-03-01 is 730 days, / 30.4375 = 23.98 -> 24.0 months.
    # B: 2015 -> 2015-01-01, to 2015-04-01 is 90 days -> 2.96 -> 3.0 months.
    assert diagnosis["DIAGDURM"].tolist()[:2] == [24.0, 3.0]
    assert derive_diagnosis(None, "PRIMARY DIAGNOSIS", START).empty


def entry_settings(**baseline) -> dict:
    settings = bundled_settings()
    settings["baseline"] = {**settings["baseline"], "prior_classes": CLASSES, **baseline}
    return settings


def test_nothing_collected_gives_no_columns_and_no_error():
    # A study like the pharmaverse one: no VS, CM or MH; TU without locations.
    domains = {"TU": pd.DataFrame({"USUBJID": ["A"], "TUSTRESC": ["TARGET"]})}
    out = derive_entry_characteristics(domains, START, entry_settings())
    assert out.empty and out.index.equals(SUBJECTS)


def adsl_frame(**extra) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C"],
            "ACTARM": ["X", "X", "X"],
            "ENRLFL": "Y",
            "SAFFL": "Y",
            "FASFL": "Y",
            "EFFFL": "Y",
            "AGE": [40.0, 50.0, 60.0],
            "NPRREG": [2.0, 1.0, 3.0],
            "PRREGGR": ["<=2", "<=2", ">=3"],
            "EOSSTT": "ONGOING",
            "DCSREAS": "",
            "DTHFL": "",
        }
    )
    return frame.assign(**extra)


def ard_rows(adsl: pd.DataFrame, settings: dict) -> pd.DataFrame:
    return baseline_ard(
        adsl,
        "sha",
        characteristics=[],
        sources=collection_sources(settings),
        prior_classes=settings["baseline"]["prior_classes"],
    )


def test_entry_rows_of_the_ard_and_the_tables():
    settings = entry_settings()
    adsl = adsl_frame(
        WEIGHTBL=[64.0, 59.9, 50.0],
        BSABL=[1.69, 1.61, None],
        METSITES=["BONE; LIVER", "LIVER", "LIVER; LUNG"],
        NMETSITE=[2.0, 1.0, 2.0],
        PRANTHFL=["Y", "", "Y"],
        PRSETTNG=["ADJUVANT, METASTATIC", "METASTATIC", "METASTATIC"],
    )
    rows = ard_rows(adsl, settings)
    value = rows.set_index("result_id")["stat_value"]

    def stat(analysis, variable, name):
        return value[result_id(analysis, "X", variable, name)]

    # Weight: (64 + 59.9 + 50) / 3 = 57.97; BSA of A and B only: (1.69 + 1.61) / 2 = 1.65.
    assert stat("DEMOGRAPHICS", "WEIGHTBL", "mean") == pytest.approx(57.9666667)
    assert stat("DEMOGRAPHICS", "BSABL", "n") == 2
    assert stat("DEMOGRAPHICS", "BSABL", "mean") == pytest.approx(1.65)
    # Sites: liver 3 of 3 (100%), bone 1, lung 1: a subject counts under each of her sites.
    assert stat("DEMOGRAPHICS", "METSITES=LIVER", "n") == 3
    assert stat("DEMOGRAPHICS", "METSITES=LIVER", "order") == 1
    assert stat("DEMOGRAPHICS", "METSITES=BONE", "pct") == pytest.approx(100 / 3)
    assert stat("DEMOGRAPHICS", "NMETSITE=2", "n") == 2
    # Prior anthracycline: A and C (2 of 3); B's blank flag is No.
    assert stat("PRIOR-THERAPY", "PRANTHFL=Y", "n") == 2
    assert stat("PRIOR-THERAPY", "PRANTHFL=N", "n") == 1
    assert stat("PRIOR-THERAPY", "PRSETTNG=METASTATIC", "n") == 2

    demographics = demographics_table(rows, settings)
    labels = [row["label"] for row in demographics.rows]
    assert labels.index("Weight (kg)") < labels.index("Body surface area (m²)")
    assert "Liver" in labels and "LIVER" not in labels
    assert any("Mosteller" in note for note in demographics.footnotes)
    prior = prior_therapy_table(rows, settings)
    by_label = {row["label"]: row["cells"] for row in prior.rows}
    assert by_label["Adjuvant, metastatic"] == ["1 (33.3)"]
    assert by_label["Yes"] == ["2 (66.7)"]
    # The taxane flag is configured but ADSL lacks it: not collected, never a zero.
    heading = [i for i, row in enumerate(prior.rows) if row["label"] == "Prior taxane, n (%)"]
    assert prior.rows[heading[0] + 1]["cells"] == ["Not collected"]


def test_tables_say_not_collected_and_not_configured():
    settings = entry_settings(prior_classes=[])
    rows = ard_rows(adsl_frame(), settings)
    demographics = demographics_table(rows, settings)
    cells = {row["label"]: row["cells"] for row in demographics.rows if row["cells"]}
    shown = [row["label"] for row in demographics.rows]
    for heading in (
        "Weight (kg)",
        "Body surface area (m²)",
        "Time since initial diagnosis (months)",
    ):
        assert demographics.rows[shown.index(heading) + 1]["cells"] == ["Not collected"]
    assert cells["Not collected"] == ["Not collected"]
    assert any("VSTESTCD = 'WEIGHT'" in note for note in demographics.footnotes)
    assert not any("Mosteller" in note for note in demographics.footnotes)
    prior = prior_therapy_table(rows, settings)
    labels = [row["label"] for row in prior.rows]
    at = labels.index("Prior therapy by drug class")
    assert prior.rows[at + 1]["cells"] == ["Not configured"]
    assert any("not configured" in note for note in prior.footnotes)


@pytest.mark.parametrize(
    ("coded", "shown"),
    [
        ("NOT HISPANIC OR LATINO", "Not Hispanic or Latino"),
        ("AMERICAN INDIAN OR ALASKA NATIVE", "American Indian or Alaska Native"),
        ("TRIPLE NEGATIVE", "Triple negative"),
        ("HR+/HER2-", "HR+/HER2-"),
        ("LOST TO FOLLOW-UP", "Lost to follow-up"),
        ("ECOG 1", "ECOG 1"),
        ("CR/PR", "CR/PR"),
        ("STAGE IV", "Stage IV"),
        ("UK", "UK"),
        ("MG/M2", "mg/m²"),
        ("Diarrhoea", "Diarrhoea"),
        ("≥50", "≥50"),
        ("", ""),
    ],
)
def test_display_case(coded, shown):
    assert display_case(coded) == shown


def test_init_suggests_drug_classes_from_the_cm_terms():
    found = Inspection(files={})
    found.choose("terms.cm.prior_therapy", PRIOR)
    cm = cm_frame().assign(CMTRT=lambda f: f["CMTRT"].replace({"EPI": "LIPOSOMAL DOXORUBICIN"}))
    cm["CMDECOD"] = ""
    choose_entry_settings(found, {"CM": cm})
    baseline = found.sections["baseline"]
    # Liposomal doxorubicin is an anthracycline; docetaxel a taxane; B's paclitaxel is
    # subsequent therapy, not a prior term.
    assert baseline["prior_classes"] == [
        {
            "variable": "PRANTHFL",
            "label": "Prior anthracycline",
            "terms": ["LIPOSOMAL DOXORUBICIN"],
        },
        {"variable": "PRTAXFL", "label": "Prior taxane", "terms": ["DOCETAXEL"]},
    ]
    assert baseline["prior_setting"] == "CMSCAT"
    assert baseline["diagnosis_category"] is None
    assert "no VS domain" in found.notes["baseline.vitals"]
    empty = Inspection(files={})
    empty.choose("terms.cm.prior_therapy", None)
    choose_entry_settings(empty, {})
    assert empty.sections["baseline"]["prior_classes"] == []
    assert empty.sections["baseline"]["prior_setting"] is None
