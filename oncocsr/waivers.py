"""Accepted findings: a data manager waives known, true data errors of a cut in a waiver file
(``<waivers folder>/<cut>.yaml``), so that the checks gate can pass without editing raw data.

A waiver names the check id and, to narrow it, the subject, the sequence number and the value
of the findings it accepts, with the reason and who accepted it. Every waiver must match at
least one error finding: one that matches nothing is itself an error (the data it was written
for has changed). Waived findings stay in the findings files; the gate, listing 16.2.4 and
provenance name each waiver and what it matched.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

REQUIRED = ("check", "reason", "by")
OPTIONAL = ("subject", "seq", "value", "file")
# Finding columns a waiver's optional keys narrow on.
MATCHES = {"subject": "usubjid", "seq": "seq", "value": "value", "file": "file"}


class WaiverError(ValueError):
    """A waiver file that cannot be read or holds a malformed waiver."""


def waiver_path(folder: str | Path, cut: str) -> Path:
    return Path(folder) / f"{cut}.yaml"


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def read_waivers(path: str | Path | None) -> list[dict]:
    """The waivers of a file (a YAML list), validated; none without a file."""
    if path is None or not Path(path).is_file():
        return []
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise WaiverError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(entries, list):
        raise WaiverError(f"{path}: a waiver file is a list of waivers")
    waivers = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise WaiverError(f"{path}: waiver {number} is not a mapping")
        missing = [key for key in REQUIRED if not str(entry.get(key) or "").strip()]
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if missing or unknown:
            problems = [f"missing {', '.join(missing)}" if missing else ""]
            problems.append(f"unknown keys {', '.join(unknown)}" if unknown else "")
            raise WaiverError(
                f"{path}: waiver {number} ({entry.get('check', '?')}): "
                + "; ".join(p for p in problems if p)
                + f" (a waiver has {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)})"
            )
        waivers.append({key: _text(entry[key]) for key in (*REQUIRED, *OPTIONAL) if key in entry})
    return waivers


def waiver_mask(findings: pd.DataFrame, waiver: dict) -> pd.Series:
    """Error findings a waiver accepts."""
    mask = (findings["id"] == waiver["check"]) & (findings["severity"] == "error")
    for key, column in MATCHES.items():
        if key in waiver:
            mask &= findings[column].astype(str) == waiver[key]
    return mask


def apply_waivers(findings: pd.DataFrame, waivers: list[dict]) -> tuple[pd.DataFrame, list[dict]]:
    """The findings with ``waived`` (the accepting waiver's reason and who, or "") and every
    waiver with the number of findings it ``matched``."""
    waived = pd.Series("", index=findings.index, dtype=object)
    applied = []
    for waiver in waivers:
        mask = waiver_mask(findings, waiver) & (waived == "")
        waived[mask] = f"waived: {waiver['reason']} ({waiver['by']})"
        applied.append({**waiver, "matched": int(mask.sum())})
    return findings.assign(waived=waived), applied


def describe(waiver: dict) -> str:
    """One line naming what a waiver accepts."""
    narrowed = ", ".join(f"{key}={waiver[key]}" for key in OPTIONAL if key in waiver)
    return f"{waiver['check']}" + (f" ({narrowed})" if narrowed else "")
