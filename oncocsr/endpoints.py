"""Endpoint estimation into ARD rows (SAP section 6; tables of section 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr import ard
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.recist import BOR_CATEGORIES
from oncocsr.stats.binomial import response_rate
from oncocsr.stats.simon import search_designs, two_stage_inference
from oncocsr.tte_outcomes import censoring_reasons, event_types, outcome_rows

RESPONSE = ["CR", "PR"]
DISEASE_CONTROL = ["CR", "PR", "SD", "NON-CR/NON-PD"]
POPULATIONS = {"FAS": "FASFL", "EFF": "EFFFL"}
TTE_TLF = {"PFS": "14.2.5", "PFS2": "14.2.6", "OS": "14.2.7", "DOR": "14.2.4"}
# What a landmark rate estimates (SAP section 6): alive for OS, alive and free of progression for
# PFS and PFS2, still free of progression or death among responders for DOR.
LANDMARK_RATES = {
    "PFS": "progression-free rate",
    "PFS2": "progression-free rate",
    "OS": "survival rate",
    "DOR": "event-free rate",
}
# Median follow-up by reverse Kaplan-Meier says how long the study followed its subjects, which
# is their follow-up for survival: reported once, with OS. For PFS, PFS2 and DOR it would measure
# follow-up for that endpoint, which stops at progression, a different number per endpoint that
# reads as the study's follow-up and is not.
FOLLOWUP_PARAMCD = "OS"


def response_ard(
    adrs: pd.DataFrame,
    *,
    design: dict | None,
    conf_level: float,
    input_sha256: str,
    arms: dict | None = None,
) -> pd.DataFrame:
    """Best overall response counts, the confirmed ORR and DCR with exact CIs, and, for the
    arms the design applies to (``ard.is_design_group``), the one-sided exact p-values against
    p0 and the Simon design's stage-1 look and two-stage inference (14.2.1; SAP sections 1, 2
    and 6). Without a design the rates are descriptive."""
    frames = []
    for population, flag in POPULATIONS.items():
        subjects = adrs[(adrs[flag] == "Y") & (adrs["PARAMCD"] == "CBOR")]
        for group, data in ard.arm_groups(subjects, arms):
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
            for analysis, variable, categories, tlf, label in (
                ("ORR", "CRSP", RESPONSE, "14.2.1", "Objective response rate"),
                ("DCR", "DCR", DISEASE_CONTROL, "14.2.3", "Disease control rate"),
            ):
                frames.append(
                    rate_rows(
                        f"{analysis}-{population}",
                        variable,
                        int(data["AVALC"].isin(categories).sum()),
                        n,
                        p0=design["p0"] if ard.is_design_group(group, design) else None,
                        conf_level=conf_level,
                        label=label,
                        filter=f"{flag} = 'Y' and PARAMCD = 'CBOR' and AVALC in {categories}",
                        common=common | {"tlf_id": tlf},
                    )
                )
    cbor = adrs[(adrs["FASFL"] == "Y") & (adrs["PARAMCD"] == "CBOR")]
    frames += [
        simon_ard(data, group, design, conf_level, input_sha256)
        for group, data in ard.arm_groups(cbor, arms)
        if ard.is_design_group(group, design)
    ]
    return ard.combine(frames)


def rate_rows(
    analysis_id: str,
    variable: str,
    events: int,
    n: int,
    *,
    p0: float | None,
    conf_level: float,
    label: str,
    filter: str,
    common: dict,
) -> pd.DataFrame:
    """A proportion with its Clopper-Pearson CI as ARD rows, and its one-sided exact p-value
    against ``p0`` where the primary hypothesis applies (``p0`` not None)."""
    rate = response_rate(events, n, p0=p0, conf_level=conf_level)
    level = f"{100 * conf_level:g}%"
    stats = {
        "n": (rate["n"], "Subjects with the outcome"),
        "N": (rate["N"], "Subjects in population"),
        "estimate": (rate["estimate"], label),
        "lcl": (rate["lcl"], f"{level} CI lower limit"),
        "ucl": (rate["ucl"], f"{level} CI upper limit"),
    }
    method = f"Clopper-Pearson exact {level} CI"
    if p0 is not None:
        stats["p_value"] = (rate["p_value"], f"One-sided exact p-value, H0: p <= {p0:g}")
        method += f"; exact binomial test against p0 = {p0:g}"
    return ard.rows(
        analysis_id=analysis_id,
        variable=variable,
        stats=stats,
        filter=filter,
        method=method,
        **common,
    )


def hypothesis_decision(plan, stage: int, responders: int) -> int:
    """The decision of Simon's two-stage design (SAP sections 1 and 6): H0 is rejected (1) only
    when stage 1 continued and more than r of the n subjects responded; a trial stopped at
    stage 1 (at most r1 responders) does not reject it (0)."""
    return int(stage == 2 and responders > plan.r)


def simon_ard(
    cbor: pd.DataFrame, group: str, design: dict, conf_level: float, input_sha256: str
) -> pd.DataFrame:
    """The optimal Simon design computed from the SAP's p0, p1, alpha and power; the stage-1 look
    (confirmed responders among the first n1 treated, by first dose date); and, when the trial
    has the planned n, the Koyama & Chen (2008) two-stage inference."""
    plan = search_designs(design["p0"], design["p1"], design["alpha"], design["power"])["optimal"]
    ordered = cbor.sort_values(["TRTSDT", "USUBJID"], kind="stable")
    responder = ordered["AVALC"].isin(["CR", "PR"])
    stage1 = int(responder.iloc[: plan.n1].sum())
    stage = 2 if stage1 > plan.r1 else 1
    responses = int(responder.sum()) if stage == 2 else stage1
    level = f"{100 * conf_level:g}%"
    stats = {
        "r1": (plan.r1, "Stage 1: stop if responders <= r1"),
        "n1": (plan.n1, "Stage 1 sample size"),
        "r": (plan.r, "Reject H0 if responders > r"),
        "n": (plan.n, "Total sample size"),
        "en0": (plan.en0, "Expected sample size under H0"),
        "pet0": (plan.pet0, "Probability of early termination under H0"),
        "stage1_responders": (stage1, f"Confirmed responders among the first {plan.n1} treated"),
        "responders": (responses, "Responders used for the two-stage inference"),
    }
    planned = (stage == 2 and len(cbor) == plan.n) or (stage == 1 and len(cbor) >= plan.n1)
    stats["stage1_continue"] = (
        int(stage == 2),
        f"Stage 1 decision: continue to stage 2 (1) when more than r1 = {plan.r1} of the first "
        f"{plan.n1} responded, else stop (0)",
    )
    stats["reject_h0"] = (
        hypothesis_decision(plan, stage, responses) if planned else None,
        f"Primary hypothesis: H0 rejected (1) when more than r = {plan.r} of n = {plan.n} "
        "responded, else not rejected (0); missing when the trial lacks its planned size",
    )
    inference = (
        two_stage_inference(plan, stage, responses, design["p0"], conf_level) if planned else {}
    )
    for name, label in (
        ("p_value", f"Two-stage p-value (stagewise ordering), H0: p <= {design['p0']:g}"),
        ("estimate", "Median-unbiased estimate of the response rate"),
        ("lcl", f"Two-stage {level} CI lower limit"),
        ("ucl", f"Two-stage {level} CI upper limit"),
    ):
        stats[name] = (inference.get(name), label)
    return ard.rows(
        analysis_id="SIMON-FAS",
        tlf_id="14.2.1",
        population="FAS",
        group=group,
        variable="CRSP",
        stats=stats,
        source_dataset="ADRS",
        filter="FASFL = 'Y' and PARAMCD = 'CBOR'; stage 1 = first n1 by TRTSDT",
        method=(
            f"Simon (1989) optimal design for p0 = {design['p0']:g}, p1 = {design['p1']:g}, "
            f"alpha = {design['alpha']:g}, power = {design['power']:g}; inference by the "
            "stagewise ordering of Koyama & Chen (2008), only when the trial has the planned size"
        ),
        input_sha256=input_sha256,
    )


def km_ard(
    adtte: pd.DataFrame,
    *,
    paramcd: str,
    conf_level: float,
    landmarks_months: list[float],
    risk_step_months: float,
    convention: str,
    input_sha256: str,
    arms: dict | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier summary of one ADTTE parameter in months, per arm (SAP section 6), with
    its events by type and censored subjects by reason (SAP section 5, oncocsr.tte_outcomes);
    median follow-up by reverse Kaplan-Meier for overall survival only."""
    # Imported here: lifelines takes about 0.8 s to import, which the response rule never needs.
    from oncocsr.stats.km import km_summary

    data = adtte[(adtte["PARAMCD"] == paramcd) & (adtte["FASFL"] == "Y")]
    level = f"{100 * conf_level:g}%"
    # Categories of the whole parameter, so that every group lists the same ones.
    types, reasons = event_types(data), censoring_reasons(data)
    # One grid of numbers at risk for every arm, to the longest time of any: arms that end
    # earlier have 0 at risk after their end (figures and tables align on it).
    horizon = float(data["AVAL"].max() / DAYS_PER_MONTH) if len(data) else 0.0
    grid = np.arange(0, horizon + risk_step_months, risk_step_months)
    frames = []
    for group, subset in ard.arm_groups(data, arms):
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
        if paramcd == FOLLOWUP_PARAMCD:
            stats["followup_median"] = (
                summary["followup_median"],
                "Median follow-up (reverse KM, months)",
            )
        for landmark in summary["landmarks"]:
            t = f"{landmark['time']:g}"
            rate = f"{t}-month {LANDMARK_RATES[paramcd]}"
            stats[f"surv_{t}m"] = (landmark["surv"], rate[0].upper() + rate[1:])
            stats[f"surv_{t}m_lcl"] = (landmark["lcl"], f"{level} CI lower limit, {rate}")
            stats[f"surv_{t}m_ucl"] = (landmark["ucl"], f"{level} CI upper limit, {rate}")
        for t in grid:
            stats[f"n_risk_{t:g}m"] = (int((months >= t).sum()), f"Number at risk at {t:g} months")
        common = {
            "analysis_id": f"KM-{paramcd}",
            "tlf_id": TTE_TLF[paramcd],
            "population": "FAS",
            "group": group,
            "source_dataset": "ADTTE",
            "filter": f"FASFL = 'Y' and PARAMCD = '{paramcd}'",
            "input_sha256": input_sha256,
        }
        frames.append(
            ard.rows(
                variable="AVAL",
                stats=stats,
                method=(
                    f"Kaplan-Meier; quantile CIs by Brookmeyer-Crowley, log-log, {level}; "
                    f"{convention.upper()} conventions; time in months (days / {DAYS_PER_MONTH})"
                ),
                **common,
            )
        )
        frames += outcome_rows(subset, types, reasons, **common)
    return ard.combine(frames)
