"""Section 14 figures as deterministic SVG (DESIGN.md, determinism)."""

from __future__ import annotations

import io
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from oncocsr.ard import ResultLookup
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf.tables import groups

COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0"]
STYLE = {
    "svg.hashsalt": "oncocsr",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def to_svg(figure: plt.Figure) -> bytes:
    """SVG bytes with no date and fixed ids, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "oncocsr"})
    plt.close(figure)
    return buffer.getvalue()


def km_figure(
    adtte: pd.DataFrame, ard: pd.DataFrame, *, paramcd: str, label: str, conf_level: float
) -> bytes:
    """Kaplan-Meier curve with censor marks, CI band, median line and numbers at risk.

    The curve comes from ADTTE through lifelines; numbers at risk and the median come from the
    ARD, so the figure shows the same numbers as the table.
    """
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
        for i, group in enumerate(names):
            subset = data if group == "Total" else data[data["ACTARM"] == group]
            colour = COLOURS[i % len(COLOURS)]
            fitter = KaplanMeierFitter(alpha=1 - conf_level)
            fitter.fit(
                subset["AVAL"] / DAYS_PER_MONTH, event_observed=subset["CNSR"] == 0, label=group
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
        axis.set_xlabel("Months since first dose")
        axis.set_ylabel(f"{label} probability")
        axis.legend(loc="upper right", frameon=False)
        axis.grid(axis="y", color="#dddddd", linewidth=0.5)
        table.set_ylim(-0.6, len(names) - 0.4)
        labels = [textwrap.fill(name, 22) for name in reversed(names)]
        table.set_yticks(np.arange(len(names)), labels, fontsize=8)
        table.tick_params(axis="x", labelbottom=False, length=0)
        table.tick_params(axis="y", length=0, pad=14)
        for spine in table.spines.values():
            spine.set_visible(False)
        table.set_title("Number at risk", loc="left", fontsize=8)
        return to_svg(figure)
