"""ADTR progression components of RECIST 1.1 (SAP section 4, tumour measurements): change from
the nadir of the target-lesion sum, the non-target lesion response and new lesions per
assessment date, and by which of the three a subject first progressed.

Each component comes from the SDTM that carries it: RS records of the component's own test
(RSTESTCD NTRGRESP, NEWLIND) where the study has them, else the lesion records (TR non-target
TUMSTATE, TU new-lesion identification, TR records of group NEW). A study with neither has no
records of that component: it was not collected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import evaluator_records
from oncocsr.dates import impute_date
from oncocsr.recist import PD_ABSOLUTE_MM, PD_RELATIVE

# The subject-level parameters of the first progression, by component.
PD_PARAMS = {"PDTRG": "SUMDIAM", "PDNTRG": "NTRGRESP", "PDNEWL": "NEWLIND"}


def derive_change_from_nadir(sums: pd.DataFrame) -> pd.DataFrame:
    """CHGNAD = AVAL - NADIR and PCHGNAD = 100 x CHGNAD / NADIR (NADIR > 0) of the post-baseline
    sums; TRGPD: RECIST 1.1 target progression, Y where the sum is at least ``PD_RELATIVE``
    above the nadir and at least ``PD_ABSOLUTE_MM`` larger (SAP 4), N where evaluable."""
    chg = sums["AVAL"] - sums["NADIR"]
    pchg = (100 * chg / sums["NADIR"]).where(sums["NADIR"] > 0)
    progressed = (chg >= PD_ABSOLUTE_MM) & (chg >= PD_RELATIVE * sums["NADIR"])
    return sums.assign(
        CHGNAD=chg,
        PCHGNAD=pchg,
        TRGPD=np.where(chg.notna(), np.where(progressed, "Y", "N"), ""),
    )


def _dated(frame: pd.DataFrame, column: str, cutoff: str) -> pd.Series:
    return impute_date(frame[column], "last", ceiling=pd.Timestamp(cutoff))["date"]


def _rs_test(rs: pd.DataFrame | None, testcd: str, evaluator: str, cutoff: str) -> pd.DataFrame:
    """USUBJID, ADT, AVALC of the RS records of ``testcd`` (worst first is the caller's)."""
    if rs is None or "RSTESTCD" not in rs or not (rs["RSTESTCD"] == testcd).any():
        return pd.DataFrame(columns=["USUBJID", "ADT", "AVALC", "SRCDOM", "SRCVAR"])
    records = rs[(rs["RSTESTCD"] == testcd) & evaluator_records(rs, "RS", evaluator)]
    return pd.DataFrame(
        {
            "USUBJID": records["USUBJID"],
            "ADT": _dated(records, "RSDTC", cutoff),
            "AVALC": records["RSSTRESC"].str.upper(),
            "SRCDOM": "RS",
            "SRCVAR": "RSSTRESC",
        }
    ).dropna(subset=["ADT"])


# Worst first: a date's non-target response is its worst lesion state (RECIST 1.1 table 2).
NON_TARGET_ORDER = ["PD", "NE", "NON-CR/NON-PD", "CR"]
TUMSTATE = {"UNEQUIVOCAL PROGRESSION": "PD", "ABSENT": "CR", "PRESENT": "NON-CR/NON-PD"}


def derive_non_target_response(
    tr: pd.DataFrame | None, rs: pd.DataFrame | None, *, evaluator: str, cutoff: str
) -> pd.DataFrame:
    """NTRGRESP per subject and date: RS NTRGRESP where collected; else from TR non-target
    lesions (TRGRPID NON-TARGET, TRTESTCD TUMSTATE): PD if a lesion progressed unequivocally,
    NE if one was not evaluable, CR if all are absent, else NON-CR/NON-PD (RECIST 1.1)."""
    from_rs = _rs_test(rs, "NTRGRESP", evaluator, cutoff)
    needed = {"TRGRPID", "TRTESTCD", "TRSTRESC", "TRDTC"}
    if len(from_rs) or tr is None or not needed <= set(tr.columns):
        states = from_rs
    else:
        lesions = tr[
            (tr["TRGRPID"].str.upper() == "NON-TARGET")
            & (tr["TRTESTCD"] == "TUMSTATE")
            & evaluator_records(tr, "TR", evaluator)
        ]
        states = pd.DataFrame(
            {
                "USUBJID": lesions["USUBJID"],
                "ADT": _dated(lesions, "TRDTC", cutoff),
                "AVALC": lesions["TRSTRESC"].str.upper().map(TUMSTATE).fillna("NE"),
                "SRCDOM": "TR",
                "SRCVAR": "TRSTRESC",
            }
        ).dropna(subset=["ADT"])
    rank = pd.Categorical(states["AVALC"], categories=NON_TARGET_ORDER, ordered=True)
    states = states.assign(AVALC=rank).sort_values(["USUBJID", "ADT", "AVALC"], kind="stable")
    worst = states.drop_duplicates(["USUBJID", "ADT"])
    return worst.assign(AVALC=worst["AVALC"].astype(str), PARAMCD="NTRGRESP")


def derive_new_lesions(
    tr: pd.DataFrame | None,
    tu: pd.DataFrame | None,
    rs: pd.DataFrame | None,
    assessed: pd.DataFrame,
    *,
    evaluator: str,
    cutoff: str,
) -> pd.DataFrame:
    """NEWLIND per subject and date: RS NEWLIND where collected; else Y on the dates of a new
    lesion (TU TUSTRESC NEW with its TUDTC, or TR records of TRGRPID NEW) and N on the other
    tumour assessment dates ``assessed`` (USUBJID, ADT). No records where the study records
    new lesions nowhere (not collected)."""
    from_rs = _rs_test(rs, "NEWLIND", evaluator, cutoff)
    if len(from_rs):
        return from_rs.assign(AVALC=from_rs["AVALC"].str[:1], PARAMCD="NEWLIND")
    found = []
    from_tu = tu is not None and {"TUDTC", "TUSTRESC"} <= set(tu.columns)
    if from_tu:
        new = tu[(tu["TUSTRESC"].str.upper() == "NEW") & evaluator_records(tu, "TU", evaluator)]
        found.append(
            pd.DataFrame(
                {"USUBJID": new["USUBJID"], "ADT": _dated(new, "TUDTC", cutoff), "SRCDOM": "TU"}
            )
        )
    tr_new = (
        tr is not None
        and {"TRGRPID", "TRDTC"} <= set(tr.columns)
        and (tr["TRGRPID"].str.upper() == "NEW").any()
    )
    if tr_new:
        new = tr[(tr["TRGRPID"].str.upper() == "NEW") & evaluator_records(tr, "TR", evaluator)]
        found.append(
            pd.DataFrame(
                {"USUBJID": new["USUBJID"], "ADT": _dated(new, "TRDTC", cutoff), "SRCDOM": "TR"}
            )
        )
    if not found:
        return pd.DataFrame(columns=["USUBJID", "ADT", "AVALC", "PARAMCD"])
    new_dates = pd.concat(found).dropna().drop_duplicates(["USUBJID", "ADT"]).assign(AVALC="Y")
    dates = pd.concat([assessed[["USUBJID", "ADT"]], new_dates[["USUBJID", "ADT"]]])
    # An assessment date without a new lesion is N, from the domain that would show one.
    lesions = (
        dates.drop_duplicates()
        .merge(new_dates, on=["USUBJID", "ADT"], how="left")
        .fillna({"AVALC": "N", "SRCDOM": "TU" if from_tu else "TR"})
    )
    source = {"TU": "TUSTRESC", "TR": "TRGRPID"}
    return lesions.assign(PARAMCD="NEWLIND", SRCVAR=lesions["SRCDOM"].map(source))


def derive_first_progression(visits: pd.DataFrame) -> pd.DataFrame:
    """PDTRG, PDNTRG, PDNEWL per subject: at the first post-baseline date on which any collected
    component shows progression (target TRGPD, NTRGRESP PD, NEWLIND Y), Y for each component
    that does, else N; ADT is that date (missing without progression). ``visits`` holds the
    post-baseline USUBJID, ADT, PARAMCD (SUMDIAM, NTRGRESP, NEWLIND) and ``progressed``."""
    if visits.empty:
        return pd.DataFrame(columns=["USUBJID", "PARAMCD", "AVALC", "ADT"])
    first = visits.loc[visits["progressed"]].groupby("USUBJID")["ADT"].min()
    at_first = visits[visits["progressed"] & (visits["ADT"] == visits["USUBJID"].map(first))]
    rows = []
    for param, source in PD_PARAMS.items():
        subjects = visits.loc[visits["PARAMCD"] == source, "USUBJID"].drop_duplicates()
        if subjects.empty:
            continue
        hit = set(at_first.loc[at_first["PARAMCD"] == source, "USUBJID"])
        rows.append(
            pd.DataFrame(
                {
                    "USUBJID": subjects.to_numpy(),
                    "PARAMCD": param,
                    "AVALC": np.where(subjects.isin(hit), "Y", "N"),
                    "ADT": subjects.map(first).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
