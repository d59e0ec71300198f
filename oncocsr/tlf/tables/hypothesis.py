"""The primary hypothesis concluded in words (SAP sections 6 and 7): responders against the
Simon design's r, the stage-1 decision, and the naive exact and design-adjusted inference side by
side. Table 14.2.1, the synopsis and sections 11 and 13 of the CSR all say it with these
sentences, which only read ARD rows (the decision is the ARD's ``reject_h0``, never a comparison
made here)."""

from __future__ import annotations

from oncocsr.ard import ResultLookup
from oncocsr.tlf.tables.common import fmt_ci_text, fmt_p

NO_TEST = (
    "No primary hypothesis test is configured for this study (no design): response rates are "
    "descriptive."
)


def _count(value: float | None) -> str:
    return "NE" if value is None else f"{value:.0f}"


def stage1_decision(value: ResultLookup, group: str) -> str:
    """The stage-1 look of the Simon design as a sentence (SAP section 6), e.g. "Stage 1: 3 of
    the first 18 treated subjects responded, more than r1 = 2: continued to stage 2."."""

    def stat(name: str):
        return value("SIMON-FAS", group, "CRSP", name)

    looked = f"Stage 1: {_count(stat('stage1_responders'))} of the first {_count(stat('n1'))}"
    if stat("stage1_continue"):
        return (
            f"{looked} treated subjects responded, more than r1 = {_count(stat('r1'))}: "
            "continued to stage 2."
        )
    return (
        f"{looked} treated subjects responded, not more than r1 = {_count(stat('r1'))}: "
        "stopped for futility after stage 1."
    )


def hypothesis_decision_text(value: ResultLookup, group: str, p0: float) -> str:
    """Responders against r and the decision of the ARD's ``reject_h0`` row (SAP section 6),
    e.g. "9 of 43 responded; more than r = 7 needed: H0 (ORR ≤ 10%) rejected."."""

    def stat(name: str):
        return value("SIMON-FAS", group, "CRSP", name)

    h0 = f"H0 (ORR ≤ {100 * p0:g}%)"
    decision = stat("reject_h0")
    if not stat("stage1_continue"):
        if decision == 0:
            return f"The trial stopped at stage 1: {h0} not rejected."
        return (
            f"The trial does not have its planned stage-1 size, so the design's rule does not "
            f"decide {h0}."
        )
    total = value("ORR-FAS", group, "CRSP", "N")
    counted = f"{_count(stat('responders'))} of {_count(total)} responded"
    if decision is None:
        return (
            f"{counted}; the trial does not have its planned size n = {_count(stat('n'))}, so "
            f"the design's rule (more than r = {_count(stat('r'))}) does not decide {h0}."
        )
    verdict = "rejected" if decision else "not rejected"
    return f"{counted}; more than r = {_count(stat('r'))} needed: {h0} {verdict}."


def inference_text(value: ResultLookup, group: str, level: str) -> str:
    """The naive exact inference (one-sided binomial p, Clopper-Pearson CI) next to the
    design-adjusted one (Koyama & Chen stagewise ordering) of SAP section 6."""

    def rate(analysis: str) -> str:
        estimate, lcl, ucl = (
            None if (v := value(analysis, group, "CRSP", k)) is None else 100 * v
            for k in ("estimate", "lcl", "ucl")
        )
        return fmt_ci_text(estimate, lcl, ucl, level, "%")

    return (
        f"Naive exact inference: ORR {rate('ORR-FAS')}, one-sided p = "
        f"{fmt_p(value('ORR-FAS', group, 'CRSP', 'p_value'))}; design-adjusted inference "
        f"(Koyama-Chen stagewise ordering): median-unbiased ORR {rate('SIMON-FAS')}, p = "
        f"{fmt_p(value('SIMON-FAS', group, 'CRSP', 'p_value'))}."
    )


def primary_conclusion(value: ResultLookup, group: str, design: dict | None, level: str) -> str:
    """The primary hypothesis concluded for one group (SAP section 7): the stage-1 decision,
    responders against r with H0 rejected or not, and both inferences; "no hypothesis test"
    without a design, and a note for an arm the design does not name."""
    if not design:
        return NO_TEST
    if not value.has("SIMON-FAS", group, "CRSP", "n"):
        return "The primary hypothesis test does not apply to this group (not a design arm)."
    return " ".join(
        [
            stage1_decision(value, group),
            hypothesis_decision_text(value, group, design["p0"]),
            inference_text(value, group, level),
        ]
    )


def decision_cell(value: ResultLookup, group: str) -> str:
    """The decision in a table cell, e.g. "9 > r = 7: H0 rejected"."""

    def stat(name: str):
        return value("SIMON-FAS", group, "CRSP", name)

    decision = stat("reject_h0")
    if not stat("stage1_continue"):
        return "Stopped at stage 1: H0 not rejected" if decision == 0 else "NE"
    if decision is None:
        return "NE (not the planned size)"
    sign = ">" if decision else "≤"
    verdict = "H0 rejected" if decision else "H0 not rejected"
    return f"{_count(stat('responders'))} {sign} r = {_count(stat('r'))}: {verdict}"
