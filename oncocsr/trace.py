"""Auditing a built data cut: trace a number of the report or a file back to the raw snapshot
(DESIGN.md, ARD); ``verify`` is oncocsr.manifest.

:func:`trace` walks an ARD row to the ADaM records and subjects its filter selects, the SDTM
records those came from, the cut SDTM file and the raw file with its hash in the lock; or walks an
output file through the inputs provenance records for it down to the raw files. Lineages are plain
nested dicts (``node``, ``name``, facts, ``children``) so they print as a tree or as JSON.
Paths are relative to the workflow's working directory, as in ``provenance.json``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from oncocsr.ard import TOTAL, arm_variable

PROVENANCE = "provenance.json"
# ADaM datasets whose records are one per subject (or a summary of all of a subject's records)
# and so trace to an SDTM domain by USUBJID alone.
SUBJECT_LEVEL_SOURCES = {"ADSL": "DM", "ADEX": "EX"}


class AuditError(ValueError):
    """provenance.json missing or unreadable, or a trace target that names nothing."""


class FilterError(ValueError):
    """An ARD filter that this module cannot apply exactly (it never guesses)."""


def _norm(path: str | Path) -> str:
    return PurePosixPath(os.path.normpath(str(path))).as_posix()


def read_provenance(results_dir: str | Path) -> dict:
    """``<results_dir>/provenance.json``; missing or invalid is an :class:`AuditError`."""
    path = Path(results_dir) / PROVENANCE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise AuditError(f"{path} does not exist") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AuditError(f"{path} cannot be read as JSON ({error})") from error
    if not isinstance(document, dict) or not ("outputs" in document or "raw" in document):
        raise AuditError(f"{path} is not a provenance file (no outputs or raw list)")
    return document


# --- ARD filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """``column op value`` of an ARD filter; op is ``==``, ``!=``, ``in`` or ``not in``."""

    column: str
    op: str
    value: str | float | tuple


_TOKEN = re.compile(
    r"\s*(?:(?P<text>'[^']*'|\"[^\"]*\")|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<symbol>==|!=|=|\[|\]|,)|(?P<word>[A-Za-z_]\w*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if not match:
            raise FilterError(f"cannot read the filter {text!r} from {text[position:].strip()!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


def parse_filter(text: str) -> tuple[list[Condition], str]:
    """The conditions of an ARD filter and the prose after a ``;`` (which no code can apply).

    The filters are ``VAR = 'text'``, ``VAR != 'text'``, ``VAR = 3`` and
    ``VAR in ['a', 'b']`` joined by ``and``. Anything else (``or``, parentheses, comparisons,
    an unquoted value) is a :class:`FilterError`: an unquoted ``Y`` could be the text 'Y' or
    a variable named Y, and the trace must not pick one.
    """
    expression, _, note = text.partition(";")
    tokens, conditions, i = _tokens(expression), [], 0

    def literal(kind: str, value: str, column: str) -> str | float:
        if kind == "text":
            return value[1:-1]
        if kind == "number":
            return float(value)
        if kind != "word":
            raise FilterError(f"cannot read the filter {text!r} at {value!r}")
        raise FilterError(
            f"the value {value} of {column} is not quoted, so it may be the text '{value}' or a "
            f"variable {value}; the filter {text!r} cannot be applied as written"
        )

    while i < len(tokens):
        if tokens[i][0] != "word" or i + 2 >= len(tokens):
            raise FilterError(f"cannot read the filter {text!r}")
        column, op = tokens[i][1], tokens[i + 1][1]
        i += 2
        if op == "not" and tokens[i][1] == "in":
            op, i = "not in", i + 1
        if op in ("=", "==", "!="):
            value = literal(*tokens[i], column)
            i += 1
        elif op in ("in", "not in") and i < len(tokens) and tokens[i][1] == "[":
            items, i = [], i + 1
            while i < len(tokens) and tokens[i][1] != "]":
                if tokens[i][1] != ",":
                    items.append(literal(*tokens[i], column))
                i += 1
            if i == len(tokens):
                raise FilterError(f"the list in the filter {text!r} is not closed")
            value, i = tuple(items), i + 1
        else:
            raise FilterError(f"cannot apply the operator {op!r} in the filter {text!r}")
        conditions.append(Condition(column, "==" if op == "=" else op, value))
        if i < len(tokens):
            if tokens[i] != ("word", "and") or i + 1 == len(tokens):
                raise FilterError(f"cannot apply {tokens[i][1]!r} in the filter {text!r}")
            i += 1
    return conditions, note.strip()


def _mask(frame: pd.DataFrame, condition: Condition, dataset: str) -> pd.Series:
    column = frame[condition.column]
    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    numeric = pd.api.types.is_numeric_dtype(column)
    if any(isinstance(value, str) == numeric for value in values):
        # Comparing a numeric variable with text (or the reverse) selects nothing in pandas;
        # that would look like an empty but valid selection.
        kind = "numeric" if numeric else "text"
        raise FilterError(
            f"{dataset}.{condition.column} is {kind}, the filter compares it with {values}"
        )
    selected = column.isin(values)
    return ~selected if condition.op in ("!=", "not in") else selected


# --- lineage of an ARD result -----------------------------------------------------------------


def _file_facts(path: str | Path, entries: dict[str, dict]) -> dict:
    entry = entries.get(_norm(path))
    return {"file": _norm(path), "sha256": entry["sha256"] if entry else "not in provenance.json"}


def _select(
    name: str,
    frame: pd.DataFrame,
    adsl: pd.DataFrame | None,
    conditions: list,
    group: str,
    arm: str = "ACTARM",
) -> tuple[pd.DataFrame, list[str]]:
    """Records of one ADaM dataset that the conditions and the group (a value of the study's
    arm variable ``arm``, or Total) select; subject-level variables it lacks come from ADSL by
    USUBJID, as the analyses merge them."""
    needed = [c.column for c in conditions] + ([] if group == TOTAL else [arm])
    missing = sorted({column for column in needed if column not in frame})
    notes = []
    if missing:
        if adsl is None or name == "ADSL" or any(column not in adsl for column in missing):
            raise FilterError(f"{name} has no variable {', '.join(missing)} (nor has ADSL)")
        subject_level = adsl[["USUBJID", *missing]].drop_duplicates("USUBJID")
        frame = frame.merge(subject_level, on="USUBJID", how="left", validate="many_to_one")
        notes.append(f"{', '.join(missing)} taken from ADSL by USUBJID")
    mask = pd.Series(True, index=frame.index)
    for condition in conditions:
        mask &= _mask(frame, condition, name)
    if group != TOTAL:
        mask &= frame[arm] == group
    return frame[mask], notes


def _sdtm_keys(
    name: str, dataset: pd.DataFrame, selected: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """SDTM domain -> (USUBJID, SEQ) of the records the selected ADaM records came from; a NaN
    SEQ stands for every record of the subject in that domain."""
    notes = []
    if {"SRCDOM", "SRCSEQ"} <= set(dataset.columns):
        cites = selected["SRCDOM"].fillna("") != ""
        derived = selected[~cites]
        if len(derived):
            # Derived parameters (best response, ...) cite no record themselves; they come from
            # the records of the same subjects that do.
            support = dataset[
                dataset["USUBJID"].isin(derived["USUBJID"]) & (dataset["SRCDOM"].fillna("") != "")
            ]
            notes.append(
                f"{len(derived)} derived records cite no SDTM record; followed the "
                f"{len(support)} {name} records of the same subjects that do"
            )
            selected = pd.concat([selected[cites], support]).drop_duplicates(
                ["USUBJID", "SRCDOM", "SRCSEQ"]
            )
        sources = selected[["USUBJID", "SRCDOM", "SRCSEQ"]].rename(columns={"SRCSEQ": "SEQ"})
        if (sources["SRCDOM"] == "ADSL").any():
            notes.append("records citing ADSL followed to DM by USUBJID")
            sources.loc[sources["SRCDOM"] == "ADSL", ["SRCDOM", "SEQ"]] = ["DM", float("nan")]
        return {
            domain: keys[["USUBJID", "SEQ"]] for domain, keys in sources.groupby("SRCDOM")
        }, notes
    domain = name.removeprefix("AD")
    if f"{domain}SEQ" in selected:
        # Occurrence datasets (ADAE) keep the SDTM sequence number of each record.
        return {
            domain: selected[["USUBJID", f"{domain}SEQ"]].set_axis(["USUBJID", "SEQ"], axis=1)
        }, notes
    if name in SUBJECT_LEVEL_SOURCES:
        keys = selected[["USUBJID"]].assign(SEQ=float("nan"))
        domain = SUBJECT_LEVEL_SOURCES[name]
        notes.append(f"{name} records are per subject: every {domain} record of the subjects")
        return {domain: keys}, notes
    notes.append(f"{name} records name no SDTM record (no SRCDOM/SRCSEQ, no --SEQ)")
    return {}, notes


def _seq_value(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _raw_node(domain: str, provenance: dict) -> dict:
    matches = [
        entry
        for entry in provenance.get("raw", [])
        if PurePosixPath(entry["path"]).stem.lower() == domain.lower()
    ]
    if not matches:
        return {
            "node": "raw",
            "name": domain,
            "note": "no raw file of this domain in provenance.json",
        }
    entry = matches[0]
    node = {
        "node": "raw",
        "name": entry["path"],
        "sha256": entry["sha256"],
        "lock_sha256": entry.get("lock_sha256", "not in provenance.json"),
    }
    if "lock_sha256" in entry:
        node["matches_lock"] = entry["lock_sha256"] == entry["sha256"]
    return node


def _linked_records(
    sdtm: pd.DataFrame, domain: str, keys: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The SDTM records that the keys name, and the keys that name none."""
    seq = f"{domain}SEQ"
    whole = keys["SEQ"].isna()
    subjects = keys.loc[whole, ["USUBJID", "SEQ"]].drop_duplicates()
    found = [sdtm[sdtm["USUBJID"].isin(subjects["USUBJID"])]]
    absent = [subjects[~subjects["USUBJID"].isin(sdtm["USUBJID"])]]
    by_seq = keys.loc[~whole, ["USUBJID", "SEQ"]].drop_duplicates()
    if seq not in sdtm:
        absent.append(by_seq)
    elif len(by_seq):
        linked = by_seq.merge(
            sdtm, left_on=["USUBJID", "SEQ"], right_on=["USUBJID", seq], how="left", indicator=True
        )
        found.append(linked.loc[linked["_merge"] == "both", sdtm.columns])
        absent.append(linked.loc[linked["_merge"] == "left_only", ["USUBJID", "SEQ"]])
    return pd.concat(found), pd.concat(absent)


def _record_keys(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [
        {
            column: _seq_value(v) if column != "USUBJID" else v
            for column, v in zip(columns, row, strict=True)
        }
        for row in frame[columns].itertuples(index=False)
    ]


def _sdtm_node(
    domain: str, keys: pd.DataFrame | None, results_dir: Path, provenance: dict, outputs: dict
) -> dict:
    """The cut SDTM file of a domain, the records the keys name in it (when the ADaM records
    were selected), and its raw file."""
    path = results_dir / "sdtm" / f"{domain.lower()}.parquet"
    node = {"node": "SDTM", "name": domain, **_file_facts(path, outputs)}
    if keys is not None and not path.is_file():
        node["note"] = "file missing: the records cannot be looked up"
    elif keys is not None:
        sdtm = pd.read_parquet(path)
        found, absent = _linked_records(sdtm, domain, keys)
        columns = ["USUBJID", f"{domain}SEQ"] if f"{domain}SEQ" in sdtm else ["USUBJID"]
        found = found.drop_duplicates(columns).sort_values(columns)
        node |= {"records": len(found), "subjects": sorted(found["USUBJID"].unique())}
        if len(columns) > 1:
            node["record_keys"] = _record_keys(found, columns)
        if len(absent):
            node["not_found"] = [
                {"USUBJID": subject} | ({} if pd.isna(seq) else {f"{domain}SEQ": _seq_value(seq)})
                for subject, seq in zip(absent["USUBJID"], absent["SEQ"], strict=True)
            ]
    node["children"] = [_raw_node(domain, provenance)]
    return node


def _dataset_node(
    name: str,
    conditions: list[Condition] | None,
    group: str,
    results_dir: Path,
    provenance: dict,
    outputs: dict,
    arm: str = "ACTARM",
) -> dict:
    """An ADaM dataset with the records and subjects an ARD row selects in it (``conditions``
    None: its filter cannot be applied), followed to SDTM and raw files."""
    path = results_dir / "adam" / f"{name.lower()}.parquet"
    node = {"node": "ADaM", "name": name, **_file_facts(path, outputs)}
    if not path.is_file():
        node["note"] = "file missing"
        return node
    dataset = pd.read_parquet(path)
    adsl_path = results_dir / "adam" / "adsl.parquet"
    adsl = pd.read_parquet(adsl_path) if adsl_path.is_file() else None
    keys: dict[str, pd.DataFrame | None]
    if conditions is None:
        # Without a selection, still show which SDTM files the dataset is made from.
        keys, notes = dict.fromkeys(_sdtm_keys(name, dataset, dataset)[0]), []
    else:
        try:
            selected, notes = _select(name, dataset, adsl, conditions, group, arm)
            keys, link_notes = _sdtm_keys(name, dataset, selected)
        except FilterError as error:
            node["note"] = f"records not selected: {error}"
            return node
        notes += link_notes
        node |= {"records": len(selected), "subjects": sorted(selected["USUBJID"].unique())}
    if notes:
        node["notes"] = "; ".join(notes)
    node["children"] = [
        _sdtm_node(domain, domain_keys, results_dir, provenance, outputs)
        for domain, domain_keys in sorted(keys.items())
    ]
    return node


def trace_result(results_dir: str | Path, result_id: str) -> dict:
    """Lineage of one ARD row: the row, then per ADaM dataset of ``source_dataset`` the records
    and subjects that its filter and group select, their SDTM records, the cut SDTM file and the
    raw file with its sha256 and the lock's."""
    results_dir = Path(results_dir)
    provenance = read_provenance(results_dir)
    outputs = {_norm(entry["path"]): entry for entry in provenance.get("outputs", [])}
    ard_path = results_dir / "ard" / "ard.parquet"
    ard = pd.read_parquet(ard_path)
    rows = ard[ard["result_id"] == result_id]
    if rows.empty:
        raise AuditError(f"{result_id} is not a result_id in {_norm(ard_path)}")
    row = rows.iloc[0]
    node = {
        "node": "ARD row",
        "name": result_id,
        "value": None if pd.isna(row["stat_value"]) else float(row["stat_value"]),
        "label": row["stat_label"],
        "method": row["method"],
        "filter": row["filter"],
        "group": row["group"],
        "population": row["population"],
        "tlf_id": row["tlf_id"],
        "source_dataset": row["source_dataset"],
        "input_sha256": row["input_sha256"],
        **_file_facts(ard_path, outputs),
    }
    try:
        conditions, unapplied = parse_filter(row["filter"])
    except FilterError as error:
        conditions, node["filter_not_applied"] = None, str(error)
    else:
        if unapplied:
            node["filter_not_applied"] = (
                f"{unapplied!r} is prose, not a condition; the records shown are those of the "
                f"conditions before it, a superset"
            )
    names = [name.strip() for name in row["source_dataset"].split(",") if name.strip()]
    node["children"] = [
        _dataset_node(
            name, conditions, row["group"], results_dir, provenance, outputs, arm_variable(ard)
        )
        for name in names
    ]
    return node


# --- lineage of an output file ----------------------------------------------------------------


def trace_output(provenance: dict, path: str) -> dict:
    """Lineage of a file listed in provenance.json: its rule, hashes and params, then its inputs
    recursively down to the raw files. A file met again is shown once, then as "see above"."""
    outputs = {_norm(entry["path"]): entry for entry in provenance.get("outputs", [])}
    raw = {_norm(entry["path"]): entry for entry in provenance.get("raw", [])}
    seen: set[str] = set()

    def walk(path: str, read_sha256: str | None) -> dict:
        if path in seen:
            return {"node": "file", "name": path, "see_above": True}
        seen.add(path)
        if path in outputs:
            entry = outputs[path]
            node = {
                "node": "output",
                "name": path,
                "rule": entry.get("rule"),
                "sha256": entry["sha256"],
                "code": entry.get("code"),
                "params": entry.get("params"),
            }
            if "inputs" not in entry:
                node["note"] = "provenance.json records no inputs for this file"
            children = [walk(_norm(i["path"]), i.get("sha256")) for i in entry.get("inputs", [])]
        elif path in raw:
            entry = raw[path]
            node = {"node": "raw", "name": path, "sha256": entry["sha256"]}
            if "lock_sha256" in entry:
                node["lock_sha256"] = entry["lock_sha256"]
            children = []
        else:
            node = {"node": "file", "name": path, "note": "not listed in provenance.json"}
            children = []
        if read_sha256 is not None and read_sha256 != node.get("sha256"):
            # The consumer read other bytes than the ones listed now: it is out of date.
            node["sha256_when_read"] = read_sha256
        if children:
            node["children"] = children
        return node

    return walk(_norm(path), None)


def trace(target: str, results_dir: str | Path) -> dict:
    """Lineage of ``target``: a file listed in the cut's provenance.json, or an ARD result_id."""
    results_dir = Path(results_dir)
    provenance = read_provenance(results_dir)
    listed = [
        _norm(e["path"]) for e in [*provenance.get("outputs", []), *provenance.get("raw", [])]
    ]
    if _norm(target) in listed:
        return trace_output(provenance, target)
    ard_path = results_dir / "ard" / "ard.parquet"
    ids = (
        pd.read_parquet(ard_path, columns=["result_id"])["result_id"] if ard_path.is_file() else []
    )
    if target in set(ids):
        return trace_result(results_dir, target)
    close = difflib.get_close_matches(target, [*listed, *ids], n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise AuditError(
        f"{target} is neither an output in {_norm(results_dir / PROVENANCE)} nor a result_id in "
        f"{_norm(ard_path)}{hint}"
    )


# --- printing ---------------------------------------------------------------------------------


def _show(value, limit: int) -> str:
    if isinstance(value, list):
        items = [
            " ".join(str(v) if k == "USUBJID" else f"{k}={v}" for k, v in item.items())
            if isinstance(item, dict)
            else str(item)
            for item in value
        ]
        more = f" ... ({len(items)} in all; --json lists all)" if len(items) > limit else ""
        return f"({len(items)}) " + ", ".join(items[:limit]) + more
    if isinstance(value, dict):
        text = json.dumps(value, sort_keys=True)
        return text if len(text) <= 300 else text[:300] + " ... (--json shows all)"
    return "-" if value is None else str(value)


def render(lineage: dict, *, limit: int = 10) -> str:
    """The lineage as an indented tree; lists show their first ``limit`` items."""
    lines: list[str] = []

    def walk(node: dict, depth: int) -> None:
        pad = "    " * depth
        see_above = " (see above)" if node.get("see_above") else ""
        lines.append(f"{pad}{'└─ ' if depth else ''}{node['node']} {node['name']}{see_above}")
        for key, value in node.items():
            if key not in ("node", "name", "children", "see_above"):
                lines.append(f"{pad}{'   ' if depth else ''}  {key}: {_show(value, limit)}")
        for child in node.get("children", []):
            walk(child, depth + 1)

    walk(lineage, 0)
    return "\n".join(lines)
