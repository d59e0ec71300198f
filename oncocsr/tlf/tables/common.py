"""What every section 14 table shares: the table model, number formatting (in one place), the
groups of an analysis and the lookups of ARD rows (DESIGN.md, ARD: tables never recompute)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from oncocsr.ard import TOTAL, ResultLookup, order_groups

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
POPULATION_NAMES = {
    "FAS": "Full analysis set",
    "EFF": "Efficacy-evaluable set",
    "ENR": "Enrolled set",
    "SAF": "Safety set",
}
# Display of ADSL levels: codes spelled out, comparison signs typeset.
LEVEL_LABELS = {"Y": "Yes", "N": "No"}
SEX_LABELS = {"F": "Female", "M": "Male", "U": "Unknown"}
NOT_COLLECTED = "Not collected"
# A cell with nothing to show by design (e.g. a test an arm is not part of).
NOT_APPLICABLE = "–"
REFERENCE_DAY = {"first_dose": "first dose", "randomization": "randomisation"}


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


def level_label(variable: str, level: str) -> str:
    """How an ADSL level reads in a table (e.g. "Y" -> "Yes", ">=50" -> "≥50")."""
    if variable == "SEX":
        return SEX_LABELS.get(level, level)
    return LEVEL_LABELS.get(level, level).replace(">=", "≥").replace("<=", "≤")


def sentence_case(text: str) -> str:
    """Controlled terms such as "LOST TO FOLLOW-UP" as "Lost to follow-up"."""
    return text[:1] + text[1:].lower() if text.isupper() else text


def groups(ard: pd.DataFrame, analysis_id: str) -> list[str]:
    """Groups of an analysis in display order: the study's arms in the order of the ARD's ARMS
    rows (arms.order, then alphabetical), then Total."""
    names = ard.loc[ard["analysis_id"] == analysis_id, "group"].unique()
    arms = ard[(ard["analysis_id"] == "ARMS") & (ard["stat_name"] == "order")]
    order = arms.sort_values("stat_value")["group"].tolist()
    return order_groups(names, order)


def optional(value: ResultLookup, analysis: str, group: str, variable: str, stat: str):
    """A statistic that may have no ARD row (e.g. the p-value of an arm the design does not
    apply to, the PFS median of a subgroup without PFS): None then."""
    return (
        value(analysis, group, variable, stat)
        if value.has(analysis, group, variable, stat)
        else None
    )


def reference_group(names: list[str]) -> str:
    """The group whose display order a table follows: Total, or the first arm."""
    return TOTAL if TOTAL in names else names[0]


def ordered(ard: pd.DataFrame, analysis: str, group: str, prefix: str = "") -> list[str]:
    """Variables of an analysis by their ARD display order (stat "order") in ``group``."""
    rows = ard[
        (ard["analysis_id"] == analysis)
        & (ard["group"] == group)
        & (ard["stat_name"] == "order")
        & ard["variable"].str.startswith(prefix)
    ]
    return rows.sort_values(["stat_value", "variable"], kind="stable")["variable"].tolist()


def columns_with_n(names: list[str], totals: dict[str, float | None]) -> list[str]:
    return [f"{g} (N={int(totals[g] or 0)})" for g in names]


def empty_table(tlf_id: str, population: str, note: str, title: str | None = None) -> Table:
    """A table with nothing to count, saying why (e.g. an empty analysis set)."""
    return Table(
        tlf_id=tlf_id,
        title=title or TITLES[tlf_id],
        population=population,
        columns=[],
        footnotes=[note],
    )


def not_collected_row(label: str, names: list[str], **row) -> dict:
    return {"label": label, "cells": [NOT_COLLECTED] * len(names), **row}


def not_collected_note(value: ResultLookup, item: str, what: str) -> str:
    """Footnote of an item the study did not collect, naming what was looked for."""
    source = value.label("COLLECTED", TOTAL, item, "collected")
    return f"{what}: not collected in this study (looked for {source})."


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
