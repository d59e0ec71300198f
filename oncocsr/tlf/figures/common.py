"""What the section 14 figures share: the deterministic SVG output (DESIGN.md, determinism),
the style, and the colours and legend of the confirmed best overall response."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import to_rgba_array
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from oncocsr.fonts import CJK_FONT

# Text from the data (arm, subgroup and subject names) may be Chinese, which DejaVu lacks: the
# pinned Noto Sans SC is matplotlib's fallback (font.family below), glyph by glyph, so a figure
# without Chinese text draws exactly as with DejaVu alone.
font_manager.fontManager.addfont(str(CJK_FONT))
COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0"]
STYLE = {
    "svg.hashsalt": "oncocsr",
    "svg.fonttype": "path",
    "font.family": ["DejaVu Sans", font_manager.FontProperties(fname=CJK_FONT).get_name()],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Text from the data (SUBJID, arm and subgroup names) is text: with mathtext, a value
    # between two '$' would be parsed as TeX, and "$\undefinedmacro{$" stops the figure. Every
    # figure draws inside this style, so no Text it creates parses math.
    "text.parse_math": False,
}


def to_svg(figure: plt.Figure) -> bytes:
    """SVG bytes with no date and fixed ids, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "oncocsr"})
    plt.close(figure)
    return buffer.getvalue()


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
# Above this many subjects the per-subject layer is a raster image of this resolution.
RASTER_ABOVE = 1000
RASTER_DPI = 150


def marker_handle(marker: str, face: str, label: str) -> Line2D:
    """A legend entry for an event marker (outlined in black, as the markers are drawn)."""
    return Line2D(
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
