"""Section 14 tables rendered from ARD rows only (DESIGN.md, ARD: tables never recompute).

A table is a plain model (title, column headers, rows of cells, footnotes) that the Jinja2
template ``reports/table.html.j2`` renders; formatting of numbers lives here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.endpoints import BOR_CATEGORIES

TITLES = {
    "14.2.1": "Best overall response and objective response rate",
    "14.2.5": "Progression-free survival: Kaplan-Meier summary",
    "14.2.6": "Progression-free survival (radiological progression or death): Kaplan-Meier summary",
    "14.2.7": "Overall survival: Kaplan-Meier summary",
}
BOR_LABELS = {
    "CR": "Complete response (CR)",
    "PR": "Partial response (PR)",
    "SD": "Stable disease (SD)",
    "NON-CR/NON-PD": "Non-CR/non-PD",
    "PD": "Progressive disease (PD)",
    "NE": "Not evaluable (NE)",
    "MISSING": "No assessment",
}
POPULATION_NAMES = {"FAS": "Full analysis set", "EFF": "Efficacy-evaluable set"}


@dataclass
class Table:
    tlf_id: str
    title: str
    population: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def fmt_number(value: float | None, digits: int = 1) -> str:
    return "NE" if value is None else f"{value:.{digits}f}"


def fmt_n_pct(n: float | None, total: float | None) -> str:
    if n is None or not total:
        return "0"
    return f"{int(n)} ({100 * n / total:.1f})"


def fmt_estimate_ci(
    estimate: float | None, lcl: float | None, ucl: float | None, digits: int = 1
) -> str:
    """Estimate with its interval; an unreachable limit prints as NE (not estimable)."""
    return f"{fmt_number(estimate, digits)} ({fmt_number(lcl, digits)}, {fmt_number(ucl, digits)})"


def fmt_p(value: float | None) -> str:
    if value is None:
        return "NE"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def groups(ard: pd.DataFrame, analysis_id: str) -> list[str]:
    """Groups of an analysis in display order: arms, then Total."""
    names = sorted(ard.loc[ard["analysis_id"] == analysis_id, "group"].unique())
    return sorted(names, key=lambda name: (name == "Total", name))


def response_table(ard: pd.DataFrame, p0: float) -> list[Table]:
    """Table 14.2.1, one table per analysis set (FAS, then efficacy-evaluable)."""
    value = ResultLookup(ard)
    tables = []
    for population in ("FAS", "EFF"):
        analysis = f"BOR-{population}"
        names = groups(ard, analysis)
        totals = {g: value(analysis, g, "CBOR", "N") for g in names}
        table = Table(
            tlf_id="14.2.1",
            title=TITLES["14.2.1"],
            population=f"{POPULATION_NAMES[population]}",
            columns=[f"{g} (N={int(totals[g])})" for g in names],
        )
        table.rows.append(
            {"label": "Best overall response (confirmed), n (%)", "cells": [], "heading": True}
        )
        for category in BOR_CATEGORIES:
            counts = [value(analysis, g, "CBOR", f"n_{category}") for g in names]
            if category == "NON-CR/NON-PD" and not any(counts):
                continue
            table.rows.append(
                {
                    "label": BOR_LABELS[category],
                    "cells": [fmt_n_pct(n, totals[g]) for n, g in zip(counts, names, strict=True)],
                }
            )
        orr = f"ORR-{population}"
        if all(totals.values()):
            table.rows.append(
                {"label": "Objective response (confirmed CR or PR)", "cells": [], "heading": True}
            )
            table.rows.append(
                {
                    "label": "n (%)",
                    "cells": [fmt_n_pct(value(orr, g, "CRSP", "n"), totals[g]) for g in names],
                }
            )
            table.rows.append(
                {
                    "label": "95% CI (Clopper-Pearson), %",
                    "cells": [
                        f"{100 * value(orr, g, 'CRSP', 'lcl'):.1f}, "
                        f"{100 * value(orr, g, 'CRSP', 'ucl'):.1f}"
                        for g in names
                    ],
                }
            )
            table.rows.append(
                {
                    "label": f"One-sided exact p-value, H0: ORR ≤ {100 * p0:g}%",
                    "cells": [fmt_p(value(orr, g, "CRSP", "p_value")) for g in names],
                }
            )
        if population == "FAS":
            table.rows += simon_rows(value, names)
            table.footnotes.append(
                "Simon two-stage optimal design computed from the SAP's p0, p1, one-sided alpha "
                "and power; stage 1 = the first n1 treated subjects by first dose date; two-stage "
                "p-value, median-unbiased estimate and exact CI by the stagewise ordering "
                "(Koyama & Chen, 2008), shown only when the trial has its planned size."
            )
        table.footnotes.append(
            "Confirmed response per RECIST 1.1: CR or PR confirmed by a later assessment at least "
            "28 days apart; SD requires an assessment at least 42 days after first dose."
        )
        tables.append(table)
    return tables


def simon_rows(value, names: list[str]) -> list[dict]:
    """Rows of table 14.2.1 for the Simon design, its stage-1 look and two-stage inference."""

    def stat(g: str, name: str) -> float | None:
        return value("SIMON-FAS", g, "CRSP", name)

    def plan(g: str) -> str:
        first = f"{stat(g, 'r1'):.0f}/{stat(g, 'n1'):.0f}"
        return f"r1/n1 = {first}; r/n = {stat(g, 'r'):.0f}/{stat(g, 'n'):.0f}"

    def look(g: str) -> str:
        decision = "continue" if stat(g, "continue") else "stop"
        return f"{stat(g, 'stage1_responders'):.0f} ({decision})"

    def estimate(g: str) -> str:
        scaled = [
            None if stat(g, k) is None else 100 * stat(g, k) for k in ("estimate", "lcl", "ucl")
        ]
        return fmt_estimate_ci(*scaled)

    return [
        {"label": "Simon two-stage design (optimal)", "cells": [], "heading": True},
        {"label": "Design", "cells": [plan(g) for g in names]},
        {
            "label": "Stage 1: responders among the first n1 treated (decision)",
            "cells": [look(g) for g in names],
        },
        {
            "label": "Two-stage p-value (stagewise ordering)",
            "cells": [fmt_p(stat(g, "p_value")) for g in names],
        },
        {"label": "Median-unbiased ORR, % (95% CI)", "cells": [estimate(g) for g in names]},
    ]


def km_table(ard: pd.DataFrame, paramcd: str, tlf_id: str, landmarks: list[float]) -> Table:
    """Kaplan-Meier summary (tables 14.2.5, 14.2.6, 14.2.7); times in months."""
    value = ResultLookup(ard)
    analysis = f"KM-{paramcd}"
    names = groups(ard, analysis)
    totals = {g: value(analysis, g, "AVAL", "N") for g in names}
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES["FAS"],
        columns=[f"{g} (N={int(totals[g])})" for g in names],
    )

    def cells(function) -> list[str]:
        return [function(g) for g in names]

    table.rows += [
        {
            "label": "Events, n (%)",
            "cells": cells(lambda g: fmt_n_pct(value(analysis, g, "AVAL", "events"), totals[g])),
        },
        {
            "label": "Censored, n (%)",
            "cells": cells(lambda g: fmt_n_pct(value(analysis, g, "AVAL", "censored"), totals[g])),
        },
        {"label": "Time to event (months)", "cells": [], "heading": True},
    ]
    for stat, label in (
        ("median", "Median (95% CI)"),
        ("q25", "25th percentile (95% CI)"),
        ("q75", "75th percentile (95% CI)"),
    ):
        table.rows.append(
            {
                "label": label,
                "cells": cells(
                    lambda g, s=stat: fmt_estimate_ci(
                        value(analysis, g, "AVAL", s),
                        value(analysis, g, "AVAL", f"{s}_lcl"),
                        value(analysis, g, "AVAL", f"{s}_ucl"),
                    )
                ),
            }
        )
    table.rows.append({"label": "Event-free rate, % (95% CI)", "cells": [], "heading": True})
    for landmark in landmarks:
        t = f"{landmark:g}"

        def rate(g, t=t):
            surv = value(analysis, g, "AVAL", f"surv_{t}m")
            lcl = value(analysis, g, "AVAL", f"surv_{t}m_lcl")
            ucl = value(analysis, g, "AVAL", f"surv_{t}m_ucl")
            scale = [None if v is None else 100 * v for v in (surv, lcl, ucl)]
            return fmt_estimate_ci(*scale)

        table.rows.append({"label": f"At {t} months", "cells": cells(rate)})
    table.rows.append(
        {
            "label": "Median follow-up, months (reverse Kaplan-Meier)",
            "cells": cells(lambda g: fmt_number(value(analysis, g, "AVAL", "followup_median"))),
        }
    )
    table.footnotes.append(
        "Kaplan-Meier estimates; confidence intervals for quantiles by Brookmeyer-Crowley on the "
        "log-log scale, for rates by the log-log transformation; NE: not estimable."
    )
    return table
