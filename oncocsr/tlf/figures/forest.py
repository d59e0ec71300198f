"""Figure 14.2.2: forest plot of the ORR by subgroup, one panel per group."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from oncocsr.ard import ResultLookup, is_design_group
from oncocsr.tlf.figures.common import COLOURS, STYLE, to_svg
from oncocsr.tlf.tables import (
    display_units,
    fmt_estimate_ci,
    groups,
    level_label,
    subgroup_levels,
)


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
        title = display_units(group) if len(blocks) > 1 else ""
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
