"""Tables 14.1.1 to 14.1.4: disposition, analysis sets, demographics and prior therapy, from
the ARD rows of oncocsr.baseline."""

from __future__ import annotations

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.baseline import ANALYSIS_SETS, PRIOR_THERAPY
from oncocsr.tlf.tables.common import (
    NOT_COLLECTED,
    POPULATION_NAMES,
    TITLES,
    Table,
    columns_with_n,
    empty_table,
    fmt_continuous_rows,
    fmt_n_pct,
    groups,
    level_label,
    not_collected_note,
    not_collected_row,
    ordered,
    reference_group,
    sentence_case,
)

STATUS_LABELS = {
    "ONGOING": "Ongoing at the data cutoff",
    "COMPLETED": "Completed",
    "DISCONTINUED": "Discontinued",
}
ENROLMENT = {
    "consent": "informed consent and not a screen failure",
    "randomized": "randomised (the study records no informed-consent date) and not a screen "
    "failure",
    "treated": "at least one dose (the study records no informed-consent date) and not a screen "
    "failure",
}


def _adsl_table(
    ard: pd.DataFrame, tlf_id: str, analysis: str, flag: str, population: str
) -> tuple[ResultLookup, list[str], Table]:
    """The lookup, groups and empty table of a subject-level (ADSL) table, whose column headers
    give the N of the analysis set ``flag``."""
    value = ResultLookup(ard)
    names = groups(ard, analysis)
    totals = {g: value(analysis, g, flag, "N") for g in names}
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES[population],
        columns=columns_with_n(names, totals),
    )
    return value, names, table


def _count_cells(value, analysis: str, variable: str, names: list[str]) -> list[str]:
    return [
        fmt_n_pct(value(analysis, g, variable, "n"), value(analysis, g, variable, "N"))
        for g in names
    ]


def _levels(ard: pd.DataFrame, analysis: str, variable: str, names: list[str]) -> list[str]:
    """Levels of an ADSL variable (ARD variables "<variable>=<level>"), in display order."""
    found = ordered(ard, analysis, reference_group(names), f"{variable}=")
    return [name.split("=", 1)[1] for name in found]


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


def disposition_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.1: subject disposition (enrolled set; analysis DISPOSITION)."""
    analysis = "DISPOSITION"
    if not groups(ard, analysis):
        return empty_table("14.1.1", POPULATION_NAMES["ENR"], "No subject is enrolled.")
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
        if not value.collected(status):
            table.rows.append(not_collected_row("End of treatment status", names))
            table.footnotes.append(not_collected_note(value, status, "End of treatment"))
            continue
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
    variable = settings["arms"]["variable"]
    kind = "actual treatment" if variable == "ACTARM" else "planned treatment"
    table.footnotes.append(
        f"Percentages are of the enrolled subjects in each column; columns are {kind} "
        f"({variable}). Status at the data cutoff; treatment status is given for treated "
        "subjects only."
    )
    return table


def analysis_sets_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.2: subjects in each analysis set, n (% of enrolled) (analysis ANALYSIS-SETS)."""
    analysis = "ANALYSIS-SETS"
    if not groups(ard, analysis):
        return empty_table("14.1.2", POPULATION_NAMES["ENR"], "No subject is in any analysis set.")
    value, names, table = _adsl_table(ard, "14.1.2", analysis, "ENRLFL", "ENR")
    table.rows += [
        {"label": label, "cells": _count_cells(value, analysis, f"{flag}=Y", names)}
        for flag, label in ANALYSIS_SETS.items()
    ]
    enrolled = ENROLMENT[settings["populations"]["enrolled"]]
    table.footnotes += [
        f"Enrolled: {enrolled}. Safety set: at least one dose. Full analysis set: enrolled and "
        "at least one dose. Efficacy-evaluable set: full analysis set with measurable disease "
        "at baseline and a post-baseline tumour assessment, or progression or death before the "
        "first assessment (SAP section 2).",
        "Percentages are of the enrolled subjects in each column.",
    ]
    return table


def _characteristics_table(
    ard: pd.DataFrame,
    tlf_id: str,
    analysis: str,
    continuous: tuple[str, str],
    categorical: list[tuple[str, str]],
) -> Table:
    """A full-analysis-set table of one continuous variable then categorical ones; a variable
    the study did not collect reads "Not collected", with a footnote naming its source."""
    if not groups(ard, analysis):
        return empty_table(tlf_id, POPULATION_NAMES["FAS"], "The full analysis set is empty.")
    value, names, table = _adsl_table(ard, tlf_id, analysis, "FASFL", "FAS")
    present = set(ard.loc[ard["analysis_id"] == analysis, "variable"])
    variable, label = continuous
    if variable in present:
        table.rows.append({"label": label, "cells": [], "heading": True})
        # Ages and counts of regimens are whole numbers.
        table.rows += fmt_continuous_rows(value, analysis, variable, names, digits=0)
    for variable, label in categorical:
        heading = {"label": f"{label}, n (%)", "cells": [], "heading": True}
        if not value.collected(variable):
            table.rows += [heading, not_collected_row(NOT_COLLECTED, names)]
            table.footnotes.append(not_collected_note(value, variable, label))
            continue
        rows = _levels_rows(ard, value, analysis, variable, names)
        if rows:
            table.rows += [heading, *rows]
    table.footnotes.append("Percentages are of the full analysis set in each column.")
    return table


def demographics_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.3 (analysis DEMOGRAPHICS, full analysis set): age, then the study's baseline
    characteristics (``baseline.characteristics``)."""
    characteristics = settings["baseline"]["characteristics"]
    return _characteristics_table(
        ard,
        "14.1.3",
        "DEMOGRAPHICS",
        ("AGE", "Age (years)"),
        [(c["variable"], c["label"]) for c in characteristics],
    )


def prior_therapy_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.4 (analysis PRIOR-THERAPY, full analysis set): number of prior regimens as
    descriptive statistics and by count, and its group."""
    value = ResultLookup(ard)
    if not value.collected("NPRREG"):
        table = empty_table(
            "14.1.4",
            POPULATION_NAMES["FAS"],
            not_collected_note(value, "NPRREG", "Prior anticancer therapy"),
        )
        table.rows.append({"label": NOT_COLLECTED, "cells": []})
        return table
    table = _characteristics_table(
        ard,
        "14.1.4",
        "PRIOR-THERAPY",
        ("NPRREG", PRIOR_THERAPY["NPRREG"][0]),
        [(variable, label) for variable, (label, _) in PRIOR_THERAPY.items()],
    )
    category = settings["terms"]["cm"]["prior_therapy"]
    table.footnotes.insert(
        0,
        f"A regimen is a group (CMGRPID) of prior anticancer therapies (CM records with "
        f"CMCAT = '{category}') before the study.",
    )
    return table
