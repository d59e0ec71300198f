"""Figure 14.2.8: waterfall and spider plots of the change in the sum of target-lesion
diameters, one panel per arm."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D

from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf.figures.common import (
    RASTER_ABOVE,
    RASTER_DPI,
    RESPONSES,
    STYLE,
    _colours,
    _response,
    _response_legend,
    marker_handle,
    to_svg,
)
from oncocsr.tlf.tables.common import REFERENCE_DAY, display_units

# RECIST 1.1 threshold on the change from baseline in the sum of target-lesion diameters (%).
# Progression is not a line here: it is an increase of 20% (and 5 mm) over the nadir, which
# differs by subject and date, so the waterfall marks it per subject (ADTR PDTRG).
THRESHOLDS = ((-30, "−30%\n(PR)"),)
# The RECIST 1.1 components of the first progression (ADTR), as waterfall markers.
PD_MARKERS = {
    "PDTRG": ("o", "black", "PD: target lesions (≥20% and ≥5 mm over nadir)"),
    "PDNTRG": ("s", "white", "PD: non-target lesions"),
    "PDNEWL": ("*", "black", "PD: new lesion"),
}
PD_NOT_COLLECTED = {"PDNTRG": "non-target lesions", "PDNEWL": "new lesions"}
# The % change axes end at +LIMIT: larger increases are truncated (waterfall) or run off the
# scale (spider), and both figures say how many.
LIMIT = 100


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


def _no_measurements(axis: plt.Axes) -> None:
    axis.text(
        0.5,
        0.5,
        "No subject with a post-baseline target-lesion measurement",
        transform=axis.transAxes,
        ha="center",
    )


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
    coloured by confirmed best overall response (ADRS CBOR); markers beyond the bar's end name
    the RECIST 1.1 components of the subject's first progression (SAP 4: ADTR PDTRG, target
    lesions 20% and 5 mm over the nadir; PDNTRG, non-target; PDNEWL, new lesion), and the
    figure says which components the study did not collect; one panel per arm (``arm``: the
    ADaM variable of the study's arms)."""
    with plt.rc_context(STYLE):
        return to_svg(_waterfall(adtr, adrs, arm))


def _waterfall(adtr: pd.DataFrame, adrs: pd.DataFrame, arm: str | None = None) -> plt.Figure:
    rows = adtr.loc[(adtr["PARAMCD"] == "BPCHG") & (adtr["FASFL"] == "Y") & adtr["AVAL"].notna()]
    panels = _arm_panels(rows, arm)
    figure, axes = _panel_figure(len(panels))
    components = adtr.loc[adtr["PARAMCD"].isin(list(PD_MARKERS))]
    progression = (
        components.pivot(index="USUBJID", columns="PARAMCD", values="AVALC")
        if len(components)
        else pd.DataFrame(index=pd.Index([], name="USUBJID"))
    )
    responses, marked = [], set()
    for axis, (name, panel) in zip(axes, panels, strict=True):
        best = panel[["USUBJID", "AVAL"]].sort_values(
            ["AVAL", "USUBJID"], ascending=[False, True], kind="stable"
        )
        response = _response(adrs, best["USUBJID"])
        responses.append(response)
        _waterfall_panel(axis, best["AVAL"].to_numpy(), response)
        marked |= _progression_markers(
            axis, best["AVAL"].to_numpy(), progression.reindex(best["USUBJID"])
        )
        if name:
            axis.set_title(display_units(name), loc="left", fontsize=9, fontweight="bold")
    _response_legend(figure, pd.concat(responses) if responses else pd.Series(dtype=object))
    _progression_legend(figure, marked, set(progression.columns))
    return figure


def _progression_legend(figure: plt.Figure, marked: set, collected: set) -> None:
    """Legend of the progression markers drawn, and of the components not collected."""
    handles = [
        marker_handle(marker, face, label)
        for code, (marker, face, label) in PD_MARKERS.items()
        if code in marked
    ]
    missing = [text for code, text in PD_NOT_COLLECTED.items() if code not in collected]
    if missing:
        handles.append(
            Line2D([], [], linestyle="none", label=f"Not collected: {', '.join(missing)}")
        )
    if handles:
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncol=len(handles),
            frameon=False,
            fontsize=7,
            handlelength=1.0,
            columnspacing=1.2,
        )


def _progression_markers(axis: plt.Axes, change: np.ndarray, progression: pd.DataFrame) -> set:
    """Markers beyond the end of each bar (away from zero), one per component of the subject's
    first progression, stacked; returns the components drawn."""
    x = np.arange(len(change), dtype=float)
    top = np.minimum(change, LIMIT)
    direction = np.where(top < 0, -1.0, 1.0)
    # A truncated bar carries its triangle at LIMIT + 5; the components go beyond it.
    offset = np.where(change > LIMIT, 10.0, 5.0)
    stacked = np.zeros(len(change))
    drawn = set()
    for code, (marker, face, _) in PD_MARKERS.items():
        hit = (progression[code] == "Y").to_numpy() if code in progression else None
        if hit is None or not hit.any():
            continue
        y = np.clip(top + direction * (offset + stacked), -LIMIT - 3, LIMIT + 8)
        axis.scatter(
            x[hit],
            y[hit],
            marker=marker,
            s=14,
            c=face,
            edgecolors="black",
            linewidths=0.6,
            zorder=4,
            gid=code,
            rasterized=len(change) > RASTER_ABOVE,
        )
        stacked += np.where(hit, 6.0, 0.0)
        drawn.add(code)
    return drawn


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
        _no_measurements(axis)
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
            axis.set_title(display_units(name), loc="left", fontsize=9, fontweight="bold")
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
        _no_measurements(axis)
    _thresholds(axis)
    axis.set_xlim(0, 1.03 * points["x"].max() if len(points) else 1)
    axis.set_xlabel(f"Months since {day1} (n = {len(starts):,} subjects)")
    axis.set_ylabel("Change from baseline in\nsum of diameters (%)")
    return points["response"]
