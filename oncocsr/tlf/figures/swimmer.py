"""Figure 14.2.8: swimmer plot of time on treatment and response, grouped by arm."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.path import Path

from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.tlf.figures.common import (
    STYLE,
    _colours,
    _response,
    _response_legend,
    marker_handle,
    to_svg,
)

# The swimmer plot shows every FAS subject up to this many, else confirmed responders only.
SWIMMER_MAX = 60
# Shortest bar drawn, as a fraction of the time axis: a subject with a single dose (one day on
# treatment) would otherwise be a bar thinner than a line and seem missing from the figure.
MIN_BAR = 0.008
# Closed arrow polygon, the swimmer plot marker for treatment ongoing at the data cut.
ARROW = Path(
    [(-1, -0.15), (0.3, -0.15), (0.3, -0.5), (1, 0), (0.3, 0.5), (0.3, 0.15), (-1, 0.15), (-1, 0)],
    closed=True,
)


def swimmer_figure(
    adsl: pd.DataFrame, adrs: pd.DataFrame, adtte: pd.DataFrame, arm: str | None = None
) -> bytes:
    """Figure 14.2.8 (SAP section 7): swimmer plot, one bar per FAS subject from first to last
    dose (ADSL TRTSDT, TRTEDT), coloured by confirmed best overall response, with follow-up to
    death or last contact and markers for the onset of confirmed response (ADRS CRSP date, the
    start of DOR), progression (first radiological PD in ADRS, or clinical progression from the
    ADTTE PFS event), death and treatment ongoing at the data cut. Every bar is at least
    ``MIN_BAR`` of the time axis long, so a subject with a single dose (or no last-dose date: one
    day from the first dose) shows as a short bar. Above ``SWIMMER_MAX``
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
            # No last-dose date: the first dose is the only one known.
            "treated": months(fas["TRTEDT"].fillna(fas["TRTSDT"])),
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
    axis.barh(
        y,
        frame["treated"].clip(lower=MIN_BAR * end),
        height=0.6,
        color=_colours(frame["response"]),
        linewidth=0,
        gid="treatment",
    )
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
            handles.append(marker_handle(marker, face, label))
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
