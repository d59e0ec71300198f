"""Tables 14.2.1 to 14.2.3: response, subgroups and disease control, from the ARD rows of
oncocsr.endpoints and oncocsr.subgroups (the Kaplan-Meier tables are in survival.py)."""

from __future__ import annotations

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.recist import BOR_CATEGORIES
from oncocsr.tlf.tables.common import (
    NOT_APPLICABLE,
    POPULATION_NAMES,
    REFERENCE_DAY,
    TITLES,
    Table,
    columns_with_n,
    empty_table,
    fmt_ci,
    fmt_estimate_ci,
    fmt_n_pct,
    fmt_number,
    fmt_p,
    groups,
    level_label,
    not_collected_note,
    optional,
    spanning_columns,
)
from oncocsr.tlf.tables.hypothesis import decision_cell, primary_conclusion

BOR_LABELS = {
    "CR": "Complete response (CR)",
    "PR": "Partial response (PR)",
    "SD": "Stable disease (SD)",
    "NON-CR/NON-PD": "Non-CR/non-PD",
    "PD": "Progressive disease (PD)",
    "NE": "Not evaluable (NE)",
    "MISSING": "No assessment",
}


def _level(settings: dict) -> str:
    return f"{100 * settings['km']['conf_level']:g}%"


def _ci_cells(value, analysis: str, variable: str, names: list[str]) -> list[str]:
    return [
        fmt_ci(100 * value(analysis, g, variable, "lcl"), 100 * value(analysis, g, variable, "ucl"))
        for g in names
    ]


def _rate_rows(value, analysis, variable, names, totals, label, level, design, h0: str):
    """n (%), exact CI and, where the design applies, the one-sided p-value of a rate."""
    rows = [
        {
            "label": label,
            "cells": [fmt_n_pct(value(analysis, g, variable, "n"), totals[g]) for g in names],
        },
        {
            "label": f"{level} CI (Clopper-Pearson), %",
            "cells": _ci_cells(value, analysis, variable, names),
        },
    ]
    if design:
        p_label = f"One-sided exact p-value, H0: {h0} ≤ {100 * design['p0']:g}%"
        rows += _p_value_row(value, analysis, variable, names, p_label)
    return rows


def _p_value_row(value, analysis: str, variable: str, names: list[str], label: str):
    """The one-sided test against p0, for the arms the design applies to; other arms "–"."""
    values = [optional(value, analysis, g, variable, "p_value") for g in names]
    tested = [value.has(analysis, g, variable, "p_value") for g in names]
    if not any(tested):
        return []
    cells = [fmt_p(v) if t else NOT_APPLICABLE for v, t in zip(values, tested, strict=True)]
    return [{"label": label, "cells": cells}]


def _response_footnote(settings: dict) -> str:
    response = settings["response"]
    day1 = REFERENCE_DAY[settings["reference_start"]]
    return (
        f"Confirmed response per {response['criterion']} ({response['evaluator'].lower()}): CR "
        f"or PR confirmed by a later assessment at least {response['confirm_min_days']} days "
        f"apart; SD requires an assessment at least {response['sd_min_days']} days after "
        f"{day1}."
    )


def _design_footnotes(settings: dict, tested: bool) -> list[str]:
    design = settings.get("design")
    if not design:
        return [
            "No primary hypothesis is configured for this study (no design): response rates "
            "are descriptive, without a test against a null response rate."
        ]
    notes = []
    if tested:
        notes.append(
            "Simon two-stage optimal design computed from the SAP's p0, p1, one-sided alpha and "
            "power; stage 1 = the first n1 treated subjects by first dose date; two-stage "
            "p-value, median-unbiased estimate and exact CI by the stagewise ordering (Koyama & "
            "Chen, 2008), shown only when the trial has its planned size."
        )
    if design.get("arms"):
        notes.append(
            f"The design and the tests against p0 = {100 * design['p0']:g}% apply to "
            f"{', '.join(design['arms'])} only; {NOT_APPLICABLE}: not tested."
        )
    return notes


def _set_table(ard, value, tlf_id: str, analysis: str, variable: str, population: str):
    """The table of one analysis set, its groups and their N; a note (and no groups) when the
    set is empty."""
    names = groups(ard, analysis)
    name = POPULATION_NAMES[population]
    if not names:
        note = f"The {name.lower()} is empty: no subject to analyse."
        return empty_table(tlf_id, name, note), [], {}
    totals = {g: value(analysis, g, variable, "N") for g in names}
    table = Table(tlf_id, TITLES[tlf_id], name, columns_with_n(names, totals))
    return table, names, totals


def response_table(ard: pd.DataFrame, settings: dict) -> list[Table]:
    """Table 14.2.1, one table per analysis set (FAS, then efficacy-evaluable); the first
    concludes the primary hypothesis (SAP section 7: responders against r, the stage-1 decision,
    naive and design-adjusted inference side by side)."""
    value = ResultLookup(ard)
    design = settings.get("design")
    level = _level(settings)
    tables = []
    for population in ("FAS", "EFF"):
        analysis = f"BOR-{population}"
        table, names, totals = _set_table(ard, value, "14.2.1", analysis, "CBOR", population)
        tables.append(table)
        if not names:
            continue
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
            table.rows += _rate_rows(
                value, orr, "CRSP", names, totals, "n (%)", level, design, "ORR"
            )
        tested = population == "FAS" and any(value.has("SIMON-FAS", g, "CRSP", "n") for g in names)
        if tested:
            table.rows += simon_rows(value, names, level)
        if population == "FAS":
            table.footnotes += [
                f"{g}: {primary_conclusion(value, g, design, level)}"
                if len(names) > 1
                else primary_conclusion(value, g, design, level)
                for g in names
                if not design or value.has("SIMON-FAS", g, "CRSP", "n")
            ]
            table.footnotes += _design_footnotes(settings, tested)
        table.footnotes.append(_response_footnote(settings))
    return tables


def simon_rows(value, names: list[str], level: str = "95%") -> list[dict]:
    """Rows of table 14.2.1 for the Simon design, its stage-1 look and two-stage inference;
    "–" for the arms the design does not apply to."""

    def stat(g: str, name: str) -> float | None:
        return value("SIMON-FAS", g, "CRSP", name)

    def designed(function):
        return lambda g: function(g) if value.has("SIMON-FAS", g, "CRSP", "n") else NOT_APPLICABLE

    def plan(g: str) -> str:
        first = f"{stat(g, 'r1'):.0f}/{stat(g, 'n1'):.0f}"
        return f"r1/n1 = {first}; r/n = {stat(g, 'r'):.0f}/{stat(g, 'n'):.0f}"

    def look(g: str) -> str:
        decision = "continue" if stat(g, "stage1_continue") else "stop"
        return f"{stat(g, 'stage1_responders'):.0f} ({decision})"

    def estimate(g: str) -> str:
        scaled = [
            None if stat(g, k) is None else 100 * stat(g, k) for k in ("estimate", "lcl", "ucl")
        ]
        return fmt_estimate_ci(*scaled)

    def cells(function) -> list[str]:
        return [designed(function)(g) for g in names]

    return [
        {"label": "Simon two-stage design (optimal)", "cells": [], "heading": True},
        {"label": "Design", "cells": cells(plan)},
        {
            "label": "Stage 1: responders among the first n1 treated (decision)",
            "cells": cells(look),
        },
        {
            "label": "Primary hypothesis: responders against r (decision)",
            "cells": cells(lambda g: decision_cell(value, g)),
        },
        {
            "label": "Design-adjusted two-stage p-value (Koyama-Chen stagewise ordering)",
            "cells": cells(lambda g: fmt_p(stat(g, "p_value"))),
        },
        {
            "label": f"Design-adjusted median-unbiased ORR, % ({level} CI)",
            "cells": cells(estimate),
        },
    ]


def dcr_tables(ard: pd.DataFrame, settings: dict) -> list[Table]:
    """Table 14.2.3: disease control rate with exact CI and, for the design's arms, the
    p-value, one table per analysis set (analyses DCR-FAS and DCR-EFF)."""
    value = ResultLookup(ard)
    design = settings.get("design")
    level = _level(settings)
    tables = []
    for population in ("FAS", "EFF"):
        analysis = f"DCR-{population}"
        table, names, totals = _set_table(ard, value, "14.2.3", analysis, "DCR", population)
        tables.append(table)
        if not names:
            continue
        label = "Disease control (confirmed CR or PR, SD or non-CR/non-PD), n (%)"
        table.rows += _rate_rows(
            value, analysis, "DCR", names, totals, label, level, design, "rate"
        )
        table.footnotes.append(
            "Disease control: confirmed best overall response CR or PR, or SD or non-CR/non-PD "
            f"({settings['response']['criterion']}, with the minimum interval after day 1 of "
            "SAP section 4)."
        )
        if design:
            table.footnotes.append(
                "The p-value tests against the response rate under the null hypothesis of the "
                "primary endpoint (SAP section 6); it is descriptive for disease control."
            )
    return tables


def _level_order(levels: list[str], defined: list[str]) -> list[str]:
    """Subgroup levels: the defined ones in their order, others alphabetically."""
    return sorted(
        levels,
        key=lambda level: (defined.index(level) if level in defined else len(defined), level),
    )


def subgroup_levels(ard: pd.DataFrame, group: str, subgroup: dict) -> list[str]:
    """Levels of one subgroup (ARD analysis SUBGROUP) present in ``group``, in display order."""
    variable = subgroup["variable"]
    present = ard.loc[
        (ard["analysis_id"] == "SUBGROUP") & (ard["group"] == group), "variable"
    ].unique()
    levels = [name.split("=", 1)[1] for name in present if name.startswith(f"{variable}=")]
    return _level_order(levels, list(subgroup.get("levels", ())))


def subgroup_tables(ard: pd.DataFrame, settings: dict) -> list[Table]:
    """Table 14.2.2, one table per group (arm, or Total where pooled) when there are several,
    so that each keeps its three columns readable."""
    names = groups(ard, "SUBGROUP")
    if len(names) <= 1:
        return [subgroup_table(ard, settings)]
    return [subgroup_table(ard, settings, [name]) for name in names]


def subgroup_table(ard: pd.DataFrame, settings: dict, names: list[str] | None = None) -> Table:
    """Table 14.2.2: confirmed ORR with exact CI and median PFS by the study's subgroups
    (``subgroups``; analysis SUBGROUP, full analysis set), for the groups ``names`` (all by
    default)."""
    value = ResultLookup(ard)
    analysis = "SUBGROUP"
    several = names is not None and len(groups(ard, analysis)) > 1
    names = names or groups(ard, analysis)
    if not names:
        return empty_table("14.2.2", POPULATION_NAMES["FAS"], "No subgroup has subjects.")
    level = _level(settings)
    # Each group's three columns under its name and full analysis set N.
    columns, spans = spanning_columns(
        names,
        {g: optional(value, "ORR-FAS", g, "CRSP", "N") for g in names},
        ["Responders / N (%)", f"ORR {level} CI, %", f"Median PFS, months ({level} CI)"],
    )
    table = Table(
        tlf_id="14.2.2",
        title=TITLES["14.2.2"],
        population=f"{POPULATION_NAMES['FAS']}, {names[0]}" if several else POPULATION_NAMES["FAS"],
        columns=columns,
        spans=spans,
    )
    subset = ard[ard["analysis_id"] == analysis]
    by_group = {g: set(subset.loc[subset["group"] == g, "variable"]) for g in names}

    def cells(variable: str) -> list[str]:
        out = []
        for g in names:
            if variable not in by_group[g]:
                # Nobody of this arm is in the subgroup.
                out += ["0 / 0", "NE", "NE"]
                continue
            n, total = value(analysis, g, variable, "n"), value(analysis, g, variable, "N")
            lcl, ucl = (value(analysis, g, variable, s) for s in ("orr_lcl", "orr_ucl"))
            median = [
                optional(value, analysis, g, variable, s)
                for s in ("pfs_median", "pfs_median_lcl", "pfs_median_ucl")
            ]
            out += [
                f"{int(n)} / {int(total)} ({fmt_number(100 * n / total)})",
                fmt_ci(100 * lcl, 100 * ucl),
                fmt_estimate_ci(*median),
            ]
        return out

    missing = []
    for subgroup in settings["subgroups"]:
        variable, label = subgroup["variable"], subgroup["label"]
        seen = sorted({lv for g in names for lv in subgroup_levels(ard, g, subgroup)})
        if not seen:
            if not value.collected(variable):
                missing.append(not_collected_note(value, variable, label))
            continue
        table.rows.append({"label": label, "cells": [], "heading": True})
        table.rows += [
            {"label": level_label(variable, lv), "cells": cells(f"{variable}={lv}")}
            for lv in _level_order(seen, list(subgroup.get("levels", ())))
        ]
    table.footnotes.append(
        f"ORR: confirmed complete or partial response ({settings['response']['criterion']}), "
        f"exact Clopper-Pearson {level} CI. PFS: Kaplan-Meier median with Brookmeyer-Crowley "
        f"{level} CI (log-log); NE: not estimable."
    )
    table.footnotes += missing
    return table
