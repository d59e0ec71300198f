"""Output contracts of the ADaM datasets (pandera, from ``schemas/adam.yaml``) and their
SAS transport copies with labels."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from oncocsr.io import write_parquet, write_xpt, xpt_stamp

ADAM_SPEC = Path(__file__).resolve().parents[2] / "schemas" / "adam.yaml"


def load_contracts(path: str | Path = ADAM_SPEC) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def build_contract(name: str, frame: pd.DataFrame, spec: dict) -> pa.DataFrameSchema:
    """The pandera schema one ADaM dataset must satisfy."""
    rules = spec["datasets"][name]
    columns = {}
    for column in frame.columns:
        checks = []
        if column.endswith("FL"):
            checks.append(pa.Check.isin(["Y", ""], name=f"{column} is Y or blank"))
        if column in rules.get("positive", []):
            checks.append(pa.Check.ge(1, name=f"{column} >= 1"))
        if column in rules.get("nonnegative", []):
            checks.append(pa.Check.ge(0, name=f"{column} >= 0"))
        if column in rules.get("allowed", {}):
            checks.append(pa.Check.isin(rules["allowed"][column], name=f"{column} allowed values"))
        columns[column] = pa.Column(
            checks=checks, nullable=column not in rules["keys"] or column == "ADT"
        )
    frame_checks = [
        pa.Check(
            lambda df, a=later, b=earlier: df[a].isna() | df[b].isna() | (df[a] >= df[b]),
            name=f"{later} >= {earlier}",
        )
        for later, earlier in rules.get("not_before", [])
    ]
    if rules.get("events_have_description"):
        frame_checks.append(
            pa.Check(
                lambda df: (df["CNSR"] == 0) == (df["EVNTDESC"] != ""),
                name="CNSR 0 exactly for events",
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, unique=rules["keys"], name=name.upper())


def variable_label(column: str, spec: dict, extra: dict[str, str]) -> str:
    """The label of an ADaM variable: the study's (``extra``, e.g. SUPPDM qualifiers), the
    contract's, or the ADaMIG customized-query pattern CQzzNAM/CQzzONS."""
    if column in extra:
        return extra[column]
    if column in spec["labels"]:
        return spec["labels"][column]
    match = re.fullmatch(r"CQ(\d\d)(NAM|ONS)", column)
    if match:
        kind = "Name" if match.group(2) == "NAM" else "Onset (Early/Late)"
        return f"Customized Query {match.group(1)} {kind}"
    return ""


def write_adam(
    frame: pd.DataFrame, name: str, outputs, cutoff: str, labels: dict[str, str] | None = None
) -> None:
    """Check an ADaM dataset against its contract, then write ``outputs.parquet`` and
    ``outputs.xpt`` (SAS transport v5 with labels, stamped with the cutoff date); ``labels``
    gives those of study-specific variables.

    A violation raises (with every failing check listed) before anything is written.
    """
    spec = load_contracts()
    build_contract(name, frame, spec).validate(frame, lazy=True)
    write_parquet(frame, outputs.parquet)
    labels = {column: variable_label(column, spec, labels or {})[:40] for column in frame.columns}
    write_xpt(
        frame,
        outputs.xpt,
        dataset=name.upper(),
        label=spec["datasets"][name]["label"],
        column_labels=labels,
        stamp=xpt_stamp(cutoff),
        # SAS dates (DATE9.) rather than datetimes: ADaM dates are days.
        dates=tuple(c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])),
    )
