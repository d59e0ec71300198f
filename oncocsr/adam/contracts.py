"""Output contracts of the ADaM datasets (pandera, from ``schemas/adam.yaml``) and their
SAS transport copies with the metadata's labels and formats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from oncocsr.adam.metadata import MetadataError, Variable, dataset_variables, load_metadata
from oncocsr.io import write_parquet, write_xpt, xpt_stamp


def build_contract(name: str, frame: pd.DataFrame, spec: dict) -> pa.DataFrameSchema:
    """The pandera schema one ADaM dataset must satisfy."""
    rules = spec["datasets"][name]
    columns = {}
    for column in frame.columns:
        checks = []
        if column in spec["population_flags"]:
            checks.append(pa.Check.isin(["Y", "N"], name=f"{column} is Y or N"))
        elif column.endswith("FL"):
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


def check_types(name: str, frame: pd.DataFrame, variables: list[Variable]) -> None:
    """Each column holds its metadata type: text as text, dates as dates, numbers as numbers,
    integers without fractions (an error names dataset, variable and the first bad value)."""
    for variable in variables:
        column = frame[variable.name]
        if variable.type == "date":
            ok = pd.api.types.is_datetime64_any_dtype(column)
        elif variable.type == "text":
            ok = not pd.api.types.is_numeric_dtype(column) and not (
                pd.api.types.is_datetime64_any_dtype(column)
            )
        else:
            ok = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if not ok:
            raise MetadataError(
                f"{name.upper()}.{variable.name}: holds {column.dtype}, its metadata says"
                f" {variable.type}"
            )
        if variable.type == "integer":
            values = column.dropna().to_numpy(dtype=float)
            fraction = values != np.round(values)
            if fraction.any():
                raise MetadataError(
                    f"{name.upper()}.{variable.name}: integer variable holds"
                    f" {float(values[fraction][0])!r}"
                )


def write_adam(
    frame: pd.DataFrame, name: str, outputs, cutoff: str, labels: dict[str, str] | None = None
) -> None:
    """Check an ADaM dataset against its contract and metadata, then write
    ``outputs.parquet`` and ``outputs.xpt`` (SAS transport v5 with the metadata's labels and
    formats, stamped with the cutoff date); ``labels`` gives those of the study's SUPPDM
    qualifiers.

    A violation raises (with every failing check listed) before anything is written.
    """
    spec = load_metadata()
    variables = dataset_variables(name, frame.columns, labels)
    check_types(name, frame, variables)
    build_contract(name, frame, spec).validate(frame, lazy=True)
    write_parquet(frame, outputs.parquet)
    write_xpt(
        frame,
        outputs.xpt,
        dataset=name.upper(),
        label=spec["datasets"][name]["label"],
        column_labels={variable.name: variable.label for variable in variables},
        stamp=xpt_stamp(cutoff),
        # SAS dates (DATE9.) rather than datetimes: ADaM dates are days.
        dates=tuple(variable.name for variable in variables if variable.type == "date"),
        formats={v.name: v.display_format for v in variables if v.display_format},
    )
