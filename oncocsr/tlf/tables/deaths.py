"""The deaths table of 14.3.4 and the reconciliation footnotes of tables 14.1.1, 14.3.1 and
14.3.2, from the ARD rows of oncocsr.safety (DEATHS, DEATHS-TIMING, DEATHS-CAUSE) and
oncocsr.reconciliation (RECONCILIATION); SAP section 6, safety."""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.adsl import NOT_COLLECTED as CAUSE_NOT_COLLECTED
from oncocsr.ard import ResultLookup
from oncocsr.reconciliation import ANALYSIS
from oncocsr.tlf.tables.common import (
    NOT_COLLECTED,
    POPULATION_NAMES,
    Table,
    columns_with_n,
    display_case,
    empty_table,
    fmt_n_pct,
    groups,
    not_collected_row,
)

DEATHS_TITLE = "Deaths by time from the last dose and cause of death"
# What each AE action of the TEAE overview is compared with in the dosing records.
DOSE_WORDS = {
    "REDUCED": ("dose reduction", "DOSE REDUCED", "a reduced dose"),
    "INTERRUPTED": ("dose interruption or delay", "DRUG INTERRUPTED", "a delay or interruption"),
}


def _subjects(value: ResultLookup, names: list[str], variable: str) -> tuple[int, str]:
    """The largest count of a RECONCILIATION class over the groups, and its text: "n
    subject(s)", per group where the table has several."""
    counts = {g: int(value(ANALYSIS, g, variable, "n") or 0) for g in names}
    most = max(counts.values(), default=0)
    noun = "subject" if most == 1 else "subjects"
    if len(names) == 1:
        return most, f"{most} {noun}"
    return most, f"{noun} ({', '.join(f'{g}: {n}' for g, n in counts.items())})"


def _has(value: ResultLookup, names: list[str], variable: str) -> bool:
    return bool(names) and all(value.has(ANALYSIS, g, variable, "n") for g in names)


def discontinuation_note(ard: pd.DataFrame, names: list[str], other: str) -> list[str]:
    """Footnote of how "TEAE leading to treatment discontinuation" (AE action DRUG WITHDRAWN)
    and the disposition reason "adverse event" differ, with the counts of each difference class
    (RECONCILIATION DISCONTINUED:*); none where they agree. ``other`` names the other table."""
    value = ResultLookup(ard)
    if not _has(value, names, "DISCONTINUED:AE_NOT_DS"):
        return []
    clauses = []
    n, text = _subjects(value, names, "DISCONTINUED:AE_NOT_DS")
    if n:
        prefix = "DISCONTINUED:AE_NOT_DS="
        reasons = sorted(
            {
                v.removeprefix(prefix)
                for v in ard.loc[ard["analysis_id"] == ANALYSIS, "variable"]
                if v.startswith(prefix)
            }
        )
        detail = "; ".join(
            f"{display_case(reason)}: {_subjects(value, names, prefix + reason)[1]}"
            for reason in reasons
            if all(value.has(ANALYSIS, g, prefix + reason, "n") for g in names)
        )
        clauses.append(
            f"{text} with a TEAE whose action was DRUG WITHDRAWN recorded another reason for "
            f"ending treatment ({detail})"
        )
    n, text = _subjects(value, names, "DISCONTINUED:DS_NOT_AE")
    if n:
        clauses.append(
            f"{text} whose recorded reason is an adverse event had no TEAE with action DRUG "
            "WITHDRAWN"
        )
    if not clauses:
        return []
    return [
        "TEAEs leading to treatment discontinuation (AE action DRUG WITHDRAWN) and "
        "discontinuation with an adverse event as the recorded reason differ by definition "
        f"(see {other}): {'; '.join(clauses)}."
    ]


def dose_change_notes(ard: pd.DataFrame, names: list[str], other: str) -> list[str]:
    """Footnotes of how "TEAE leading to dose reduction" and "... interruption or delay" (AE
    actions) differ from the reductions and delays in the dosing records (RECONCILIATION
    REDUCED:*, INTERRUPTED:*), with the counts of each difference class; none where they
    agree. ``other`` names the other table."""
    value = ResultLookup(ard)
    notes = []
    for item, (what, action, recorded) in DOSE_WORDS.items():
        if not _has(value, names, f"{item}:AE_NOT_EX"):
            continue
        clauses = []
        n, text = _subjects(value, names, f"{item}:AE_AFTER_LAST_DOSE")
        if n:
            clauses.append(
                f"{text} whose every AE with action {action} started after the last dose, "
                "when no dose was left to change"
            )
        n, text = _subjects(value, names, f"{item}:AE_NOT_EX")
        if n:
            clauses.append(
                f"{text} with such an AE before the last dose but no {what} in the dosing records"
            )
        n, text = _subjects(value, names, f"{item}:EX_NOT_AE")
        if n:
            clauses.append(f"{text} with {recorded} in the dosing records but no such AE")
        if clauses:
            notes.append(
                f"TEAEs leading to {what} (AE action {action}) and subjects with {recorded} "
                f"in the dosing records differ by definition (see {other}): "
                f"{'; '.join(clauses)}."
            )
    return notes


def _cause_label(cause: str) -> str:
    return NOT_COLLECTED if cause == CAUSE_NOT_COLLECTED else display_case(cause)


def deaths_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.4, deaths (analyses DEATHS, DEATHS-TIMING, DEATHS-CAUSE; safety set): all
    deaths, those on treatment or within the treatment-emergent window after the last dose and
    those later, each by cause of death, n (%)."""
    value = ResultLookup(ard)
    names = groups(ard, "SAFETY-N")
    population = POPULATION_NAMES["SAF"]
    if not names:
        table = empty_table("14.3.4", population, "The safety set is empty.", title=DEATHS_TITLE)
        table.rows.append({"label": NOT_COLLECTED, "cells": []})
        return table
    totals = {g: value("SAFETY-N", g, "SAFFL", "N") for g in names}
    table = Table(
        tlf_id="14.3.4",
        title=DEATHS_TITLE,
        population=population,
        columns=columns_with_n(names, totals),
    )
    if not ard["analysis_id"].eq("DEATHS-TIMING").any():
        # An ADSL without the timing and cause of death (e.g. no death date in DM).
        if ard["analysis_id"].eq("DEATHS").any():
            table.rows.append(
                {
                    "label": "All deaths",
                    "cells": [
                        fmt_n_pct(value("DEATHS", g, "DTHFL", "n"), totals[g]) for g in names
                    ],
                }
            )
        table.rows.append(not_collected_row("Time from the last dose and cause of death", names))
        table.footnotes.append("ADSL has no time from the last dose or cause of death.")
        return table
    reference = names[-1]
    window = int(value("DEATHS-TIMING", reference, "WITHIN", "window_days"))
    causes = ard[(ard["analysis_id"] == "DEATHS-CAUSE") & (ard["stat_name"] == "n")]
    sections = {
        "ALL": ("All deaths", lambda g: value("DEATHS", g, "DTHFL", "n")),
        "WITHIN": (
            f"On treatment or within {window} days of the last dose",
            lambda g: value("DEATHS-TIMING", g, "WITHIN", "n"),
        ),
        "AFTER": (
            f"More than {window} days after the last dose",
            lambda g: value("DEATHS-TIMING", g, "AFTER", "n"),
        ),
    }
    for key, (label, count) in sections.items():
        table.rows.append(
            {"label": label, "cells": [fmt_n_pct(count(g), totals[g]) for g in names]}
        )
        mine = causes[causes["variable"].str.startswith(f"{key} / ")]
        totals_by_cause = mine.groupby("variable")["stat_value"].sum()
        for variable in sorted(totals_by_cause.index, key=lambda v: (-totals_by_cause[v], v)):
            present = set(mine.loc[mine["variable"] == variable, "group"])
            table.rows.append(
                {
                    "label": _cause_label(variable.removeprefix(f"{key} / ")),
                    "cells": [
                        fmt_n_pct(value("DEATHS-CAUSE", g, variable, "n"), totals[g])
                        if g in present
                        else fmt_n_pct(0, totals[g])
                        for g in names
                    ],
                    "indent": True,
                }
            )
    table.footnotes += [
        f"Deaths up to the data cutoff. On treatment or within {window} days: death on or "
        f"after the first dose and at most {window} days after the last dose (the "
        "treatment-emergent window, SAP section 6); percentages are of the safety set in each "
        "column.",
        "Cause of death: the primary cause in DD (DDTESTCD PRCDTH) where the study has it, else "
        "the preferred term of the fatal adverse event, else the term of the disposition death "
        "record; not collected where none of them gives one.",
    ]
    return table
