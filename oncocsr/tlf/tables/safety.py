"""Tables 14.3.1 to 14.3.5: exposure and adverse events, from the ARD rows of oncocsr.safety."""

from __future__ import annotations

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.safety import ACTION_ITEMS, OVERVIEW, special_interest
from oncocsr.tlf.tables.common import (
    NOT_COLLECTED,
    POPULATION_NAMES,
    TITLES,
    Table,
    columns_with_n,
    display_units,
    empty_table,
    fmt_continuous_rows,
    fmt_n_pct,
    groups,
    not_collected_note,
    not_collected_row,
    spanning_columns,
)
from oncocsr.tlf.tables.deaths import deaths_table, discontinuation_note, dose_change_notes

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
# Overview rows that need a grade.
GRADED = {"GRADE3"}


def exposure_display(settings: dict) -> dict[str, tuple[str, int]]:
    """Exposure parameters: label (with the study's dose unit) and the decimals of the data
    (summaries show one more)."""
    unit = display_units(settings["exposure"]["dose_unit"])
    per = "day" if settings["exposure"]["model"] == "continuous" else "week"
    return {
        "NCYCLE": ("Number of cycles started", 0),
        "DURD": ("Duration of exposure (days)", 0),
        "CUMDOSE": (f"Cumulative dose ({unit})", 0),
        "DOSEINT": (
            f"Average daily dose ({unit}/day)" if per == "day" else f"Dose intensity ({unit}/week)",
            1,
        ),
        "RDI": ("Relative dose intensity (%)", 1),
        "NREDUCE": ("Number of dose reductions", 0),
        "NDELAY": ("Number of dose delays", 0),
        "NINTRP": ("Number of treatment interruptions", 0),
    }


EXPOSURE_ANY = {
    "NREDUCE": "At least one dose reduction",
    "NDELAY": "At least one dose delay",
    "NINTRP": "At least one treatment interruption",
}


def grade_text(settings: dict) -> str:
    """How the grades of the study read in footnotes."""
    grade = settings["safety"]["grade"]
    if grade["source"] == "AESEV":
        mapping = ", ".join(f"{k.lower()} = {v}" for k, v in grade["aesev"].items())
        return f"Grades from the severity (AESEV: {mapping})."
    if grade["source"] == "none":
        return "The study did not collect AE grades."
    return f"{grade['scale']} grades."


def _safety_footnote(settings: dict) -> str:
    window = settings["safety"]["teae_window_days"]
    return (
        "TEAE: treatment-emergent adverse event, starting on or after the first dose and at most "
        f"{window} days after the last dose (SAP section 6). Subjects are counted once per row; "
        f"percentages are of the safety set in each column. MedDRA coding; {grade_text(settings)}"
    )


def exposure_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.1: extent of exposure (analysis EXPOSURE, safety set), every arm."""
    value = ResultLookup(ard)
    analysis = "EXPOSURE"
    names = groups(ard, analysis)
    if not names:
        return empty_table("14.3.1", POPULATION_NAMES["SAF"], "No dose is recorded.")
    totals = {g: value("SAFETY-N", g, "SAFFL", "N") for g in names}
    table = Table(
        tlf_id="14.3.1",
        title=TITLES["14.3.1"],
        population=POPULATION_NAMES["SAF"],
        columns=columns_with_n(names, totals),
    )
    display = exposure_display(settings)
    present = set(ard.loc[ard["analysis_id"] == analysis, "variable"])
    known = [code for code in display if code in present]
    for code in known + sorted(present - set(known)):
        label, digits = display.get(code, (code, 1))
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
    exposure = settings["exposure"]
    if exposure["model"] == "continuous":
        table.footnotes.append(
            "Continuous exposure: each dosing record covers its start to its end date. Duration: "
            "first start to last end; average daily dose: cumulative dose per day of that "
            "duration; relative dose intensity: against the planned daily dose (none for "
            "placebo). A reduction is a dose below the one before; an interruption, a gap of "
            f"more than {exposure['delay_tolerance_days']} days between records."
        )
    else:
        table.footnotes.append(
            f"Cycles of {exposure['cycle_days']} days. Duration: first to last dose plus one "
            "cycle. Dose intensity: cumulative dose per week of that duration; relative dose "
            "intensity: against the planned dose per week (none for placebo). A reduction is a "
            "dose below the one before; a delay, a cycle starting more than "
            f"{exposure['delay_tolerance_days']} days later than due."
        )
    table.footnotes += dose_change_notes(ard, names, "table 14.3.2, overview of TEAEs")
    return table


def _safety_frame(ard: pd.DataFrame, tlf_id: str, columns_per_group: list[str], settings: dict):
    """Value lookup, groups and N of a safety table, and the table with its column headers."""
    value = ResultLookup(ard)
    names = groups(ard, "SAFETY-N")
    totals = {g: value("SAFETY-N", g, "SAFFL", "N") for g in names}
    columns, spans = spanning_columns(names, totals, columns_per_group)
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES["SAF"],
        columns=columns,
        footnotes=[_safety_footnote(settings)],
        spans=spans,
    )
    if not value.collected("GRADE"):
        table.footnotes.append(not_collected_note(value, "GRADE", "AE grade"))
    return value, names, totals, table


def _count(value, graded: bool, analysis: str, g: str, variable: str, stat: str, total) -> str:
    if stat.endswith("grade3") and not graded:
        return NOT_COLLECTED
    return fmt_n_pct(value(analysis, g, variable, stat), total)


def teae_overview_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.2: subjects with TEAEs of each kind (analysis TEAE-OVERVIEW)."""
    value, names, totals, table = _safety_frame(ard, "14.3.2", [""], settings)
    graded = value.collected("GRADE")
    acted = value.collected("AEACN")
    table.rows += [
        {
            "label": label,
            "cells": [
                NOT_COLLECTED
                if (key in GRADED and not graded) or (key in ACTION_ITEMS and not acted)
                else fmt_n_pct(value("TEAE-OVERVIEW", g, key, "n"), totals[g])
                for g in names
            ],
        }
        for key, (label, _) in OVERVIEW.items()
    ]
    if not acted:
        table.footnotes.append(not_collected_note(value, "AEACN", "AE action taken"))
    table.footnotes += discontinuation_note(ard, names, "table 14.1.1, subject disposition")
    table.footnotes += dose_change_notes(ard, names, "table 14.3.1, extent of exposure")
    return table


def _by_frequency(ard: pd.DataFrame, analysis: str, names: list[str]) -> list[str]:
    """Variables of a SOC or SOC/PT analysis by descending number of subjects over all the
    table's groups (ties alphabetical): the order of a pooled column, so that a term only one
    arm had is shown too (SAP section 6)."""
    rows = ard[
        (ard["analysis_id"] == analysis) & ard["group"].isin(names) & (ard["stat_name"] == "n")
    ]
    totals = rows.groupby("variable")["stat_value"].sum()
    return sorted(totals.index, key=lambda variable: (-totals[variable], variable))


def _soc_pt_rows(ard, value, prefix: str, names, totals, stats, graded: bool) -> list[dict]:
    """SOC rows, each followed by its PT rows (indented), by descending frequency (SAP section
    6). A term nobody in a group had has no ARD row there: its count is 0."""
    socs = _by_frequency(ard, f"{prefix}-SOC", names)
    pts = _by_frequency(ard, f"{prefix}-SOCPT", names)
    rows_of = ard[ard["analysis_id"].isin([f"{prefix}-SOC", f"{prefix}-SOCPT"])]
    present = set(zip(rows_of["analysis_id"], rows_of["group"], rows_of["variable"], strict=True))

    def cells(analysis: str, variable: str) -> list[str]:
        out = []
        for g in names:
            for stat in stats:
                if (analysis, g, variable) in present:
                    out.append(_count(value, graded, analysis, g, variable, stat, totals[g]))
                elif stat.endswith("grade3") and not graded:
                    out.append(NOT_COLLECTED)
                else:
                    out.append(fmt_n_pct(0, totals[g]))
        return out

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


def teae_soc_pt_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.3: TEAEs by SOC and PT, any grade and grade ≥ 3 (analyses TEAE-SOC,
    TEAE-SOCPT), SOC and PT by descending frequency of any grade."""
    value, names, totals, table = _safety_frame(ard, "14.3.3", ["any grade", "grade ≥ 3"], settings)
    graded = value.collected("GRADE")
    table.rows.append(
        {
            "label": "Any TEAE",
            "cells": [
                NOT_COLLECTED
                if key in GRADED and not graded
                else fmt_n_pct(value("TEAE-OVERVIEW", g, key, "n"), totals[g])
                for g in names
                for key in ("ANY", "GRADE3")
            ],
        }
    )
    table.rows += _soc_pt_rows(ard, value, "TEAE", names, totals, ("n", "n_grade3"), graded)
    table.footnotes.append(
        "System organ classes by descending frequency, preferred terms by descending frequency "
        "within them (ties alphabetical); worst grade per subject."
    )
    return table


def serious_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.4: serious TEAEs, TEAEs leading to treatment discontinuation, deaths and fatal
    TEAEs, each by SOC and PT (analyses TEAE-SER-*, TEAE-DISC-*, TEAE-FATAL-*, DEATHS)."""
    value, names, totals, table = _safety_frame(ard, "14.3.4", [""], settings)
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
        if overview in ACTION_ITEMS and not value.collected("AEACN"):
            table.rows.append(not_collected_row(any_label, names))
            table.footnotes.append(not_collected_note(value, "AEACN", "AE action taken"))
            continue
        table.rows.append(
            {"label": any_label, "cells": [fmt_n_pct(counts[g], totals[g]) for g in names]}
        )
        terms = _soc_pt_rows(ard, value, prefix, names, totals, ("n",), True)
        if any(counts.values()) and not terms:
            # An ARD from before these analyses existed: fail rather than show no terms.
            raise KeyError(f"no ARD rows of {prefix}-SOC although subjects had such TEAEs")
        table.rows += terms
    return table


def serious_tables(ard: pd.DataFrame, settings: dict) -> list[Table]:
    """Table 14.3.4 (SAP section 7): serious TEAEs, TEAEs leading to discontinuation and fatal
    TEAEs by SOC and PT, then the deaths by time from the last dose and cause."""
    return [serious_table(ard, settings), deaths_table(ard, settings)]


def aesi_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.3.5: the study's AEs of special interest (``safety.aesi``), any grade and
    grade ≥ 3 (analysis AESI)."""
    aesi = settings["safety"]["aesi"]
    if not aesi:
        return empty_table(
            "14.3.5",
            POPULATION_NAMES["SAF"],
            "No adverse events of special interest are defined for this study (safety.aesi).",
        )
    value, names, totals, table = _safety_frame(ard, "14.3.5", ["any grade", "grade ≥ 3"], settings)
    graded = value.collected("GRADE")
    items = special_interest(aesi)
    table.rows += [
        {
            "label": label,
            "cells": [
                _count(value, graded, "AESI", g, key, stat, totals[g])
                for g in names
                for stat in ("n", "n_grade3")
            ],
            # Early and late onset are kinds of their event.
            **({"indent": True} if onset else {}),
        }
        for key, (label, _, onset) in items.items()
    ]
    definitions = "; ".join(
        f"{spec['label']}: preferred terms {', '.join(spec['terms'])}" for spec in aesi
    )
    table.footnotes.append(f"Adverse events of special interest by preferred term ({definitions}).")
    for spec in aesi:
        if "early_onset_hours" in spec:
            table.footnotes.append(
                f"{spec['label']}, early onset: starting within {spec['early_onset_hours']:g} "
                "hours of the start of a dose; late onset: any other. A subject with both is "
                "counted in each."
            )
    return table
