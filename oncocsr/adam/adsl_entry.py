"""ADSL baseline characteristics of the entry criteria (SAP section 1: metastatic breast cancer
after anthracyclines and taxanes; tables 14.1.3 and 14.1.4 of section 7): height, weight and
body surface area at baseline, prior therapy by drug class and by setting, the disease sites at
baseline and the time since the initial diagnosis.

Every term comes from the study's ``baseline`` settings (schemas/config.schema.yaml): the VS
test codes, the BSA formula, the drug classes (CMTRT or CMDECOD terms the statistician
reviewed), the CM variable holding the setting and the MH category of the diagnosis. What the
study did not collect (no VS, CM, MH or TU, no such records, no class terms) is left out of
ADSL, which the tables report as "not collected" or "not configured"; nothing here fails for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import evaluator_records, flag, upper
from oncocsr.dates import impute_date, to_date

MONTH_DAYS = 30.4375
# Factors to the analysis units (cm, kg) of the units VS results come in, upper case.
TO_CM = {"CM": 1.0, "MM": 0.1, "M": 100.0, "IN": 2.54, "INCH": 2.54, "INCHES": 2.54}
TO_KG = {"KG": 1.0, "G": 0.001, "LB": 0.45359237, "LBS": 0.45359237, "POUND": 0.45359237}
BASELINE_FLAGS = ("VSLOBXFL", "VSBLFL")


def body_surface_area(height_cm: pd.Series, weight_kg: pd.Series, formula: str) -> pd.Series:
    """Body surface area in m², rounded to 0.01 (``baseline.bsa_formula``):

    - ``mosteller``: sqrt(height [cm] x weight [kg] / 3600) (Mosteller RD, N Engl J Med 1987;
      317:1098), the formula most oncology protocols dose by;
    - ``dubois``: 0.007184 x weight^0.425 x height^0.725 (Du Bois D, Du Bois EF, Arch Intern
      Med 1916; 17:863).
    """
    if formula == "mosteller":
        area = np.sqrt(height_cm * weight_kg / 3600)
    else:
        area = 0.007184 * weight_kg**0.425 * height_cm**0.725
    return area.round(2)


def derive_vitals_baseline(vs: pd.DataFrame | None, start: pd.Series, vitals: dict) -> pd.DataFrame:
    """HEIGHTBL (cm) and WEIGHTBL (kg): the last result on or before day 1 of the VS tests
    ``vitals`` names, from VSSTRESN in VSSTRESU (else VSORRES in VSORRESU), converted to cm and
    kg and rounded to 0.1; where the study flags baseline records (VSLOBXFL, or --BLFL of
    earlier SDTMIG versions) only those count. A test the study did not collect, or whose unit
    is not a known length or weight, is left out."""
    out = pd.DataFrame(index=start.index)
    if vs is None or "VSTESTCD" not in vs:
        return out
    for name, testcd, factors in (
        ("HEIGHTBL", vitals["height"], TO_CM),
        ("WEIGHTBL", vitals["weight"], TO_KG),
    ):
        records = vs[upper(vs["VSTESTCD"]) == str(testcd).upper()]
        value = _numeric_result(records)
        unit = _unit(records).map(factors)
        if "VSDTC" in records:
            dates = to_date(records["VSDTC"])
        else:
            dates = pd.Series(pd.NaT, index=records.index, dtype="datetime64[ns]")
        records = records.assign(value=value * unit, d=dates)
        records = records.dropna(subset=["value", "d"])
        records = records[records["d"] <= start.reindex(records["USUBJID"]).to_numpy()]
        flagged = [c for c in BASELINE_FLAGS if c in records and (records[c] == "Y").any()]
        if flagged:
            records = records[records[flagged[0]] == "Y"]
        if records.empty:
            continue
        last = records.sort_values(["USUBJID", "d"], kind="stable").groupby("USUBJID").tail(1)
        out[name] = last.set_index("USUBJID")["value"].reindex(start.index).round(1)
    return out


def _numeric_result(records: pd.DataFrame) -> pd.Series:
    standard = records.get("VSSTRESN", pd.Series(np.nan, index=records.index))
    original = pd.to_numeric(records.get("VSORRES"), errors="coerce")
    return pd.to_numeric(standard, errors="coerce").fillna(original)


def _unit(records: pd.DataFrame) -> pd.Series:
    """The unit of each record's numeric result (VSSTRESU where VSSTRESN is given)."""
    blank = pd.Series("", index=records.index)
    standard = upper(records.get("VSSTRESU", blank).fillna(""))
    original = upper(records.get("VSORRESU", blank).fillna(""))
    has_standard = pd.to_numeric(records.get("VSSTRESN"), errors="coerce").notna()
    return standard.where(has_standard & (standard != ""), original)


def prior_records(cm: pd.DataFrame | None, category: str | None) -> pd.DataFrame | None:
    """CM records of prior anticancer therapy (CMCAT ``terms.cm.prior_therapy``), or None."""
    if cm is None or category is None or "CMCAT" not in cm:
        return None
    prior = cm[upper(cm["CMCAT"]) == category.upper()]
    return None if prior.empty else prior


def derive_prior_classes(
    prior: pd.DataFrame | None, classes: list[dict], index: pd.Index
) -> pd.DataFrame:
    """One flag per drug class of ``baseline.prior_classes`` (e.g. PRANTHFL, prior
    anthracycline): Y where a prior anticancer therapy record's CMDECOD (else CMTRT) is one of
    the class's terms, blank otherwise. No flag without prior-therapy records or class terms."""
    out = pd.DataFrame(index=index)
    if prior is None:
        return out
    drug = upper(prior["CMTRT"])
    if "CMDECOD" in prior:
        decoded = upper(prior["CMDECOD"].fillna(""))
        drug = decoded.where(decoded != "", drug)
    for drug_class in classes:
        terms = {term.upper() for term in drug_class["terms"]}
        if not terms:
            continue
        subjects = prior.loc[drug.isin(terms).to_numpy(), "USUBJID"]
        out[drug_class["variable"]] = flag(index.isin(subjects))
    return out


def derive_prior_setting(
    prior: pd.DataFrame | None, variable: str | None, index: pd.Index
) -> pd.Series | None:
    """PRSETTNG: the settings of a subject's prior regimens (``baseline.prior_setting``, e.g.
    CMSCAT: NEOADJUVANT, ADJUVANT, METASTATIC) in the order they were first given, comma
    separated ("ADJUVANT, METASTATIC"); blank for a subject without prior therapy. None where
    the study records no setting."""
    if prior is None or not variable or variable not in prior:
        return None
    setting = prior[variable].fillna("").astype(str).str.strip()
    if not (setting != "").any():
        return None
    start = impute_date(prior["CMSTDTC"], "first")["date"] if "CMSTDTC" in prior else None
    given = pd.DataFrame(
        {"USUBJID": prior["USUBJID"], "setting": setting.str.upper(), "start": start}
    )
    given = given[given["setting"] != ""].sort_values(["USUBJID", "start"], kind="stable")
    settings = given.drop_duplicates(["USUBJID", "setting"]).groupby("USUBJID")["setting"]
    return settings.agg(", ".join).reindex(index).fillna("")


def derive_disease_sites(tu: pd.DataFrame | None, index: pd.Index, evaluator: str) -> pd.DataFrame:
    """NMETSITE and METSITES: the number of distinct locations (TULOC) of a subject's baseline
    target and non-target lesions of the configured evaluator, and the locations themselves
    ("; "-separated, alphabetical). No columns without TU locations."""
    if tu is None or "TULOC" not in tu or "TUSTRESC" not in tu:
        return pd.DataFrame(index=index)
    tu = tu[evaluator_records(tu, "TU", evaluator)]
    baseline = tu[upper(tu["TUSTRESC"]).isin(["TARGET", "NON-TARGET"])]
    site = upper(baseline["TULOC"].fillna(""))
    located = pd.DataFrame({"USUBJID": baseline["USUBJID"], "site": site})
    located = located[located["site"] != ""].drop_duplicates()
    if located.empty:
        return pd.DataFrame(index=index)
    sites = located.sort_values(["USUBJID", "site"]).groupby("USUBJID")["site"]
    has = index.isin(baseline["USUBJID"])
    count = sites.size().reindex(index).fillna(0).where(has)
    return pd.DataFrame(
        {"NMETSITE": count.astype(float), "METSITES": sites.agg("; ".join).reindex(index)},
        index=index,
    ).fillna({"METSITES": ""})


def derive_diagnosis(
    mh: pd.DataFrame | None, category: str | None, start: pd.Series
) -> pd.DataFrame:
    """DIAGDT, the initial diagnosis (MHSTDTC of the MH record of category
    ``baseline.diagnosis_category``; a missing day or month at the earliest, as for a start
    date), and DIAGDURM, the months from it to day 1 (days / 30.4375, SAP section 3), rounded
    to 0.1. No columns where the study has no such record."""
    out = pd.DataFrame(index=start.index)
    if mh is None or not category or "MHCAT" not in mh or "MHSTDTC" not in mh:
        return out
    records = mh[upper(mh["MHCAT"]) == category.upper()]
    records = records.assign(d=impute_date(records["MHSTDTC"], "first")["date"]).dropna(
        subset=["d"]
    )
    if records.empty:
        return out
    out["DIAGDT"] = records.groupby("USUBJID")["d"].min().reindex(start.index)
    out["DIAGDURM"] = ((start - out["DIAGDT"]).dt.days / MONTH_DAYS).round(1)
    return out


def derive_entry_characteristics(
    domains: dict[str, pd.DataFrame], start: pd.Series, settings: dict
) -> pd.DataFrame:
    """The entry-criteria characteristics of every subject of ``start`` (day 1 by USUBJID),
    from the study's ``baseline``, ``terms`` and ``response.evaluator`` settings."""
    baseline, index = settings["baseline"], start.index
    vitals = derive_vitals_baseline(domains.get("VS"), start, baseline["vitals"])
    if {"HEIGHTBL", "WEIGHTBL"} <= set(vitals):
        vitals["BSABL"] = body_surface_area(
            vitals["HEIGHTBL"], vitals["WEIGHTBL"], baseline["bsa_formula"]
        )
    prior = prior_records(domains.get("CM"), settings["terms"]["cm"]["prior_therapy"])
    parts = [vitals, derive_prior_classes(prior, baseline["prior_classes"], index)]
    setting = derive_prior_setting(prior, baseline["prior_setting"], index)
    if setting is not None:
        parts.append(setting.rename("PRSETTNG").to_frame())
    parts.append(derive_disease_sites(domains.get("TU"), index, settings["response"]["evaluator"]))
    parts.append(derive_diagnosis(domains.get("MH"), baseline["diagnosis_category"], start))
    return pd.concat(parts, axis=1)
