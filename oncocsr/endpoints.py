"""Endpoint estimation into ARD rows (SAP section 6; tables of section 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr import ard
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.stats.binomial import response_rate
from oncocsr.stats.km import km_summary

BOR_CATEGORIES = ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "MISSING"]
POPULATIONS = {"FAS": "FASFL", "EFF": "EFFFL"}
TTE_TLF = {"PFS": "14.2.5", "PFS2": "14.2.6", "OS": "14.2.7"}


def response_ard(
    adrs: pd.DataFrame, *, p0: float, conf_level: float, input_sha256: str
) -> pd.DataFrame:
    """Best overall response counts and the confirmed ORR with exact CI and p-value (14.2.1)."""
    frames = []
    for population, flag in POPULATIONS.items():
        subjects = adrs[(adrs[flag] == "Y") & (adrs["PARAMCD"] == "CBOR")]
        for group, data in ard.arm_groups(subjects):
            n = len(data)
            common = {
                "tlf_id": "14.2.1",
                "population": population,
                "group": group,
                "source_dataset": "ADRS",
                "input_sha256": input_sha256,
            }
            counts = data["AVALC"].value_counts()
            frames.append(
                ard.rows(
                    analysis_id=f"BOR-{population}",
                    variable="CBOR",
                    stats={"N": (n, "Subjects in population")}
                    | {
                        f"n_{category}": (int(counts.get(category, 0)), f"n {category}")
                        for category in BOR_CATEGORIES
                    }
                    | {
                        f"pct_{category}": (
                            100 * counts.get(category, 0) / n if n else None,
                            f"% {category}",
                        )
                        for category in BOR_CATEGORIES
                    },
                    filter=f"{flag} = 'Y' and PARAMCD = 'CBOR'",
                    method="Count and percentage of subjects",
                    **common,
                )
            )
            if not n:
                continue
            rate = response_rate(
                int((data["AVALC"].isin(["CR", "PR"])).sum()), n, p0=p0, conf_level=conf_level
            )
            level = f"{100 * conf_level:g}%"
            frames.append(
                ard.rows(
                    analysis_id=f"ORR-{population}",
                    variable="CRSP",
                    stats={
                        "n": (rate["n"], "Responders (confirmed CR or PR)"),
                        "N": (rate["N"], "Subjects in population"),
                        "estimate": (rate["estimate"], "Objective response rate"),
                        "lcl": (rate["lcl"], f"{level} CI lower limit"),
                        "ucl": (rate["ucl"], f"{level} CI upper limit"),
                        "p_value": (rate["p_value"], f"One-sided exact p-value, H0: p <= {p0:g}"),
                    },
                    filter=f"{flag} = 'Y' and PARAMCD = 'CBOR' and AVALC in ('CR', 'PR')",
                    method=(
                        f"Clopper-Pearson exact {level} CI; exact binomial test against p0 = {p0:g}"
                    ),
                    **common,
                )
            )
    return ard.combine(frames)


def km_ard(
    adtte: pd.DataFrame,
    *,
    paramcd: str,
    conf_level: float,
    landmarks_months: list[float],
    risk_step_months: float,
    convention: str,
    input_sha256: str,
) -> pd.DataFrame:
    """Kaplan-Meier summary of one ADTTE parameter in months (SAP section 6)."""
    data = adtte[(adtte["PARAMCD"] == paramcd) & (adtte["FASFL"] == "Y")]
    level = f"{100 * conf_level:g}%"
    frames = []
    for group, subset in ard.arm_groups(data):
        months = subset["AVAL"].to_numpy() / DAYS_PER_MONTH
        event = (subset["CNSR"] == 0).astype(int).to_numpy()
        summary = km_summary(
            months,
            event,
            conf_level=conf_level,
            landmarks=tuple(landmarks_months),
            convention=convention,
        )
        stats = {
            "N": (summary["n"], "Subjects in population"),
            "events": (summary["events"], "Events"),
            "censored": (summary["n"] - summary["events"], "Censored"),
        }
        for name, label in (
            ("median", "Median"),
            ("q25", "25th percentile"),
            ("q75", "75th percentile"),
        ):
            stats[name] = (summary[name], f"{label} (months)")
            stats[f"{name}_lcl"] = (summary[f"{name}_lcl"], f"{label} {level} CI lower limit")
            stats[f"{name}_ucl"] = (summary[f"{name}_ucl"], f"{label} {level} CI upper limit")
        stats["followup_median"] = (
            summary["followup_median"],
            "Median follow-up (reverse KM, months)",
        )
        for landmark in summary["landmarks"]:
            t = f"{landmark['time']:g}"
            stats[f"surv_{t}m"] = (landmark["surv"], f"Event-free rate at {t} months")
            stats[f"surv_{t}m_lcl"] = (landmark["lcl"], f"{level} CI lower limit at {t} months")
            stats[f"surv_{t}m_ucl"] = (landmark["ucl"], f"{level} CI upper limit at {t} months")
        horizon = float(months.max()) if months.size else 0.0
        for t in np.arange(0, horizon + risk_step_months, risk_step_months):
            stats[f"n_risk_{t:g}m"] = (int((months >= t).sum()), f"Number at risk at {t:g} months")
        frames.append(
            ard.rows(
                analysis_id=f"KM-{paramcd}",
                tlf_id=TTE_TLF[paramcd],
                population="FAS",
                group=group,
                variable="AVAL",
                stats=stats,
                source_dataset="ADTTE",
                filter=f"FASFL = 'Y' and PARAMCD = '{paramcd}'",
                method=(
                    f"Kaplan-Meier; quantile CIs by Brookmeyer-Crowley, log-log, {level}; "
                    f"{convention.upper()} conventions; time in months (days / {DAYS_PER_MONTH})"
                ),
                input_sha256=input_sha256,
            )
        )
    return ard.combine(frames)
