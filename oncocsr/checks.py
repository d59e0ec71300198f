"""SDTM data checks: pandera schemas built from the YAML specs in ``schemas/sdtm``.

Every finding has an id, a severity and a message naming file, variable, subject, sequence number
and value. Validation is lazy: all findings are collected; error-level findings stop the run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from oncocsr.dates import parse_iso8601

SEVERITIES = ("error", "warning")


def load_spec(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _is_type(kind: str):
    def check(series: pd.Series) -> bool:
        if kind == "num":
            return pd.api.types.is_numeric_dtype(series)
        return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)

    return check


def build_schema(spec: dict) -> tuple[pa.DataFrameSchema, dict[str, tuple[str, str, str, str]]]:
    """A pandera schema for one domain and, per check name, its id, severity, message and, for
    checks on the whole frame, the variable a finding names."""
    domain = spec["domain"]
    meta: dict[str, tuple[str, str, str, str]] = {}

    def named(check_id: str, severity: str, message: str, variable: str = "") -> str:
        meta[check_id] = (check_id, severity, message, variable)
        return check_id

    columns = {}
    for variable, rule in spec["variables"].items():
        severity = rule.get("severity", "error")
        checks = [
            pa.Check(
                _is_type(rule["type"]),
                name=named(
                    f"{domain}.{variable}.TYPE",
                    "error",
                    f"expected {'numeric' if rule['type'] == 'num' else 'character'} type",
                ),
            )
        ]
        if rule.get("nonblank"):
            checks.append(
                pa.Check(
                    lambda s: s.astype(str).str.strip() != "",
                    name=named(f"{domain}.{variable}.BLANK", "error", "value is blank"),
                )
            )
        if "allowed" in rule:
            allowed = set(rule["allowed"])
            checks.append(
                pa.Check(
                    lambda s, allowed=allowed: s.isin(allowed),
                    name=named(
                        f"{domain}.{variable}.CT",
                        severity,
                        f"not in controlled terminology {sorted(allowed)}",
                    ),
                )
            )
        if rule.get("iso8601"):
            checks.append(
                pa.Check(
                    lambda s: parse_iso8601(s)["precision"] != "invalid",
                    name=named(f"{domain}.{variable}.ISO8601", "error", "not an ISO 8601 date"),
                )
            )
        if "range" in rule:
            low, high = rule["range"]
            checks.append(
                pa.Check(
                    lambda s, low=low, high=high: s.isna() | s.between(low, high),
                    name=named(
                        f"{domain}.{variable}.RANGE",
                        severity,
                        f"outside the plausible range [{low}, {high}]",
                    ),
                )
            )
        columns[variable] = pa.Column(
            checks=checks, required=bool(rule.get("required")), nullable=True
        )

    frame_checks = []
    for rule in spec.get("conditional", []):
        ((when_var, when_value),) = rule["when"].items()
        allowed = set(rule["allowed"])
        frame_checks.append(
            pa.Check(
                lambda df, v=rule["variable"], w=when_var, wv=when_value, a=allowed: (
                    (df[w] != wv) | df[v].isin(a)
                ),
                name=named(
                    rule["id"],
                    rule.get("severity", "error"),
                    f"{rule['variable']} not in {sorted(allowed)} where {when_var} = {when_value}",
                    rule["variable"],
                ),
            )
        )
    schema = pa.DataFrameSchema(
        columns=columns,
        checks=frame_checks,
        unique=spec.get("keys"),
        report_duplicates="all",
        name=domain,
    )
    meta["column_in_dataframe"] = (
        f"{domain}.REQUIRED",
        "error",
        "required variable is missing",
        "",
    )
    keys = spec.get("keys") or [""]
    meta["multiple_fields_uniqueness"] = (
        f"{domain}.KEY.DUPLICATE",
        "error",
        f"duplicate key ({', '.join(keys)})",
        keys[-1],
    )
    return schema, meta


def _subject_fields(frame: pd.DataFrame, domain: str, index) -> tuple[str, str]:
    if index is None or pd.isna(index) or index not in frame.index:
        return "", ""
    row = frame.loc[index]
    seq = row.get(f"{domain}SEQ", "")
    seq = "" if pd.isna(seq) or seq == "" else f"{float(seq):g}"
    return str(row.get("USUBJID", "")), seq


def check_domain(frame: pd.DataFrame, spec: dict, file: str) -> list[dict]:
    """All findings for one SDTM domain, sorted so the same data give the same list."""
    schema, meta = build_schema(spec)
    domain = spec["domain"]
    frame = frame.reset_index(drop=True)
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as raised:
        errors = raised
    cases = errors.failure_cases
    findings = []
    for case in cases.itertuples(index=False):
        check = str(case.check)
        check_id, severity, message, focus = meta.get(
            check, (f"{domain}.{check}", "error", check, "")
        )
        column = case.column if isinstance(case.column, str) else ""
        # Frame-level checks report every column of a failing row: keep the one they are about.
        if focus and column != focus:
            continue
        if check_id.endswith(".REQUIRED"):
            column, value, index = str(case.failure_case), "", None
        else:
            value, index = case.failure_case, case.index
        usubjid, seq = _subject_fields(frame, domain, index)
        value = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        findings.append(
            {
                "id": check_id,
                "severity": severity,
                "file": file,
                "variable": column or check_id.split(".")[1],
                "usubjid": usubjid,
                "seq": seq,
                "value": str(value)[:200],
                "message": message,
            }
        )
    unique = {tuple(sorted(item.items())): item for item in findings}
    return sorted(unique.values(), key=lambda f: (f["id"], f["usubjid"], f["seq"], f["value"]))


def format_finding(finding: dict) -> str:
    """One line naming file, variable, subject, sequence number and value."""
    where = f"{finding['file']}: {finding['variable']}"
    if finding["usubjid"]:
        where += f" USUBJID={finding['usubjid']}"
    if finding["seq"]:
        where += f" SEQ={finding['seq']}"
    value = f" value={finding['value']!r}" if finding["value"] != "" else ""
    return f"[{finding['severity']}] {finding['id']} {where}{value}: {finding['message']}"
