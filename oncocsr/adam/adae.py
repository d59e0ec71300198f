"""ADAE: adverse events with treatment emergence and the safety flags of SAP section 6."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import flag
from oncocsr.dates import impute_date, to_date

RELATED = {
    "RELATED",
    "POSSIBLY RELATED",
    "PROBABLY RELATED",
    "DEFINITELY RELATED",
    "Y",
    "POSSIBLE",
    "PROBABLE",
}
DIARRHOEA = {"DIARRHOEA", "DIARRHEA"}
NEUTROPENIA = {"NEUTROPENIA", "NEUTROPHIL COUNT DECREASED"}
FEBRILE_NEUTROPENIA = {"FEBRILE NEUTROPENIA"}


def derive_ae_start(ae: pd.DataFrame, trtsdt: pd.Series) -> pd.DataFrame:
    """ASTDT and ASTDTF: a missing day or month takes the earliest date the partial date allows,
    but not before the first dose when that falls in the same month (or year); a missing year is
    not imputed (SAP section 3: conservative for treatment emergence)."""
    earliest = impute_date(ae["AESTDTC"], "first")
    date, imputed = earliest["date"], earliest["flag"]
    first_dose = ae["USUBJID"].map(trtsdt)
    # An imputed start in the first dose's month (day missing) or year (month missing) moves to
    # the first dose when that is later.
    same_month = (imputed == "D") & (first_dose.dt.to_period("M") == date.dt.to_period("M"))
    same_year = (imputed == "M") & (first_dose.dt.year == date.dt.year)
    date = date.mask((same_month | same_year) & (first_dose > date), first_dose)
    return pd.DataFrame({"ASTDT": date, "ASTDTF": imputed}, index=ae.index)


def flag_treatment_emergent(
    astdt: pd.Series, trtsdt: pd.Series, trtedt: pd.Series, window_days: int
) -> pd.Series:
    """TRTEMFL: start on or after the first dose and at most ``window_days`` after the last."""
    emergent = (astdt >= trtsdt) & (astdt <= trtedt + pd.Timedelta(days=window_days))
    return pd.Series(flag(emergent), index=astdt.index)


def flag_early_diarrhoea(ae: pd.DataFrame, ex: pd.DataFrame) -> pd.Series:
    """Diarrhoea starting within 24 hours of the start of an infusion (cholinergic, early-onset);
    needs start times on both records."""
    start = pd.to_datetime(
        ae["AESTDTC"].where(ae["AESTDTC"].str.len() > 10), errors="coerce", format="ISO8601"
    )
    doses = pd.to_datetime(
        ex["EXSTDTC"].where(ex["EXSTDTC"].str.len() > 10), errors="coerce", format="ISO8601"
    )
    infusions = pd.DataFrame({"USUBJID": ex["USUBJID"], "dose": doses}).dropna().sort_values("dose")
    events = pd.DataFrame(
        {"USUBJID": ae["USUBJID"], "start": start, "row": np.arange(len(ae))}
    ).dropna()
    events = events.sort_values("start")
    matched = pd.merge_asof(
        events, infusions, left_on="start", right_on="dose", by="USUBJID", direction="backward"
    )
    early = (matched["start"] - matched["dose"]) <= pd.Timedelta(hours=24)
    result = np.zeros(len(ae), dtype=bool)
    result[matched.loc[early.fillna(False), "row"].to_numpy()] = True
    return pd.Series(result, index=ae.index)


def derive_adae(
    ae: pd.DataFrame, ex: pd.DataFrame, adsl: pd.DataFrame, *, window_days: int
) -> pd.DataFrame:
    """ADAE for subjects in the safety set (SAP section 6, safety)."""
    safety = adsl[adsl["SAFFL"] == "Y"].set_index("USUBJID")
    ae = ae[ae["USUBJID"].isin(safety.index)].reset_index(drop=True)
    adae = pd.concat([ae, derive_ae_start(ae, safety["TRTSDT"])], axis=1)
    adae["AENDT"] = to_date(ae["AEENDTC"]) if "AEENDTC" in ae else pd.NaT
    trtsdt, trtedt = ae["USUBJID"].map(safety["TRTSDT"]), ae["USUBJID"].map(safety["TRTEDT"])
    adae["TRTEMFL"] = flag_treatment_emergent(adae["ASTDT"], trtsdt, trtedt, window_days)
    grade = pd.to_numeric(ae.get("AETOXGR", pd.Series("", index=ae.index)), errors="coerce")
    adae["ATOXGRN"] = grade
    decod = ae["AEDECOD"].str.upper()

    action = ae.get("AEACN", pd.Series("", index=ae.index)).str.upper()
    adae["SERFL"] = flag(ae.get("AESER", "") == "Y")
    adae["RELFL"] = flag(ae.get("AEREL", pd.Series("", index=ae.index)).str.upper().isin(RELATED))
    adae["GR3FL"] = flag(grade >= 3)
    adae["DISCFL"] = flag(action == "DRUG WITHDRAWN")
    adae["REDFL"] = flag(action == "DOSE REDUCED")
    adae["INTFL"] = flag(action == "DRUG INTERRUPTED")
    fatal = (grade == 5) | (ae.get("AEOUT", "") == "FATAL") | (ae.get("AESDTH", "") == "Y")
    adae["FATALFL"] = flag(fatal)
    diarrhoea = decod.isin(DIARRHOEA)
    early = diarrhoea & flag_early_diarrhoea(ae, ex)
    adae["AESIDIAR"] = np.select([early, diarrhoea], ["EARLY", "LATE"], "")
    adae["AESINEUT"] = flag(decod.isin(NEUTROPENIA))
    adae["AESIFN"] = flag(decod.isin(FEBRILE_NEUTROPENIA))
    # Worst grade per subject and preferred term among treatment-emergent events.
    order = ["USUBJID", "AEDECOD", "ATOXGRN", "ASTDT"]
    emergent = adae.loc[adae["TRTEMFL"] == "Y", order].sort_values(
        order, ascending=[True, True, False, True]
    )
    worst = emergent.drop_duplicates(["USUBJID", "AEDECOD"]).index
    adae["AOCCPFL"] = flag(adae.index.isin(worst))
    # Subject-level variables by lookup, not a merge: a merge copies every column of ADAE.
    for variable in ["ACTARM", "ACTARMCD", "SAFFL", "TRTSDT", "TRTEDT"]:
        adae[variable] = adae["USUBJID"].map(safety[variable])
    adae["ASTDY"] = (adae["ASTDT"] - adae["TRTSDT"]).dt.days
    adae["ASTDY"] = adae["ASTDY"].where(adae["ASTDY"] < 0, adae["ASTDY"] + 1)
    # Sorted by a permutation of the keys alone, and only when out of order: sorting or
    # re-indexing the whole frame copies it (700 MB for a million records).
    keys = ["USUBJID", "AESEQ"]
    order = adae[keys].sort_values(keys, kind="stable").index
    if not order.equals(adae.index):
        adae = adae.take(order)
    adae.index = pd.RangeIndex(len(adae))
    return adae
