"""ADaM conformance of the values: flags, imputation flags, parameters, sequence numbers,
relative days, censoring and visits (CDISC ADaM Conformance Rules v5.0, ADaMIG 1.3, OCCDS 1.1,
ADaM BDS for Time-to-Event 1.0). Each finding names the record (USUBJID, ASEQ) and its value."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from oncocsr.adamchecks.base import (
    ADSL,
    BDS,
    Dataset,
    blank,
    dataset_finding,
    frames,
    record_findings,
)

# ADSL population flags: Y or N, never null (ADaMIG 1.3, ADSL population indicators).
POPULATION_FLAGS = {
    "COMPLFL": "ADaM-19",
    "FASFL": "ADaM-20",
    "ITTFL": "ADaM-21",
    "PPROTFL": "ADaM-22",
    "SAFFL": "ADaM-23",
    "RANDFL": "ADaM-24",
    "ENRLFL": "ADaM-25",
}
# Record-level flags that are Y or null, never N (ADaMIG 1.3 BDS, OCCDS 1.1).
Y_OR_NULL = [
    ("ADaM-176", re.compile(r"ABLFL")),
    ("ADaM-178", re.compile(r"ANL\d\dFL")),
    ("ADaM-269", re.compile(r"TRTEMFL")),
    ("ADaM-270", re.compile(r"PREFL")),
    ("ADaM-271", re.compile(r"FUPFL")),
    ("ADaM-272", re.compile(r"AOCC\w*FL")),
    ("ADaM-363", re.compile(r"ONTRTFL")),
]
# Controlled terminology DATEFL (C81223): the highest date part imputed.
DATEFL = {"Y", "M", "D"}
# Relative day: (date variable, ADSL reference dates in order of preference). ADY counts from
# the study's day 1 (STARTDT, SAP 3), ASTDY and AENDY from the first dose (OCCDS 1.1).
RELATIVE_DAYS = {
    "ADY": ("ADT", ("STARTDT", "TRTSDT")),
    "ASTDY": ("ASTDT", ("TRTSDT",)),
    "AENDY": ("AENDT", ("TRTSDT",)),
}


def _text(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def _number(value) -> str:
    return "missing" if pd.isna(value) else f"{value:g}"


def _outside(dataset: Dataset, rule: str, name: str, terms: set[str], message: str):
    """Errors on the records whose ``name`` is neither null nor one of ``terms``."""
    outside = ~_text(dataset.frame[name]).isin([*terms, ""])
    return record_findings(rule, "error", dataset, name, outside, message)


def flags(dataset: Dataset) -> pd.DataFrame:
    """ADaM-5: a *FL variable is Y, N or null (error: any other value is no flag). ADaM-176 to
    -363 (Y_OR_NULL): record-level flags are Y or null (error: N reads as flagged). ADaM-19 to
    -25: ADSL population flags are Y or N; a null is a warning (the subject is out of the
    population either way, but the standard wants N)."""
    parts = []
    for name in dataset.variables(suffix="FL"):
        values = _text(dataset.frame[name])
        parts.append(_outside(dataset, "ADaM-5", name, {"Y", "N"}, "a flag is Y, N or null"))
        for rule, pattern in Y_OR_NULL:
            if pattern.fullmatch(name):
                parts.append(
                    record_findings(
                        rule, "error", dataset, name, values == "N", "the flag is Y or null"
                    )
                )
        if dataset.kind == ADSL and name in POPULATION_FLAGS:
            parts.append(
                record_findings(
                    POPULATION_FLAGS[name],
                    "warning",
                    dataset,
                    name,
                    values == "",
                    "a population flag is Y or N, not null",
                )
            )
    return frames(parts)


def imputation_flags(dataset: Dataset) -> pd.DataFrame:
    """ADaM-39: a *DTF variable holds a DATEFL term (Y, M, D) or null; ADaM-369: a populated
    *DTF has its date (*DT or *DTM) populated, and a *DTF variable comes with its date variable
    (errors: an imputation flag without the imputed date says nothing true)."""
    parts = []
    for name in dataset.variables(suffix="DTF"):
        values = _text(dataset.frame[name])
        terms = ", ".join(sorted(DATEFL))
        parts.append(_outside(dataset, "ADaM-39", name, DATEFL, f"not one of {terms} or null"))
        dates = [root for root in (name[:-1], f"{name[:-1]}M") if dataset.has(root)]
        if not dates:
            parts.append(
                dataset_finding(
                    "ADaM-369", "error", dataset, name, f"{name} without its date {name[:-1]}"
                )
            )
            continue
        undated = np.logical_and.reduce([dataset.frame[date].isna() for date in dates])
        parts.append(
            record_findings(
                "ADaM-369",
                "error",
                dataset,
                name,
                (values != "") & undated,
                f"imputation flag set where {' and '.join(dates)} is missing",
            )
        )
    return frames(parts)


def _one_to_one(
    dataset: Dataset, rule: str, key: str, other: str, within: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One finding per value of ``key`` (within ``within``) that has more than one value of
    ``other``, considering only records where both are populated."""
    columns = [*within, key, other]
    if not dataset.has(*columns):
        return frames([])
    frame = dataset.frame[columns]
    frame = frame[~blank(frame[key]) & ~blank(frame[other])]
    counts = frame.groupby([*within, key], dropna=True)[other].nunique()
    parts = []
    for index in counts[counts > 1].index:
        index = index if isinstance(index, tuple) else (index,)
        group = frame
        for column, value in zip([*within, key], index, strict=True):
            group = group[group[column] == value]
        shown = ", ".join(sorted(map(str, pd.unique(group[other]))))
        scope = "".join(
            f"{column} {value}, " for column, value in zip(within, index[:-1], strict=True)
        )
        parts.append(
            dataset_finding(
                rule,
                "error",
                dataset,
                other,
                f"{scope}{key} {index[-1]} has more than one {other}: {shown}",
                index[-1],
            )
        )
    return frames(parts)


def parameters(dataset: Dataset) -> pd.DataFrame:
    """BDS parameters: ADaM-196, -197, PARAM and PARAMCD populated on every record; ADaM-738,
    -739, one PARAM per PARAMCD and one PARAMCD per PARAM; ADaM-740, -741, PARAMN and PARAM
    one to one (so PARAMN and PARAMCD too); ADaM-143 to -145, a PARAMCD value is a valid SAS
    name of at most 8 characters (it becomes a variable name when the data are transposed).
    Errors: a parameter that is not one thing makes every analysis of it wrong."""
    if dataset.kind != BDS:
        return frames([])
    parts = [
        record_findings(rule, "error", dataset, name, blank(dataset.frame[name]), "not populated")
        for rule, name in (("ADaM-196", "PARAM"), ("ADaM-197", "PARAMCD"))
        if dataset.has(name)
    ]
    parts += [
        _one_to_one(dataset, "ADaM-738", "PARAMCD", "PARAM"),
        _one_to_one(dataset, "ADaM-739", "PARAM", "PARAMCD"),
        _one_to_one(dataset, "ADaM-740", "PARAMN", "PARAM"),
        _one_to_one(dataset, "ADaM-741", "PARAM", "PARAMN"),
    ]
    if dataset.has("PARAMCD"):
        codes = _text(dataset.frame["PARAMCD"])
        for rule, bad, what in (
            ("ADaM-143", codes.str.len() > 8, "more than 8 characters"),
            ("ADaM-144", (codes != "") & ~codes.str.match(r"[A-Za-z]"), "does not start A-Z"),
            (
                "ADaM-145",
                ~codes.str.fullmatch(r"[A-Za-z0-9_]*"),
                "characters other than A-Z, 0-9, _",
            ),
        ):
            parts.append(record_findings(rule, "error", dataset, "PARAMCD", bad, f"PARAMCD {what}"))
    return frames(parts)


def values_and_visits(dataset: Dataset) -> pd.DataFrame:
    """BDS: ADaM-742, -743, AVAL and AVALC one to one within a PARAMCD; ADaM-727, -728, AVISIT
    and AVISITN one to one within a PARAMCD; ADaM-548, -447, AVISITN only with AVISIT
    (present and populated); ADaM-155, at most one baseline record (ABLFL = Y) per subject and
    PARAMCD without BASETYPE. Errors: an analysis would count one value or visit as two."""
    if dataset.kind != BDS:
        return frames([])
    within = ("PARAMCD",)
    parts = [
        _one_to_one(dataset, "ADaM-742", "AVAL", "AVALC", within),
        _one_to_one(dataset, "ADaM-743", "AVALC", "AVAL", within),
        _one_to_one(dataset, "ADaM-727", "AVISIT", "AVISITN", within),
        _one_to_one(dataset, "ADaM-728", "AVISITN", "AVISIT", within),
    ]
    if dataset.has("AVISITN") and not dataset.has("AVISIT"):
        parts.append(
            dataset_finding("ADaM-548", "error", dataset, "AVISIT", "AVISITN without AVISIT")
        )
    elif dataset.has("AVISITN"):
        frame = dataset.frame
        mask = frame["AVISITN"].notna() & blank(frame["AVISIT"])
        parts.append(
            record_findings("ADaM-447", "error", dataset, "AVISIT", mask, "AVISITN without AVISIT")
        )
    if dataset.has("USUBJID", "PARAMCD", "ABLFL") and not dataset.has("BASETYPE"):
        frame = dataset.frame
        baseline = _text(frame["ABLFL"]) == "Y"
        count = baseline.groupby([frame["USUBJID"], frame["PARAMCD"]]).transform("sum")
        parts.append(
            record_findings(
                "ADaM-155",
                "error",
                dataset,
                "ABLFL",
                baseline & (count > 1),
                "more than one baseline record of the subject's parameter",
            )
        )
    return frames(parts)


def sequence_numbers(dataset: Dataset) -> pd.DataFrame:
    """ADaMIG.ASEQ: ASEQ is populated and unique within a subject (ADaMIG 1.3, BDS identifiers:
    "ASEQ uniquely indexes records within a subject within an ADaM dataset"); error: SRCSEQ
    and the trace from a result to its records point at the wrong record."""
    if not dataset.has("USUBJID", "ASEQ"):
        return frames([])
    frame = dataset.frame
    bad = frame["ASEQ"].isna() | frame.duplicated(["USUBJID", "ASEQ"], keep=False)
    return record_findings(
        "ADaMIG.ASEQ", "error", dataset, "ASEQ", bad, "ASEQ missing or not unique in the subject"
    )


def day_zero(dataset: Dataset) -> pd.DataFrame:
    """ADaM-46: no *DY variable is 0 (error: there is no day 0)."""
    return frames(
        [
            record_findings("ADaM-46", "error", dataset, name, dataset.frame[name] == 0, "day 0")
            for name in dataset.variables(suffix="DY")
            if pd.api.types.is_numeric_dtype(dataset.frame[name])
        ]
    )


def relative_day(dates: pd.Series, reference: pd.Series) -> pd.Series:
    """Days from ``reference`` (day 1) to ``dates``: +1 on or after it, no day 0 (SAP 3)."""
    days = (pd.to_datetime(dates) - pd.to_datetime(reference)).dt.days
    return days.where(days < 0, days + 1)


def relative_days(dataset: Dataset, adsl: Dataset) -> pd.DataFrame:
    """ADaMIG.ADY, ADaMIG.ASTDY, ADaMIG.AENDY: the relative day is the date's day counted from
    the subject's reference date in ADSL, date - reference + 1 on or after it and date -
    reference before it (ADaMIG 1.3 BDS timing variables, OCCDS 1.1; the reference is
    ADSL.STARTDT for ADY, SAP 3, and ADSL.TRTSDT for ASTDY and AENDY). Errors: a wrong day
    misplaces the record in time."""
    parts = []
    for day, (date, references) in RELATIVE_DAYS.items():
        reference = next((name for name in references if adsl.has(name)), None)
        if not dataset.has(day, date) or reference is None or not adsl.has("USUBJID"):
            continue
        frame = dataset.frame
        subjects = adsl.frame.drop_duplicates("USUBJID").set_index("USUBJID")
        start = frame["USUBJID"].map(subjects[reference])
        expected = relative_day(frame[date], start)
        actual = pd.to_numeric(frame[day], errors="coerce")
        wrong = ~((actual == expected) | (actual.isna() & expected.isna()))
        shown = [
            f"{day}={_number(a)}, expected {_number(e)}"
            for a, e in zip(actual, expected, strict=True)
        ]
        parts.append(
            record_findings(
                f"ADaMIG.{day}",
                "error",
                dataset,
                day,
                wrong,
                f"{day} is not {date} - ADSL.{reference} (+1 on or after it)",
                values=shown,
            )
        )
    return frames(parts)


def censoring(dataset: Dataset) -> pd.DataFrame:
    """ADaM-169: CNSR is 0 or a positive integer (error: an event is CNSR = 0, a censoring a
    positive integer, nothing else). ADaM-TTE.EVNTDESC: an event (CNSR = 0) says what it was in
    EVNTDESC (ADaM BDS for Time-to-Event 1.0; warning: the analysis is right, the
    record does not explain itself)."""
    if not dataset.has("CNSR"):
        return frames([])
    cnsr = pd.to_numeric(dataset.frame["CNSR"], errors="coerce")
    parts = [
        record_findings(
            "ADaM-169",
            "error",
            dataset,
            "CNSR",
            cnsr.isna() | (cnsr < 0) | (cnsr != np.round(cnsr)),
            "CNSR is not 0 or a positive integer",
        )
    ]
    if dataset.has("EVNTDESC"):
        parts.append(
            record_findings(
                "ADaM-TTE.EVNTDESC",
                "warning",
                dataset,
                "EVNTDESC",
                (cnsr == 0) & blank(dataset.frame["EVNTDESC"]),
                "an event without EVNTDESC",
            )
        )
    return frames(parts)


def analysis_period(dataset: Dataset) -> pd.DataFrame:
    """ADaM-361: ASTDT is not after AENDT where both are given (warning: the dates come from the
    SDTM, whose checks judge them)."""
    if not dataset.has("ASTDT", "AENDT"):
        return frames([])
    frame = dataset.frame
    return record_findings(
        "ADaM-361", "warning", dataset, "ASTDT", frame["ASTDT"] > frame["AENDT"], "after AENDT"
    )


RECORD_CHECKS = (
    flags,
    imputation_flags,
    parameters,
    values_and_visits,
    sequence_numbers,
    day_zero,
    censoring,
    analysis_period,
)
