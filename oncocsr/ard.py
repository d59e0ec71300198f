"""Analysis Results Data: one row per statistic (DESIGN.md, ARD).

Every number the CSR shows is a row here first; tables and text render from these rows.
``result_id`` is built from analysis id, group, variable and statistic name, never from row order,
so it is stable across runs.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

COLUMNS = [
    "result_id",
    "analysis_id",
    "tlf_id",
    "population",
    "group",
    "variable",
    "stat_name",
    "stat_value",
    "stat_label",
    "source_dataset",
    "filter",
    "method",
    "input_sha256",
]
TOTAL = "Total"


_SYMBOLS = [
    (">=", " GE "),
    ("<=", " LE "),
    (">", " GT "),
    ("<", " LT "),
    ("+", "POS "),
    ("-", "NEG "),
]


def _slug(text: str) -> str:
    """Upper-case identifier of a label; comparison and sign characters keep their meaning so
    that "<50" and ">=50", or "HER2+" and "HER2-", stay distinct."""
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def result_id(analysis_id: str, group: str, variable: str, stat_name: str) -> str:
    return ":".join([analysis_id, _slug(group), _slug(variable), stat_name])


def rows(
    *,
    analysis_id: str,
    tlf_id: str,
    population: str,
    group: str,
    variable: str,
    stats: dict[str, tuple[float | None, str]],
    source_dataset: str,
    filter: str,
    method: str,
    input_sha256: str,
) -> pd.DataFrame:
    """ARD rows for one analysis, group and variable; ``stats`` maps name -> (value, label)."""
    return pd.DataFrame(
        [
            {
                "result_id": result_id(analysis_id, group, variable, name),
                "analysis_id": analysis_id,
                "tlf_id": tlf_id,
                "population": population,
                "group": group,
                "variable": variable,
                "stat_name": name,
                "stat_value": np.nan if value is None else float(value),
                "stat_label": label,
                "source_dataset": source_dataset,
                "filter": filter,
                "method": method,
                "input_sha256": input_sha256,
            }
            for name, (value, label) in stats.items()
        ],
        columns=COLUMNS,
    )


SINGLE_ARM = {"variable": "ACTARM", "pool": False, "order": []}


def order_groups(names, order=()) -> list[str]:
    """Groups in display order: the configured arm order, other arms alphabetically, Total last."""
    rank = {name: i for i, name in enumerate(order)}
    return sorted(names, key=lambda name: (name == TOTAL, rank.get(name, len(rank)), name))


def arm_groups(frame: pd.DataFrame, arms: dict | None = None) -> list[tuple[str, pd.DataFrame]]:
    """Each arm (``arms.variable``: actual or planned), plus a Total pooling them where the study
    says pooling is meaningful (``arms.pool``) and there is more than one (SAP section 2, arms)."""
    arms = arms or SINGLE_ARM
    variable = arms["variable"]
    names = order_groups(frame[variable].dropna().unique(), arms.get("order", ()))
    groups = [(name, frame[frame[variable] == name]) for name in names]
    if arms.get("pool") and len(names) > 1:
        groups.append((TOTAL, frame))
    return groups


def arm_variable(ard: pd.DataFrame) -> str:
    """The ADSL variable the groups of an ARD are arms of (its ARMS rows; actual arm when the
    ARD has none)."""
    arms = ard.loc[ard["analysis_id"] == "ARMS", "variable"]
    return str(arms.iloc[0]) if len(arms) else "ACTARM"


def is_design_group(group: str, design: dict | None) -> bool:
    """Whether the primary hypothesis (Simon design, tests against p0) applies to ``group``: an
    arm the design names, or any arm when it names none; never a pooled Total (SAP section 2)."""
    if not design or group == TOTAL:
        return False
    return not design.get("arms") or group in design["arms"]


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The combined ARD, sorted by result_id; a duplicate result_id is an error. An analysis
    with nothing to analyse (e.g. DOR without responders) contributes no rows."""
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    ard = pd.concat(frames, ignore_index=True)[COLUMNS]
    duplicated = ard["result_id"][ard["result_id"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"duplicate ARD result_id: {sorted(set(duplicated))[:5]}")
    return ard.sort_values("result_id", kind="stable").reset_index(drop=True)


COLLECTED = "COLLECTED"


def collected_rows(items: dict[str, tuple[bool, str]], input_sha256: str) -> pd.DataFrame:
    """ARD rows (analysis COLLECTED) saying, for each optional item a table needs, whether the
    study collected it (1) or not (0), with what was looked for: the tables print "not
    collected" from them instead of a count of zero (SAP section 7)."""
    frames = [
        rows(
            analysis_id=COLLECTED,
            tlf_id="",
            population="ALL",
            group=TOTAL,
            variable=name,
            stats={"collected": (int(found), source)},
            source_dataset="SDTM",
            filter="",
            method="Presence of the source data in the snapshot",
            input_sha256=input_sha256,
        )
        for name, (found, source) in items.items()
    ]
    return combine(frames)


def arms_rows(names: list[str], variable: str, input_sha256: str) -> pd.DataFrame:
    """ARD rows (analysis ARMS) of the groups tables show, in display order, and the ADSL
    variable that defines them (ACTARM or ARM), so that tables and trace follow the study's
    grouping."""
    return combine(
        [
            rows(
                analysis_id="ARMS",
                tlf_id="",
                population="ALL",
                group=name,
                variable=variable,
                stats={"order": (order, f"Display order of the group ({variable})")},
                source_dataset="ADSL",
                filter="",
                method="Groups of the tables",
                input_sha256=input_sha256,
            )
            for order, name in enumerate(names, start=1)
        ]
    )


class ResultLookup:
    """Read ARD values by result id, for templates; a missing id is an error, never a blank."""

    def __init__(self, ard: pd.DataFrame):
        self._values = dict(zip(ard["result_id"], ard["stat_value"], strict=True))
        self._labels = dict(zip(ard["result_id"], ard["stat_label"], strict=True))

    def has(self, analysis_id: str, group: str, variable: str, stat_name: str) -> bool:
        return result_id(analysis_id, group, variable, stat_name) in self._values

    def label(self, analysis_id: str, group: str, variable: str, stat_name: str) -> str:
        key = result_id(analysis_id, group, variable, stat_name)
        if key not in self._labels:
            raise KeyError(f"no ARD result {key!r}")
        return self._labels[key]

    def collected(self, item: str) -> bool:
        """Whether the study collected an optional item (analysis COLLECTED); an item the ARD
        does not mention is collected."""
        key = result_id(COLLECTED, TOTAL, item, "collected")
        return key not in self._values or bool(self._values[key])

    def __call__(self, analysis_id: str, group: str, variable: str, stat_name: str) -> float | None:
        key = result_id(analysis_id, group, variable, stat_name)
        if key not in self._values:
            raise KeyError(f"no ARD result {key!r}")
        value = self._values[key]
        return None if pd.isna(value) else float(value)
