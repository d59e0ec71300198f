"""Section 14 tables rendered from ARD rows only (DESIGN.md, ARD: tables never recompute).

A table is a plain model (title, column headers, rows of cells, footnotes) that the Jinja2
template ``reports/table.html.j2`` renders; formatting of numbers lives here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from oncocsr.ard import TOTAL, ResultLookup
from oncocsr.baseline import ANALYSIS_SETS, DEMOGRAPHICS, PRIOR_THERAPY
from oncocsr.recist import BOR_CATEGORIES
from oncocsr.safety import OVERVIEW, SPECIAL_INTEREST
from oncocsr.subgroups import SUBGROUPS

# Every TLF id of SAP section 7: tables, figures and listings.
TITLES = {
    "14.1.1": "Subject disposition",
    "14.1.2": "Analysis sets",
    "14.1.3": "Demographics and baseline characteristics",
    "14.1.4": "Prior anticancer therapy",
    "14.2.1": "Best overall response and objective response rate",
    "14.2.2": "Objective response rate and median progression-free survival by subgroup",
    "14.2.3": "Disease control rate",
    "14.2.4": "Duration of response: Kaplan-Meier summary",
    "14.2.5": "Progression-free survival: Kaplan-Meier summary",
    "14.2.6": "Progression-free survival (radiological progression or death): Kaplan-Meier summary",
    "14.2.7": "Overall survival: Kaplan-Meier summary",
    "14.2.8": "Waterfall, spider and swimmer plots of tumour response",
    "14.3.1": "Extent of exposure",
    "14.3.2": "Overview of treatment-emergent adverse events",
    "14.3.3": "Treatment-emergent adverse events by system organ class and preferred term, "
    "any grade and grade 3 or higher",
    "14.3.4": "Serious adverse events, adverse events leading to discontinuation, and deaths",
    "14.3.5": "Adverse events of special interest",
    "16.2.1": "Tumour response by visit",
    "16.2.2": "Adverse events",
    "16.2.3": "Deaths",
    "16.2.4": "Data issues found by the data checks",
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
POPULATION_NAMES = {
    "FAS": "Full analysis set",
    "EFF": "Efficacy-evaluable set",
    "ENR": "Enrolled set",
    "SAF": "Safety set",
}


@dataclass
class Table:
    tlf_id: str
    title: str
    population: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def fmt_number(value: float | None, digits: int = 1) -> str:
    """A number rounded half away from zero at its shortest decimal form, as SAS ROUND and
    PUT do (5.25 -> 5.3, where Python's binary formatting gives 5.2); NE when missing."""
    if value is None:
        return "NE"
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return f"{rounded + 0:.{digits}f}"


def fmt_n_pct(n: float | None, total: float | None) -> str:
    if n is None or not total:
        return "0"
    return f"{int(n)} ({fmt_number(100 * n / total)})"


def fmt_estimate_ci(
    estimate: float | None, lcl: float | None, ucl: float | None, digits: int = 1
) -> str:
    """Estimate with its interval; an unreachable limit prints as NE (not estimable)."""
    return f"{fmt_number(estimate, digits)} ({fmt_number(lcl, digits)}, {fmt_number(ucl, digits)})"


def fmt_p(value: float | None) -> str:
    if value is None:
        return "NE"
    return "<0.001" if value < 0.001 else fmt_number(value, 3)


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
                        f"{fmt_number(100 * value(orr, g, 'CRSP', 'lcl'))}, "
                        f"{fmt_number(100 * value(orr, g, 'CRSP', 'ucl'))}"
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


# Display of ADSL levels: codes spelled out, comparison signs typeset.
LEVEL_LABELS = {"Y": "Yes", "N": "No"}
SEX_LABELS = {"F": "Female", "M": "Male", "U": "Unknown"}
STATUS_LABELS = {
    "ONGOING": "Ongoing at the data cutoff",
    "COMPLETED": "Completed",
    "DISCONTINUED": "Discontinued",
}
# Exposure parameters: label and the decimals of the data (summaries show one more).
EXPOSURE_DISPLAY = {
    "NCYCLE": ("Number of cycles started", 0),
    "DURD": ("Duration of exposure (days)", 0),
    "CUMDOSE": ("Cumulative dose (mg/m²)", 0),
    "DOSEINT": ("Dose intensity (mg/m²/week)", 1),
    "RDI": ("Relative dose intensity (%)", 1),
    "NREDUCE": ("Number of dose reductions", 0),
    "NDELAY": ("Number of dose delays", 0),
}
EXPOSURE_ANY = {"NREDUCE": "At least one dose reduction", "NDELAY": "At least one dose delay"}
# Table 14.3.4 sections: heading, the TEAE-OVERVIEW variable of its "any" row and that row's
# label, the SOC/PT analysis prefix.
SERIOUS_SECTIONS = [
    ("Serious TEAEs", "SERIOUS", "Any serious TEAE", "TEAE-SER"),
    (
        "TEAEs leading to treatment discontinuation",
        "DISCONTINUED",
        "Any TEAE leading to treatment discontinuation",
        "TEAE-DISC",
    ),
    ("Deaths", "FATAL", "TEAE with fatal outcome", "TEAE-FATAL"),
]
SAFETY_FOOTNOTE = (
    "TEAE: treatment-emergent adverse event, starting on or after the first dose and within the "
    "SAP's window after the last dose (SAP section 6). Subjects are counted once per row; "
    "percentages are of the safety set in each column. MedDRA coding; CTCAE v5.0 grades."
)


def level_label(variable: str, level: str) -> str:
    """How an ADSL level reads in a table (e.g. "Y" -> "Yes", ">=50" -> "≥50")."""
    if variable == "SEX":
        return SEX_LABELS.get(level, level)
    return LEVEL_LABELS.get(level, level).replace(">=", "≥").replace("<=", "≤")


def sentence_case(text: str) -> str:
    """Controlled terms such as "LOST TO FOLLOW-UP" as "Lost to follow-up"."""
    return text[:1] + text[1:].lower() if text.isupper() else text


def fmt_continuous_rows(value, analysis: str, variable: str, names: list[str], digits: int):
    """n, mean (SD), median and min–max of one variable; ``digits`` are the decimals of the
    data: mean, SD and median show one more, minimum and maximum as many."""

    def stat(g: str, name: str) -> float | None:
        return value(analysis, g, variable, name)

    return [
        {"label": "n", "cells": [f"{stat(g, 'n'):.0f}" for g in names]},
        {
            "label": "Mean (SD)",
            "cells": [
                f"{fmt_number(stat(g, 'mean'), digits + 1)} "
                f"({fmt_number(stat(g, 'sd'), digits + 1)})"
                for g in names
            ],
        },
        {"label": "Median", "cells": [fmt_number(stat(g, "median"), digits + 1) for g in names]},
        {
            "label": "Min–max",
            "cells": [
                f"{fmt_number(stat(g, 'min'), digits)}–{fmt_number(stat(g, 'max'), digits)}"
                for g in names
            ],
        },
    ]


def _optional(value, analysis: str, group: str, variable: str, stat: str) -> float | None:
    """A statistic that may have no ARD row, e.g. the PFS median of a subgroup without PFS."""
    try:
        return value(analysis, group, variable, stat)
    except KeyError:
        return None


def _reference_group(names: list[str]) -> str:
    """The group whose display order a table follows: Total, or the only arm."""
    return TOTAL if TOTAL in names else names[0]


def _ordered(ard: pd.DataFrame, analysis: str, group: str, prefix: str = "") -> list[str]:
    """Variables of an analysis by their ARD display order (stat "order") in ``group``."""
    rows = ard[
        (ard["analysis_id"] == analysis)
        & (ard["group"] == group)
        & (ard["stat_name"] == "order")
        & ard["variable"].str.startswith(prefix)
    ]
    return rows.sort_values(["stat_value", "variable"], kind="stable")["variable"].tolist()


def _header(value, analysis: str, variable: str, names: list[str]) -> dict[str, float]:
    return {g: value(analysis, g, variable, "N") for g in names}


def _columns(names: list[str], totals: dict[str, float]) -> list[str]:
    return [f"{g} (N={int(totals[g])})" for g in names]


def _adsl_table(
    ard: pd.DataFrame, tlf_id: str, analysis: str, flag: str, population: str
) -> tuple[ResultLookup, list[str], Table]:
    """The lookup, groups and empty table of a subject-level (ADSL) table, whose column headers
    give the N of the analysis set ``flag``."""
    value = ResultLookup(ard)
    names = groups(ard, analysis)
    totals = _header(value, analysis, flag, names)
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES[population],
        columns=_columns(names, totals),
    )
    return value, names, table


def _count_cells(value, analysis: str, variable: str, names: list[str]) -> list[str]:
    return [
        fmt_n_pct(value(analysis, g, variable, "n"), value(analysis, g, variable, "N"))
        for g in names
    ]


def _levels(ard: pd.DataFrame, analysis: str, variable: str, names: list[str]) -> list[str]:
    """Levels of an ADSL variable (ARD variables "<variable>=<level>"), in display order."""
    ordered = _ordered(ard, analysis, _reference_group(names), f"{variable}=")
    return [name.split("=", 1)[1] for name in ordered]


def _levels_rows(
    ard, value, analysis: str, variable: str, names: list[str], label=None, **row
) -> list[dict]:
    """n (%) of each level of an ADSL variable, in the ARD display order of its levels."""
    label = label or (lambda level: level_label(variable, level))
    return [
        {
            "label": label(level),
            "cells": _count_cells(value, analysis, f"{variable}={level}", names),
            **row,
        }
        for level in _levels(ard, analysis, variable, names)
    ]


def disposition_table(ard: pd.DataFrame) -> Table:
    """Table 14.1.1: subject disposition (enrolled set; analysis DISPOSITION)."""
    analysis = "DISPOSITION"
    value, names, table = _adsl_table(ard, "14.1.1", analysis, "ENRLFL", "ENR")
    table.rows += [
        {"label": "Enrolled", "cells": _count_cells(value, analysis, "ENRLFL=Y", names)},
        {
            "label": "Treated (at least one dose)",
            "cells": _count_cells(value, analysis, "SAFFL=Y", names),
        },
        {"label": "Not treated", "cells": _count_cells(value, analysis, "SAFFL=N", names)},
    ]
    for heading, status, reason in (
        ("Study treatment (treated subjects)", "EOTSTT", "DCTREAS"),
        ("Study", "EOSSTT", "DCSREAS"),
    ):
        table.rows.append({"label": heading, "cells": [], "heading": True})
        for level in _levels(ard, analysis, status, names):
            table.rows.append(
                {
                    "label": STATUS_LABELS.get(level, level_label(status, level)),
                    "cells": _count_cells(value, analysis, f"{status}={level}", names),
                }
            )
            if level == "DISCONTINUED":
                # Reasons right under "Discontinued", most frequent first.
                table.rows += _levels_rows(
                    ard, value, analysis, reason, names, label=sentence_case, indent=True
                )
    table.rows.append({"label": "Died", "cells": _count_cells(value, analysis, "DTHFL=Y", names)})
    table.footnotes.append(
        "Percentages are of the enrolled subjects in each column; columns are actual treatment "
        "(ACTARM). Status at the data cutoff; treatment status is given for treated subjects only."
    )
    return table


def analysis_sets_table(ard: pd.DataFrame) -> Table:
    """Table 14.1.2: subjects in each analysis set, n (% of enrolled) (analysis ANALYSIS-SETS)."""
    analysis = "ANALYSIS-SETS"
    value, names, table = _adsl_table(ard, "14.1.2", analysis, "ENRLFL", "ENR")
    table.rows += [
        {"label": label, "cells": _count_cells(value, analysis, f"{flag}=Y", names)}
        for flag, label in ANALYSIS_SETS.items()
    ]
    table.footnotes += [
        "Enrolled: informed consent and not a screen failure. Safety set: at least one dose. Full "
        "analysis set: enrolled and at least one dose. Efficacy-evaluable set: full analysis set "
        "with measurable disease at baseline and a post-baseline tumour assessment, or "
        "progression or death before the first assessment (SAP section 2).",
        "Percentages are of the enrolled subjects in each column.",
    ]
    return table


def _characteristics_table(
    ard: pd.DataFrame, tlf_id: str, analysis: str, continuous: tuple[str, str], categorical
) -> Table:
    """A full-analysis-set table of one continuous variable then categorical ones."""
    value, names, table = _adsl_table(ard, tlf_id, analysis, "FASFL", "FAS")
    present = set(ard.loc[ard["analysis_id"] == analysis, "variable"])
    variable, label = continuous
    if variable in present:
        table.rows.append({"label": label, "cells": [], "heading": True})
        # Ages and counts of regimens are whole numbers.
        table.rows += fmt_continuous_rows(value, analysis, variable, names, digits=0)
    for variable, label in categorical:
        rows = _levels_rows(ard, value, analysis, variable, names)
        if rows:
            table.rows += [{"label": f"{label}, n (%)", "cells": [], "heading": True}, *rows]
    table.footnotes.append("Percentages are of the full analysis set in each column.")
    return table


def demographics_table(ard: pd.DataFrame) -> Table:
    """Table 14.1.3 (analysis DEMOGRAPHICS, full analysis set)."""
    return _characteristics_table(
        ard,
        "14.1.3",
        "DEMOGRAPHICS",
        ("AGE", "Age (years)"),
        [(variable, label) for variable, (label, _) in DEMOGRAPHICS.items()],
    )


def prior_therapy_table(ard: pd.DataFrame) -> Table:
    """Table 14.1.4 (analysis PRIOR-THERAPY, full analysis set): number of prior regimens as
    descriptive statistics and by count, and its group."""
    table = _characteristics_table(
        ard,
        "14.1.4",
        "PRIOR-THERAPY",
        ("NPRREG", PRIOR_THERAPY["NPRREG"][0]),
        [(variable, label) for variable, (label, _) in PRIOR_THERAPY.items()],
    )
    table.footnotes.insert(
        0, "A regimen is a group of prior anticancer therapies (CM, CMGRPID) before the study."
    )
    return table


def subgroup_table(ard: pd.DataFrame) -> Table:
    """Table 14.2.2: confirmed ORR with exact CI and median PFS by the subgroups of SAP section
    6 (analysis SUBGROUP, full analysis set)."""
    value = ResultLookup(ard)
    analysis = "SUBGROUP"
    names = groups(ard, analysis)
    table = Table(
        tlf_id="14.2.2",
        title=TITLES["14.2.2"],
        population=POPULATION_NAMES["FAS"],
        columns=[
            column
            for g in names
            for column in (
                f"{g}: responders / N (%)",
                f"{g}: ORR 95% CI, %",
                f"{g}: median PFS, months (95% CI)",
            )
        ],
    )
    subset = ard[ard["analysis_id"] == analysis]
    by_group = {g: set(subset.loc[subset["group"] == g, "variable"]) for g in names}
    defined = {name: levels for name, (_, levels) in (DEMOGRAPHICS | PRIOR_THERAPY).items()}

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
                _optional(value, analysis, g, variable, s)
                for s in ("pfs_median", "pfs_median_lcl", "pfs_median_ucl")
            ]
            out += [
                f"{int(n)} / {int(total)} ({fmt_number(100 * n / total)})",
                f"{fmt_number(100 * lcl)}, {fmt_number(100 * ucl)}",
                fmt_estimate_ci(*median),
            ]
        return out

    for variable, label in SUBGROUPS.items():
        seen = [
            name.split("=", 1)[1]
            for name in subset["variable"].unique()
            if name.startswith(f"{variable}=")
        ]
        if not seen:
            continue
        # Defined levels in their order (SAP section 6), others after them alphabetically.
        order = defined.get(variable, ())
        seen.sort(key=lambda level: (order.index(level) if level in order else len(order), level))
        table.rows.append({"label": label, "cells": [], "heading": True})
        table.rows += [
            {"label": level_label(variable, level), "cells": cells(f"{variable}={level}")}
            for level in seen
        ]
    table.footnotes.append(
        "ORR: confirmed complete or partial response (RECIST 1.1), exact Clopper-Pearson 95% CI. "
        "PFS: Kaplan-Meier median with Brookmeyer-Crowley 95% CI (log-log); NE: not estimable."
    )
    return table


def dcr_tables(ard: pd.DataFrame, p0: float) -> list[Table]:
    """Table 14.2.3: disease control rate with exact CI and p-value, one table per analysis set
    (analyses DCR-FAS and DCR-EFF)."""
    value = ResultLookup(ard)
    tables = []
    for population in ("FAS", "EFF"):
        analysis = f"DCR-{population}"
        names = groups(ard, analysis)
        if not names:
            continue
        totals = {g: value(analysis, g, "DCR", "N") for g in names}
        table = Table(
            tlf_id="14.2.3",
            title=TITLES["14.2.3"],
            population=POPULATION_NAMES[population],
            columns=_columns(names, totals),
        )
        table.rows += [
            {
                "label": "Disease control (confirmed CR or PR, SD or non-CR/non-PD), n (%)",
                "cells": [fmt_n_pct(value(analysis, g, "DCR", "n"), totals[g]) for g in names],
            },
            {
                "label": "95% CI (Clopper-Pearson), %",
                "cells": [
                    f"{fmt_number(100 * value(analysis, g, 'DCR', 'lcl'))}, "
                    f"{fmt_number(100 * value(analysis, g, 'DCR', 'ucl'))}"
                    for g in names
                ],
            },
            {
                "label": f"One-sided exact p-value, H0: rate ≤ {100 * p0:g}%",
                "cells": [fmt_p(value(analysis, g, "DCR", "p_value")) for g in names],
            },
        ]
        table.footnotes += [
            "Disease control: confirmed best overall response CR or PR, or SD or non-CR/non-PD "
            "(RECIST 1.1, with the minimum interval after the first dose of SAP section 4).",
            "The p-value tests against the response rate under the null hypothesis of the "
            "primary endpoint (SAP section 6); it is descriptive for disease control.",
        ]
        tables.append(table)
    return tables


def dor_table(ard: pd.DataFrame, landmarks: list[float]) -> Table:
    """Table 14.2.4: Kaplan-Meier summary of duration of response (analysis KM-DOR), among the
    confirmed responders of the full analysis set; a note when nobody responded."""
    population = "Confirmed responders in the full analysis set"
    if ard["analysis_id"].eq("KM-DOR").any():
        table = km_table(ard, "DOR", "14.2.4", landmarks)
        table.population = population
        table.footnotes.insert(
            0,
            "Duration of response: from the first confirmed CR or PR to progression or death, "
            "with the censoring rules of progression-free survival.",
        )
        return table
    return Table(
        tlf_id="14.2.4",
        title=TITLES["14.2.4"],
        population=population,
        columns=[],
        footnotes=["No subject had a confirmed response: duration of response is not estimated."],
    )


def pfs2_table(ard: pd.DataFrame, landmarks: list[float]) -> Table:
    """Table 14.2.6: the PFS2 sensitivity analysis (analysis KM-PFS2), with its definition."""
    table = km_table(ard, "PFS2", "14.2.6", landmarks)
    table.footnotes.insert(
        0,
        "PFS2 (sensitivity analysis, FDA 2018 guidance): events are radiological progression "
        "(RECIST 1.1) and death only; clinical progression is not an event; censoring as for "
        "progression-free survival (SAP section 5).",
    )
    return table


def exposure_table(ard: pd.DataFrame) -> Table:
    """Table 14.3.1: extent of exposure (analysis EXPOSURE, safety set)."""
    value = ResultLookup(ard)
    analysis = "EXPOSURE"
    names = groups(ard, analysis)
    totals = {g: value("SAFETY-N", g, "SAFFL", "N") for g in names}
    table = Table(
        tlf_id="14.3.1",
        title=TITLES["14.3.1"],
        population=POPULATION_NAMES["SAF"],
        columns=_columns(names, totals),
    )
    present = set(ard.loc[ard["analysis_id"] == analysis, "variable"])
    known = [code for code in EXPOSURE_DISPLAY if code in present]
    for code in known + sorted(present - set(known)):
        label, digits = EXPOSURE_DISPLAY.get(code, (code, 1))
        table.rows.append({"label": label, "cells": [], "heading": True})
        table.rows += fmt_continuous_rows(value, analysis, code, names, digits)
        if code in EXPOSURE_ANY:
            table.rows.append(
                {
                    "label": f"{EXPOSURE_ANY[code]}, n (%)",
                    "cells": [
                        fmt_n_pct(value(analysis, g, code, "n_any"), totals[g]) for g in names
                    ],
                }
            )
    table.footnotes.append(
        "Duration: first to last dose plus one cycle. Dose intensity: cumulative dose per week of "
        "that duration; relative dose intensity: against the planned dose per week. A reduction "
        "is a dose below the one before; a delay, a cycle starting later than due by more than "
        "the SAP's tolerance."
    )
    return table


def _safety_frame(ard: pd.DataFrame, tlf_id: str, columns_per_group: list[str]):
    """Value lookup, groups and N of a safety table, and the table with its column headers."""
    value = ResultLookup(ard)
    names = groups(ard, "SAFETY-N")
    totals = {g: value("SAFETY-N", g, "SAFFL", "N") for g in names}
    headers = _columns(names, totals)
    columns = [
        f"{header}: {part}" if part else header for header in headers for part in columns_per_group
    ]
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES["SAF"],
        columns=columns,
        footnotes=[SAFETY_FOOTNOTE],
    )
    return value, names, totals, table


def teae_overview_table(ard: pd.DataFrame) -> Table:
    """Table 14.3.2: subjects with TEAEs of each kind (analysis TEAE-OVERVIEW)."""
    value, names, totals, table = _safety_frame(ard, "14.3.2", [""])
    table.rows += [
        {
            "label": label,
            "cells": [fmt_n_pct(value("TEAE-OVERVIEW", g, key, "n"), totals[g]) for g in names],
        }
        for key, (label, _) in OVERVIEW.items()
    ]
    return table


def _soc_pt_rows(ard, value, prefix: str, names, totals, stats: tuple[str, ...]) -> list[dict]:
    """SOC rows, each followed by its PT rows (indented), in the ARD display order of the
    reference group: descending frequency (SAP section 6). A term nobody in a group had has no
    ARD row there: its count is 0."""
    reference = _reference_group(names)
    socs = _ordered(ard, f"{prefix}-SOC", reference)
    pts = _ordered(ard, f"{prefix}-SOCPT", reference)
    rows_of = ard[ard["analysis_id"].isin([f"{prefix}-SOC", f"{prefix}-SOCPT"])]
    present = set(zip(rows_of["analysis_id"], rows_of["group"], rows_of["variable"], strict=True))

    def count(analysis: str, g: str, variable: str, stat: str) -> float | None:
        return value(analysis, g, variable, stat) if (analysis, g, variable) in present else 0

    def cells(analysis: str, variable: str) -> list[str]:
        return [
            fmt_n_pct(count(analysis, g, variable, stat), totals[g])
            for g in names
            for stat in stats
        ]

    rows = []
    for soc in socs:
        rows.append({"label": soc, "cells": cells(f"{prefix}-SOC", soc)})
        rows += [
            {
                "label": variable.removeprefix(f"{soc} / "),
                "cells": cells(f"{prefix}-SOCPT", variable),
                "indent": True,
            }
            for variable in pts
            if _soc_of(variable, socs) == soc
        ]
    return rows


def _soc_of(variable: str, socs: list[str]) -> str | None:
    """The SOC of an ARD variable "SOC / PT" (the longest SOC that prefixes it, should a SOC
    name itself contain " / ")."""
    matches = [soc for soc in socs if variable.startswith(f"{soc} / ")]
    return max(matches, key=len) if matches else None


def teae_soc_pt_table(ard: pd.DataFrame) -> Table:
    """Table 14.3.3: TEAEs by SOC and PT, any grade and grade ≥ 3 (analyses TEAE-SOC,
    TEAE-SOCPT), SOC and PT by descending frequency of any grade."""
    value, names, totals, table = _safety_frame(ard, "14.3.3", ["any grade", "grade ≥ 3"])
    table.rows.append(
        {
            "label": "Any TEAE",
            "cells": [
                fmt_n_pct(value("TEAE-OVERVIEW", g, key, "n"), totals[g])
                for g in names
                for key in ("ANY", "GRADE3")
            ],
        }
    )
    table.rows += _soc_pt_rows(ard, value, "TEAE", names, totals, ("n", "n_grade3"))
    table.footnotes.append(
        "System organ classes by descending frequency, preferred terms by descending frequency "
        "within them (ties alphabetical); worst grade per subject."
    )
    return table


def serious_table(ard: pd.DataFrame) -> Table:
    """Table 14.3.4: serious TEAEs, TEAEs leading to treatment discontinuation, deaths and fatal
    TEAEs, each by SOC and PT (analyses TEAE-SER-*, TEAE-DISC-*, TEAE-FATAL-*, DEATHS)."""
    value, names, totals, table = _safety_frame(ard, "14.3.4", [""])
    for heading, overview, any_label, prefix in SERIOUS_SECTIONS:
        table.rows.append({"label": heading, "cells": [], "heading": True})
        if overview == "FATAL" and ard["analysis_id"].eq("DEATHS").any():
            table.rows.append(
                {
                    "label": "Deaths (any cause, up to the data cutoff)",
                    "cells": [
                        fmt_n_pct(value("DEATHS", g, "DTHFL", "n"), totals[g]) for g in names
                    ],
                }
            )
        counts = {g: value("TEAE-OVERVIEW", g, overview, "n") for g in names}
        table.rows.append(
            {"label": any_label, "cells": [fmt_n_pct(counts[g], totals[g]) for g in names]}
        )
        terms = _soc_pt_rows(ard, value, prefix, names, totals, ("n",))
        if any(counts.values()) and not terms:
            # An ARD from before these analyses existed: fail rather than show no terms.
            raise KeyError(f"no ARD rows of {prefix}-SOC although subjects had such TEAEs")
        table.rows += terms
    return table


def aesi_table(ard: pd.DataFrame) -> Table:
    """Table 14.3.5: AEs of special interest, any grade and grade ≥ 3 (analysis AESI)."""
    value, names, totals, table = _safety_frame(ard, "14.3.5", ["any grade", "grade ≥ 3"])
    table.rows += [
        {
            "label": label,
            "cells": [
                fmt_n_pct(value("AESI", g, key, stat), totals[g])
                for g in names
                for stat in ("n", "n_grade3")
            ],
            # Early and late onset are kinds of diarrhoea.
            **({"indent": True} if key.startswith("DIARRHOEA_") else {}),
        }
        for key, (label, _) in SPECIAL_INTEREST.items()
    ]
    table.footnotes.append(
        "Diarrhoea early onset: starting within 24 hours of an infusion; late onset: any other. "
        "A subject with both is counted in each."
    )
    return table


_BUILDERS: dict[str, Callable[[pd.DataFrame, float, list[float]], list[Table]]] = {
    "14.1.1": lambda ard, p0, landmarks: [disposition_table(ard)],
    "14.1.2": lambda ard, p0, landmarks: [analysis_sets_table(ard)],
    "14.1.3": lambda ard, p0, landmarks: [demographics_table(ard)],
    "14.1.4": lambda ard, p0, landmarks: [prior_therapy_table(ard)],
    "14.2.1": lambda ard, p0, landmarks: response_table(ard, p0),
    "14.2.2": lambda ard, p0, landmarks: [subgroup_table(ard)],
    "14.2.3": lambda ard, p0, landmarks: dcr_tables(ard, p0),
    "14.2.4": lambda ard, p0, landmarks: [dor_table(ard, landmarks)],
    "14.2.5": lambda ard, p0, landmarks: [km_table(ard, "PFS", "14.2.5", landmarks)],
    "14.2.6": lambda ard, p0, landmarks: [pfs2_table(ard, landmarks)],
    "14.2.7": lambda ard, p0, landmarks: [km_table(ard, "OS", "14.2.7", landmarks)],
    "14.3.1": lambda ard, p0, landmarks: [exposure_table(ard)],
    "14.3.2": lambda ard, p0, landmarks: [teae_overview_table(ard)],
    "14.3.3": lambda ard, p0, landmarks: [teae_soc_pt_table(ard)],
    "14.3.4": lambda ard, p0, landmarks: [serious_table(ard)],
    "14.3.5": lambda ard, p0, landmarks: [aesi_table(ard)],
}


def tables_for(ard: pd.DataFrame, tlf_id: str, *, p0: float, landmarks: list[float]) -> list[Table]:
    """The table(s) of a section 14 table id of SAP section 7, from the ARD; ``p0`` is the
    response rate under H0 and ``landmarks`` the Kaplan-Meier landmark times in months."""
    if tlf_id not in _BUILDERS:
        raise KeyError(
            f"{tlf_id!r} is not a section 14 table (figures only: 14.2.8); "
            f"tables: {', '.join(_BUILDERS)}"
        )
    return _BUILDERS[tlf_id](ard, p0, landmarks)
