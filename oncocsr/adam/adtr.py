"""ADTR: sum of target-lesion diameters by assessment, with baseline, change and nadir
(SAP section 4, tumour measurements)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import evaluator_records, flag
from oncocsr.adam.standard import finish_bds, subject_variables
from oncocsr.dates import impute_date

PARAMS = {
    "SUMDIAM": "Sum of Diameters of Target Lesions (mm)",
    "BPCHG": "Best Percent Change from Baseline in Sum of Diameters (%)",
}


def select_measurements(tr: pd.DataFrame, evaluator: str) -> pd.DataFrame:
    """Target-lesion longest diameters of the configured evaluator (as for ADRS)."""
    keep = evaluator_records(tr, "TR", evaluator)
    group = tr["TRGRPID"].str.upper() if "TRGRPID" in tr else pd.Series("TARGET", index=tr.index)
    return tr[keep & (group == "TARGET") & (tr["TRTESTCD"] == "LDIAM")]


def derive_sum_of_diameters(
    tr: pd.DataFrame, adsl: pd.DataFrame, evaluator: str, cutoff: str
) -> pd.DataFrame:
    """One record per subject and assessment date: the sum of the target lesions' diameters.

    A date where a target lesion identified at baseline was not measured has no sum (AVAL
    missing): it is not evaluable and cannot be the baseline or the nadir.
    """
    lesions = select_measurements(tr, evaluator)
    imputed = impute_date(lesions["TRDTC"], "last", ceiling=pd.Timestamp(cutoff))
    lesions = lesions.assign(
        ADT=imputed["date"].to_numpy(),
        ADTF=imputed["flag"].to_numpy(),
        VISITNUM=pd.to_numeric(lesions.get("VISITNUM", np.nan), errors="coerce"),
        value=pd.to_numeric(lesions["TRSTRESN"], errors="coerce"),
    )
    lesions = lesions.dropna(subset=["ADT"])
    per_date = (
        lesions.groupby(["USUBJID", "ADT"])
        .agg(
            total=("value", "sum"),
            measured=("value", "count"),
            ADTF=("ADTF", "first"),
            VISIT=("VISIT", "first"),
            VISITNUM=("VISITNUM", "first"),
        )
        .reset_index()
    )
    start = per_date["USUBJID"].map(adsl.set_index("USUBJID")["STARTDT"])
    per_date = per_date[start.notna()].assign(STARTDT=start[start.notna()])
    targets = lesions.loc[
        lesions["ADT"] <= lesions["USUBJID"].map(adsl.set_index("USUBJID")["STARTDT"])
    ]
    expected = targets.groupby("USUBJID")["TRLNKID"].nunique()
    complete = per_date["measured"] >= per_date["USUBJID"].map(expected).fillna(np.inf)
    per_date["AVAL"] = per_date["total"].where(complete)
    return per_date.drop(columns=["total", "measured"])


TR_COLUMNS = ["USUBJID", "TRGRPID", "TRLNKID", "TRTESTCD", "TRSTRESN", "TRDTC", "VISIT"]


def derive_adtr(
    tr: pd.DataFrame | None, adsl: pd.DataFrame, *, evaluator: str, cutoff: str
) -> pd.DataFrame:
    """ADTR: SUMDIAM by date with ABLFL, BASE, CHG, PCHG and NADIR, and BPCHG per subject.

    Baseline is the last evaluable sum on or before day 1; the nadir of a record is the smallest
    evaluable sum before it, baseline included; the best percent change is the most negative
    post-baseline percent change (SAP section 4). A study without TR has no records.
    """
    if tr is None:
        tr = pd.DataFrame({column: pd.Series(dtype=object) for column in TR_COLUMNS})
    sums = derive_sum_of_diameters(tr, adsl, evaluator, cutoff).sort_values(["USUBJID", "ADT"])
    before = (sums["ADT"] <= sums["STARTDT"]) & sums["AVAL"].notna()
    baseline_date = sums["ADT"].where(before).groupby(sums["USUBJID"]).transform("max")
    sums["ABLFL"] = flag(sums["ADT"] == baseline_date)
    base = sums["AVAL"].where(sums["ABLFL"] == "Y").groupby(sums["USUBJID"]).transform("max")
    sums["BASE"] = base
    post = sums["ADT"] > sums["STARTDT"]
    sums["CHG"] = (sums["AVAL"] - base).where(post)
    sums["PCHG"] = (100 * sums["CHG"] / base).where(base > 0)
    evaluable = sums["AVAL"].where(post | (sums["ABLFL"] == "Y"))
    running = evaluable.groupby(sums["USUBJID"]).cummin().groupby(sums["USUBJID"]).ffill()
    sums["NADIR"] = running.groupby(sums["USUBJID"]).shift().where(post)
    sums["ADY"] = (sums["ADT"] - sums["STARTDT"]).dt.days
    sums["ADY"] = sums["ADY"].where(sums["ADY"] < 0, sums["ADY"] + 1)
    sums["PARAMCD"] = "SUMDIAM"
    best = sums[post & sums["PCHG"].notna()].groupby("USUBJID")["PCHG"].min()
    best_rows = pd.DataFrame({"USUBJID": best.index, "PARAMCD": "BPCHG", "AVAL": best.to_numpy()})
    adtr = pd.concat([frame for frame in (sums, best_rows) if not frame.empty], ignore_index=True)
    adtr["PARAM"] = adtr["PARAMCD"].map(PARAMS)
    subject = subject_variables(adsl, ["FASFL", "SAFFL", "EFFFL", "STARTDT"])
    adtr = adtr.drop(columns="STARTDT", errors="ignore").merge(subject, on="USUBJID")
    for column in ("ABLFL", "ADTF", "VISIT"):
        adtr[column] = adtr[column].fillna("")
    adtr["SRCDOM"] = np.where(adtr["PARAMCD"] == "SUMDIAM", "TR", "ADTR")
    adtr["SRCVAR"] = np.where(adtr["PARAMCD"] == "SUMDIAM", "TRSTRESN", "PCHG")
    columns = [
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVAL",
        "BASE",
        "CHG",
        "PCHG",
        "NADIR",
        "ABLFL",
        "ADT",
        "ADTF",
        "ADY",
        "VISIT",
        "VISITNUM",
        "SRCDOM",
        "SRCVAR",
        *(c for c in subject.columns if c not in ("STUDYID", "USUBJID")),
    ]
    order = {"SUMDIAM": 0, "BPCHG": 1}
    adtr = adtr.assign(_o=adtr["PARAMCD"].map(order)).sort_values(
        ["USUBJID", "_o", "ADT"], kind="stable"
    )
    return finish_bds(adtr[columns], "adtr")
