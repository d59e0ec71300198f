"""The ADaM metadata (``schemas/adam.yaml``): one source for the XPT labels and formats,
define.xml and Dataset-JSON (DESIGN.md, output contract).

A variable is described by the dataset's overrides, the shared ``variables``, a ``patterns``
entry (customized queries) or the study's own labels (SUPPDM qualifiers, from
``baseline.supplemental``); a variable none of them describes, or a label longer than the 40
characters SAS transport holds, is a ``MetadataError`` naming dataset and variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ADAM_SPEC = Path(__file__).resolve().parents[2] / "schemas" / "adam.yaml"

# SAS transport v5 holds labels of at most 40 characters (FDA Study Data TCG, section 3.3.2).
MAX_LABEL = 40
TYPES = ("text", "integer", "float", "date")
ORIGINS = ("Predecessor", "Derived", "Assigned")


class MetadataError(ValueError):
    """An ADaM variable without metadata, or metadata that cannot be written."""


@dataclass(frozen=True)
class Variable:
    """One ADaM variable's metadata (Define-XML 2.1 ItemDef and def:Origin)."""

    name: str
    label: str
    type: str
    origin: str
    source: str = ""
    derivation: str = ""
    codelist: str = ""

    @property
    def display_format(self) -> str:
        """SAS display format: DATE9. for dates (numeric days since 1960), none otherwise."""
        return "DATE9." if self.type == "date" else ""

    @property
    def numeric(self) -> bool:
        return self.type != "text"


@cache
def load_metadata(path: str | Path = ADAM_SPEC) -> dict:
    """The metadata file, parsed once per process."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def dataset_spec(dataset: str, spec: dict | None = None) -> dict:
    """A dataset's entry (label, class, structure, keys, required, parameters, contract)."""
    spec = spec or load_metadata()
    if dataset not in spec["datasets"]:
        raise MetadataError(f"{dataset.upper()}: no such dataset in {ADAM_SPEC.name}")
    return spec["datasets"][dataset]


def _study_variable(name: str, label: str) -> Variable:
    return Variable(
        name,
        label,
        "text",
        "Predecessor",
        source=f"SUPPDM.QVAL where QNAM = {name}",
    )


def variable_metadata(
    dataset: str, name: str, study_labels: dict[str, str] | None = None, spec: dict | None = None
) -> Variable:
    """The metadata of variable ``name`` of ``dataset``; ``study_labels`` are those the study
    gives its SUPPDM qualifiers."""
    spec = spec or load_metadata()
    entry = spec["variables"].get(name)
    override = dataset_spec(dataset, spec).get("overrides", {}).get(name, {})
    if entry is None and study_labels and name in study_labels:
        variable = _study_variable(name, study_labels[name])
    elif entry is not None:
        variable = Variable(name=name, **{**entry, **override})
    else:
        variable = _pattern_variable(name, spec)
        if variable is None:
            raise MetadataError(
                f"{dataset.upper()}.{name}: no metadata in {ADAM_SPEC.name} (variables, patterns)"
                " or the study's labels (baseline.supplemental); describe it before writing it"
            )
    if len(variable.label) > MAX_LABEL or not variable.label:
        raise MetadataError(
            f"{dataset.upper()}.{name}: label {variable.label!r} must have 1 to {MAX_LABEL}"
            f" characters (it has {len(variable.label)})"
        )
    if variable.type not in TYPES or variable.origin not in ORIGINS:
        raise MetadataError(
            f"{dataset.upper()}.{name}: type {variable.type!r} must be one of {TYPES} and origin"
            f" {variable.origin!r} one of {ORIGINS}"
        )
    return variable


def _pattern_variable(name: str, spec: dict) -> Variable | None:
    for pattern in spec.get("patterns", []):
        match = re.fullmatch(pattern["match"], name)
        if match:
            fields = {
                key: value.format(**match.groupdict()) if isinstance(value, str) else value
                for key, value in pattern.items()
                if key != "match"
            }
            return Variable(name=name, **fields)
    return None


def dataset_variables(
    dataset: str, columns, study_labels: dict[str, str] | None = None
) -> list[Variable]:
    """Metadata of every column of a dataset, in column order (raises on the first without)."""
    return [variable_metadata(dataset, str(column), study_labels) for column in columns]


def parameter_numbers(dataset: str) -> dict[str, int]:
    """PARAMCD -> PARAMN of a BDS dataset."""
    return {code: p["paramn"] for code, p in dataset_spec(dataset).get("parameters", {}).items()}


def text_length(values: pd.Series) -> int:
    """Length of a text variable as written: its longest value in UTF-8 bytes, at least 1
    (the XPT writer and define.xml agree on it)."""
    texts = values.dropna().astype(str)
    if texts.empty:
        return 1
    distinct = pd.unique(texts.to_numpy())
    return max(1, int(np.max([len(text.encode("utf-8")) for text in distinct])))
