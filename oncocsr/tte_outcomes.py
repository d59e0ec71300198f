"""What the events of a time-to-event parameter were and why subjects were censored (SAP
section 5): the counts the Kaplan-Meier tables show under "Events" and "Censored", as ARD rows.

The categories and their texts are the ADTTE's own (EVNTDESC for events, CNSR with CNSDTDSC for
censoring), so a study with other event definitions or censoring rules shows its own.
"""

from __future__ import annotations

import pandas as pd

from oncocsr import ard

EVENT_TYPE_NOT_RECORDED = "Event type not recorded"
REASON_NOT_RECORDED = "Reason not recorded"


def _text(frame: pd.DataFrame, column: str, missing: str) -> pd.Series:
    """A description column as stripped text; blank (or absent) becomes ``missing``."""
    if column not in frame:
        return pd.Series(missing, index=frame.index)
    text = frame[column].fillna("").astype(str).str.strip()
    return text.mask(text == "", missing)


def event_types(data: pd.DataFrame) -> list[str]:
    """The EVNTDESC values of the parameter's events (CNSR = 0), most frequent first, then by
    name: every group shows every type, with 0 where it has none. None without EVNTDESC (not
    collected): the tables then show the events' total only."""
    if "EVNTDESC" not in data:
        return []
    events = data[data["CNSR"] == 0]
    counts = _text(events, "EVNTDESC", EVENT_TYPE_NOT_RECORDED).value_counts()
    return sorted(counts.index, key=lambda name: (-counts[name], name))


def censoring_reasons(data: pd.DataFrame) -> dict[str, str]:
    """CNSR code (as text, "1") -> its CNSDTDSC for the parameter's censored subjects, by code.
    A code with several texts (another sponsor's ADTTE) shows them all."""
    censored = data[data["CNSR"] != 0]
    texts = _text(censored, "CNSDTDSC", REASON_NOT_RECORDED)
    reasons = {}
    for code in sorted(censored["CNSR"].astype(float).unique()):
        found = sorted(set(texts[censored["CNSR"].astype(float) == code]))
        reasons[f"{code:g}"] = "; ".join(found)
    return reasons


def _quoted(text: str) -> str:
    """A text as a filter literal (oncocsr.trace reads '...' and "...")."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def outcome_rows(
    subset: pd.DataFrame,
    types: list[str],
    reasons: dict[str, str],
    *,
    filter: str,
    **common,
) -> list[pd.DataFrame]:
    """ARD rows of one group: events by type (variable ``EVNTDESC=<type>``) and censored subjects
    by reason (variable ``CNSR=<code>``, labelled with its CNSDTDSC), each statistic ``n``.
    ``filter`` selects the group's analysis records; ``common`` are the other ard.rows fields."""
    events = subset[subset["CNSR"] == 0]
    described = _text(events, "EVNTDESC", EVENT_TYPE_NOT_RECORDED)
    codes = subset["CNSR"].astype(float)
    frames = []
    for name in types:
        chosen = (
            "; EVNTDESC blank"
            if name == EVENT_TYPE_NOT_RECORDED
            else f" and EVNTDESC = {_quoted(name)}"
        )
        frames.append(
            ard.rows(
                variable=f"EVNTDESC={name}",
                stats={"n": (int((described == name).sum()), name)},
                filter=f"{filter} and CNSR = 0{chosen}",
                method="Count of subjects whose event was of this type (ADTTE EVNTDESC)",
                **common,
            )
        )
    for code, text in reasons.items():
        frames.append(
            ard.rows(
                variable=f"CNSR={code}",
                stats={"n": (int((codes == float(code)).sum()), text)},
                filter=f"{filter} and CNSR = {code}",
                method="Count of subjects censored for this reason (ADTTE CNSR, CNSDTDSC)",
                **common,
            )
        )
    return frames
