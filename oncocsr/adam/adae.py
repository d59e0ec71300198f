"""ADAE: adverse events with treatment emergence and the safety flags of SAP section 6.

The grade source and the AEs of special interest are the study's (``safety``:
schemas/config.schema.yaml). An AE of special interest i is flagged in CQ{i}NAM (its label, ADaM
OCCDS customized query), and, where the study splits it by onset, CQ{i}ONS (EARLY or LATE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import flag, present, upper
from oncocsr.adam.metadata import load_metadata
from oncocsr.adam.standard import TREATMENT, number_sequence
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


def derive_grade(ae: pd.DataFrame, grade: dict) -> pd.Series:
    """ATOXGRN: the AE grade from the study's source (``safety.grade``): AETOXGR, AESEV mapped
    to grades, or none (all missing: the grade was not collected)."""
    if grade["source"] == "AETOXGR" and "AETOXGR" in ae:
        return pd.to_numeric(ae["AETOXGR"], errors="coerce")
    if grade["source"] == "AESEV" and "AESEV" in ae:
        mapping = {key.upper(): value for key, value in grade["aesev"].items()}
        return upper(ae["AESEV"]).map(mapping).astype(float)
    return pd.Series(np.nan, index=ae.index)


def flag_early_onset(ae: pd.DataFrame, ex: pd.DataFrame, hours: float) -> pd.Series:
    """AEs starting within ``hours`` of the start of the last dose before them; needs start
    times on both records (early-onset events of special interest)."""
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
    early = (matched["start"] - matched["dose"]) <= pd.Timedelta(hours=hours)
    result = np.zeros(len(ae), dtype=bool)
    result[matched.loc[early.fillna(False), "row"].to_numpy()] = True
    return pd.Series(result, index=ae.index)


def aesi_variables(number: int) -> tuple[str, str]:
    """ADAE variables of the AE of special interest ``number`` (1-based): name and onset."""
    return f"CQ{number:02d}NAM", f"CQ{number:02d}ONS"


def derive_special_interest(ae: pd.DataFrame, ex: pd.DataFrame, aesi: list[dict]) -> dict:
    """CQ{i}NAM (and CQ{i}ONS where the study splits by onset) for each AE of special interest
    of the study, by preferred term (SAP section 6)."""
    decod = upper(ae["AEDECOD"])
    columns = {}
    for number, spec in enumerate(aesi, start=1):
        name, onset = aesi_variables(number)
        hit = decod.isin([term.upper() for term in spec["terms"]])
        # Codes into a few shared strings: a string per record would cost ~50 bytes each.
        columns[name] = np.array(["", spec["label"]], dtype=object)[hit.to_numpy(dtype=int)]
        if "early_onset_hours" in spec:
            early = hit & flag_early_onset(ae, ex, spec["early_onset_hours"])
            code = np.select([early, hit], [2, 1], 0)
            columns[onset] = np.array(["", "LATE", "EARLY"], dtype=object)[code]
    return columns


def derive_adae(
    ae: pd.DataFrame,
    ex: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    window_days: int,
    grade: dict | None = None,
    aesi: list[dict] = (),
) -> pd.DataFrame:
    """ADAE for subjects in the safety set (SAP section 6, safety); ``grade`` and ``aesi`` are
    the study's ``safety.grade`` and ``safety.aesi``."""
    grade = grade or {"source": "AETOXGR"}
    safety = adsl[adsl["SAFFL"] == "Y"].set_index("USUBJID")
    ae = ae[ae["USUBJID"].isin(safety.index)].reset_index(drop=True)
    # The SDTM AE variables the metadata describes (SDTMIG 3.4): a sponsor's own variables
    # stay in SDTM, as ADaM keeps only what it documents.
    kept = [column for column in ae.columns if column in load_metadata()["variables"]]
    adae = pd.concat([ae[kept], derive_ae_start(ae, safety["TRTSDT"])], axis=1)
    adae["AENDT"] = to_date(ae["AEENDTC"]) if "AEENDTC" in ae else pd.NaT
    trtsdt, trtedt = ae["USUBJID"].map(safety["TRTSDT"]), ae["USUBJID"].map(safety["TRTEDT"])
    adae["TRTEMFL"] = flag_treatment_emergent(adae["ASTDT"], trtsdt, trtedt, window_days)
    toxicity = derive_grade(ae, grade)
    adae["ATOXGR"] = grade_text(toxicity)
    adae["ATOXGRN"] = toxicity

    def text(variable: str) -> pd.Series:
        return upper(ae[variable]) if variable in ae else pd.Series("", index=ae.index)

    action = text("AEACN")
    adae["SERFL"] = flag(text("AESER") == "Y")
    adae["RELFL"] = flag(text("AEREL").isin(RELATED))
    adae["GR3FL"] = flag(toxicity >= 3)
    adae["DISCFL"] = flag(action == "DRUG WITHDRAWN")
    adae["REDFL"] = flag(action == "DOSE REDUCED")
    adae["INTFL"] = flag(action == "DRUG INTERRUPTED")
    adae["FATALFL"] = flag((toxicity == 5) | (text("AEOUT") == "FATAL") | (text("AESDTH") == "Y"))
    for column, values in derive_special_interest(ae, ex, list(aesi)).items():
        adae[column] = values
    # Subject-level variables by lookup, not a merge: a merge copies every column of ADAE.
    subject = ["TRT01A", "ARM", "ARMCD", "ACTARM", "ACTARMCD", "SAFFL", "TRTSDT", "TRTEDT"]
    for variable in present(safety.reset_index(), subject):
        adae[TREATMENT.get(variable, variable)] = adae["USUBJID"].map(safety[variable])
    adae["ASTDY"] = (adae["ASTDT"] - adae["TRTSDT"]).dt.days
    adae["ASTDY"] = adae["ASTDY"].where(adae["ASTDY"] < 0, adae["ASTDY"] + 1)
    # Sorted by a permutation of the keys alone, and only when out of order: sorting or
    # re-indexing the whole frame copies it (700 MB for a million records).
    keys = ["USUBJID", "AESEQ"]
    order = adae[keys].sort_values(keys, kind="stable").index
    if not order.equals(adae.index):
        adae = adae.take(order)
    adae.index = pd.RangeIndex(len(adae))
    for name, values in flag_first_occurrences(adae).items():
        adae[name] = values
    adae["ASEQ"] = number_sequence(adae).astype(float)
    return adae


def grade_text(grade: pd.Series) -> np.ndarray:
    """ATOXGR: the analysis grade as text ("1" to "5"), blank where there is none."""
    codes = grade.fillna(0).clip(0, 5).to_numpy(dtype=int)
    return np.array(["", "1", "2", "3", "4", "5"], dtype=object)[codes]


def flag_first_occurrences(adae: pd.DataFrame) -> dict[str, np.ndarray]:
    """ADaM OCCDS occurrence flags among treatment-emergent AEs, in order of ASTDT and AESEQ:
    AOCCFL the first of the subject, AOCCSFL the first of each SOC, AOCCPFL the first of each
    preferred term; AOCCIFL the first of the subject's highest grade (SAP section 6)."""
    emergent = adae.loc[adae["TRTEMFL"] == "Y", ["USUBJID", "ASTDT", "AESEQ"]].copy()
    emergent["SOC"] = adae["AEBODSYS"] if "AEBODSYS" in adae else ""
    emergent["PT"] = adae["AEDECOD"]
    emergent["GRADE"] = adae["ATOXGRN"]
    emergent = emergent.sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="stable")
    worst = emergent.sort_values(["USUBJID", "GRADE"], ascending=[True, False], kind="stable")
    firsts = {
        "AOCCFL": emergent.drop_duplicates("USUBJID").index,
        "AOCCSFL": emergent.drop_duplicates(["USUBJID", "SOC"]).index,
        "AOCCPFL": emergent.drop_duplicates(["USUBJID", "PT"]).index,
        "AOCCIFL": worst[worst["GRADE"].notna()].drop_duplicates("USUBJID").index,
    }
    return {name: flag(adae.index.isin(index)) for name, index in firsts.items()}
