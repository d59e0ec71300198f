"""Section 14 figures as deterministic SVG (DESIGN.md, determinism).

Per-subject figures (waterfall, spider, swimmer) draw every subject with one collection per
artist kind, so a 100,000-subject study renders in seconds; above ``RASTER_ABOVE`` subjects the
per-subject layer is embedded as a ``RASTER_DPI`` image (axes, text and reference lines stay
vector), because sub-pixel bars and lines add megabytes of paths but nothing a reader can see.
"""

from __future__ import annotations

import io
import re
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba_array
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.transforms import blended_transform_factory

from oncocsr.ard import ResultLookup
from oncocsr.baseline import DEMOGRAPHICS, PRIOR_THERAPY
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.subgroups import SUBGROUPS
from oncocsr.tlf.tables import fmt_estimate_ci, groups, level_label

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


# Confirmed best overall response (ADRS CBOR): legend label and colour, best response first.
RESPONSES = {
    "CR": ("CR", "#1f4e79"),
    "PR": ("PR", "#5b9bd5"),
    "SD": ("SD", "#f2b134"),
    "NON-CR/NON-PD": ("Non-CR/non-PD", "#c9b37e"),
    "PD": ("PD", "#c00000"),
    "NE": ("NE", "#7f7f7f"),
    "MISSING": ("No assessment", "#cccccc"),
}
# RECIST 1.1 thresholds on the change in the sum of target-lesion diameters (%).
THRESHOLDS = ((20, "+20%\n(PD)"), (-30, "−30%\n(PR)"))
# The % change axes end at +LIMIT: larger increases are truncated (waterfall) or run off the
# scale (spider), and both figures say how many.
LIMIT = 100
RASTER_ABOVE = 1000
RASTER_DPI = 150
# The swimmer plot shows every FAS subject up to this many, else confirmed responders only.
SWIMMER_MAX = 60
# Closed arrow polygon, the swimmer plot marker for treatment ongoing at the data cut.
ARROW = Path(
    [(-1, -0.15), (0.3, -0.15), (0.3, -0.5), (1, 0), (0.3, 0.5), (0.3, 0.15), (-1, 0.15), (-1, 0)],
    closed=True,
)


def _response(adrs: pd.DataFrame, subjects) -> pd.Series:
    """Confirmed best overall response (ADRS CBOR) of each subject, MISSING without a record."""
    cbor = adrs.loc[adrs["PARAMCD"] == "CBOR"].set_index("USUBJID")["AVALC"]
    return cbor.reindex(subjects).fillna("MISSING")


def _colours(response: pd.Series) -> np.ndarray:
    """One RGBA row per subject, from the response codes (fast for 100,000 subjects)."""
    codes = pd.Categorical(response, categories=list(RESPONSES)).codes
    if (codes < 0).any():
        raise ValueError(f"unknown CBOR values: {sorted(set(response) - set(RESPONSES))}")
    return to_rgba_array([colour for _, colour in RESPONSES.values()])[codes]


def _response_legend(figure: plt.Figure, response: pd.Series) -> None:
    """Colour legend of the responses present, outside the axes so it never hides data."""
    present = set(response)
    handles = [
        Patch(color=colour, label=label)
        for code, (label, colour) in RESPONSES.items()
        if code in present
    ]
    if handles:
        figure.legend(
            handles=handles,
            loc="outside upper center",
            ncol=len(handles),
            frameon=False,
            fontsize=8,
            title="Confirmed best overall response",
            title_fontsize=8,
            handlelength=1.2,
            columnspacing=1.2,
        )


def _thresholds(axis: plt.Axes) -> None:
    """Dashed RECIST lines, labelled in the right margin where no bar or line can hide them."""
    axis.axhline(0, color="black", linewidth=0.6, zorder=3)
    for value, text in THRESHOLDS:
        axis.axhline(value, color="#404040", linestyle="--", linewidth=0.8, zorder=3)
        axis.annotate(
            text,
            (1, value),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            linespacing=1.0,
        )
    axis.set_ylim(-LIMIT - 5, LIMIT + 10)
    axis.set_yticks(np.arange(-LIMIT, LIMIT + 1, 20))


def waterfall_figure(adtr: pd.DataFrame, adrs: pd.DataFrame) -> bytes:
    """Figure 14.2.8 (SAP section 7): waterfall of the best % change from baseline in the sum of
    target-lesion diameters (ADTR BPCHG), one bar per FAS subject, largest increase on the left,
    coloured by confirmed best overall response (ADRS CBOR)."""
    with plt.rc_context(STYLE):
        return to_svg(_waterfall(adtr, adrs))


def _waterfall(adtr: pd.DataFrame, adrs: pd.DataFrame) -> plt.Figure:
    best = adtr.loc[
        (adtr["PARAMCD"] == "BPCHG") & (adtr["FASFL"] == "Y") & adtr["AVAL"].notna(),
        ["USUBJID", "AVAL"],
    ].sort_values(["AVAL", "USUBJID"], ascending=[False, True], kind="stable")
    response = _response(adrs, best["USUBJID"])
    change = best["AVAL"].to_numpy()
    count = len(change)
    large = count > RASTER_ABOVE
    x = np.arange(count, dtype=float)
    top = np.minimum(change, LIMIT)
    base = np.zeros(count)
    # Bars touch when there are too many for gaps to show.
    half = 0.5 if large else 0.4
    bars = np.stack(
        [np.c_[x - half, base], np.c_[x - half, top], np.c_[x + half, top], np.c_[x + half, base]],
        axis=1,
    )
    figure = plt.figure(figsize=(7.0, 4.5), dpi=RASTER_DPI, layout="constrained")
    axis = figure.add_subplot()
    axis.add_collection(
        PolyCollection(
            bars, facecolors=_colours(response), linewidths=0, rasterized=large, gid="bars"
        )
    )
    over = change > LIMIT
    if over.any():
        axis.scatter(
            x[over],
            np.full(over.sum(), LIMIT + 5),
            marker="^",
            s=12,
            color="black",
            linewidths=0,
            rasterized=large,
            label=f"Above +{LIMIT}%, truncated ({over.sum():,})",
        )
        axis.legend(loc="upper right", frameon=False, fontsize=7, handletextpad=0.2)
    if count == 0:
        axis.text(
            0.5,
            0.5,
            "No subject with a post-baseline target-lesion measurement",
            transform=axis.transAxes,
            ha="center",
        )
    _thresholds(axis)
    axis.set_xlim(-0.6, max(count, 1) - 0.4)
    axis.set_xticks([])
    axis.spines["bottom"].set_visible(False)
    axis.set_xlabel(f"Subjects (n = {count:,}), ordered by best change")
    axis.set_ylabel("Best change from baseline in\nsum of diameters (%)")
    _response_legend(figure, response)
    return figure


def spider_figure(adtr: pd.DataFrame, adrs: pd.DataFrame) -> bytes:
    """Figure 14.2.8 (SAP section 7): spider plot of the % change from baseline in the sum of
    target-lesion diameters (ADTR SUMDIAM) over time, one line per FAS subject with a
    post-baseline measurement, coloured by confirmed best overall response (ADRS CBOR)."""
    with plt.rc_context(STYLE):
        return to_svg(_spider(adtr, adrs))


def _spider(adtr: pd.DataFrame, adrs: pd.DataFrame) -> plt.Figure:
    rows = adtr.loc[(adtr["PARAMCD"] == "SUMDIAM") & (adtr["FASFL"] == "Y")]
    baseline = rows["ABLFL"] == "Y"
    after = ~baseline & (rows["ADY"] >= 1) & rows["PCHG"].notna()
    points = pd.DataFrame(
        {
            "USUBJID": rows["USUBJID"],
            # The baseline is 0% at time 0 (its PCHG is missing by definition).
            "x": np.where(baseline, 0.0, rows["ADY"] / DAYS_PER_MONTH),
            "y": np.where(baseline, 0.0, rows["PCHG"]),
        }
    )[(baseline | after) & rows["USUBJID"].isin(rows.loc[after, "USUBJID"])]
    response = _response(adrs, points["USUBJID"])
    # Worst response first, so the lines of responders are drawn on top.
    points = points.assign(
        response=response.to_numpy(),
        rank=pd.Categorical(response, categories=list(RESPONSES)).codes,
    ).sort_values(["rank", "USUBJID", "x"], ascending=[False, True, True], kind="stable")
    subjects = points["USUBJID"].to_numpy()
    starts = np.flatnonzero(np.r_[True, subjects[1:] != subjects[:-1]]) if len(points) else []
    colours = _colours(points["response"])
    large = len(starts) > RASTER_ABOVE
    figure = plt.figure(figsize=(7.0, 4.5), dpi=RASTER_DPI, layout="constrained")
    axis = figure.add_subplot()
    axis.add_collection(
        LineCollection(
            np.split(points[["x", "y"]].to_numpy(), starts[1:]),
            colors=colours[starts],
            linewidths=0.9,
            rasterized=large,
            gid="lines",
        )
    )
    if not large:
        # Assessment markers only while single subjects can be told apart: at 100,000 subjects
        # they would add seconds of drawing under the lines and show nothing more.
        axis.scatter(points["x"], points["y"], c=colours, s=7, linewidths=0, zorder=2)
    above = points.loc[points["y"] > LIMIT, "USUBJID"].nunique()
    if above:
        axis.set_title(
            f"Subjects with a change above +{LIMIT}% (off the scale): {above:,}",
            loc="left",
            fontsize=7,
        )
    _thresholds(axis)
    axis.set_xlim(0, 1.03 * points["x"].max() if len(points) else 1)
    axis.set_xlabel(f"Months since first dose (n = {len(starts):,} subjects)")
    axis.set_ylabel("Change from baseline in\nsum of diameters (%)")
    _response_legend(figure, points["response"])
    return figure


def swimmer_figure(adsl: pd.DataFrame, adrs: pd.DataFrame, adtte: pd.DataFrame) -> bytes:
    """Figure 14.2.8 (SAP section 7): swimmer plot, one bar per FAS subject from first to last
    dose (ADSL TRTSDT, TRTEDT), coloured by confirmed best overall response, with follow-up to
    death or last contact and markers for the onset of confirmed response (ADRS CRSP date, the
    start of DOR), progression (first radiological PD in ADRS, or clinical progression from the
    ADTTE PFS event), death and treatment ongoing at the data cut. Above ``SWIMMER_MAX``
    subjects only confirmed responders are shown (at most ``SWIMMER_MAX``, longest treatment
    first), as the figure says."""
    with plt.rc_context(STYLE):
        return to_svg(_swimmer(adsl, adrs, adtte))


def _first_date(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    return frame.loc[mask].groupby("USUBJID")["ADT"].min()


def _swimmer(adsl: pd.DataFrame, adrs: pd.DataFrame, adtte: pd.DataFrame) -> plt.Figure:
    fas = adsl.loc[adsl["FASFL"] == "Y"].set_index("USUBJID")

    def months(dates: pd.Series) -> pd.Series:
        # Same time scale as the time-to-event figures: ADT - TRTSDT + 1 days.
        return ((dates.reindex(fas.index) - fas["TRTSDT"]).dt.days + 1) / DAYS_PER_MONTH

    # Clinical progression (DS) is in no ADRS parameter, only in the PFS event.
    progression = pd.concat(
        [
            _first_date(adrs, (adrs["PARAMCD"] == "PD") & (adrs["AVALC"] == "Y")),
            _first_date(
                adtte,
                (adtte["PARAMCD"] == "PFS") & (adtte["CNSR"] == 0) & (adtte["EVNTDESC"] != "Death"),
            ),
        ]
    )
    frame = pd.DataFrame(
        {
            "treated": months(fas["TRTEDT"]),
            "followed": months(fas[["LSTALVDT", "DTHDT"]].max(axis=1)),
            "onset": months(
                _first_date(adrs, (adrs["PARAMCD"] == "CRSP") & (adrs["AVALC"] == "Y"))
            ),
            "progression": months(progression.groupby(level=0).min()),
            "death": months(fas["DTHDT"]),
            "ongoing": fas["EOTSTT"] == "ONGOING",
            "response": _response(adrs, fas.index),
            "label": fas["SUBJID"],
        }
    )
    total = len(frame)
    note = ""
    if total > SWIMMER_MAX:
        frame = frame[frame["onset"].notna()]
        responders = len(frame)
        note = f"Confirmed responders only: {responders:,} of {total:,} subjects"
        if responders > SWIMMER_MAX:
            frame = frame.sort_values(
                ["treated", "USUBJID"], ascending=[False, True], kind="stable"
            ).head(SWIMMER_MAX)
            note = (
                f"The {SWIMMER_MAX} confirmed responders with the longest treatment "
                f"({responders:,} responders of {total:,} subjects)"
            )
    # Longest treatment at the top.
    frame = frame.sort_values(["treated", "USUBJID"], ascending=[True, False], kind="stable")
    count = len(frame)
    y = np.arange(count)
    end = frame[["treated", "followed", "progression", "death"]].max().max() if count else 1.0
    figure = plt.figure(figsize=(7.0, 1.8 + 0.105 * max(count, 10)), layout="constrained")
    axis = figure.add_subplot()
    axis.barh(y, frame["treated"], height=0.6, color=_colours(frame["response"]), linewidth=0)
    handles = []
    followed = (frame["followed"] > frame["treated"]).to_numpy()
    if followed.any():
        axis.hlines(
            y[followed],
            frame.loc[followed, "treated"],
            frame.loc[followed, "followed"],
            color="#a6a6a6",
            linewidth=0.8,
        )
        handles.append(Line2D([], [], color="#a6a6a6", linewidth=0.8, label="Follow-up"))
    events = {
        "onset": ("^", "white", "Confirmed response onset"),
        "progression": ("X", "black", "Progression"),
        "death": ("s", "black", "Death"),
    }
    for column, (marker, face, label) in events.items():
        seen = frame[column].notna().to_numpy()
        if seen.any():
            axis.scatter(
                frame.loc[seen, column],
                y[seen],
                marker=marker,
                s=22,
                c=face,
                edgecolors="black",
                linewidths=0.7,
                zorder=3,
                gid=column,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=5,
                    markerfacecolor=face,
                    markeredgecolor="black",
                    markeredgewidth=0.7,
                    label=label,
                )
            )
    ongoing = frame["ongoing"].to_numpy()
    if ongoing.any():
        # The arrow starts just right of the bar end.
        axis.scatter(
            frame.loc[ongoing, "treated"] + 0.02 * end,
            y[ongoing],
            marker=ARROW,
            s=70,
            color="black",
            linewidths=0,
            zorder=3,
            gid="ongoing",
        )
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=ARROW,
                markersize=9,
                color="black",
                label="Ongoing at data cut",
            )
        )
    if count == 0:
        axis.text(0.5, 0.5, "No subject to show", transform=axis.transAxes, ha="center")
    if note:
        axis.set_title(note, loc="left", fontsize=8)
    axis.set_xlim(0, 1.04 * end)
    axis.set_ylim(-0.7, max(count, 1) - 0.3)
    axis.set_yticks(y, frame["label"], fontsize=7)
    axis.tick_params(axis="y", length=0)
    axis.set_xlabel("Months since first dose")
    axis.set_ylabel("Subject")
    _response_legend(figure, frame["response"])
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncol=len(handles),
            frameon=False,
            fontsize=8,
            handlelength=1.5,
            columnspacing=1.2,
        )
    return figure


def forest_figure(ard: pd.DataFrame, *, p0: float) -> bytes:
    """Figure 14.2.2 (SAP sections 6 and 7): forest plot of the confirmed ORR with its exact
    95% CI by subgroup (ARD analysis SUBGROUP), under the ORR of the full analysis set (ARD
    ORR-FAS, also a dashed line), with the null response rate ``p0`` as a dotted line. Several
    arms: the Total group."""
    with plt.rc_context(STYLE):
        return to_svg(_forest(ard, p0=p0))


def _level_order(variable: str, levels: list[str]) -> list[str]:
    """Subgroup levels as table 14.2.2 orders them: defined levels first, others alphabetically."""
    defined = (DEMOGRAPHICS | PRIOR_THERAPY).get(variable, ("", ()))[1]
    return sorted(
        levels,
        key=lambda level: (defined.index(level) if level in defined else len(defined), level),
    )


def _forest(ard: pd.DataFrame, *, p0: float) -> plt.Figure:
    value = ResultLookup(ard)
    group = groups(ard, "SUBGROUP")[-1]

    def row(label: str, analysis: str, variable: str, names: tuple[str, ...]) -> dict:
        stats = [value(analysis, group, variable, name) for name in names]
        return {"label": label, "heading": analysis != "SUBGROUP", "stats": stats}

    rows = [row("Full analysis set", "ORR-FAS", "CRSP", ("estimate", "lcl", "ucl", "n", "N"))]
    present = ard.loc[(ard["analysis_id"] == "SUBGROUP") & (ard["group"] == group), "variable"]
    for variable, label in SUBGROUPS.items():
        levels = [
            name.split("=", 1)[1] for name in present.unique() if name.startswith(f"{variable}=")
        ]
        if not levels:
            continue
        rows.append({"label": label, "heading": True, "stats": [None] * 5})
        rows += [
            row(
                f"    {level_label(variable, level)}",
                "SUBGROUP",
                f"{variable}={level}",
                ("orr", "orr_lcl", "orr_ucl", "n", "N"),
            )
            for level in _level_order(variable, levels)
        ]
    stats = np.array([[np.nan if s is None else s for s in r["stats"]] for r in rows], dtype=float)
    estimate, lcl, ucl = (100 * stats[:, i] for i in range(3))
    count = len(rows)
    y = np.arange(count)
    height = 1.35 + 0.2 * count
    figure = plt.figure(figsize=(7.0, height))
    # Fixed margins in inches: header above, x axis and legend below.
    axis = figure.add_axes((0.33, 0.8 / height, 0.34, 1 - 1.25 / height))
    axis.set_ylim(count - 0.5, -0.5)
    axis.hlines(y, lcl, ucl, color="black", linewidth=1.0)
    axis.scatter(estimate[1:], y[1:], marker="s", s=18, color=COLOURS[0], zorder=3)
    axis.scatter(estimate[:1], y[:1], marker="D", s=30, color="black", zorder=3)
    axis.axvline(estimate[0], color=COLOURS[0], linestyle="--", linewidth=0.8)
    axis.axvline(100 * p0, color="#7f7f7f", linestyle=":", linewidth=1.0)
    axis.set_xlim(0, 100)
    axis.set_xticks(np.arange(0, 101, 20))
    axis.set_xlabel("Objective response rate (%)")
    axis.set_yticks([])
    axis.spines["left"].set_visible(False)
    # Table columns: x in figure fractions, y in rows of the plot.
    cell = blended_transform_factory(figure.transFigure, axis.transData)
    columns = (
        (0.02, "left", "Subgroup"),
        (0.76, "right", "n/N"),
        (0.79, "left", "ORR, % (95% CI)"),
    )
    for x, align, header in columns:
        axis.text(
            x,
            -1.1,
            header,
            transform=cell,
            ha=align,
            va="center",
            fontsize=8,
            fontweight="bold",
            clip_on=False,
        )
    # Rules under the header and under the full analysis set row, across all columns.
    for rule in (-0.6, 0.5):
        figure.add_artist(
            Line2D([0.02, 0.98], [rule, rule], transform=cell, color="#7f7f7f", lw=0.5)
        )
    for i, r in enumerate(rows):
        cells = [r["label"]]
        if not np.isnan(stats[i, 4]):
            cells += [
                f"{stats[i, 3]:.0f}/{stats[i, 4]:.0f}",
                fmt_estimate_ci(
                    *(None if np.isnan(v) else v for v in (estimate[i], lcl[i], ucl[i]))
                ),
            ]
        for (x, align, _), content in zip(columns, cells, strict=False):
            axis.text(
                x,
                i,
                content,
                transform=cell,
                ha=align,
                va="center",
                fontsize=8,
                fontweight="bold" if r["heading"] else "normal",
                clip_on=False,
            )
    figure.legend(
        handles=[
            Line2D(
                [],
                [],
                color=COLOURS[0],
                linestyle="--",
                linewidth=0.8,
                label="ORR, full analysis set",
            ),
            Line2D(
                [],
                [],
                color="#7f7f7f",
                linestyle=":",
                linewidth=1.0,
                label=f"Null hypothesis p0 = {100 * p0:g}%",
            ),
        ],
        loc="lower center",
        ncol=2,
        frameon=False,
        fontsize=8,
    )
    return figure
