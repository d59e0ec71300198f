"""ADTR: sum of target-lesion diameters by assessment, with baseline, change and nadir
(SAP section 4, tumour measurements)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.adtr_progression import (
    derive_change_from_nadir,
    derive_first_progression,
    derive_new_lesions,
    derive_non_target_response,
)
from oncocsr.adam.common import evaluator_records, flag
from oncocsr.adam.standard import finish_bds, subject_variables
from oncocsr.dates import impute_date
from oncocsr.recist import RESPONSE_AVAL

PARAMS = {
    "SUMDIAM": "Sum of Diameters of Target Lesions (mm)",
    "NTRGRESP": "Non-target Lesion Response",
    "NEWLIND": "New Lesion Indicator",
    "BPCHG": "Best Percent Change from Baseline in Sum of Diameters (%)",
    "PDTRG": "First Progression by Target Lesions",
    "PDNTRG": "First Progression by Non-target Lesions",
    "PDNEWL": "First Progression by New Lesion",
}
# AVAL of the coded parameters: the ADRS response coding, and Y 1 / N 0.
CODED = {**RESPONSE_AVAL, "Y": 1, "N": 0}


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
    tr: pd.DataFrame | None,
    adsl: pd.DataFrame,
    *,
    evaluator: str,
    cutoff: str,
    tu: pd.DataFrame | None = None,
    rs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """ADTR: SUMDIAM by date with ABLFL, BASE, CHG, PCHG, NADIR, CHGNAD and PCHGNAD; the
    post-baseline non-target response NTRGRESP and new-lesion indicator NEWLIND by date; BPCHG
    and the components of the first progression PDTRG, PDNTRG, PDNEWL per subject.

    Baseline is the last evaluable sum on or before day 1; the nadir of a record is the smallest
    evaluable sum before it, baseline included; the best percent change is the most negative
    post-baseline percent change; target progression is RECIST 1.1's increase over the nadir
    (SAP section 4; oncocsr.adam.adtr_progression). A study without TR has no sums; a component
    the study did not collect has no records.
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
    sums = derive_change_from_nadir(sums)
    best = sums[post & sums["PCHG"].notna()].groupby("USUBJID")["PCHG"].min()
    best_rows = pd.DataFrame({"USUBJID": best.index, "PARAMCD": "BPCHG", "AVAL": best.to_numpy()})
    start = adsl.set_index("USUBJID")["STARTDT"]

    def post_baseline(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.assign(ADT=pd.to_datetime(frame["ADT"]))
        day1 = pd.to_datetime(frame["USUBJID"].map(start))
        after = frame["ADT"] > day1
        return frame[after].assign(
            ADY=(frame["ADT"] - day1)[after].dt.days + 1,
            AVAL=frame.loc[after, "AVALC"].map(CODED).astype(float),
        )

    non_target = post_baseline(
        derive_non_target_response(tr, rs, evaluator=evaluator, cutoff=cutoff)
    )
    assessed = pd.concat([sums.loc[post, ["USUBJID", "ADT"]], non_target[["USUBJID", "ADT"]]])
    new_lesions = post_baseline(
        derive_new_lesions(tr, tu, rs, assessed, evaluator=evaluator, cutoff=cutoff)
    )
    visits = pd.concat(
        [
            sums.loc[post].assign(progressed=sums.loc[post, "TRGPD"] == "Y"),
            non_target.assign(progressed=non_target["AVALC"] == "PD"),
            new_lesions.assign(progressed=new_lesions["AVALC"] == "Y"),
        ]
    )[["USUBJID", "ADT", "PARAMCD", "progressed"]]
    first = derive_first_progression(visits)
    first = first.assign(
        AVAL=first["AVALC"].map(CODED).astype(float),
        ADY=(pd.to_datetime(first["ADT"]) - pd.to_datetime(first["USUBJID"].map(start))).dt.days
        + 1,
        SRCDOM="ADTR",
    )
    adtr = pd.concat(
        [
            frame
            for frame in (sums.drop(columns="TRGPD"), non_target, new_lesions, best_rows, first)
            if not frame.empty
        ],
        ignore_index=True,
    )
    adtr["PARAM"] = adtr["PARAMCD"].map(PARAMS)
    subject = subject_variables(adsl, ["FASFL", "SAFFL", "EFFFL", "STARTDT"])
    adtr = adtr.drop(columns="STARTDT", errors="ignore").merge(subject, on="USUBJID")
    for column in ("ABLFL", "ADTF", "VISIT", "AVALC", "SRCDOM", "SRCVAR"):
        adtr[column] = adtr.get(column, pd.Series(index=adtr.index, dtype=object)).fillna("")
    sources = {"SUMDIAM": ("TR", "TRSTRESN"), "BPCHG": ("ADTR", "PCHG")}
    for param, (domain, variable) in sources.items():
        adtr.loc[adtr["PARAMCD"] == param, ["SRCDOM", "SRCVAR"]] = [domain, variable]
    adtr.loc[adtr["PARAMCD"].str.startswith("PD"), "SRCVAR"] = "AVALC"
    columns = [
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVAL",
        "AVALC",
        "BASE",
        "CHG",
        "PCHG",
        "NADIR",
        "CHGNAD",
        "PCHGNAD",
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
    order = {param: rank for rank, param in enumerate(PARAMS)}
    adtr = adtr.assign(_o=adtr["PARAMCD"].map(order)).sort_values(
        ["USUBJID", "_o", "ADT"], kind="stable"
    )
    return finish_bds(adtr[columns], "adtr")
