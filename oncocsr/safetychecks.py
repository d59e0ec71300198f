"""Data checks of AE actions against the dosing records (SAP section 6, safety), run with the
cross-domain checks: an action on the study drug needs a dose to act on, and an interruption
should show in the doses. What they find is what makes the TEAE overview differ from exposure
(oncocsr.reconciliation), so that a reviewer sees it in listing 16.2.4 before the tables.

Findings use the columns of ``oncocsr.findings``.
"""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.adsl import derive_treatment_dates, dosed_records
from oncocsr.adam.common import upper
from oncocsr.checks import records_findings
from oncocsr.dates import impute_date, to_date
from oncocsr.findings import COLUMNS

# AEACN terms (CDISC CT ACN) that act on the study drug.
DRUG_ACTIONS = ("DOSE REDUCED", "DRUG INTERRUPTED", "DRUG WITHDRAWN")
INTERRUPTED = "DRUG INTERRUPTED"


def _frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _doses(ex: pd.DataFrame, exposure: dict) -> pd.DataFrame:
    """The doses (ADEX's dosed records) by subject and date, each with ``delayed``: it follows
    a delay or interruption as ADEX counts them (``exposure``: for cycles, more than
    ``cycle_days`` + ``delay_tolerance_days`` after the dose before; for continuous exposure, a
    gap of more than ``delay_tolerance_days`` after the record before ends), and ``delays``, the
    subject's running count of them."""
    dosed = ex[dosed_records(ex)]
    start = to_date(dosed["EXSTDTC"])
    end = to_date(dosed["EXENDTC"]).fillna(start) if "EXENDTC" in dosed else start
    doses = (
        pd.DataFrame({"USUBJID": dosed["USUBJID"], "dose": start, "end": end})
        .dropna(subset=["dose"])
        .sort_values(["USUBJID", "dose"], kind="stable")
    )
    by = doses.groupby("USUBJID")
    tolerance = exposure["delay_tolerance_days"]
    if exposure["model"] == "continuous":
        delayed = (doses["dose"] - by["end"].shift()).dt.days - 1 > tolerance
    else:
        delayed = (doses["dose"] - by["dose"].shift()).dt.days > exposure["cycle_days"] + tolerance
    doses["delays"] = delayed.astype(int).groupby(doses["USUBJID"]).cumsum()
    return doses.sort_values("dose", kind="stable")


def _dated_actions(ae: pd.DataFrame, ex: pd.DataFrame, exposure: dict) -> pd.DataFrame:
    """AE records with an action on the drug: their action, earliest and latest possible start
    (a partial date at its first and last day), the subject's last dose date (ADSL TRTEDT) and
    the day the next dose would have been due after it."""
    acted = ae[upper(ae["AEACN"]).isin(DRUG_ACTIONS)]
    last = acted["USUBJID"].map(derive_treatment_dates(ex)["TRTEDT"])
    cycle = exposure["cycle_days"] if exposure["model"] != "continuous" else 0
    return acted.assign(
        _action=upper(acted["AEACN"]),
        _start=impute_date(acted["AESTDTC"], "first")["date"].to_numpy(),
        _latest=impute_date(acted["AESTDTC"], "last")["date"].to_numpy(),
        _last=last.to_numpy(),
        _due=(last + pd.Timedelta(days=cycle + exposure["delay_tolerance_days"])).to_numpy(),
    )


def _day(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d").fillna("")


def check_action_after_last_dose(
    ae: pd.DataFrame, ex: pd.DataFrame, file: str, exposure: dict
) -> pd.DataFrame:
    """CROSS.AE_ACTION_AFTER_LAST_DOSE (warning): an AE whose action on the study drug has no
    dose to act on (SAP section 6): DOSE REDUCED or DRUG INTERRUPTED on an AE starting after
    the subject's last dose (no later dose was reduced or resumed), DRUG WITHDRAWN on one
    starting after the next dose would have been due (``exposure``: one cycle plus the
    tolerance, or the tolerance for continuous exposure), when the treatment had already ended.
    Such an AE can still be treatment-emergent and count in the TEAE overview, not in exposure.
    Only a start certainly after counts (a partial date at its earliest)."""
    acted = _dated_actions(ae, ex, exposure)
    withdrawn = acted["_action"] == "DRUG WITHDRAWN"
    limit = acted["_due"].where(withdrawn, acted["_last"])
    after = acted["_start"] > limit
    last = _day(acted["_last"])
    when = (", after the last dose on " + last + " (EX)").where(
        ~withdrawn,
        ", after the next dose was due on " + _day(limit) + " (last dose " + last + ", EX)",
    )
    message = (
        "AE.AEACN "
        + acted["_action"]
        + " on an AE starting "
        + acted["AESTDTC"].astype(str)
        + when
        + ": no dose was left to act on"
    )
    found = records_findings(
        acted,
        "AE",
        after,
        check_id="CROSS.AE_ACTION_AFTER_LAST_DOSE",
        severity="warning",
        file=file,
        variable="AEACN",
        message="",
    )
    found["message"] = message[after.to_numpy()].to_numpy()
    return found


def check_interruption_without_delay(
    ae: pd.DataFrame, ex: pd.DataFrame, file: str, exposure: dict
) -> pd.DataFrame:
    """CROSS.INTERRUPTION_WITHOUT_DELAY (warning): an AE with action DRUG INTERRUPTED starting
    between two doses, where the dosing records show no delay or interruption (as ADEX counts
    them, ``exposure``) from the last dose before its earliest possible start to the first dose
    after its latest, or the last dose (SAP section 6). An AE certainly after the last dose is
    CROSS.AE_ACTION_AFTER_LAST_DOSE's."""
    acted = _dated_actions(ae, ex, exposure)
    acted = acted[(acted["_action"] == INTERRUPTED) & acted["_start"].notna()]
    doses = _doses(ex, exposure)[["USUBJID", "dose", "delays"]]
    events = acted[["USUBJID", "_start", "_latest"]].reset_index()
    before = pd.merge_asof(
        events.sort_values("_start"),
        doses,
        left_on="_start",
        right_on="dose",
        by="USUBJID",
        direction="backward",
    ).set_index("index")
    after = pd.merge_asof(
        events.sort_values("_latest"),
        doses.rename(columns={"dose": "next", "delays": "delays_next"}),
        left_on="_latest",
        right_on="next",
        by="USUBJID",
        direction="forward",
        allow_exact_matches=False,
    ).set_index("index")
    around = before[["dose", "delays"]].join(after[["next", "delays_next"]]).reindex(acted.index)
    # A start that may fall after the last dose (a partial date) is looked at up to the last
    # dose: any day it started, the action has no delay to show.
    final = doses.groupby("USUBJID").tail(1).set_index("USUBJID")
    subject = acted["USUBJID"]
    around["next"] = around["next"].fillna(subject.map(final["dose"]))
    around["delays_next"] = around["delays_next"].fillna(subject.map(final["delays"]))
    between = around["dose"].notna() & (acted["_start"] <= acted["_last"])
    missing = between & (around["delays_next"] == around["delays"])
    message = (
        "AE.AEACN DRUG INTERRUPTED on an AE starting "
        + acted["AESTDTC"].astype(str)
        + ", but the doses from "
        + _day(around["dose"])
        + " to "
        + _day(around["next"])
        + " show no delay or interruption (EX)"
    )
    found = records_findings(
        acted,
        "AE",
        missing,
        check_id="CROSS.INTERRUPTION_WITHOUT_DELAY",
        severity="warning",
        file=file,
        variable="AEACN",
        message="",
    )
    found["message"] = message[missing.to_numpy()].to_numpy()
    return found


def ae_action_findings(
    domains: dict[str, pd.DataFrame], files: dict[str, str], exposure: dict
) -> pd.DataFrame:
    """The checks of AE actions against EX; none where the study has no AE action or no EX."""
    ae, ex = domains.get("AE"), domains.get("EX")
    if ae is None or ex is None or "AEACN" not in ae or "AESTDTC" not in ae:
        return pd.DataFrame(columns=COLUMNS)
    if "EXSTDTC" not in ex or "EXTRT" not in ex:
        return pd.DataFrame(columns=COLUMNS)
    return _frames(
        [
            check_action_after_last_dose(ae, ex, files["AE"], exposure),
            check_interruption_without_delay(ae, ex, files["AE"], exposure),
        ]
    )
