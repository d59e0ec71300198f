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


def arm_groups(frame: pd.DataFrame, arm: str = "ACTARM") -> list[tuple[str, pd.DataFrame]]:
    """Each actual arm, plus a Total when there is more than one (SAP section 2, arms)."""
    arms = sorted(frame[arm].unique())
    groups = [(name, frame[frame[arm] == name]) for name in arms]
    if len(arms) > 1:
        groups.append((TOTAL, frame))
    return groups


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


class ResultLookup:
    """Read ARD values by result id, for templates; a missing id is an error, never a blank."""

    def __init__(self, ard: pd.DataFrame):
        self._values = dict(zip(ard["result_id"], ard["stat_value"], strict=True))

    def __call__(self, analysis_id: str, group: str, variable: str, stat_name: str) -> float | None:
        key = result_id(analysis_id, group, variable, stat_name)
        if key not in self._values:
            raise KeyError(f"no ARD result {key!r}")
        value = self._values[key]
        return None if pd.isna(value) else float(value)
