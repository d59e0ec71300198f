"""The written ADaM datasets of a cut as the submission files describe them: records, the
metadata of every variable, text lengths as the XPT header states them, and the identifiers
(OIDs) that define.xml and the Dataset-JSON files share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from oncocsr.adam.metadata import Variable, dataset_spec, dataset_variables

# Numbers in SAS transport are 8-byte floats, whatever they hold.
NUMERIC_LENGTH = 8


@dataclass(frozen=True)
class AdamDataset:
    """One ADaM dataset as written: its records (from Parquet, with dates as dates), the
    metadata of its variables in column order and the length of each variable in the XPT."""

    name: str
    frame: pd.DataFrame
    variables: list[Variable]
    lengths: dict[str, int]

    @property
    def spec(self) -> dict:
        """The dataset's entry in the metadata (label, class, structure, keys, parameters)."""
        return dataset_spec(self.name)

    @property
    def upper(self) -> str:
        return self.name.upper()

    def key_sequence(self, variable: str) -> int | None:
        """Position (from 1) of ``variable`` among the dataset's keys, None if not a key."""
        keys = self.spec["keys"]
        return keys.index(variable) + 1 if variable in keys else None


def read_adam(
    name: str, parquet: str | Path, xpt: str | Path, study_labels: dict[str, str] | None = None
) -> AdamDataset:
    """A written ADaM dataset: records from ``parquet``, lengths from the header of ``xpt``
    (so that define.xml and Dataset-JSON state what the transport file holds); ``study_labels``
    label the study's SUPPDM qualifiers, as when the dataset was written."""
    frame = pd.read_parquet(parquet)
    _, header = pyreadstat.read_xport(str(xpt), metadataonly=True)
    if list(header.column_names) != list(frame.columns):
        raise ValueError(
            f"{name.upper()}: {xpt} and {parquet} hold different variables; rebuild the dataset"
        )
    variables = dataset_variables(name, frame.columns, study_labels)
    lengths = {
        v.name: header.variable_storage_width[v.name] if v.type == "text" else NUMERIC_LENGTH
        for v in variables
    }
    return AdamDataset(name, frame, variables, lengths)


@dataclass(frozen=True)
class Identifiers:
    """OIDs of a cut's submission files, from the study identifier and the cut's name (stable,
    so that rebuilds give the same bytes and define.xml and Dataset-JSON refer to each other)."""

    study: str
    cut: str

    @property
    def study_oid(self) -> str:
        return f"STUDY.{self.study}"

    @property
    def metadata_version_oid(self) -> str:
        return f"MDV.{self.study}.{self.cut}.ADAM"

    def file_oid(self, kind: str) -> str:
        """FileOID of one submission file of the cut, e.g. ``DEFINE`` or a dataset name."""
        return f"{self.study}.{self.cut}.{kind}"

    @staticmethod
    def item_group(dataset: str) -> str:
        return f"IG.{dataset.upper()}"

    @staticmethod
    def item(dataset: str, variable: str) -> str:
        return f"IT.{dataset.upper()}.{variable}"


def cutoff_datetime(cutoff: str) -> str:
    """The creation date-time of a cut's submission files: its cutoff at midnight, never the
    time of the run (DESIGN.md, determinism)."""
    return f"{pd.Timestamp(cutoff):%Y-%m-%d}T00:00:00"
