"""ADTTE: time-to-event parameters PFS, PFS2 and OS (SAP section 5).

AVAL is in days, ADT - STARTDT + 1. CNSR is 0 for an event and a distinct code per censoring
reason; SRCDOM/SRCVAR/SRCSEQ name the SDTM record that set ADT.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import upper
from oncocsr.adam.standard import finish_bds, subject_variables
from oncocsr.dates import to_date

PFS_CENSORING = {
    1: "No baseline or post-baseline adequate assessment; censored at day 1",
    2: "New anticancer therapy before an event; censored at last adequate assessment before it",
    3: "Event after two or more missed assessments; censored at last adequate assessment",
    4: "No event; censored at last adequate assessment",
}
OS_CENSORING = {
    1: "Alive; censored at last known alive date",
    2: "No contact after day 1; censored at day 1",
}
PARAMS = {
    "PFS": "Progression-Free Survival (days)",
    "PFS2": "Progression-Free Survival, Radiological PD or Death (days)",
    "OS": "Overall Survival (days)",
    "DOR": "Duration of Response (days)",
}


def _earliest(candidates: list[pd.DataFrame], subjects: pd.Index) -> pd.DataFrame:
    """Per subject the earliest of several dated events; ties keep the first candidate's source."""
    stacked = pd.concat(
        [frame.assign(_order=i) for i, frame in enumerate(candidates)], ignore_index=True
    ).dropna(subset=["ADT"])
    stacked = stacked.sort_values(["USUBJID", "ADT", "_order", "SRCSEQ"])
    return (
        stacked.drop_duplicates("USUBJID")
        .set_index("USUBJID")
        .reindex(subjects)
        .drop(columns="_order")
    )


def _first_dated(
    frame: pd.DataFrame, adt: pd.Series, desc: str, dom: str, var: str, seq
) -> pd.DataFrame:
    events = pd.DataFrame(
        {
            "USUBJID": frame["USUBJID"].to_numpy(),
            "ADT": adt.to_numpy(),
            "EVNTDESC": desc,
            "SRCDOM": dom,
            "SRCVAR": var,
            "SRCSEQ": np.asarray(seq, dtype=float),
        }
    )
    return (
        events.dropna(subset=["ADT"])
        .sort_values(["USUBJID", "ADT", "SRCSEQ"])
        .drop_duplicates("USUBJID")
    )


def derive_pfs(
    adsl: pd.DataFrame,
    ovr: pd.DataFrame,
    ds: pd.DataFrame,
    *,
    paramcd: str,
    progression_term: str | None,
    assessment_interval_days: int,
    window_days: int,
    censor_new_therapy: bool,
    censor_missed_visits: bool,
) -> pd.DataFrame:
    """PFS (radiological PD, clinical progression recorded in DS as ``progression_term``, and
    death) or PFS2 (``progression_term`` None: radiological PD and death only), SAP section 5.

    Censoring, first rule that applies: (1) no baseline or no post-baseline adequate assessment
    and no event within two scheduled intervals of day 1 -> day 1; (2) new anticancer therapy
    before any event -> last adequate assessment on or before it; (3) event after two or more
    missed assessments -> last adequate assessment before the gap; (4) no event -> last adequate
    assessment.
    """
    base = adsl[adsl["STARTDT"].notna()].set_index("USUBJID")
    subjects = base.index
    start = base["STARTDT"]
    post = ovr[ovr["ADT"] >= ovr["STARTDT"]]
    adequate = post[post["AVALC"] != "NE"]

    candidates = [
        _first_dated(
            post[post["AVALC"] == "PD"],
            post.loc[post["AVALC"] == "PD", "ADT"],
            "Radiological progression (RECIST 1.1)",
            "RS",
            "RSDTC",
            post.loc[post["AVALC"] == "PD", "SRCSEQ"],
        )
    ]
    if progression_term:
        progressed = ds[upper(ds["DSDECOD"]) == progression_term.upper()]
        candidates.append(
            _first_dated(
                progressed,
                to_date(progressed["DSSTDTC"]),
                "Clinical progression (DS)",
                "DS",
                "DSSTDTC",
                progressed["DSSEQ"],
            )
        )
    died = base[base["DTHDT"].notna()].reset_index()
    candidates.append(
        _first_dated(died, died["DTHDT"], "Death", "DM", "DTHDTC", np.full(len(died), np.nan))
    )
    event = _earliest(candidates, subjects)
    event = event.where(event["ADT"] >= start)

    limit = 2 * assessment_interval_days + window_days
    has_baseline = base.get("TUBLFL", pd.Series("Y", index=subjects)) == "Y"
    has_adequate = subjects.isin(adequate["USUBJID"])
    early_event = (event["ADT"] - start).dt.days <= limit

    def last_adequate_before(limit_dates: pd.Series, inclusive: bool) -> pd.DataFrame:
        bound = adequate["USUBJID"].map(limit_dates)
        keep = adequate[(adequate["ADT"] <= bound) if inclusive else (adequate["ADT"] < bound)]
        last = keep.sort_values(["USUBJID", "ADT"]).drop_duplicates("USUBJID", keep="last")
        return last.set_index("USUBJID")[["ADT", "SRCSEQ"]].reindex(subjects)

    no_limit = pd.Series(pd.Timestamp.max, index=subjects)
    last_overall = last_adequate_before(no_limit, True)
    new_therapy = base["NTRTDT"]
    before_therapy = last_adequate_before(new_therapy.fillna(pd.Timestamp.max), True)
    before_event = last_adequate_before(event["ADT"].fillna(pd.Timestamp.max), False)
    gap_from = before_event["ADT"].fillna(start)

    has_event = event["ADT"].notna()
    rule1 = (~has_baseline | ~has_adequate) & ~(has_event & early_event)
    rule2 = censor_new_therapy & new_therapy.notna() & (~has_event | (new_therapy < event["ADT"]))
    rule3 = censor_missed_visits & has_event & ((event["ADT"] - gap_from).dt.days > limit)
    rule4 = ~has_event
    cnsr = np.select([rule1, rule2, rule3, rule4], [1, 2, 3, 4], default=0)

    adt = np.select(
        [cnsr == 1, cnsr == 2, cnsr == 3, cnsr == 4],
        [start, before_therapy["ADT"].fillna(start), gap_from, last_overall["ADT"].fillna(start)],
        default=event["ADT"],
    )
    seq = np.select(
        [cnsr == 1, cnsr == 2, cnsr == 3, cnsr == 4],
        [
            np.nan,
            before_therapy["SRCSEQ"].astype(float),
            before_event["SRCSEQ"].astype(float),
            last_overall["SRCSEQ"].astype(float),
        ],
        default=event["SRCSEQ"].astype(float),
    )
    censored_at_start = (cnsr == 1) | ((cnsr > 1) & np.isnan(seq))
    out = pd.DataFrame(
        {
            "USUBJID": subjects,
            "PARAMCD": paramcd,
            "STARTDT": start.to_numpy(),
            "ADT": pd.to_datetime(adt),
            "CNSR": cnsr,
            "EVNTDESC": np.where(cnsr == 0, event["EVNTDESC"], ""),
            "CNSDTDSC": pd.Series(cnsr).map(PFS_CENSORING).fillna("").to_numpy(),
            "SRCDOM": np.where(
                cnsr == 0, event["SRCDOM"], np.where(censored_at_start, "ADSL", "RS")
            ),
            "SRCVAR": np.where(
                cnsr == 0, event["SRCVAR"], np.where(censored_at_start, "STARTDT", "RSDTC")
            ),
            "SRCSEQ": seq,
        }
    )
    return out


def derive_os(adsl: pd.DataFrame) -> pd.DataFrame:
    """OS: death from any cause; otherwise censored at the last-known-alive date (SAP section 5)."""
    base = adsl[adsl["STARTDT"].notna()]
    start = base["STARTDT"]
    died = base["DTHDT"].notna()
    alive_after = base["LSTALVDT"].notna() & (base["LSTALVDT"] >= start)
    cnsr = np.select([died, alive_after], [0, 1], default=2)
    adt = np.select([died, alive_after], [base["DTHDT"], base["LSTALVDT"]], default=start)
    return pd.DataFrame(
        {
            "USUBJID": base["USUBJID"].to_numpy(),
            "PARAMCD": "OS",
            "STARTDT": start.to_numpy(),
            "ADT": pd.to_datetime(adt),
            "CNSR": cnsr,
            "EVNTDESC": np.where(died, "Death", ""),
            "CNSDTDSC": pd.Series(cnsr).map(OS_CENSORING).fillna("").to_numpy(),
            "SRCDOM": np.select([died, alive_after], ["DM", "ADSL"], default="ADSL"),
            "SRCVAR": np.select([died, alive_after], ["DTHDTC", "LSTALVDT"], default="STARTDT"),
            "SRCSEQ": np.nan,
        }
    )


def derive_dor(
    adsl: pd.DataFrame,
    adrs: pd.DataFrame,
    ds: pd.DataFrame,
    progression_term: str | None = "PROGRESSIVE DISEASE",
    **pfs_options,
) -> pd.DataFrame:
    """DOR: confirmed responders only, from the first date of a confirmed response (ADRS CRSP:
    a confirmed PR later confirmed as CR starts at the PR) to progression (radiological or
    clinical) or death, with the PFS censoring rules; the response date takes the place of
    day 1 (SAP section 5)."""
    confirmed = adrs[(adrs["PARAMCD"] == "CRSP") & (adrs["AVALC"] == "Y") & adrs["ADT"].notna()]
    onset = confirmed.set_index("USUBJID")["ADT"]
    responders = adsl[adsl["USUBJID"].isin(onset.index)].assign(
        STARTDT=lambda frame: frame["USUBJID"].map(onset)
    )
    ovr = adrs[(adrs["PARAMCD"] == "OVR") & adrs["USUBJID"].isin(onset.index)]
    ovr = ovr.assign(STARTDT=ovr["USUBJID"].map(onset))
    return derive_pfs(
        responders, ovr, ds, paramcd="DOR", progression_term=progression_term, **pfs_options
    )


def derive_date_imputation(adtte: pd.DataFrame, adsl: pd.DataFrame, ovr: pd.DataFrame):
    """ADTF: the imputation flag of the date that set ADT (SAP section 3): an ADRS OVR record's
    ADTF, or ADSL.DTHDTF for a death; blank for full dates."""
    rs = ovr.drop_duplicates(["USUBJID", "SRCSEQ"]).set_index(["USUBJID", "SRCSEQ"])["ADTF"]
    keys = pd.MultiIndex.from_arrays([adtte["USUBJID"], adtte["SRCSEQ"]])
    from_rs = pd.Series(rs.reindex(keys).to_numpy(), index=adtte.index)
    death = adtte["USUBJID"].map(adsl.set_index("USUBJID")["DTHDTF"])
    flags = np.select(
        [(adtte["SRCDOM"] == "RS").to_numpy(), (adtte["SRCVAR"] == "DTHDTC").to_numpy()],
        [from_rs.fillna("").to_numpy(), death.fillna("").to_numpy()],
        default="",
    )
    return flags.astype(object)


def derive_adtte(
    adsl: pd.DataFrame,
    adrs: pd.DataFrame,
    ds: pd.DataFrame,
    progression_term: str | None = "PROGRESSIVE DISEASE",
    **pfs_options,
) -> pd.DataFrame:
    """ADTTE with PFS, PFS2, OS and DOR; AVAL = ADT - STARTDT + 1 days (SAP sections 3, 5).

    ``progression_term`` is the DSDECOD of clinical progression (``terms.ds
    .clinical_progression``), an event of PFS and DOR; None where DS does not record it.
    """
    ovr = adrs[adrs["PARAMCD"] == "OVR"]
    parts = [
        derive_pfs(adsl, ovr, ds, paramcd="PFS", progression_term=progression_term, **pfs_options),
        derive_pfs(adsl, ovr, ds, paramcd="PFS2", progression_term=None, **pfs_options),
        derive_os(adsl),
        derive_dor(adsl, adrs, ds, progression_term, **pfs_options),
    ]
    adtte = pd.concat([part for part in parts if not part.empty], ignore_index=True)
    adtte["PARAM"] = adtte["PARAMCD"].map(PARAMS)
    adtte["AVAL"] = ((adtte["ADT"] - adtte["STARTDT"]).dt.days + 1).astype(float)
    adtte["ADTF"] = derive_date_imputation(adtte, adsl, ovr)
    subject = subject_variables(adsl, ["FASFL", "SAFFL", "EFFFL"])
    adtte = adtte.merge(subject, on="USUBJID", how="left")
    columns = [
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVAL",
        "CNSR",
        "STARTDT",
        "ADT",
        "ADTF",
        "EVNTDESC",
        "CNSDTDSC",
        "SRCDOM",
        "SRCVAR",
        "SRCSEQ",
        *(c for c in subject.columns if c not in ("STUDYID", "USUBJID")),
    ]
    ordered = adtte[columns].sort_values(["USUBJID", "PARAMCD"], kind="stable")
    return finish_bds(ordered, "adtte")
