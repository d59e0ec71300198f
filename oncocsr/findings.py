"""The data checks' findings files (results/{cut}/checks/*.json): their columns, order, one-line
form, writing and reading. Kept apart from ``oncocsr.checks`` so that the rules that only read
findings (checks report and gate, listing 16.2.4, CSR) do not import pandera."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from oncocsr.atomic import writes_atomically

SEVERITIES = ("error", "warning", "info")
COLUMNS = ["id", "severity", "file", "variable", "usubjid", "seq", "value", "message"]


def sort_findings(found: pd.DataFrame) -> pd.DataFrame:
    """Findings in a stable order: severity, id, subject, sequence number, value."""
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    order = found["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    seq = pd.to_numeric(found["seq"], errors="coerce").fillna(-1)
    found = found.assign(_o=order, _s=seq).sort_values(
        ["_o", "id", "variable", "usubjid", "_s", "value"], kind="stable"
    )
    return found.drop(columns=["_o", "_s"]).drop_duplicates().reset_index(drop=True)[COLUMNS]


def format_finding(item: dict) -> str:
    """One line naming file, variable, subject, sequence number and value."""
    where = f"{item['file']}: {item['variable']}" if item["variable"] else item["file"]
    if item["usubjid"]:
        where += f" USUBJID={item['usubjid']}"
    if item["seq"]:
        where += f" SEQ={item['seq']}"
    value = f" value={item['value']!r}" if item["value"] != "" else ""
    return f"[{item['severity']}] {item['id']} {where}{value}: {item['message']}"


@writes_atomically()
def write_findings(path: str | Path, summary: dict, found: pd.DataFrame) -> None:
    """A domain's (or the cross-checks') findings as JSON with counts per severity."""
    found = sort_findings(found)
    counts = {severity: int((found["severity"] == severity).sum()) for severity in SEVERITIES}
    document = {**summary, "counts": counts, "findings": found.to_dict("records")}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True, ensure_ascii=False)
        handle.write("\n")


def read_findings(paths) -> tuple[list[dict], pd.DataFrame]:
    """Summaries and all findings of several checks JSON files."""
    summaries, frames = [], []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        frames.append(pd.DataFrame(document.pop("findings"), columns=COLUMNS))
        summaries.append(document)
    frames = [frame for frame in frames if not frame.empty]
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return summaries, sort_findings(found)
