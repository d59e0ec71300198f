"""ADEX: exposure to study treatment per subject (SAP section 6, exposure)."""

from __future__ import annotations

import pandas as pd

from oncocsr.dates import to_date

PARAMS = {
    "NCYCLE": "Number of Cycles Started",
    "DURD": "Duration of Exposure (days)",
    "CUMDOSE": "Cumulative Dose (mg/m2)",
    "DOSEINT": "Dose Intensity (mg/m2/week)",
    "RDI": "Relative Dose Intensity (%)",
    "NREDUCE": "Number of Dose Reductions",
    "NDELAY": "Number of Dose Delays",
}


def derive_adex(
    ex: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    planned_dose: float,
    cycle_days: int,
    delay_tolerance_days: int,
) -> pd.DataFrame:
    """Per subject: cycles started, duration (first dose to last dose plus one cycle), cumulative
    dose, dose intensity per week of that duration, relative dose intensity against
    ``planned_dose`` every ``cycle_days``, dose reductions (a dose below the one before) and
    delays (a cycle starting more than ``delay_tolerance_days`` after it was due)."""
    safety = adsl[adsl["SAFFL"] == "Y"]
    doses = ex[ex["USUBJID"].isin(safety["USUBJID"])].assign(
        day=lambda frame: to_date(frame["EXSTDTC"]),
        dose=lambda frame: pd.to_numeric(frame["EXDOSE"], errors="coerce"),
    )
    doses = doses[(doses["dose"] > 0) & doses["day"].notna()].sort_values(["USUBJID", "day"])
    by = doses.groupby("USUBJID")
    gap = by["day"].diff().dt.days
    reduced = doses["dose"] < by["dose"].shift()
    first, last = by["day"].min(), by["day"].max()
    duration = (last - first).dt.days + cycle_days
    cumulative = by["dose"].sum()
    intensity = cumulative / (duration / 7)
    per_subject = pd.DataFrame(
        {
            "NCYCLE": by.size(),
            "DURD": duration,
            "CUMDOSE": cumulative,
            "DOSEINT": intensity,
            "RDI": 100 * intensity / (planned_dose / (cycle_days / 7)),
            "NREDUCE": reduced.groupby(doses["USUBJID"]).sum(),
            "NDELAY": (gap > cycle_days + delay_tolerance_days).groupby(doses["USUBJID"]).sum(),
        }
    ).astype(float)
    adex = per_subject.reset_index().melt(id_vars="USUBJID", var_name="PARAMCD", value_name="AVAL")
    adex["PARAM"] = adex["PARAMCD"].map(PARAMS)
    keep = ["STUDYID", "ACTARM", "ACTARMCD", "SAFFL", "TRTSDT", "TRTEDT"]
    adex = adex.merge(safety[["USUBJID", *keep]], on="USUBJID", how="left")
    order = {code: i for i, code in enumerate(PARAMS)}
    adex = (
        adex.assign(_o=adex["PARAMCD"].map(order)).sort_values(["USUBJID", "_o"]).drop(columns="_o")
    )
    columns = ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVAL", *keep[1:]]
    return adex[columns].reset_index(drop=True)
