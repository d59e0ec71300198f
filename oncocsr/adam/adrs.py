"""ADRS: tumour response by RECIST 1.1 (SAP section 4).

All derivations are vectorised over subjects: confirmation pairs each response with the later
assessments of the same subject (a self-merge), so no Python loop runs per subject.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import (
    criterion_records,
    evaluator_records,
    response_category,
)
from oncocsr.adam.standard import finish_bds, subject_variables
from oncocsr.dates import impute_date
from oncocsr.recist import RESPONSE_AVAL

# Worst first (SAP section 4, worst-of-day rule).
WORST_FIRST = ["PD", "NON-CR/NON-PD", "SD", "PR", "CR", "NE"]
PARAMS = {
    "OVR": "Overall Response by Investigator",
    "BOR": "Best Overall Response (unconfirmed)",
    "CBOR": "Best Confirmed Overall Response",
    "RSP": "Response (unconfirmed CR or PR)",
    "CRSP": "Confirmed Response (CR or PR)",
    "DCR": "Disease Control (confirmed CR/PR, SD or NON-CR/NON-PD)",
    "PD": "Progressive Disease",
    "DEATH": "Death",
    "LSTA": "Last Adequate Tumour Assessment",
    "MDIS": "Measurable Disease at Baseline",
}


def select_evaluator(
    rs: pd.DataFrame, evaluator: str, criterion: str = "RECIST 1.1"
) -> pd.DataFrame:
    """Overall-response records of the configured criterion (RSCAT, blank counting as it) and
    evaluator (SAP section 4, source).

    ``INDEPENDENT ASSESSOR`` uses the accepted read (RSACPTFL = Y); records without RSEVAL are
    the investigator's.
    """
    overall = rs[rs["RSTESTCD"] == "OVRLRESP"]
    keep = evaluator_records(overall, "RS", evaluator) & criterion_records(overall, "RS", criterion)
    return overall[keep]


def derive_overall_response(
    rs: pd.DataFrame,
    adsl: pd.DataFrame,
    evaluator: str,
    cutoff: str,
    criterion: str = "RECIST 1.1",
    terms: dict | None = None,
) -> pd.DataFrame:
    """OVR: one record per subject and date, the worst response that day (SAP section 4), the
    study's terms (``response.terms``) mapped to the RECIST 1.1 categories.

    Partial dates take the last day of the month, never after the cutoff (SAP section 3).
    """
    records = select_evaluator(rs, evaluator, criterion)
    imputed = impute_date(records["RSDTC"], "last", ceiling=pd.Timestamp(cutoff))
    ovr = pd.DataFrame(
        {
            "USUBJID": records["USUBJID"].to_numpy(),
            "AVALC": response_category(records["RSSTRESC"], terms or {}).to_numpy(),
            "ADT": imputed["date"].to_numpy(),
            "ADTF": imputed["flag"].to_numpy(),
            "VISIT": records.get("VISIT", pd.Series("", index=records.index)).to_numpy(),
            "VISITNUM": pd.to_numeric(
                records.get("VISITNUM", pd.Series(np.nan, index=records.index)), errors="coerce"
            ).to_numpy(),
            "SRCSEQ": records["RSSEQ"].to_numpy(),
        }
    )
    ovr = ovr[ovr["AVALC"].isin(WORST_FIRST) & ovr["ADT"].notna()]
    rank = ovr["AVALC"].map({value: i for i, value in enumerate(WORST_FIRST)})
    ovr = ovr.assign(_rank=rank).sort_values(["USUBJID", "ADT", "_rank", "SRCSEQ"])
    ovr = ovr.drop_duplicates(["USUBJID", "ADT"]).drop(columns="_rank")
    start = adsl.set_index("USUBJID")["STARTDT"]
    ovr["STARTDT"] = ovr["USUBJID"].map(start)
    ovr = ovr[ovr["STARTDT"].notna()]
    ovr["ADY"] = (ovr["ADT"] - ovr["STARTDT"]).dt.days
    ovr["ADY"] = ovr["ADY"].where(ovr["ADY"] < 0, ovr["ADY"] + 1)
    return ovr.reset_index(drop=True)


def flag_best_response_records(
    ovr: pd.DataFrame, adsl: pd.DataFrame, window_days: int
) -> pd.Series:
    """ANL01FL: records used for best response (SAP section 4).

    Excluded: before day 1, after the first PD, after the start of new anticancer therapy, and
    more than ``window_days`` after day 1 (records after the cutoff were removed at ingestion).
    """
    new_therapy = ovr["USUBJID"].map(adsl.set_index("USUBJID")["NTRTDT"])
    on_treatment = ovr["ADT"] >= ovr["STARTDT"]
    in_window = (ovr["ADT"] - ovr["STARTDT"]).dt.days <= window_days
    before_therapy = new_therapy.isna() | (ovr["ADT"] <= new_therapy)
    eligible = on_treatment & in_window & before_therapy
    is_pd = (ovr["AVALC"] == "PD") & eligible
    pd_before = is_pd.groupby(ovr["USUBJID"]).cumsum() - is_pd
    return eligible & (pd_before == 0)


def _confirmed(records: pd.DataFrame, confirm_min_days: int, max_ne_between: int) -> pd.DataFrame:
    """Per subject: first date of a confirmed CR and of a confirmed PR (NaT if none)."""
    r = records[["USUBJID", "ADT", "AVALC"]].reset_index(drop=True)
    r["pos"] = r.groupby("USUBJID").cumcount()
    for name, values in (("ne", ["NE"]), ("pr", ["PR"]), ("cr", ["CR"])):
        r[f"c_{name}"] = r["AVALC"].isin(values).groupby(r["USUBJID"]).cumsum()
    r["c_notcrne"] = (~r["AVALC"].isin(["CR", "NE"])).groupby(r["USUBJID"]).cumsum()
    r["c_notcrprne"] = (~r["AVALC"].isin(["CR", "PR", "NE"])).groupby(r["USUBJID"]).cumsum()
    cr_pos = r["pos"].where(r["AVALC"] == "CR")
    r["next_cr"] = cr_pos.groupby(r["USUBJID"]).bfill()

    first = r[r["AVALC"].isin(["CR", "PR"])]
    pairs = first.merge(r, on="USUBJID", suffixes=("", "_j"))
    pairs = pairs[
        (pairs["pos_j"] > pairs["pos"])
        & ((pairs["ADT_j"] - pairs["ADT"]).dt.days >= confirm_min_days)
    ]

    def between(name: str) -> pd.Series:
        # Strictly between i and j: the inclusive count just before j less the count at i.
        return _previous(pairs, name) - pairs[f"c_{name}"]

    ne_between = between("ne")
    cr_ok = (
        (pairs["AVALC"] == "CR")
        & (pairs["AVALC_j"] == "CR")
        & (between("notcrne") == 0)
        & (ne_between <= max_ne_between)
    )
    # No PR after a CR within i..j: count PRs after the first CR at or after i, up to j.
    pr_at_cr = (
        pairs[["USUBJID", "next_cr"]]
        .merge(
            r[["USUBJID", "pos", "c_pr"]],
            left_on=["USUBJID", "next_cr"],
            right_on=["USUBJID", "pos"],
            how="left",
        )["c_pr"]
        .to_numpy()
    )
    pr_after_cr = (pairs["next_cr"] <= pairs["pos_j"]) & (
        pairs["c_pr_j"].to_numpy() - np.nan_to_num(pr_at_cr) > 0
    )
    pr_ok = (
        (pairs["AVALC"] == "PR")
        & pairs["AVALC_j"].isin(["CR", "PR"])
        & (between("notcrprne") == 0)
        & (ne_between <= max_ne_between)
        & ~pr_after_cr
    )
    ok = pairs[cr_ok | pr_ok]
    return pd.DataFrame(
        {
            "first_cr": ok[ok["AVALC"] == "CR"].groupby("USUBJID")["ADT"].min(),
            "first_pr": ok[ok["AVALC"] == "PR"].groupby("USUBJID")["ADT"].min(),
        }
    )


def _previous(pairs: pd.DataFrame, name: str) -> pd.Series:
    """Inclusive count at the record before j: the count at j less j's own contribution."""
    own = {
        "ne": pairs["AVALC_j"] == "NE",
        "pr": pairs["AVALC_j"] == "PR",
        "cr": pairs["AVALC_j"] == "CR",
        "notcrne": ~pairs["AVALC_j"].isin(["CR", "NE"]),
        "notcrprne": ~pairs["AVALC_j"].isin(["CR", "PR", "NE"]),
    }[name]
    return pairs[f"c_{name}_j"] - own.astype(int)


def _any_and_first(records: pd.DataFrame, mask: pd.Series, subjects: pd.Index):
    """Per subject: whether any record matches ``mask``, and the first matching date."""
    by = records["USUBJID"]
    hit = mask.groupby(by).any().reindex(subjects, fill_value=False)
    return hit, records["ADT"].where(mask).groupby(by).min().reindex(subjects)


def _hierarchy(
    records: pd.DataFrame, subjects: pd.Index, sd_min_days: int, top: list
) -> pd.DataFrame:
    """Best response per subject: ``top`` levels (category, hit, date) first, best first, then
    SD, NON-CR/NON-PD (both only on or after day 1 + ``sd_min_days``), PD, NE, else MISSING."""
    late = (records["ADT"] - records["STARTDT"]).dt.days >= sd_min_days
    value = records["AVALC"]
    levels = [
        *top,
        ("SD", *_any_and_first(records, value.isin(["CR", "PR", "SD"]) & late, subjects)),
        ("NON-CR/NON-PD", *_any_and_first(records, (value == "NON-CR/NON-PD") & late, subjects)),
        ("PD", *_any_and_first(records, value == "PD", subjects)),
        ("NE", *_any_and_first(records, pd.Series(True, index=records.index), subjects)),
    ]
    best = pd.Series("MISSING", index=subjects)
    date = pd.Series(pd.NaT, index=subjects, dtype="datetime64[ns]")
    for category, hit, when in reversed(levels):
        best = best.mask(hit, category)
        date = date.mask(hit, when)
    return pd.DataFrame({"AVALC": best, "ADT": date})


def derive_bor(records: pd.DataFrame, subjects: pd.Index, sd_min_days: int) -> pd.DataFrame:
    """BOR, unconfirmed: CR if any CR, else PR if any PR, else SD ... (SAP section 4)."""
    top = [(c, *_any_and_first(records, records["AVALC"] == c, subjects)) for c in ("CR", "PR")]
    return _hierarchy(records, subjects, sd_min_days, top)


def derive_confirmed_bor(
    records: pd.DataFrame,
    subjects: pd.Index,
    sd_min_days: int,
    confirm_min_days: int,
    max_ne_between: int,
) -> pd.DataFrame:
    """CBOR: confirmed CR > confirmed PR > SD > NON-CR/NON-PD > PD > NE > MISSING (SAP section 4).

    A CR needs a later CR at least ``confirm_min_days`` after it with only CR or NE between; a PR
    needs a later CR or PR with only CR, PR or NE between and no PR after a CR; at most
    ``max_ne_between`` NE between. Unconfirmed CR/PR count as SD when late enough. ADT is the
    date of the best confirmed response; ONSET the first date of a confirmed response.
    """
    confirmed = _confirmed(records, confirm_min_days, max_ne_between).reindex(subjects)
    top = [
        ("CR", confirmed["first_cr"].notna(), confirmed["first_cr"]),
        ("PR", confirmed["first_pr"].notna(), confirmed["first_pr"]),
    ]
    cbor = _hierarchy(records, subjects, sd_min_days, top)
    # The response starts at its first confirmed assessment: a confirmed PR that later becomes
    # a confirmed CR starts at the PR (SAP section 5, DOR).
    onset = confirmed[["first_cr", "first_pr"]].min(axis=1)
    cbor["ONSET"] = onset.where(cbor["AVALC"].isin(["CR", "PR"]))
    return cbor


def derive_adrs(
    rs: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    cutoff: str,
    evaluator: str,
    sd_min_days: int,
    confirm_min_days: int,
    max_ne_between: int,
    window_days: int,
    criterion: str = "RECIST 1.1",
    terms: dict | None = None,
) -> pd.DataFrame:
    """ADRS with the parameters of SAP section 4 for every subject with a reference start.

    CRSP is dated at the first confirmed response (the start of DOR, SAP section 5).
    """
    ovr = derive_overall_response(rs, adsl, evaluator, cutoff, criterion, terms)
    ovr["ANL01FL"] = np.where(flag_best_response_records(ovr, adsl, window_days), "Y", "")
    treated = adsl[adsl["STARTDT"].notna()].set_index("USUBJID")
    subjects = treated.index
    used = ovr[ovr["ANL01FL"] == "Y"]
    bor = derive_bor(used, subjects, sd_min_days)
    cbor = derive_confirmed_bor(used, subjects, sd_min_days, confirm_min_days, max_ne_between)

    def param(code: str, avalc: pd.Series, adt: pd.Series, source: str = "") -> pd.DataFrame:
        return pd.DataFrame(
            {
                "USUBJID": subjects,
                "PARAMCD": code,
                "AVALC": avalc.to_numpy(),
                # One datetime unit for every part, so that all-missing dates concatenate cleanly.
                "ADT": pd.to_datetime(adt.to_numpy()).as_unit("ns"),
                "ADTF": "",
                "VISIT": "",
                "VISITNUM": np.nan,
                "ANL01FL": "",
                "SRCVAR": source,
                "SRCSEQ": np.nan,
            }
        )

    def yes_no(flag: pd.Series) -> pd.Series:
        return pd.Series(np.where(flag, "Y", "N"), index=subjects)

    adequate = ovr[(ovr["AVALC"] != "NE") & (ovr["ADT"] >= ovr["STARTDT"])]
    first_pd = (
        ovr[(ovr["AVALC"] == "PD") & (ovr["ADT"] >= ovr["STARTDT"])].groupby("USUBJID")["ADT"].min()
    )
    last_adequate = adequate.groupby("USUBJID")["ADT"].max().reindex(subjects)
    parts = [
        ovr.assign(PARAMCD="OVR", SRCVAR="RSSTRESC"),
        param("BOR", bor["AVALC"], bor["ADT"]),
        param("CBOR", cbor["AVALC"], cbor["ADT"]),
        param(
            "RSP",
            yes_no(bor["AVALC"].isin(["CR", "PR"])),
            bor["ADT"].where(bor["AVALC"].isin(["CR", "PR"])),
        ),
        param(
            "CRSP",
            yes_no(cbor["AVALC"].isin(["CR", "PR"])),
            cbor["ONSET"],
        ),
        param("DCR", yes_no(cbor["AVALC"].isin(["CR", "PR", "SD", "NON-CR/NON-PD"])), cbor["ADT"]),
        param("PD", yes_no(subjects.isin(first_pd.index)), first_pd.reindex(subjects)),
        param("DEATH", yes_no(treated["DTHDT"].notna()), treated["DTHDT"]),
        param(
            "LSTA",
            pd.Series(np.where(last_adequate.notna(), "Y", "N"), index=subjects),
            last_adequate,
        ),
        param(
            "MDIS",
            yes_no(treated.get("MDISFL", pd.Series("", index=subjects)) == "Y"),
            treated["STARTDT"],
        ),
    ]
    # An empty OVR part (no assessments at all) would blur the column types of the others.
    adrs = pd.concat([part for part in parts if not part.empty], ignore_index=True)
    adrs["PARAM"] = adrs["PARAMCD"].map(PARAMS)
    adrs["AVAL"] = adrs["AVALC"].map(RESPONSE_AVAL).astype(float)
    adrs["SRCDOM"] = np.where(adrs["PARAMCD"] == "OVR", "RS", "")
    subject = subject_variables(adsl, ["FASFL", "SAFFL", "EFFFL", "STARTDT", "TRTSDT"])
    adrs = adrs.drop(columns=["STARTDT"], errors="ignore").merge(subject, on="USUBJID", how="left")
    adrs["ADY"] = (adrs["ADT"] - adrs["STARTDT"]).dt.days
    adrs["ADY"] = adrs["ADY"].where(adrs["ADY"] < 0, adrs["ADY"] + 1)
    for column in ("ADTF", "VISIT", "ANL01FL"):
        adrs[column] = adrs[column].fillna("")
    order = {code: i for i, code in enumerate(PARAMS)}
    adrs = adrs.assign(_o=adrs["PARAMCD"].map(order)).sort_values(
        ["USUBJID", "_o", "ADT"], kind="stable"
    )
    columns = [
        "STUDYID",
        "USUBJID",
        "PARAMCD",
        "PARAM",
        "AVALC",
        "AVAL",
        "ADT",
        "ADTF",
        "ADY",
        "VISIT",
        "VISITNUM",
        "ANL01FL",
        "SRCDOM",
        "SRCVAR",
        "SRCSEQ",
        *(c for c in subject.columns if c not in ("STUDYID", "USUBJID")),
    ]
    return finish_bds(adrs[columns], "adrs")
