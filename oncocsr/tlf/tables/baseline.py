"""Tables 14.1.1 to 14.1.4: disposition, analysis sets, demographics and prior therapy, from
the ARD rows of oncocsr.baseline."""

from __future__ import annotations

import pandas as pd

from oncocsr.ard import TOTAL, ResultLookup
from oncocsr.baseline import ANALYSIS_SETS, PRIOR_THERAPY
from oncocsr.baseline_entry import BASELINE_MEASURES, DISEASE_SITES, PRIOR_SETTING
from oncocsr.tlf.tables.common import (
    NOT_APPLICABLE,
    NOT_COLLECTED,
    POPULATION_NAMES,
    TITLES,
    Table,
    columns_with_n,
    display_case,
    empty_table,
    fmt_continuous_rows,
    fmt_n_pct,
    groups,
    level_label,
    not_collected_note,
    not_collected_row,
    ordered,
    reference_group,
)
from oncocsr.tlf.tables.deaths import discontinuation_note

# Decimals of the baseline measures as the data hold them (oncocsr.adam.adsl_entry).
MEASURE_DIGITS = {"WEIGHTBL": 1, "BSABL": 2, "DIAGDURM": 1}
BSA_FORMULAS = {
    "mosteller": "the Mosteller formula, √(height [cm] × weight [kg] / 3600)",
    "dubois": "the Du Bois formula, 0.007184 × weight [kg]^0.425 × height [cm]^0.725",
}
NOT_CONFIGURED = "Not configured"
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
    label = label or (lambda level: display_case(level_label(variable, level)))
    return [
        {
            "label": label(level),
            "cells": _count_cells(value, analysis, f"{variable}={level}", names),
            **row,
        }
        for level in _levels(ard, analysis, variable, names)
    ]


def _screening_row(value, names: list[str], variable: str, label: str, **row) -> dict:
    """A SCREENING count (group Total) as a row: in the table's only column or its Total
    column; screen failures have no arm, so arm columns show nothing, and a table of several
    arms without a Total gives the count in the label."""
    shown = f"{int(value('SCREENING', TOTAL, variable, 'n') or 0)}"
    if len(names) == 1:
        return {"label": label, "cells": [shown], **row}
    cells = [shown if g == TOTAL else NOT_APPLICABLE for g in names]
    if TOTAL not in names:
        label = f"{label}: {shown}"
    return {"label": label, "cells": cells, **row}


def disposition_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.1: subject disposition (SAP section 2): screening (analysis SCREENING),
    the enrolled set (analysis DISPOSITION, % of the enrolled) and study treatment among the
    treated (analysis DISPOSITION-TREATMENT, % of the treated)."""
    analysis = "DISPOSITION"
    if not groups(ard, analysis):
        return empty_table("14.1.1", POPULATION_NAMES["ENR"], "No subject is enrolled.")
    value, names, table = _adsl_table(ard, "14.1.1", analysis, "ENRLFL", "ENR")
    screening = ard["analysis_id"].eq("SCREENING").any()
    if screening:
        table.rows += [
            _screening_row(value, names, "SCREENED", "Screened"),
            _screening_row(value, names, "SCRNFFL", "Screen failures", indent=True),
        ]
        if value("SCREENING", TOTAL, "NOTENRL", "n"):
            table.rows.append(
                _screening_row(
                    value, names, "NOTENRL", "Not enrolled for another reason", indent=True
                )
            )
    table.rows += [
        {"label": "Enrolled", "cells": _count_cells(value, analysis, "ENRLFL=Y", names)},
        {
            "label": "Treated (at least one dose)",
            "cells": _count_cells(value, analysis, "SAFFL=Y", names),
        },
        {"label": "Not treated", "cells": _count_cells(value, analysis, "SAFFL=N", names)},
    ]
    treatment = "DISPOSITION-TREATMENT"
    for heading, status, reason, source in (
        ("Study treatment (treated subjects)", "EOTSTT", "DCTREAS", treatment),
        ("Study (enrolled subjects)", "EOSSTT", "DCSREAS", analysis),
    ):
        table.rows.append({"label": heading, "cells": [], "heading": True})
        if not value.collected(status):
            table.rows.append(not_collected_row("End of treatment status", names))
            table.footnotes.append(not_collected_note(value, status, "End of treatment"))
            continue
        for level in _levels(ard, source, status, names):
            table.rows.append(
                {
                    "label": STATUS_LABELS.get(level, display_case(level_label(status, level))),
                    "cells": _count_cells(value, source, f"{status}={level}", names),
                }
            )
            if level == "DISCONTINUED":
                # Reasons right under "Discontinued", most frequent first.
                table.rows += _levels_rows(
                    ard, value, source, reason, names, label=display_case, indent=True
                )
    table.rows.append({"label": "Died", "cells": _count_cells(value, analysis, "DTHFL=Y", names)})
    variable = settings["arms"]["variable"]
    kind = "actual treatment" if variable == "ACTARM" else "planned treatment"
    if screening:
        table.footnotes.append(
            "Screened: every subject in DM; screen failures: a screen-failure planned arm code "
            "or disposition record (SAP section 2). Screening rows count the whole study, not "
            "an arm (screen failures have none), without percentages."
        )
    table.footnotes.append(
        "Percentages of the study treatment rows are of the treated subjects (safety set), "
        "all others of the enrolled subjects in each column; columns are "
        f"{kind} ({variable}). Status at the data cutoff."
    )
    # The AE side of the comparison exists for the safety set's groups only.
    table.footnotes += discontinuation_note(
        ard, groups(ard, "SAFETY-N"), "table 14.3.2, overview of TEAEs"
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
    continuous: list[tuple[str, str, int]],
    categorical: list[tuple[str, str]],
) -> Table:
    """A full-analysis-set table of continuous variables (variable, label, decimals of the
    data) then categorical ones; a variable the study did not collect reads "Not collected",
    with a footnote naming its source."""
    if not groups(ard, analysis):
        return empty_table(tlf_id, POPULATION_NAMES["FAS"], "The full analysis set is empty.")
    value, names, table = _adsl_table(ard, tlf_id, analysis, "FASFL", "FAS")
    present = set(ard.loc[ard["analysis_id"] == analysis, "variable"])
    for variable, label, digits in continuous:
        heading = {"label": label, "cells": [], "heading": True}
        if not value.collected(variable):
            table.rows += [heading, not_collected_row(NOT_COLLECTED, names)]
            table.footnotes.append(not_collected_note(value, variable, label))
        elif variable in present:
            table.rows.append(heading)
            table.rows += fmt_continuous_rows(value, analysis, variable, names, digits=digits)
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
    """Table 14.1.3 (analysis DEMOGRAPHICS, full analysis set): age and the baseline measures
    of the entry criteria (weight, body surface area, time since initial diagnosis), then the
    study's baseline characteristics (``baseline.characteristics``) and the disease sites
    (number, and each site: a subject may have several)."""
    baseline = settings["baseline"]
    categorical = [(c["variable"], c["label"]) for c in baseline["characteristics"]]
    table = _characteristics_table(
        ard,
        "14.1.3",
        "DEMOGRAPHICS",
        [
            ("AGE", "Age (years)", 0),
            *((name, label, MEASURE_DIGITS[name]) for name, label in BASELINE_MEASURES.items()),
        ],
        [*categorical, *DISEASE_SITES.items()],
    )
    if table.columns:
        table.footnotes[0:0] = _measure_notes(ResultLookup(ard), baseline["bsa_formula"])
    return table


def prior_therapy_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.1.4 (analysis PRIOR-THERAPY, full analysis set): number of prior regimens as
    descriptive statistics and by count, its group, prior therapy of each drug class of the
    entry criteria (``baseline.prior_classes``; "Not configured" without any) and the
    settings of the prior regimens."""
    value = ResultLookup(ard)
    if not value.collected("NPRREG"):
        table = empty_table(
            "14.1.4",
            POPULATION_NAMES["FAS"],
            not_collected_note(value, "NPRREG", "Prior anticancer therapy"),
        )
        table.rows.append({"label": NOT_COLLECTED, "cells": []})
        return table
    classes = settings["baseline"]["prior_classes"]
    table = _characteristics_table(
        ard,
        "14.1.4",
        "PRIOR-THERAPY",
        [("NPRREG", PRIOR_THERAPY["NPRREG"][0], 0)],
        [
            *((variable, label) for variable, (label, _) in PRIOR_THERAPY.items()),
            *((c["variable"], c["label"]) for c in classes),
            *PRIOR_SETTING.items(),
        ],
    )
    if not table.columns:
        return table
    if not classes:
        settings_heading = f"{PRIOR_SETTING['PRSETTNG']}, n (%)"
        labels = [row["label"] for row in table.rows]
        at = labels.index(settings_heading) if settings_heading in labels else len(labels)
        table.rows[at:at] = [
            {"label": "Prior therapy by drug class", "cells": [], "heading": True},
            {"label": NOT_CONFIGURED, "cells": [NOT_CONFIGURED] * len(table.columns)},
        ]
        table.footnotes.append(
            "Drug classes of prior therapy: not configured for this study (no class and its "
            "terms are defined in the study configuration)."
        )
    category = settings["terms"]["cm"]["prior_therapy"]
    notes = [
        f"A regimen is a group (CMGRPID) of prior anticancer therapies (CM records with "
        f"CMCAT = '{category}') before the study."
    ]
    notes += [
        f"{c['label']}: a prior anticancer therapy of {', '.join(_display_terms(c['terms']))}."
        for c in classes
    ]
    if value.collected("PRSETTNG"):
        notes.append("Settings: those of the subject's prior regimens, in the order first given.")
    table.footnotes[0:0] = notes
    return table


def _measure_notes(value: ResultLookup, formula: str) -> list[str]:
    """Footnotes of the entry-criteria rows of table 14.1.3 the study collected."""
    notes = []
    if value.collected("WEIGHTBL") or value.collected("BSABL"):
        notes.append("Baseline: the last value on or before day 1.")
    if value.collected("BSABL"):
        notes.append(
            f"Body surface area by {BSA_FORMULAS[formula]}, from baseline height and weight."
        )
    if value.collected("DIAGDURM"):
        notes.append(
            "Time since initial diagnosis: months (days / 30.4375) from the initial diagnosis "
            "to day 1."
        )
    if value.collected("METSITES"):
        notes.append(
            "Disease sites: locations of the baseline target and non-target lesions; a subject "
            "with several sites is counted under each."
        )
    return [" ".join(notes)] if notes else []


def _display_terms(terms: list[str]) -> list[str]:
    return [display_case(term).lower() if term.isupper() else term for term in terms]
