"""Checks of one raw SDTM file for input that would otherwise pass silently and change the
numbers (issue 15): a variable the derivations rely on that is empty in every record, end dates
before start dates, dates after the snapshot was locked, and implausibly many records of one
subject. Run by the ingest rule on the whole file, before the data cut.

- {domain}.{variable}.EMPTY (warning): the variable is in the file but empty in every record; the
  message says what it disables;
- {domain}.{variable}.BEFORE_START (error): an end date (--ENDTC, DM.RFENDTC, DM.RFXENDTC) before
  its start date, compared at the precision both have;
- {domain}.{variable}.AFTER_SNAPSHOT (error): a date (any --DTC variable) whose earliest possible
  day is after the snapshot date (the day after the data lock was made, allowing for time zones);
- {domain}.RECORDS_PER_SUBJECT (warning): a subject with more records in the file than
  ``ingest.max_records_per_subject``;
- {domain}.{variable}.GLYPH_MISSING (warning): a text value with a character that no pinned font
  of the report draws (oncocsr.fonts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.checks import finding, records_findings
from oncocsr.findings import COLUMNS
from oncocsr.fonts import glyph_missing_findings

# What the analysis loses when the variable is empty in every record (the derivations in
# oncocsr/adam read these). The AE grade source has its own check (AE.GRADE.NOT_COLLECTED).
EMPTY_DISABLES = {
    "DM": {
        "DTHDTC": "no subject has a death date: overall survival has no events",
        "AGE": "the age summary, age groups (baseline.age_groups) and age subgroups are empty",
    },
    "AE": {
        "AESTDTC": "no AE has a start date, so none is treatment-emergent (ADAE TRTEMFL) and "
        "the AE tables are empty",
        "AEDECOD": "the AE tables by preferred term and the AEs of special interest "
        "(safety.aesi, matched by preferred term) count no event",
        "AEBODSYS": "the AE tables by system organ class have no class",
        "AESER": "no AE counts as serious (ADAE SERFL): the serious AE table is empty",
        "AEREL": "no AE counts as related to treatment (ADAE RELFL)",
        "AEACN": "no AE counts as leading to withdrawal, dose reduction or interruption "
        "(ADAE DISCFL, REDFL, INTFL)",
    },
    "EX": {
        "EXSTDTC": "no dose is dated: no subject is treated (safety set) and exposure is empty",
        "EXDOSE": "no record is a dose (EXDOSE > 0): only placebo records count as treatment",
        "EXENDTC": "last-dose dates and treatment duration come from EXSTDTC alone",
    },
    "RS": {
        "RSSTRESC": "no assessment has a response: best overall response, ORR and radiological "
        "progression (PFS) have none",
        "RSDTC": "no assessment is dated: response and progression dates are missing",
    },
    "TR": {
        "TRSTRESN": "no measurement has a value: target-lesion sums (ADTR), waterfall and "
        "spider plots are empty",
        "TRDTC": "no measurement is dated: ADTR has no assessments",
    },
    "TU": {
        "TUSTRESC": "no lesion has a role (TARGET, NON-TARGET, NEW): measurable disease, "
        "metastatic sites and new lesions are unknown",
    },
    "DS": {
        "DSSTDTC": "no disposition event is dated: consent, randomisation, end of treatment and "
        "clinical progression dates from DS are missing",
    },
    "SS": {
        "SSSTRESC": "no survival contact has a status: none is a date known alive (OS censoring)",
        "SSDTC": "no survival contact is dated: none is a date known alive (OS censoring)",
    },
    "CM": {
        "CMSTDTC": "no medication has a start date: new anticancer therapy censors neither PFS "
        "nor duration of response",
    },
}
# ISO 8601 components, most significant first; a fraction of a second is not compared.
_COMPONENTS = (
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?)?)?$"
)
# Lengths of the component digits: year, month, day, hour, minute, second.
_PRECISIONS = (4, 6, 8, 10, 12, 14)


def _frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _empty(series: pd.Series) -> bool:
    """Missing or blank in every record (text is stripped by oncocsr.ingest.normalise)."""
    if pd.api.types.is_numeric_dtype(series):
        return bool(series.isna().all())
    return not (series.to_numpy(dtype=object) != "").any()


def empty_variable_findings(
    frame: pd.DataFrame, domain: str, file: str, settings: dict
) -> pd.DataFrame:
    """{domain}.{variable}.EMPTY: a variable of ``EMPTY_DISABLES`` that is in the file but
    empty in every record (a missing variable is a REQUIRED or EXPECTED finding)."""
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    grade = settings["safety"]["grade"]["source"]
    found = [
        finding(
            f"{domain}.{variable}.EMPTY",
            "warning",
            file,
            variable,
            f"{variable} is empty in every record: {disabled}",
        )
        for variable, disabled in EMPTY_DISABLES.get(domain, {}).items()
        if variable in frame and variable != grade and _empty(frame[variable])
    ]
    return pd.DataFrame(found, columns=COLUMNS)


def iso_numbers(codes: np.ndarray, uniques) -> tuple[np.ndarray, np.ndarray]:
    """Each ISO 8601 value (given as ``codes`` into its distinct values ``uniques``, as
    ``pd.factorize`` gives them) as a number of its components padded with zeros to the second
    ("2016-05-12T10:30" -> 20160512103000, "2016-05" -> 20160500000000) and how many of its
    digits are known (12 and 6), so that numbers cut to the digits both values know compare at
    a precision both have; no digit is known of a missing value or one with a gap ("2016---12").
    """
    parts = pd.Series(uniques, dtype=object).astype(str).str.extract(_COMPONENTS)
    number = np.zeros(len(parts), dtype=np.int64)
    for column, digits in zip(parts.columns, _PRECISIONS, strict=True):
        part = pd.to_numeric(parts[column], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
        number += part * 10 ** (_PRECISIONS[-1] - digits)
    # The components a value has are the first ones (the pattern nests them).
    known = np.array((0, *_PRECISIONS))[parts.notna().sum(axis=1).to_numpy()]
    # A missing value has code -1: the last entry.
    number, known = np.append(number, 0), np.append(known, 0)
    return number[codes], known[codes]


def date_numbers(frame: pd.DataFrame, factors: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``iso_numbers`` of every date variable (--DTC) of a file; ``factors`` gives, per text
    column, its codes and distinct values where already known (oncocsr.ingest.normalise)."""
    return {
        column: iso_numbers(*(factors.get(column) or pd.factorize(frame[column], sort=False)))
        for column in frame.columns
        if column.endswith("DTC")
    }


def _cut(number: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """``number`` (an ``iso_numbers`` number) cut to its first ``digits`` digits."""
    return number // 10 ** (_PRECISIONS[-1] - digits)


def _before(earlier: tuple, later: tuple) -> np.ndarray:
    """Whether ``later`` is before ``earlier`` at the precision both have (``iso_numbers``)."""
    common = np.minimum(earlier[1], later[1])
    return (common > 0) & (_cut(later[0], common) < _cut(earlier[0], common))


def end_before_start_findings(
    frame: pd.DataFrame, domain: str, file: str, dates: dict[str, tuple]
) -> pd.DataFrame:
    """{domain}.{end}.BEFORE_START: an end date before its start date (--STDTC and --ENDTC,
    e.g. AEENDTC before AESTDTC, or DM's RFSTDTC and RFENDTC), at the precision both have: an
    end in April is before a start on 12 May; an end in May is not. ``dates``: date_numbers."""
    parts = []
    for start in [column for column in dates if column.endswith("STDTC")]:
        end = start.removesuffix("STDTC") + "ENDTC"
        if end not in dates:
            continue
        before = _before(dates[start], dates[end])
        if before.any():
            parts.append(
                records_findings(
                    frame,
                    domain,
                    before,
                    check_id=f"{domain}.{end}.BEFORE_START",
                    severity="error",
                    file=file,
                    variable=end,
                    message=f"end date before the start date {start}",
                    values=frame[end] + f" < {start} " + frame[start],
                )
            )
    return _frames(parts)


def after_snapshot_findings(
    frame: pd.DataFrame, domain: str, file: str, dates: dict[str, tuple], snapshot_date: str
) -> pd.DataFrame:
    """{domain}.{variable}.AFTER_SNAPSHOT: a date whose earliest possible day is after the day
    after ``snapshot_date`` (YYYY-MM-DD; the day after, as a local date may be a day ahead of a
    UTC one): nothing can have happened after the data was extracted, so the date is wrong (e.g.
    a death dated after the snapshot, which ADSL would take for a death after the cutoff).
    ``dates``: date_numbers."""
    limit = (pd.Timestamp(snapshot_date) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    limit = iso_numbers(np.zeros(1, dtype=int), [limit])[0][0]
    parts = []
    for variable, (number, known) in dates.items():
        # At the value's own precision, up to the day: "2027" is after 2026-12-02, "2026-12" not.
        day = np.minimum(known, _PRECISIONS[2])
        after = (day > 0) & (_cut(number, day) > _cut(limit, day))
        if after.any():
            parts.append(
                records_findings(
                    frame,
                    domain,
                    after,
                    check_id=f"{domain}.{variable}.AFTER_SNAPSHOT",
                    severity="error",
                    file=file,
                    variable=variable,
                    message=f"date after the snapshot date {snapshot_date}: impossible in data "
                    "extracted by then",
                )
            )
    return _frames(parts)


def records_per_subject_findings(
    frame: pd.DataFrame, domain: str, file: str, limit: int
) -> pd.DataFrame:
    """{domain}.RECORDS_PER_SUBJECT: one finding per subject with more than ``limit`` records
    (``ingest.max_records_per_subject``), a sign of duplicated or misattributed records."""
    if "USUBJID" not in frame:
        return pd.DataFrame(columns=COLUMNS)
    counts = frame["USUBJID"].value_counts()
    counts = counts[(counts > limit) & (counts.index != "")].sort_index()
    return pd.DataFrame(
        [
            finding(
                f"{domain}.RECORDS_PER_SUBJECT",
                "warning",
                file,
                "USUBJID",
                f"{count} records of one subject, more than ingest.max_records_per_subject "
                f"({limit}): duplicated or misattributed records?",
                usubjid=subject,
                value=count,
            )
            for subject, count in counts.items()
        ],
        columns=COLUMNS,
    )


def input_findings(
    frame: pd.DataFrame,
    domain: str,
    file: str,
    settings: dict,
    snapshot_date: str,
    factors: dict | None = None,
) -> pd.DataFrame:
    """Every check of this module on one file (``settings``: the cut's SAP sections, with
    defaults; ``factors``: date_numbers)."""
    dates = date_numbers(frame, factors or {})
    return _frames(
        [
            empty_variable_findings(frame, domain, file, settings),
            end_before_start_findings(frame, domain, file, dates),
            after_snapshot_findings(frame, domain, file, dates, snapshot_date),
            records_per_subject_findings(
                frame, domain, file, settings["ingest"]["max_records_per_subject"]
            ),
            glyph_missing_findings(frame, domain, file),
        ]
    )
