"""ADEX: exposure to study treatment per subject (SAP section 6, exposure).

Two exposure models (``exposure.model``): ``cycles``, one EX record per administration every
``cycle_days`` (an infusion every 14 days), and ``continuous``, each EX record covering EXSTDTC
to EXENDTC at EXDOSE per administration, EXDOSFRQ times a day (a daily tablet or patch).
"""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.adsl import dosed_records
from oncocsr.adam.common import upper
from oncocsr.adam.standard import finish_bds, number_parameters, subject_variables
from oncocsr.dates import to_date

# Administrations per day of the EXDOSFRQ terms (CDISC FREQ codelist); others count as one.
PER_DAY = {"QD": 1, "BID": 2, "TID": 3, "QID": 4, "Q12H": 2, "Q8H": 3, "Q6H": 4}
ORDER = ["NCYCLE", "DURD", "CUMDOSE", "DOSEINT", "RDI", "NREDUCE", "NDELAY", "NINTRP"]


def exposure_params(model: str, unit: str) -> dict[str, str]:
    """PARAMCD -> PARAM of the exposure model, with the dose unit."""
    if model == "continuous":
        return {
            "DURD": "Duration of Exposure (days)",
            "CUMDOSE": f"Cumulative Dose ({unit})",
            "DOSEINT": f"Average Daily Dose ({unit}/day)",
            "RDI": "Relative Dose Intensity (%)",
            "NREDUCE": "Number of Dose Reductions",
            "NINTRP": "Number of Treatment Interruptions",
        }
    return {
        "NCYCLE": "Number of Cycles Started",
        "DURD": "Duration of Exposure (days)",
        "CUMDOSE": f"Cumulative Dose ({unit})",
        "DOSEINT": f"Dose Intensity ({unit}/week)",
        "RDI": "Relative Dose Intensity (%)",
        "NREDUCE": "Number of Dose Reductions",
        "NDELAY": "Number of Dose Delays",
    }


def planned_dose_of(subjects: pd.DataFrame, planned: float | dict | None) -> pd.Series:
    """Each subject's planned dose: one number, or the number of the arm received (ACTARM);
    NaN where the arm has none, none is configured, or it is 0 (placebo has no dose
    intensity)."""
    if planned is None:
        return pd.Series(float("nan"), index=subjects.index)
    if isinstance(planned, dict):
        dose = subjects["ACTARM"].map(planned).astype(float)
    else:
        dose = pd.Series(float(planned), index=subjects.index)
    return dose.where(dose > 0)


def _cycles(doses: pd.DataFrame, cycle_days: int, tolerance: int) -> pd.DataFrame:
    by = doses.groupby("USUBJID")
    gap = by["day"].diff().dt.days
    duration = (by["day"].max() - by["day"].min()).dt.days + cycle_days
    cumulative = by["dose"].sum()
    return pd.DataFrame(
        {
            "NCYCLE": by.size(),
            "DURD": duration,
            "CUMDOSE": cumulative,
            "DOSEINT": cumulative / (duration / 7),
            "NREDUCE": (doses["dose"] < by["dose"].shift()).groupby(doses["USUBJID"]).sum(),
            "NDELAY": (gap > cycle_days + tolerance).groupby(doses["USUBJID"]).sum(),
        }
    ).astype(float)


def _continuous(doses: pd.DataFrame, tolerance: int) -> pd.DataFrame:
    by = doses.groupby("USUBJID")
    days = (doses["end"] - doses["day"]).dt.days + 1
    per_day = upper(doses["frequency"]).map(PER_DAY).fillna(1)
    amount = doses["dose"] * per_day * days
    duration = (by["end"].max() - by["day"].min()).dt.days + 1
    cumulative = amount.groupby(doses["USUBJID"]).sum()
    # A gap of more than the tolerance between one record's end and the next start.
    gap = (doses["day"] - by["end"].shift()).dt.days - 1
    previous = by["dose"].shift()
    return pd.DataFrame(
        {
            "DURD": duration,
            "CUMDOSE": cumulative,
            "DOSEINT": cumulative / duration,
            "NREDUCE": ((doses["dose"] < previous) & (doses["dose"] > 0))
            .groupby(doses["USUBJID"])
            .sum(),
            "NINTRP": (gap > tolerance).groupby(doses["USUBJID"]).sum(),
        }
    ).astype(float)


def derive_adex(
    ex: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    planned_dose: float | dict | None = None,
    model: str = "cycles",
    dose_unit: str = "mg",
    cycle_days: int = 14,
    delay_tolerance_days: int = 3,
) -> pd.DataFrame:
    """Per subject of the safety set, every arm included: duration, cumulative dose, dose
    intensity and relative dose intensity against the planned dose, dose reductions (a dose
    below the one before); for cycles, cycles started and delays (a cycle starting more than
    ``delay_tolerance_days`` after it was due), duration from first dose to last dose plus one
    cycle; for continuous exposure, interruptions (gaps longer than the tolerance), duration
    from the first start to the last end."""
    safety = adsl[adsl["SAFFL"] == "Y"]
    doses = ex[ex["USUBJID"].isin(safety["USUBJID"]) & dosed_records(ex)]
    start = to_date(doses["EXSTDTC"])
    end = to_date(doses["EXENDTC"]) if "EXENDTC" in doses else start
    doses = pd.DataFrame(
        {
            "USUBJID": doses["USUBJID"],
            "day": start,
            "end": end.fillna(start).where(lambda e: e >= start, start),
            "dose": pd.to_numeric(doses.get("EXDOSE"), errors="coerce").fillna(0.0),
            "frequency": doses.get("EXDOSFRQ", pd.Series("", index=doses.index)),
        }
    )
    doses = doses[doses["day"].notna()].sort_values(["USUBJID", "day"], kind="stable")
    if model == "continuous":
        per_subject = _continuous(doses, delay_tolerance_days)
        per_cycle_week = 1.0
    else:
        per_subject = _cycles(doses, cycle_days, delay_tolerance_days)
        per_cycle_week = cycle_days / 7
    planned = planned_dose_of(safety.set_index("USUBJID"), planned_dose)
    # Planned intensity: per week of cycles, or per day of continuous exposure.
    per_subject["RDI"] = (
        100 * per_subject["DOSEINT"] / (planned.reindex(per_subject.index) / per_cycle_week)
    )
    params = exposure_params(model, dose_unit)
    per_subject = per_subject[[code for code in ORDER if code in params]]
    adex = per_subject.reset_index().melt(id_vars="USUBJID", var_name="PARAMCD", value_name="AVAL")
    adex["PARAM"] = adex["PARAMCD"].map(params)
    subject = subject_variables(safety, ["SAFFL", "TRTSDT", "TRTEDT"])
    adex = adex.merge(subject, on="USUBJID", how="left")
    adex["SRCDOM"] = "EX"
    adex = adex.assign(_o=number_parameters("adex", adex["PARAMCD"])).sort_values(
        ["USUBJID", "_o"], kind="stable"
    )
    columns = [
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVAL",
        "SRCDOM",
        *(c for c in subject.columns if c not in ("STUDYID", "USUBJID")),
    ]
    return finish_bds(adex[columns], "adex")
