"""Accepted findings: a data manager waives known, true data errors of a cut in a waiver file
(``<waivers folder>/<cut>.yaml``), so that the checks gate can pass without editing raw data.

A waiver names the check id and, to narrow it, the subject, the sequence number and the value
of the findings it accepts, with the reason and who accepted it. Every waiver must match at
least one error finding: one that matches nothing is itself an error (the data it was written
for has changed). Waived findings stay in the findings files; the gate, listing 16.2.4 and
provenance name each waiver and what it matched.

One file serves two gates: the data-checks gate before any ADaM, and the ADaM conformance gate
before the CSR, which judges the waivers of ADaM checks (ids starting "ADaM").
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from oncocsr.atomic import writes_atomically
from oncocsr.findings import SEVERITIES, format_finding
from oncocsr.joblog import JobError

REQUIRED = ("check", "reason", "by")
OPTIONAL = ("subject", "seq", "value", "file")
# Finding columns a waiver's optional keys narrow on.
MATCHES = {"subject": "usubjid", "seq": "seq", "value": "value", "file": "file"}
# Every ADaM conformance check id starts so (oncocsr.adamchecks); the SDTM ones never do.
ADAM_CHECKS = "ADaM"
# How many failed checks a stopped gate names, one line each.
SHOWN_CHECKS = 10


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


def gate_waivers(waivers: list[dict], adam: bool) -> list[dict]:
    """The waivers one gate judges: those of ADaM checks (``adam``) or of the SDTM ones."""
    return [waiver for waiver in waivers if waiver["check"].startswith(ADAM_CHECKS) == adam]


def pass_gate(
    findings: pd.DataFrame,
    waivers: list[dict],
    waiver_file: str,
    *,
    checks: str,
    stops: str,
    report: str,
) -> dict:
    """The record of a passed gate (counts per severity and waived, each waiver with what it
    matched), or a ``JobError`` when an error finding is not waived or a waiver matches none.

    The message says which ``checks`` failed and what did not happen (``stops``), then names
    each failed check in one line (its first finding: check, file or dataset, variable,
    subject, value, and how many findings it has) and where the full ``report`` is."""
    findings, applied = apply_waivers(findings, waivers)
    errors = findings[(findings["severity"] == "error") & (findings["waived"] == "")]
    unmatched = [waiver for waiver in applied if not waiver["matched"]]
    if len(errors) or unmatched:
        # Files that could not be read first: they explain the rest.
        errors = errors.assign(_file_level=~errors["id"].str.startswith("FILE."))
        first = errors.sort_values("_file_level", kind="stable").drop_duplicates("id")
        lines = [
            f"{format_finding(row)} ({(errors['id'] == row['id']).sum()} finding(s))"
            for row in first.head(SHOWN_CHECKS).to_dict("records")
        ]
        lines += [
            f"[error] WAIVER.UNMATCHED {waiver_file}: the waiver of {describe(waiver)} matches "
            "no error finding; remove it or correct it"
            for waiver in unmatched
        ]
        raise JobError(
            f"{checks} found {len(errors)} error(s) in {errors['id'].nunique()} check(s)"
            + (f" and {len(unmatched)} waiver(s) that match nothing" if unmatched else "")
            + f"; {stops}.\n"
            + "\n".join(lines)
            + f"\nFull report: {report}. A known, true data error can be accepted in "
            f"{waiver_file} (see README, accepted findings)."
        )
    counts = {severity: int((findings["severity"] == severity).sum()) for severity in SEVERITIES}
    counts["waived"] = int((findings["waived"] != "").sum())
    return {"passed": True, "counts": counts, "waiver_file": waiver_file, "waivers": applied}


@writes_atomically()
def write_gate(path: str | Path, record: dict) -> None:
    """A passed gate's record as JSON (sorted keys: the same bytes on every rebuild)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, sort_keys=True, indent=1)
        handle.write("\n")
