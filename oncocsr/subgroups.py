"""ORR and median PFS by the study's subgroups (``subgroups``, SAP section 6) into ARD rows
(table 14.2.2)."""

from __future__ import annotations

import pandas as pd

from oncocsr import ard
from oncocsr.dates import DAYS_PER_MONTH


def subgroup_ard(
    adrs: pd.DataFrame,
    adtte: pd.DataFrame,
    adsl: pd.DataFrame,
    *,
    subgroups: list[dict],
    conf_level: float,
    convention: str,
    input_sha256: str,
    arms: dict | None = None,
) -> pd.DataFrame:
    """Per subgroup level (FAS) and arm: confirmed ORR with its exact CI, and PFS median with
    its CI. A subgroup variable the study did not collect (not in ADSL) has no rows."""
    # Imported here, not at the top: the TLF rules read SUBGROUPS and would otherwise load scipy
    # and lifelines (about 0.8 s) at every start.
    from oncocsr.stats.binomial import response_rate
    from oncocsr.stats.km import km_summary

    fas = adsl[adsl["FASFL"] == "Y"]
    cbor = adrs[(adrs["PARAMCD"] == "CBOR") & (adrs["FASFL"] == "Y")].set_index("USUBJID")
    pfs = adtte[(adtte["PARAMCD"] == "PFS") & (adtte["FASFL"] == "Y")].set_index("USUBJID")
    level_pct = f"{100 * conf_level:g}%"
    frames = []
    for group, subjects in ard.arm_groups(fas, arms):
        for subgroup in subgroups:
            variable, label = subgroup["variable"], subgroup["label"]
            if variable not in subjects:
                continue
            for level, members in subjects.groupby(variable):
                if level == "":
                    continue
                ids = members["USUBJID"]
                name = f"{variable}={level}"
                responses = cbor.reindex(ids)["AVALC"].isin(["CR", "PR"])
                rate = response_rate(int(responses.sum()), len(ids), conf_level=conf_level)
                times = pfs.reindex(ids).dropna(subset=["AVAL"])
                stats = {
                    "N": (rate["N"], f"Subjects: {label} {level}"),
                    "n": (rate["n"], "Confirmed responders"),
                    "orr": (rate["estimate"], "Objective response rate"),
                    "orr_lcl": (rate["lcl"], f"ORR {level_pct} CI lower limit (Clopper-Pearson)"),
                    "orr_ucl": (rate["ucl"], f"ORR {level_pct} CI upper limit (Clopper-Pearson)"),
                }
                if len(times):
                    km = km_summary(
                        times["AVAL"] / DAYS_PER_MONTH,
                        (times["CNSR"] == 0).astype(int),
                        conf_level=conf_level,
                        convention=convention,
                    )
                    stats |= {
                        "pfs_median": (km["median"], "PFS median (months)"),
                        "pfs_median_lcl": (
                            km["median_lcl"],
                            f"PFS median {level_pct} CI lower limit",
                        ),
                        "pfs_median_ucl": (
                            km["median_ucl"],
                            f"PFS median {level_pct} CI upper limit",
                        ),
                    }
                frames.append(
                    ard.rows(
                        analysis_id="SUBGROUP",
                        tlf_id="14.2.2",
                        population="FAS",
                        group=group,
                        variable=name,
                        stats=stats,
                        source_dataset="ADRS, ADTTE, ADSL",
                        filter=f"FASFL = 'Y' and {variable} = '{level}'",
                        method=(
                            "Clopper-Pearson exact CI; Kaplan-Meier median with "
                            "Brookmeyer-Crowley log-log CI"
                        ),
                        input_sha256=input_sha256,
                    )
                )
    return ard.combine(frames)
