"""Tables 14.2.4 to 14.2.7: the Kaplan-Meier summaries of duration of response, PFS, PFS2 and
OS (SAP section 6), from the ARD rows of oncocsr.endpoints (analyses KM-<PARAMCD>)."""

from __future__ import annotations

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.tlf.tables.common import (
    POPULATION_NAMES,
    REFERENCE_DAY,
    TITLES,
    Table,
    columns_with_n,
    empty_table,
    fmt_estimate_ci,
    fmt_n_pct,
    fmt_number,
    groups,
    optional,
)


def _level(settings: dict) -> str:
    return f"{100 * settings['km']['conf_level']:g}%"


def _outcome_categories(ard: pd.DataFrame, analysis: str, prefix: str) -> list[str]:
    """The ARD variables of one kind of outcome (``EVNTDESC=`` events by type, ``CNSR=``
    censoring by reason) of a KM analysis."""
    rows = ard[(ard["analysis_id"] == analysis) & (ard["stat_name"] == "n")]
    return sorted({v for v in rows["variable"] if v.startswith(prefix)})


def _outcome_rows(ard, value, analysis: str, names: list[str], totals: dict) -> list[dict]:
    """Events, n (%), then each event type (most frequent first), and censored, n (%), then
    each censoring reason by its code, indented; labels and counts are the ARD's (SAP
    section 5: EVNTDESC, CNSR and CNSDTDSC of ADTTE)."""

    def count_rows(variables: list[str], label) -> list[dict]:
        return [
            {
                "label": label(variable),
                "cells": [fmt_n_pct(value(analysis, g, variable, "n"), totals[g]) for g in names],
                "indent": True,
            }
            for variable in variables
        ]

    def total(variable: str) -> float:
        return sum(value(analysis, g, variable, "n") or 0 for g in names)

    def text(variable: str) -> str:
        return value.label(analysis, names[0], variable, "n")

    types = sorted(
        _outcome_categories(ard, analysis, "EVNTDESC="), key=lambda v: (-total(v), text(v))
    )
    reasons = sorted(
        _outcome_categories(ard, analysis, "CNSR="), key=lambda v: float(v.split("=", 1)[1])
    )
    return [
        {
            "label": "Events, n (%)",
            "cells": [fmt_n_pct(value(analysis, g, "AVAL", "events"), totals[g]) for g in names],
        },
        *count_rows(types, text),
        {
            "label": "Censored, n (%)",
            "cells": [fmt_n_pct(value(analysis, g, "AVAL", "censored"), totals[g]) for g in names],
        },
        *count_rows(reasons, lambda v: f"{v.split('=', 1)[1]}: {text(v)}"),
    ]


def km_table(
    ard: pd.DataFrame,
    paramcd: str,
    tlf_id: str,
    settings: dict,
    population: str = "FAS",
    time_from: str | None = None,
) -> Table:
    """Kaplan-Meier summary (tables 14.2.4 to 14.2.7; SAP section 6): events by type and
    censoring by reason, quartiles, landmark rates named for what they estimate, and for
    overall survival the median follow-up; times in months from ``time_from`` (by default the
    reference start, day 1)."""
    value = ResultLookup(ard)
    analysis = f"KM-{paramcd}"
    names = groups(ard, analysis)
    if not names:
        return empty_table(tlf_id, POPULATION_NAMES[population], "No subject to analyse.")
    level = _level(settings)
    totals = {g: value(analysis, g, "AVAL", "N") for g in names}
    table = Table(
        tlf_id=tlf_id,
        title=TITLES[tlf_id],
        population=POPULATION_NAMES[population],
        columns=columns_with_n(names, totals),
    )

    def cells(function) -> list[str]:
        return [function(g) for g in names]

    table.rows += _outcome_rows(ard, value, analysis, names, totals)
    table.rows.append({"label": "Time to event (months)", "cells": [], "heading": True})
    for stat, label in (
        ("median", f"Median ({level} CI)"),
        ("q25", f"25th percentile ({level} CI)"),
        ("q75", f"75th percentile ({level} CI)"),
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
    table.rows.append({"label": "Landmark rates", "cells": [], "heading": True})
    for landmark in settings["km"]["landmarks_months"]:
        t = f"{landmark:g}"

        def rate(g, t=t):
            values = [
                optional(value, analysis, g, "AVAL", f"surv_{t}m{s}") for s in ("", "_lcl", "_ucl")
            ]
            return fmt_estimate_ci(*(None if v is None else 100 * v for v in values))

        # The ARD names the rate for what it estimates ("12-month survival rate").
        label = value.label(analysis, names[0], "AVAL", f"surv_{t}m")
        table.rows.append({"label": f"{label}, % ({level} CI)", "cells": cells(rate)})
    if value.has(analysis, names[0], "AVAL", "followup_median"):
        table.rows.append(
            {
                "label": "Median follow-up, months (reverse Kaplan-Meier)",
                "cells": cells(lambda g: fmt_number(value(analysis, g, "AVAL", "followup_median"))),
            }
        )
    origin = time_from or f"{REFERENCE_DAY[settings['reference_start']]} (day 1)"
    table.footnotes.append(
        f"Time from {origin}. Kaplan-Meier estimates; confidence intervals for quantiles by "
        "Brookmeyer-Crowley on the log-log scale, for rates by the log-log transformation; NE: "
        "not estimable."
    )
    table.footnotes.append(
        "Events by type as recorded in ADTTE (EVNTDESC); censored subjects by censoring code "
        "(CNSR) and its description (CNSDTDSC), first applicable rule of SAP section 5."
    )
    if value.has(analysis, names[0], "AVAL", "followup_median"):
        table.footnotes.append(
            "Median follow-up: Kaplan-Meier median with censoring as the event (reverse "
            "Kaplan-Meier); reported once, for overall survival."
        )
    return table


def dor_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.2.4: Kaplan-Meier summary of duration of response (analysis KM-DOR), among the
    confirmed responders of the full analysis set; a note when nobody responded."""
    population = "Confirmed responders in the full analysis set"
    if ard["analysis_id"].eq("KM-DOR").any():
        table = km_table(ard, "DOR", "14.2.4", settings, time_from="the first confirmed response")
        table.population = population
        table.footnotes.insert(
            0,
            "Duration of response: from the first confirmed CR or PR to progression or death, "
            "with the censoring rules of progression-free survival.",
        )
        return table
    return empty_table(
        "14.2.4",
        population,
        "No subject had a confirmed response: duration of response is not estimated.",
    )


def pfs2_table(ard: pd.DataFrame, settings: dict) -> Table:
    """Table 14.2.6: the PFS2 sensitivity analysis (analysis KM-PFS2), with its definition."""
    table = km_table(ard, "PFS2", "14.2.6", settings)
    table.footnotes.insert(
        0,
        "PFS2 (sensitivity analysis, FDA 2018 guidance): events are radiological progression "
        f"({settings['response']['criterion']}) and death only; clinical progression is not an "
        "event; censoring as for progression-free survival (SAP section 5).",
    )
    return table
