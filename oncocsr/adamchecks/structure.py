"""ADaM conformance of a dataset's structure: the variables its class requires, names, labels and
formats as SAS transport holds them (CDISC ADaM Conformance Rules v5.0, ADaMIG 1.3, OCCDS 1.1,
ADaM BDS for Time-to-Event 1.0)."""

from __future__ import annotations

import re

import pandas as pd

from oncocsr.adamchecks.base import ADSL, BDS, TTE, Dataset, dataset_finding, frames

# (rule, alternatives): a variable each class must have; either of the alternatives will do.
CLASS_VARIABLES = {
    "ALL": [("ADaM-88", ("STUDYID",)), ("ADaM-89", ("USUBJID",))],
    ADSL: [
        ("ADaM-55", ("SUBJID",)),
        ("ADaM-47", ("SITEID",)),
        ("ADaM-49", ("AGE",)),
        ("ADaM-50", ("AGEU",)),
        ("ADaM-51", ("SEX",)),
        ("ADaM-52", ("RACE",)),
        ("ADaM-71", ("ARM",)),
        ("ADaM-72", ("TRT01P",)),
        # The pipeline always has SDTM EX, the condition of rules 61 and 365.
        ("ADaM-61", ("TRTSDT", "TRTSDTM")),
        ("ADaM-365", ("TRTEDT", "TRTEDTM")),
    ],
    BDS: [("ADaM-195", ("PARAMCD",)), ("ADaM-194", ("PARAM",)), ("ADaM-198", ("AVAL", "AVALC"))],
    TTE: [("ADaM-373", ("CNSR",)), ("ADaM-374", ("AVAL",))],
    # OCCDS 1.1: the ADVERSE EVENT subclass (ADAE).
    "ADVERSE EVENT": [
        ("ADaM-620", ("AETERM",)),
        ("ADaM-261", ("AEDECOD",)),
        ("ADaM-262", ("AEBODSYS",)),
        ("ADaM-623", ("AESEQ",)),
        ("ADaM-621", ("TRTEMFL",)),
        ("ADaM-635", ("ASTDT",)),
    ],
}
# ADaM-719: the subject- and record-level treatment variables the IG defines.
TREATMENT = re.compile(r"TRT[PA]|TRT\d\d[PA]|TRT[PA]G\d+|TR\d\d[PA]G\d+|TRTSEQ[PA]|TSEQ[PA]G\d+")
NAME = re.compile(r"[A-Z][A-Z0-9_]*")
MAX_NAME, MAX_LABEL, MAX_TEXT = 8, 40, 200
ADSL_LABEL = "Subject-Level Analysis Dataset"
# SAS display formats by kind (the format name without width, e.g. DATE of DATE9.).
DATE_FORMATS = {"DATE", "DDMMYY", "MMDDYY", "YYMMDD", "E8601DA", "IS8601DA", "B8601DA", "WORDDATE"}
DATETIME_FORMATS = {"DATETIME", "E8601DT", "IS8601DT", "B8601DT", "DATEAMPM"}
# Suffix: (rule "not numeric", rule "no display format", formats).
TIMING = {
    "DT": ("ADaM-58", "ADaM-41", DATE_FORMATS),
    "DTM": ("ADaM-60", "ADaM-43", DATETIME_FORMATS),
}


def classes(dataset: Dataset) -> list[str]:
    """The classes whose requirements apply: all, the class, the metadata's subclass (ADAE:
    the OCCDS ADVERSE EVENT subclass)."""
    subclass = dataset.spec.get("subclass", "")
    return ["ALL", dataset.kind, *([subclass] if subclass else [])]


def required_variables(dataset: Dataset) -> pd.DataFrame:
    """ADaM-47 to -374 (see CLASS_VARIABLES): the variables the dataset's class requires;
    ADaMIG.REQUIRED: the variables its metadata requires (the ADaMIG "Req" variables and the
    conditional ones the SAP needs, ``required`` in schemas/adam.yaml). An absent one is an
    error: analyses and reviewers' tools rely on it."""
    parts, covered = [], set()
    for kind in classes(dataset):
        for rule, names in CLASS_VARIABLES.get(kind, []):
            covered.update(names)
            if not any(dataset.has(name) for name in names):
                either = " or ".join(names)
                parts.append(
                    dataset_finding(rule, "error", dataset, names[0], f"{either} is not present")
                )
    for name in dataset.spec.get("required", []):
        if name not in covered and not dataset.has(name):
            parts.append(
                dataset_finding(
                    "ADaMIG.REQUIRED",
                    "error",
                    dataset,
                    name,
                    f"{name} is required by the dataset's metadata (schemas/adam.yaml) and is "
                    "not present",
                )
            )
    return frames(parts)


def treatment_variables(dataset: Dataset) -> pd.DataFrame:
    """ADaM-719 (ADaM-581 for BDS): at least one treatment variable (TRTP, TRTA, TRTxxP, ...)
    is present, even in a single-arm study (ADaMIG 1.3 BDS treatment variables, OCCDS 1.1)."""
    if any(TREATMENT.fullmatch(name) for name in dataset.variables()):
        return frames([])
    rule = "ADaM-581" if dataset.kind == BDS else "ADaM-719"
    return dataset_finding(
        rule, "error", dataset, "TRTP", "no treatment variable (TRTP, TRTA, TRTxxP, TRTxxA)"
    )


def names(dataset: Dataset) -> pd.DataFrame:
    """ADaM-13, -14, -15: a variable name has at most 8 characters, starts with a letter and
    holds only letters, digits and underscores: SAS transport v5 cannot hold another."""
    parts = []
    for name in dataset.variables():
        if len(name) > MAX_NAME:
            parts.append(
                dataset_finding(
                    "ADaM-13", "error", dataset, name, f"the name has {len(name)} characters"
                )
            )
        if not re.match("[A-Z]", name):
            parts.append(
                dataset_finding("ADaM-14", "error", dataset, name, "the name does not start A-Z")
            )
        elif not NAME.fullmatch(name):
            parts.append(
                dataset_finding(
                    "ADaM-15",
                    "error",
                    dataset,
                    name,
                    "the name has characters other than A-Z, 0-9 and _",
                )
            )
    return frames(parts)


def text_lengths(dataset: Dataset) -> pd.DataFrame:
    """ADaM-17: a character value is at most 200 characters (SAS transport v5)."""
    parts = []
    for name in dataset.variables():
        column = dataset.frame[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            length = column.dropna().astype(str).str.len()
            if (length > MAX_TEXT).any():
                parts.append(
                    dataset_finding(
                        "ADaM-17",
                        "error",
                        dataset,
                        name,
                        f"{int((length > MAX_TEXT).sum())} value(s) longer than {MAX_TEXT} "
                        f"characters (longest {int(length.max())})",
                    )
                )
    return frames(parts)


def labels(dataset: Dataset) -> pd.DataFrame:
    """From the transport file: ADaM-16, a variable label has at most 40 characters (error: SAS
    transport v5 cuts it); ADaMIG.LABEL, every variable has a label (warning); ADaM-320, ADSL's
    dataset label is "Subject-Level Analysis Dataset"; ADaMIG.DATASET.LABEL, every dataset has a
    label (warnings: the data are right, the description is not)."""
    transport = dataset.transport
    if transport is None:
        return frames([])
    parts = []
    for name, label in transport.labels.items():
        if len(label) > MAX_LABEL:
            parts.append(
                dataset_finding(
                    "ADaM-16", "error", dataset, name, f"label has {len(label)} characters", label
                )
            )
        elif not label.strip():
            parts.append(dataset_finding("ADaMIG.LABEL", "warning", dataset, name, "no label"))
    if not transport.label.strip():
        parts.append(dataset_finding("ADaMIG.DATASET.LABEL", "warning", dataset, "", "no label"))
    elif dataset.kind == ADSL and transport.label != ADSL_LABEL:
        parts.append(
            dataset_finding(
                "ADaM-320",
                "warning",
                dataset,
                "",
                f"dataset label is not {ADSL_LABEL!r}",
                transport.label,
            )
        )
    return frames(parts)


def timing_formats(dataset: Dataset) -> pd.DataFrame:
    """From the transport file: ADaM-58 and -60, a *DT or *DTM variable is numeric (error: it
    cannot be used as a date); ADaM-41 and -43, it has a date (datetime) display format
    (warning: the value is right but shows as a number of days)."""
    transport = dataset.transport
    if transport is None:
        return frames([])
    parts = []
    for name in transport.labels:
        suffix = "DTM" if name.endswith("DTM") else "DT" if name.endswith("DT") else ""
        if not suffix:
            continue
        numeric_rule, format_rule, formats = TIMING[suffix]
        shown = transport.formats.get(name, "")
        if name not in transport.numeric:
            parts.append(
                dataset_finding(numeric_rule, "error", dataset, name, "not a numeric variable")
            )
        elif re.sub(r"\d*\.?\d*$", "", shown) not in formats:
            kind = "date" if suffix == "DT" else "datetime"
            parts.append(
                dataset_finding(
                    format_rule, "warning", dataset, name, f"no {kind} display format", shown
                )
            )
    return frames(parts)


STRUCTURE_CHECKS = (
    required_variables,
    treatment_variables,
    names,
    text_lengths,
    labels,
    timing_formats,
)
