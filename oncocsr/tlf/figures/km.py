"""Figures 14.2.5 and 14.2.7: Kaplan-Meier curves with their numbers at risk."""

from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from oncocsr.ard import TOTAL, ResultLookup, arm_variable
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf.figures.common import COLOURS, STYLE, to_svg
from oncocsr.tlf.tables import display_units, groups
from oncocsr.tlf.tables.common import REFERENCE_DAY


def km_figure(
    adtte: pd.DataFrame,
    ard: pd.DataFrame,
    *,
    paramcd: str,
    label: str,
    conf_level: float,
    reference_start: str = "first_dose",
) -> bytes:
    """Kaplan-Meier curve per arm with censor marks, CI band, median line and numbers at risk
    on one grid for every arm (an arm that ends earlier shows 0 at risk after its end).

    The curve comes from ADTTE through lifelines; numbers at risk and the median come from the
    ARD, so the figure shows the same numbers as the table. Time runs from the reference start.
    """
    # lifelines (about 0.8 s to import) only here: the other figure rules do not need it.
    from lifelines import KaplanMeierFitter

    value = ResultLookup(ard)
    analysis = f"KM-{paramcd}"
    names = groups(ard, analysis)
    data = adtte[(adtte["PARAMCD"] == paramcd) & (adtte["FASFL"] == "Y")]
    risk = ard[(ard["analysis_id"] == analysis) & ard["stat_name"].str.startswith("n_risk_")]
    times = sorted({float(re.match(r"n_risk_([\d.]+)m", s).group(1)) for s in risk["stat_name"]})
    with plt.rc_context(STYLE):
        figure = plt.figure(figsize=(7.0, 4.6))
        # The left margin leaves room for arm names in the numbers-at-risk rows.
        axis = figure.add_axes((0.24, 0.1 + 0.05 * len(names) + 0.12, 0.72, 0.62))
        table = figure.add_axes((0.24, 0.04, 0.72, 0.05 * len(names) + 0.06), sharex=axis)
        variable = arm_variable(ard)
        for i, group in enumerate(names):
            subset = data if group == TOTAL else data[data[variable] == group]
            colour = COLOURS[i % len(COLOURS)]
            fitter = KaplanMeierFitter(alpha=1 - conf_level)
            fitter.fit(
                subset["AVAL"] / DAYS_PER_MONTH,
                event_observed=subset["CNSR"] == 0,
                label=display_units(group),
            )
            fitter.plot_survival_function(
                ax=axis,
                ci_show=True,
                show_censors=True,
                color=colour,
                linewidth=1.4,
                censor_styles={"marker": "|", "ms": 7, "mew": 1.0},
                ci_alpha=0.15,
            )
            median = value(analysis, group, "AVAL", "median")
            if median is not None:
                axis.plot(
                    [0, median, median], [0.5, 0.5, 0], linestyle=":", color=colour, linewidth=0.9
                )
            counts = [value(analysis, group, "AVAL", f"n_risk_{t:g}m") for t in times]
            for t, n in zip(times, counts, strict=True):
                table.text(
                    t,
                    len(names) - 1 - i,
                    f"{int(n)}",
                    ha="center",
                    va="center",
                    color=colour,
                    fontsize=8,
                )
        axis.set_ylim(0, 1.02)
        axis.set_xlim(0, max(times) if times else 1)
        axis.set_xticks(times)
        axis.set_xlabel(f"Months since {REFERENCE_DAY[reference_start]}")
        axis.set_ylabel(f"{label} probability")
        axis.legend(loc="upper right", frameon=False)
        axis.grid(axis="y", color="#dddddd", linewidth=0.5)
        table.set_ylim(-0.6, len(names) - 0.4)
        labels = [textwrap.fill(display_units(name), 22) for name in reversed(names)]
        table.set_yticks(np.arange(len(names)), labels, fontsize=8)
        table.tick_params(axis="x", labelbottom=False, length=0)
        table.tick_params(axis="y", length=0, pad=14)
        for spine in table.spines.values():
            spine.set_visible(False)
        table.set_title("Number at risk", loc="left", fontsize=8)
        return to_svg(figure)
