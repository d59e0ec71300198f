"""What every ADaM conformance check works on: a dataset with its metadata (``schemas/adam.yaml``)
and what a reviewer's software reads from its SAS transport file, and the findings it makes, in
the data checks' format (``oncocsr.findings``: the ``file`` column names the dataset).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from oncocsr.checks import finding, records_findings
from oncocsr.findings import COLUMNS

# The ADaM classes (ADaMIG 1.3) as the ADaM Conformance Rules' "Class" column names them.
ADSL = "SUBJECT LEVEL ANALYSIS DATASET"
BDS = "BASIC DATA STRUCTURE"
OCCDS = "OCCURRENCE DATA STRUCTURE"
TTE = "TIME-TO-EVENT"


@dataclass(frozen=True)
class Transport:
    """A dataset's SAS transport file as pyreadstat reads it: dataset label, variable labels,
    display formats (without the trailing period) and the numeric variables."""

    label: str
    labels: dict[str, str]
    formats: dict[str, str]
    numeric: frozenset[str]


def read_transport(path: str | Path) -> Transport:
    """The metadata of an XPT file, read as a reviewer's tool reads it (no data)."""
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    return Transport(
        label=meta.file_label or "",
        labels={name: label or "" for name, label in meta.column_names_to_labels.items()},
        formats={name: fmt or "" for name, fmt in meta.original_variable_types.items()},
        numeric=frozenset(
            name for name, kind in meta.readstat_variable_types.items() if kind != "string"
        ),
    )


@dataclass(frozen=True)
class Dataset:
    """One ADaM dataset: its records, its entry in the metadata and, when it was written, its
    transport file's metadata."""

    name: str
    frame: pd.DataFrame
    spec: dict
    transport: Transport | None = None

    @property
    def file(self) -> str:
        return self.name.upper()

    @property
    def kind(self) -> str:
        return self.spec["class"]

    def has(self, *variables: str) -> bool:
        return all(variable in self.frame for variable in variables)

    def variables(self, suffix: str = "", prefix: str = "") -> list[str]:
        """Variables whose names start with ``prefix`` and end with ``suffix``."""
        return [
            str(name)
            for name in self.frame.columns
            if str(name).endswith(suffix) and str(name).startswith(prefix)
        ]


def frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of several checks as one frame."""
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def dataset_finding(
    rule: str, severity: str, dataset: Dataset, variable: str, message: str, value=""
) -> pd.DataFrame:
    """One finding about a dataset as a whole (a variable absent, a label too long)."""
    return pd.DataFrame(
        [finding(rule, severity, dataset.file, variable, message, value=value)], columns=COLUMNS
    )


def record_findings(
    rule: str, severity: str, dataset: Dataset, variable: str, mask, message: str, values=None
) -> pd.DataFrame:
    """One finding per record where ``mask`` holds, naming subject, ASEQ and value."""
    # records_findings names a record's sequence variable <prefix>SEQ: ASEQ in ADaM.
    return records_findings(
        dataset.frame,
        "A",
        np.asarray(mask, dtype=bool),
        check_id=rule,
        severity=severity,
        file=dataset.file,
        variable=variable,
        message=message,
        values=values,
    )


def blank(values: pd.Series) -> pd.Series:
    """Null: missing, or text of only spaces (how SAS transport stores a missing character)."""
    return values.isna() | values.astype(str).str.strip().eq("")
