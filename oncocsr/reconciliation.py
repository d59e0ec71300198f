"""Reconciliation of the safety tables with disposition and exposure (SAP section 6, safety;
tables 14.1.1, 14.3.1 and 14.3.2), as ARD rows of analysis RECONCILIATION.

"TEAE leading to discontinuation" counts subjects with an AE whose action was DRUG WITHDRAWN,
the disposition table subjects whose reason for stopping treatment is an adverse event;
"TEAE leading to dose reduction / interruption" counts AE actions, the exposure table the
reductions and delays the dosing records show. The two differ by definition (a subject whose
AE led to withdrawal but whose recorded reason is death; an action on an AE that starts after
the last dose, when no dose is left to change). Each difference class is counted here, per arm
group, so that the tables' footnotes quote the ARD rather than recompute.
"""

from __future__ import annotations

import pandas as pd

from oncocsr import ard

ANALYSIS = "RECONCILIATION"
# Subject classes of each comparison: variable suffix -> label of the ARD row.
DISCONTINUATION = {
    "AE_NOT_DS": "TEAE with action DRUG WITHDRAWN, treatment discontinuation reason not an "
    "adverse event",
    "DS_NOT_AE": "treatment discontinuation reason an adverse event, no TEAE with action DRUG "
    "WITHDRAWN",
}
DOSE_CHANGE = {
    "AE_AFTER_LAST_DOSE": "TEAE with the action, every such TEAE starting after the last dose",
    "AE_NOT_EX": "TEAE with the action starting on or before the last dose, none recorded in "
    "the dosing records",
    "EX_NOT_AE": "recorded in the dosing records, no TEAE with the action",
}
# TEAE-OVERVIEW item -> ADAE flag of the AE action and the ADEX parameters that record it.
DOSE_ACTIONS = {"REDUCED": ("REDFL", ("NREDUCE",)), "INTERRUPTED": ("INTFL", ("NDELAY", "NINTRP"))}


def _row(group, variable, label, n, sha, source, filter) -> pd.DataFrame:
    return ard.rows(
        analysis_id=ANALYSIS,
        tlf_id="14.3.2",
        population="SAF",
        group=group,
        variable=variable,
        stats={"n": (int(n), f"Subjects: {label}")},
        source_dataset=source,
        filter=filter,
        method="Number of subjects in the difference class (each subject counted once)",
        input_sha256=sha,
    )


def reconcile_discontinuation(
    subjects: pd.DataFrame, emergent: pd.DataFrame, group: str, sha: str, adverse_event: str
) -> list[pd.DataFrame]:
    """DISCONTINUED:AE_NOT_DS (with one row DISCONTINUED:AE_NOT_DS=<reason> per recorded
    reason) and DISCONTINUED:DS_NOT_AE (SAP section 6): the subjects that make "TEAE leading to
    treatment discontinuation" (AEACN DRUG WITHDRAWN) differ from the disposition's adverse
    event reason (``terms.ds.adverse_event``; DCTREAS, or DCSREAS where the study records no
    end of treatment)."""
    reason_variable = "DCTREAS" if "DCTREAS" in subjects else "DCSREAS"
    if reason_variable not in subjects:
        return []
    reason = subjects.set_index("USUBJID")[reason_variable].fillna("").astype(str)
    by_ae = set(emergent.loc[emergent["DISCFL"] == "Y", "USUBJID"])
    by_ds = set(reason.index[reason.str.upper() == adverse_event.upper()])
    source = "ADAE, ADSL"
    frames = [
        _row(
            group,
            f"DISCONTINUED:{key}",
            label,
            len(by_ae - by_ds if key == "AE_NOT_DS" else by_ds - by_ae),
            sha,
            source,
            f"TRTEMFL = 'Y' and DISCFL = 'Y' vs ADSL.{reason_variable}",
        )
        for key, label in DISCONTINUATION.items()
    ]
    others = reason.reindex(sorted(by_ae - by_ds)).replace("", "NONE RECORDED")
    for level, n in sorted(others.value_counts().items()):
        frames.append(
            _row(
                group,
                f"DISCONTINUED:AE_NOT_DS={level}",
                f"{DISCONTINUATION['AE_NOT_DS']}: {level}",
                n,
                sha,
                source,
                f"ADSL.{reason_variable} = '{level}'",
            )
        )
    return frames


def reconcile_dose_changes(
    emergent: pd.DataFrame, exposed: pd.DataFrame, group: str, sha: str
) -> list[pd.DataFrame]:
    """<item>:AE_AFTER_LAST_DOSE, <item>:AE_NOT_EX and <item>:EX_NOT_AE for the items REDUCED
    and INTERRUPTED of the TEAE overview (SAP section 6): subjects with a TEAE whose action
    (AEACN DOSE REDUCED, DRUG INTERRUPTED) is not matched by a reduction (ADEX NREDUCE) or delay
    or interruption (NDELAY, NINTRP) in the dosing records, split by whether every such AE
    starts after the last dose; and subjects with one in the dosing records but no such AE."""
    frames = []
    for item, (flag, params) in DOSE_ACTIONS.items():
        found = exposed[exposed["PARAMCD"].isin(params)]
        if found.empty:
            continue
        by_ex = set(found.loc[found["AVAL"] > 0, "USUBJID"])
        actions = emergent[emergent[flag] == "Y"]
        # ADAE carries the last dose (TRTEDT); without dates every action counts as before it.
        dated = {"ASTDT", "TRTEDT"} <= set(actions.columns)
        before = actions["ASTDT"] <= actions["TRTEDT"] if dated else actions["USUBJID"].notna()
        by_ae = set(actions["USUBJID"])
        acted_before = set(actions.loc[before, "USUBJID"])
        counts = {
            "AE_AFTER_LAST_DOSE": len(by_ae - by_ex - acted_before),
            "AE_NOT_EX": len((by_ae & acted_before) - by_ex),
            "EX_NOT_AE": len(by_ex - by_ae),
        }
        for key, label in DOSE_CHANGE.items():
            frames.append(
                _row(
                    group,
                    f"{item}:{key}",
                    f"{item.lower()}: {label}",
                    counts[key],
                    sha,
                    "ADAE, ADEX, ADSL",
                    f"TRTEMFL = 'Y' and {flag} = 'Y' vs ADEX PARAMCD in {list(params)} "
                    "with AVAL > 0",
                )
            )
    return frames
