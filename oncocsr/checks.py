"""SDTM data checks: pandera schemas built from the YAML specs in ``schemas/sdtm``, plus the
checks pandera has no words for (unknown variables, text length, partial dates).

Every finding has an id, a severity (``error`` stops the run; ``warning`` and ``info`` are
reported) and a message naming file, variable, subject, sequence number and value. Validation is
lazy: all findings of a domain are collected before anything is decided.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from oncocsr.dates import parse_iso8601_factorized
from oncocsr.findings import COLUMNS, sort_findings

MAX_TEXT = 200
MAX_VALUE_SHOWN = 200
# Variables any domain may carry (SDTMIG general observation classes), without the prefix.
COMMON = {"STUDYID", "DOMAIN", "USUBJID", "VISITNUM", "VISIT", "VISITDY", "EPOCH", "TAETORD"}
SUFFIXES = set(
    """SEQ GRPID REFID SPID LNKID LNKGRP TESTCD TEST CAT SCAT ORRES ORRESU STRESC STRESN STRESU
    STAT REASND LOC LAT DIR METHOD EVAL EVALID ACPTFL DTC DY STDTC ENDTC STDY ENDY DUR TPT TPTNUM
    ELTM TPTREF RFTDTC STRF ENRF STRTPT STTPT ENRTPT ENTPT PRESP OCCUR BLFL LOBXFL DRVFL FAST TOX
    TOXGR TRT MODIFY DECOD BODSYS BDSYCD LLT LLTCD PTCD HLT HLTCD HLGT HLGTCD SOC SOCCD SEV SER
    ACN ACNOTH REL RELNST PATT OUT SCAN SCONG SDISAB SDTH SHOSP SLIFE SOD SMIE CONTRT TERM NAM
    DOSE DOSTXT DOSU DOSFRM DOSFRQ DOSTOT DOSRGM ROUTE LOT ADJ INDC CLAS CLASCD ANMETH REASOC
    PARTY PRTYID USCHFL ORNRLO ORNRHI STNRLO STNRHI STNRC NRIND LLOQ ULOQ SPEC NSPCES""".split()
)
ISO_DATE_SUFFIXES = ("DTC",)


def load_spec(path: str | Path, domain: str | None = None) -> dict:
    """A domain's check spec; the generic SUPPxx spec is specialised to ``domain``."""
    with open(path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    if domain and spec["domain"] == "SUPP--":
        spec["domain"] = domain
        spec["variables"]["RDOMAIN"]["allowed"] = [domain[4:]]
    return spec


def spec_path(schema_dir: str | Path, domain: str) -> Path:
    """Spec file of a domain (SUPPxx share one); it may not exist for an unknown domain."""
    name = "supp" if domain.upper().startswith("SUPP") else domain.lower()
    return Path(schema_dir) / f"{name}.yaml"


def finding(check_id, severity, file, variable, message, usubjid="", seq="", value="") -> dict:
    return {
        "id": check_id,
        "severity": severity,
        "file": str(file),
        "variable": variable,
        "usubjid": usubjid,
        "seq": seq,
        "value": _shown(value),
        "message": message,
    }


def _shown(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return (
        text
        if len(text) <= MAX_VALUE_SHOWN
        else f"{text[:MAX_VALUE_SHOWN]}... ({len(text)} characters)"
    )


def _seq_text(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.map(lambda v: "" if pd.isna(v) else f"{v:g}")


def records_findings(
    frame: pd.DataFrame,
    domain: str,
    mask,
    *,
    check_id,
    severity,
    file,
    variable,
    message,
    values=None,
) -> pd.DataFrame:
    """Findings, one per record where ``mask`` holds, naming subject, sequence number and value."""
    rows = frame[np.asarray(mask, dtype=bool)]
    if values is not None:
        shown = pd.Series(values, index=frame.index)[rows.index]
    else:
        # A finding about a variable the file lacks (e.g. no DM.RFICDTC at all) has no value.
        shown = rows[variable] if variable in rows else pd.Series("", index=rows.index)
    seq = rows[f"{domain}SEQ"] if f"{domain}SEQ" in rows else pd.Series("", index=rows.index)
    return pd.DataFrame(
        {
            "id": check_id,
            "severity": severity,
            "file": str(file),
            "variable": variable,
            "usubjid": rows["USUBJID"].astype(str) if "USUBJID" in rows else "",
            "seq": _seq_text(seq),
            "value": shown.map(_shown),
            "message": message,
        },
        columns=COLUMNS,
    )


def _is_type(kind: str):
    def check(series: pd.Series) -> bool:
        if kind == "num":
            return pd.api.types.is_numeric_dtype(series)
        return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)

    return check


def _nonblank(values: pd.Series) -> pd.Series:
    """Not blank after stripping, decided once per distinct value (millions of TR records hold
    a few thousand); missing values count as not blank, as their text is "nan" or "None"."""
    codes, uniques = pd.factorize(values)
    filled = np.array([str(value).strip() != "" for value in uniques] + [True], dtype=bool)
    return pd.Series(filled[codes], index=values.index)


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
        kind = "numeric" if rule["type"] == "num" else "character"
        checks = [
            pa.Check(
                _is_type(rule["type"]),
                name=named(f"{domain}.{variable}.TYPE", "error", f"expected {kind} type"),
            )
        ]
        if rule.get("nonblank"):
            checks.append(
                pa.Check(
                    _nonblank,
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
        if "range" in rule:
            low, high = rule["range"]
            checks.append(
                pa.Check(
                    lambda s, low=low, high=high: s.isna() | s.between(low, high),
                    name=named(
                        f"{domain}.{variable}.RANGE",
                        rule.get("range_severity", "error"),
                        f"outside the plausible range [{low}, {high}]",
                    ),
                )
            )
        columns[variable] = pa.Column(checks=checks, required=False, nullable=True)

    frame_checks = []
    for rule in spec.get("conditional", []):
        ((when_var, when_value),) = rule["when"].items()
        allowed = set(rule["allowed"])
        frame_checks.append(
            pa.Check(
                lambda df, v=rule["variable"], w=when_var, wv=when_value, a=allowed: (
                    (df[w] != wv) | df[v].isin(a)
                    if {v, w} <= set(df.columns)
                    else pd.Series(True, index=df.index)
                ),
                name=named(
                    rule["id"],
                    rule.get("severity", "error"),
                    f"{rule['variable']} not in {sorted(allowed)} where {when_var} = {when_value}",
                    rule["variable"],
                ),
            )
        )
    keys = spec.get("keys") or []
    schema = pa.DataFrameSchema(
        columns=columns,
        checks=frame_checks,
        unique=keys if keys else None,
        report_duplicates="all",
        name=domain,
    )
    meta["multiple_fields_uniqueness"] = (
        f"{domain}.KEY.DUPLICATE",
        "error",
        f"duplicate key ({', '.join(keys)})",
        keys[-1] if keys else "",
    )
    return schema, meta


def _pandera_findings(frame: pd.DataFrame, spec: dict, file: str) -> pd.DataFrame:
    domain = spec["domain"]
    schema, meta = build_schema(spec)
    if not set(spec.get("keys") or []) <= set(frame.columns):
        # A missing key variable is reported as REQUIRED; uniqueness cannot be checked.
        schema = pa.DataFrameSchema(columns=schema.columns, checks=schema.checks, name=domain)
    try:
        schema.validate(frame, lazy=True)
        return pd.DataFrame(columns=COLUMNS)
    except pa.errors.SchemaErrors as raised:
        cases = raised.failure_cases
    cases = cases.assign(
        column=cases["column"].where(cases["column"].map(lambda c: isinstance(c, str)), ""),
        position=pd.to_numeric(cases["index"], errors="coerce"),
    )
    parts = []
    for (check, column), group in cases.groupby(["check", "column"], sort=False):
        check_id, severity, message, focus = meta.get(
            str(check), (f"{domain}.{check}", "error", str(check), "")
        )
        # Frame-level checks report every column of a failing row: keep the one they are about.
        if focus and column != focus:
            continue
        variable = column or focus
        rows = group[group["position"].notna()]
        if not rows.empty:
            positions = rows["position"].astype(int).to_numpy()
            values = pd.Series(pd.NA, index=frame.index, dtype=object)
            values[positions] = rows["failure_case"].to_numpy()
            parts.append(
                records_findings(
                    frame,
                    domain,
                    frame.index.isin(positions),
                    check_id=check_id,
                    severity=severity,
                    file=file,
                    variable=variable,
                    message=message,
                    values=values,
                )
            )
        if group["position"].isna().any():  # a failure of the column as a whole (its type)
            parts.append(pd.DataFrame([finding(check_id, severity, file, variable, message)]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def check_domain(
    frame: pd.DataFrame, spec: dict, file: str, factors: dict | None = None
) -> pd.DataFrame:
    """All findings for one SDTM domain as a frame of ``COLUMNS`` (stable order).

    ``factors`` optionally gives, per text column, (codes, distinct values) already computed.
    """
    domain = spec["domain"]
    frame = frame.reset_index(drop=True)
    parts = [_pandera_findings(frame, spec, file)]
    if frame.empty:
        severity = "error" if domain == "DM" else "warning"
        parts.append(
            pd.DataFrame(
                [finding(f"{domain}.EMPTY", severity, file, "", "the domain has no records")]
            )
        )
    for variable, rule in spec["variables"].items():
        if variable not in frame.columns:
            level = (
                "required" if rule.get("required") else "expected" if rule.get("expected") else None
            )
            if level:
                parts.append(
                    pd.DataFrame(
                        [
                            finding(
                                f"{domain}.{'REQUIRED' if level == 'required' else 'EXPECTED'}",
                                "error" if level == "required" else "warning",
                                file,
                                variable,
                                f"{level} variable is missing",
                            )
                        ]
                    )
                )
    parts.append(variable_findings(frame, spec, file, factors or {}))
    found = (
        pd.concat([p for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else pd.DataFrame(columns=COLUMNS)
    )
    return sort_findings(found)


def is_known_variable(name: str, domain: str, spec: dict) -> bool:
    prefix = domain[:2] if not domain.startswith("SUPP") else ""
    return (
        name in spec["variables"]
        or name in spec.get("permissible", [])
        or name in COMMON
        or (bool(prefix) and name.startswith(prefix) and name[len(prefix) :] in SUFFIXES)
    )


def variable_findings(frame: pd.DataFrame, spec: dict, file: str, factors: dict) -> pd.DataFrame:
    """Unknown variables, over-long text and partial or year-less ISO 8601 dates."""
    domain = spec["domain"]
    parts = []
    for column in frame.columns:
        if not is_known_variable(column, domain, spec):
            message = "variable is not defined for this domain in SDTMIG or the study spec"
            if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,7}", column):
                message = "not a valid SDTM variable name (up to 8 upper-case letters, digits, _)"
            parts.append(
                pd.DataFrame(
                    [finding(f"{domain}.UNKNOWN_VARIABLE", "warning", file, column, message)]
                )
            )
        series = frame[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        if column in factors:
            codes, uniques = factors[column]
        else:
            codes, uniques = pd.factorize(series.astype(str), sort=False)
        too_long = pd.Series((pd.Index(uniques).str.len() > MAX_TEXT)[codes], index=series.index)
        if too_long.any():
            parts.append(
                records_findings(
                    frame,
                    domain,
                    too_long,
                    check_id=f"{domain}.{column}.LENGTH",
                    severity="error",
                    file=file,
                    variable=column,
                    message=f"text longer than {MAX_TEXT} characters (the SAS transport v5 limit)",
                )
            )
        if column.endswith(ISO_DATE_SUFFIXES):
            precision = parse_iso8601_factorized(codes, uniques, series.index)["precision"]
            for value, check, severity, message in (
                ("invalid", "ISO8601", "error", "not an ISO 8601 date"),
                ("noyear", "YEAR_MISSING", "warning", "date without a year: never imputed (SAP 3)"),
                ("month", "PARTIAL", "info", "partial date (day missing)"),
                ("year", "PARTIAL", "info", "partial date (month and day missing)"),
            ):
                mask = precision == value
                if mask.any():
                    parts.append(
                        records_findings(
                            frame,
                            domain,
                            mask,
                            check_id=f"{domain}.{column}.{check}",
                            severity=severity,
                            file=file,
                            variable=column,
                            message=message,
                        )
                    )
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
