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

from oncocsr.ard import TOTAL, ResultLookup, arm_variable, is_design_group
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf.tables import fmt_estimate_ci, groups, level_label, subgroup_levels
from oncocsr.tlf.tables.common import REFERENCE_DAY

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
        axis.set_xlabel(f"Months since {REFERENCE_DAY[reference_start]}")
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


def _arm_panels(frame: pd.DataFrame, arm: str | None) -> list[tuple[str, pd.DataFrame]]:
    """One panel per arm (in name order), or one unnamed panel for a single arm."""
    if arm is None or frame[arm].nunique() <= 1:
        return [("", frame)]
    return [(name, frame[frame[arm] == name]) for name in sorted(frame[arm].unique())]


def _panel_figure(count: int) -> tuple[plt.Figure, list[plt.Axes]]:
    figure = plt.figure(figsize=(7.0, 1.0 + 3.5 * count), dpi=RASTER_DPI, layout="constrained")
    axes = figure.subplots(count, 1, squeeze=False)[:, 0]
    return figure, list(axes)


def waterfall_figure(adtr: pd.DataFrame, adrs: pd.DataFrame, arm: str | None = None) -> bytes:
    """Figure 14.2.8 (SAP section 7): waterfall of the best % change from baseline in the sum of
    target-lesion diameters (ADTR BPCHG), one bar per FAS subject, largest increase on the left,
    coloured by confirmed best overall response (ADRS CBOR); one panel per arm (``arm``: the
    ADaM variable of the study's arms)."""
    with plt.rc_context(STYLE):
        return to_svg(_waterfall(adtr, adrs, arm))


def _waterfall(adtr: pd.DataFrame, adrs: pd.DataFrame, arm: str | None = None) -> plt.Figure:
    rows = adtr.loc[(adtr["PARAMCD"] == "BPCHG") & (adtr["FASFL"] == "Y") & adtr["AVAL"].notna()]
    panels = _arm_panels(rows, arm)
    figure, axes = _panel_figure(len(panels))
    responses = []
    for axis, (name, panel) in zip(axes, panels, strict=True):
        best = panel[["USUBJID", "AVAL"]].sort_values(
            ["AVAL", "USUBJID"], ascending=[False, True], kind="stable"
        )
        response = _response(adrs, best["USUBJID"])
        responses.append(response)
        _waterfall_panel(axis, best["AVAL"].to_numpy(), response)
        if name:
            axis.set_title(name, loc="left", fontsize=9, fontweight="bold")
    _response_legend(figure, pd.concat(responses) if responses else pd.Series(dtype=object))
    return figure


def _waterfall_panel(axis: plt.Axes, change: np.ndarray, response: pd.Series) -> None:
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


def spider_figure(
    adtr: pd.DataFrame, adrs: pd.DataFrame, arm: str | None = None, reference_start="first_dose"
) -> bytes:
    """Figure 14.2.8 (SAP section 7): spider plot of the % change from baseline in the sum of
    target-lesion diameters (ADTR SUMDIAM) over time since the reference start, one line per
    FAS subject with a post-baseline measurement, coloured by confirmed best overall response
    (ADRS CBOR); one panel per arm."""
    with plt.rc_context(STYLE):
        return to_svg(_spider(adtr, adrs, arm, reference_start))


def _spider(
    adtr: pd.DataFrame, adrs: pd.DataFrame, arm=None, reference_start="first_dose"
) -> plt.Figure:
    rows = adtr.loc[(adtr["PARAMCD"] == "SUMDIAM") & (adtr["FASFL"] == "Y")]
    panels = _arm_panels(rows, arm)
    figure, axes = _panel_figure(len(panels))
    responses = []
    for axis, (name, panel) in zip(axes, panels, strict=True):
        responses.append(_spider_panel(axis, panel, adrs, REFERENCE_DAY[reference_start]))
        if name:
            axis.set_title(name, loc="left", fontsize=9, fontweight="bold")
    _response_legend(figure, pd.concat(responses) if responses else pd.Series(dtype=object))
    return figure


def _spider_panel(axis: plt.Axes, rows: pd.DataFrame, adrs: pd.DataFrame, day1: str) -> pd.Series:
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
    axis.add_collection(
        LineCollection(
            np.split(points[["x", "y"]].to_numpy(), starts[1:]) if len(points) else [],
            colors=colours[starts] if len(points) else None,
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
        axis.text(
            1.0,
            1.0,
            f"Subjects with a change above +{LIMIT}% (off the scale): {above:,}",
            transform=axis.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
        )
    if not len(points):
        axis.text(
            0.5,
            0.5,
            "No subject with a post-baseline target-lesion measurement",
            transform=axis.transAxes,
            ha="center",
        )
    _thresholds(axis)
    axis.set_xlim(0, 1.03 * points["x"].max() if len(points) else 1)
    axis.set_xlabel(f"Months since {day1} (n = {len(starts):,} subjects)")
    axis.set_ylabel("Change from baseline in\nsum of diameters (%)")
    return points["response"]


def swimmer_figure(
    adsl: pd.DataFrame, adrs: pd.DataFrame, adtte: pd.DataFrame, arm: str | None = None
) -> bytes:
    """Figure 14.2.8 (SAP section 7): swimmer plot, one bar per FAS subject from first to last
    dose (ADSL TRTSDT, TRTEDT), coloured by confirmed best overall response, with follow-up to
    death or last contact and markers for the onset of confirmed response (ADRS CRSP date, the
    start of DOR), progression (first radiological PD in ADRS, or clinical progression from the
    ADTTE PFS event), death and treatment ongoing at the data cut. Above ``SWIMMER_MAX``
    subjects only confirmed responders are shown (at most ``SWIMMER_MAX``, longest treatment
    first), as the figure says. With several arms (``arm``), subjects are grouped by arm, each
    group named in the right margin."""
    with plt.rc_context(STYLE):
        return to_svg(_swimmer(adsl, adrs, adtte, arm))


def _first_date(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    return frame.loc[mask].groupby("USUBJID")["ADT"].min()


def _swimmer(adsl: pd.DataFrame, adrs: pd.DataFrame, adtte: pd.DataFrame, arm=None) -> plt.Figure:
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
            # Without an end-of-treatment record (not collected) no treatment is shown ongoing.
            "ongoing": fas["EOTSTT"] == "ONGOING" if "EOTSTT" in fas else False,
            "response": _response(adrs, fas.index),
            "label": fas["SUBJID"],
            "arm": fas[arm] if arm else "",
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
    # By arm, longest treatment at the top of each.
    frame = frame.sort_values(
        ["arm", "treated", "USUBJID"], ascending=[False, True, False], kind="stable"
    )
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
    arms = frame["arm"].to_numpy()
    if count and len(set(arms)) > 1:
        for name in dict.fromkeys(arms):
            rows = y[arms == name]
            axis.axhline(rows.min() - 0.5, color="#7f7f7f", linewidth=0.5)
            axis.annotate(
                textwrap.fill(str(name), 16),
                (1, rows.mean()),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
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


def forest_figure(ard: pd.DataFrame, *, subgroups: list[dict], design: dict | None) -> bytes:
    """Figure 14.2.2 (SAP sections 6 and 7): forest plot of the confirmed ORR with its exact
    CI by the study's subgroups (ARD analysis SUBGROUP), under the ORR of the full analysis set
    (ARD ORR-FAS, also a dashed line), with the null response rate p0 as a dotted line for the
    arms the design applies to; one panel per group (arm, or Total where the study pools)."""
    with plt.rc_context(STYLE):
        return to_svg(_forest(ard, subgroups=subgroups, design=design))


def _forest_rows(value: ResultLookup, ard: pd.DataFrame, group: str, subgroups: list[dict]):
    def row(label: str, analysis: str, variable: str, names: tuple[str, ...]) -> dict:
        stats = [value(analysis, group, variable, name) for name in names]
        return {"label": label, "heading": analysis != "SUBGROUP", "stats": stats}

    rows = [row("Full analysis set", "ORR-FAS", "CRSP", ("estimate", "lcl", "ucl", "n", "N"))]
    for subgroup in subgroups:
        levels = subgroup_levels(ard, group, subgroup)
        if not levels:
            continue
        variable = subgroup["variable"]
        rows.append({"label": subgroup["label"], "heading": True, "stats": [None] * 5})
        rows += [
            row(
                f"    {level_label(variable, level)}",
                "SUBGROUP",
                f"{variable}={level}",
                ("orr", "orr_lcl", "orr_ucl", "n", "N"),
            )
            for level in levels
        ]
    return rows


def _forest(ard: pd.DataFrame, *, subgroups: list[dict], design: dict | None) -> plt.Figure:
    value = ResultLookup(ard)
    names = [g for g in groups(ard, "SUBGROUP") if value.has("ORR-FAS", g, "CRSP", "n")]
    blocks = [(g, _forest_rows(value, ard, g, subgroups)) for g in names]
    heights = [1.35 + 0.2 * len(rows) + (0.3 if len(blocks) > 1 else 0) for _, rows in blocks]
    figure = plt.figure(figsize=(7.0, sum(heights) or 1.0))
    if not blocks:
        figure.text(0.5, 0.5, "No subject in the full analysis set", ha="center")
        return figure
    canvases = figure.subfigures(len(blocks), 1, height_ratios=heights, squeeze=False)[:, 0]
    for canvas, height, (group, rows) in zip(canvases, heights, blocks, strict=True):
        tested = is_design_group(group, design)
        title = group if len(blocks) > 1 else ""
        _forest_panel(canvas, height, rows, design["p0"] if tested else None, title)
    return figure


def _forest_panel(canvas, height: float, rows: list[dict], p0, title: str) -> None:
    stats = np.array([[np.nan if s is None else s for s in r["stats"]] for r in rows], dtype=float)
    estimate, lcl, ucl = (100 * stats[:, i] for i in range(3))
    count = len(rows)
    y = np.arange(count)
    top = 0.45 / height + (0.3 / height if title else 0)
    # Fixed margins in inches: header above, x axis and legend below.
    axis = canvas.add_axes((0.33, 0.8 / height, 0.34, 1 - 0.8 / height - top))
    if title:
        canvas.text(0.02, 1 - 0.2 / height, title, fontsize=9, fontweight="bold", va="top")
    axis.set_ylim(count - 0.5, -0.5)
    axis.hlines(y, lcl, ucl, color="black", linewidth=1.0)
    axis.scatter(estimate[1:], y[1:], marker="s", s=18, color=COLOURS[0], zorder=3)
    axis.scatter(estimate[:1], y[:1], marker="D", s=30, color="black", zorder=3)
    axis.axvline(estimate[0], color=COLOURS[0], linestyle="--", linewidth=0.8)
    if p0 is not None:
        axis.axvline(100 * p0, color="#7f7f7f", linestyle=":", linewidth=1.0)
    axis.set_xlim(0, 100)
    axis.set_xticks(np.arange(0, 101, 20))
    axis.set_xlabel("Objective response rate (%)")
    axis.set_yticks([])
    axis.spines["left"].set_visible(False)
    # Table columns: x in fractions of the panel, y in rows of the plot.
    cell = blended_transform_factory(canvas.transSubfigure, axis.transData)
    columns = (
        (0.02, "left", "Subgroup"),
        (0.76, "right", "n/N"),
        (0.79, "left", "ORR, % (CI)"),
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
        canvas.add_artist(
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
    handles = [
        Line2D(
            [], [], color=COLOURS[0], linestyle="--", linewidth=0.8, label="ORR, full analysis set"
        )
    ]
    if p0 is not None:
        handles.append(
            Line2D(
                [],
                [],
                color="#7f7f7f",
                linestyle=":",
                linewidth=1.0,
                label=f"Null hypothesis p0 = {100 * p0:g}%",
            )
        )
    canvas.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=8)
