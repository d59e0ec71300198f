"""What every section 14 table shares: the table model, number formatting (in one place), the
groups of an analysis and the lookups of ARD rows (DESIGN.md, ARD: tables never recompute)."""

from __future__ import annotations

import re
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
    """A section 14 table. ``spans`` is the header row above ``columns`` where each group (arm,
    Total) has several columns: (group label with its N, number of columns), in column order;
    empty when each column is one group and ``columns`` name the groups themselves."""

    tlf_id: str
    title: str
    population: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    spans: list[tuple[str, int]] = field(default_factory=list)


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


def _ci_limits(lcl: float | None, ucl: float | None, digits: int) -> str:
    return f"{fmt_number(lcl, digits)}, {fmt_number(ucl, digits)}"


def fmt_ci(lcl: float | None, ucl: float | None, digits: int = 1) -> str:
    """A confidence interval in the one format of every table and figure of the report (SAP
    section 6): "(11.1, 38.2)", the level and method in the row label or footnote; an
    unreachable limit prints as NE (not estimable)."""
    return f"({_ci_limits(lcl, ucl, digits)})"


def fmt_ci_text(
    estimate: float | None,
    lcl: float | None,
    ucl: float | None,
    level: str,
    unit: str = "",
    digits: int = 1,
) -> str:
    """The same interval in running text, where no column label names the level: "22.5%
    (95% CI 11.1, 38.2)" (``unit`` after the estimate only, as the limits share it)."""
    return f"{fmt_number(estimate, digits)}{unit} ({level} CI {_ci_limits(lcl, ucl, digits)})"


def fmt_estimate_ci(
    estimate: float | None, lcl: float | None, ucl: float | None, digits: int = 1
) -> str:
    """Estimate with its interval, "22.5 (11.1, 38.2)" (:func:`fmt_ci`)."""
    return f"{fmt_number(estimate, digits)} {fmt_ci(lcl, ucl, digits)}"


def fmt_p(value: float | None) -> str:
    if value is None:
        return "NE"
    return "<0.001" if value < 0.001 else fmt_number(value, 3)


def level_label(variable: str, level: str) -> str:
    """How an ADSL level reads in a table (e.g. "Y" -> "Yes", ">=50" -> "≥50", "TRIPLE
    NEGATIVE" -> "Triple negative")."""
    if variable == "SEX":
        return SEX_LABELS.get(level, level)
    return display_case(LEVEL_LABELS.get(level, level)).replace(">=", "≥").replace("<=", "≤")


# Display case (``display_case``): words of controlled terms kept as written (acronyms and
# codes), proper nouns of CDISC race and ethnicity terms, and units.
KEPT_WORDS = frozenset(
    "HER2 HR ER PR PGR CR PD SD NE ECOG CTCAE RECIST MEDDRA UK US USA EU AE SAE TEAE CT MRI PET "
    "NOS HIV ALT AST IV BSA WHO ULN DNA RNA".split()
)
PROPER_WORDS = {
    word.upper(): word
    for word in "Hispanic Latino American Indian African Alaska Native Hawaiian Pacific Islander "
    "Asian Caucasian European Chinese Japanese".split()
}
UNIT_WORDS = {"MG": "mg", "KG": "kg", "CM": "cm", "MM": "mm", "ML": "mL", "M2": "m²"}
ROMAN_NUMERAL = re.compile(r"X{0,3}(IX|IV|V?I{0,3})")
WORD_BREAKS = re.compile(r"([\s/,;:()\-]+)")


def display_case(text: str) -> str:
    """A coded value as a table row label: upper-case controlled terms in sentence case
    ("NOT HISPANIC OR LATINO" -> "Not Hispanic or Latino", "TRIPLE NEGATIVE" -> "Triple
    negative"), keeping acronyms and codes (HER2, HR+, ECOG, CR/PR, UK), roman numerals (stage
    IV) and words with digits or signs, proper nouns of CDISC race and ethnicity terms, and
    units ("MG/M2" -> "mg/m²"). Text with any lower-case letter is already cased (MedDRA terms,
    free text) and is returned as it is."""
    if text != text.upper():
        return text
    parts = WORD_BREAKS.split(text)
    first = True
    for index, part in enumerate(parts):
        if not any(c.isalpha() for c in part) or WORD_BREAKS.fullmatch(part):
            continue
        parts[index] = _display_word(part, first)
        first = False
    return "".join(parts)


def _display_word(word: str, first: bool) -> str:
    if word in UNIT_WORDS:
        return UNIT_WORDS[word]
    if word in KEPT_WORDS or ROMAN_NUMERAL.fullmatch(word) or not word.isalpha():
        return word
    if word in PROPER_WORDS:
        return PROPER_WORDS[word]
    return word.capitalize() if first else word.lower()


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


# A unit's power written as a digit after a length unit ("mg/m2", "m2", "mm3"): how SDTM and
# arm names spell what a report prints with a superscript.
UNIT_POWER = re.compile(r"(?<![A-Za-z0-9])(c?m|mm|km)([23])(?![A-Za-z0-9])")
SUPERSCRIPTS = {"2": "²", "3": "³"}


def display_units(text: str) -> str:
    """A label with its units typeset: "Irinotecan 180 mg/m2" -> "Irinotecan 180 mg/m²",
    "BSA (m2)" -> "BSA (m²)"; the one display of units in every table, listing and figure
    label (data values in listings keep their raw text)."""
    return UNIT_POWER.sub(lambda m: m.group(1) + SUPERSCRIPTS[m.group(2)], text)


def columns_with_n(names: list[str], totals: dict[str, float | None]) -> list[str]:
    """Column headers of groups: "<group> (N=<n>)", units typeset."""
    return [display_units(f"{g} (N={int(totals[g] or 0)})") for g in names]


def spanning_columns(
    names: list[str], totals: dict[str, float | None], parts: list[str]
) -> tuple[list[str], list[tuple[str, int]]]:
    """Columns of a table with several columns per group (e.g. any grade and grade ≥ 3): the
    ``parts`` under each group, and the spanning header row of the groups with their N
    (:class:`Table` ``spans``). One part needs no spanning row: the groups are the columns."""
    headers = columns_with_n(names, totals)
    if len(parts) <= 1:
        return headers, []
    return [part for _ in headers for part in parts], [(h, len(parts)) for h in headers]


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
