"""CDISC Dataset-JSON v1.1 of an ADaM dataset: the records of the written dataset with the
metadata define.xml gives them (OIDs, labels, types, lengths, keys).

The metadata is odmlib's Dataset-JSON 1.1 model (``odmlib.dataset_json_1_1``), which checks the
attributes and keeps the specification's order. Its converter is not used (it reads Dataset-XML
and stamps files with the current time, DESIGN.md, determinism), nor its writer for the rows: it
holds every value as a Python object and writes one line, where here a column's distinct values
are encoded once and the records written a block at a time, one per line, which keeps a
100,000-subject ADAE within seconds and a few hundred MB.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from odmlib.dataset_json_1_1 import Column, DatasetJSON, SourceSystem

from oncocsr import __version__
from oncocsr.adam.metadata import Variable
from oncocsr.atomic import writes_atomically
from oncocsr.submission.datasets import AdamDataset, Identifiers, cutoff_datetime

VERSION = "1.1.0"
# Dataset-JSON 1.1, supported column data type combinations: a numeric ADaM date is exchanged
# as an ISO 8601 date string whose target type is integer (SAS days).
DATA_TYPES = {"text": "string", "integer": "integer", "float": "float", "date": "date"}
# Records encoded and written at a time (memory for about this many records' text).
ROWS_PER_BLOCK = 50_000


def column(dataset: AdamDataset, variable: Variable) -> Column:
    """The column metadata of a variable, as its ItemDef in define.xml states it."""
    fields = {
        "itemOID": Identifiers.item(dataset.name, variable.name),
        "name": variable.name,
        "label": variable.label,
        "dataType": DATA_TYPES[variable.type],
    }
    if variable.type == "date":
        fields["targetDataType"] = "integer"
    if variable.type == "text":
        fields["length"] = dataset.lengths[variable.name]
    if variable.display_format:
        fields["displayFormat"] = variable.display_format
    key = dataset.key_sequence(variable.name)
    if key:
        fields["keySequence"] = key
    return Column(**fields)


def tokens(series: pd.Series, variable: Variable) -> np.ndarray:
    """A column's values as JSON text: text as it is, integers as integers, floats as floats,
    dates as ISO 8601 dates, a missing value as null. Each distinct value is encoded once (a
    column holds few of them), so that a large dataset is not encoded value by value."""
    codes, uniques = pd.factorize(series)
    if variable.type == "date":
        uniques = pd.DatetimeIndex(uniques).strftime("%Y-%m-%d")
    convert = {"integer": int, "float": float}.get(variable.type, str)
    encoded = [json.dumps(convert(value), ensure_ascii=False) for value in uniques]
    # factorize codes a missing value -1: the last entry.
    return np.array([*encoded, "null"], dtype=object)[codes]


def dataset_json(dataset: AdamDataset, study: dict, cut: dict) -> DatasetJSON:
    """The Dataset-JSON 1.1 document of one ADaM dataset of a cut, without its rows (see
    write_dataset_json); ``study`` is the study config's ``study`` section, ``cut`` the cut's
    settings."""
    ids = Identifiers(study["id"], cut["name"])
    created = cutoff_datetime(cut["cutoff"])
    return DatasetJSON(
        datasetJSONCreationDateTime=created,
        datasetJSONVersion=VERSION,
        fileOID=ids.file_oid(dataset.upper),
        # The data are as of the cutoff: nothing after it enters a cut.
        dbLastModifiedDateTime=created,
        **({"originator": study["sponsor"]} if study.get("sponsor") else {}),
        sourceSystem=SourceSystem(name="oncocsr", version=__version__),
        studyOID=ids.study_oid,
        metaDataVersionOID=ids.metadata_version_oid,
        metaDataRef="../define.xml",
        itemGroupOID=ids.item_group(dataset.name),
        # No isReferenceData: the final 1.1 specification has none and its schema rejects it;
        # define.xml's ItemGroupDef says IsReferenceData="No".
        records=len(dataset.frame),
        name=dataset.upper,
        label=dataset.spec["label"],
        columns=[column(dataset, variable) for variable in dataset.variables],
    )


@writes_atomically()
def write_dataset_json(dataset: AdamDataset, study: dict, cut: dict, path: str | Path) -> None:
    """Write the Dataset-JSON file of a dataset: the metadata indented, then one record per
    line, as ``json.dumps`` writes a record; the records go out in blocks, so that memory holds
    one block of text at a time."""
    head = json.dumps(dataset_json(dataset, study, cut).to_dict(), indent=1, ensure_ascii=False)
    columns = [tokens(dataset.frame[v.name], v) for v in dataset.variables]
    with open(path, "w", encoding="utf-8") as handle:
        if not len(dataset.frame):
            handle.write(head + "\n")
            return
        # The head ends with "\n}": the rows go before that brace.
        handle.write(head[:-2] + ',\n "rows": [\n')
        for start in range(0, len(dataset.frame), ROWS_PER_BLOCK):
            block = np.column_stack([column[start : start + ROWS_PER_BLOCK] for column in columns])
            separator = ",\n" if start else ""
            handle.write(separator + ",\n".join(f"  [{', '.join(row)}]" for row in block))
        handle.write("\n ]\n}\n")
