"""SDTM ingestion: read a raw file, apply the data cut, keep the record's origin (SAP section 3)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from oncocsr.checks import check_domain, finding, load_spec, records_findings, spec_path
from oncocsr.dates import impute_date
from oncocsr.findings import COLUMNS, sort_findings
from oncocsr.inputchecks import input_findings
from oncocsr.io import SDTM_EXTENSIONS, read_sdtm_bytes
from oncocsr.lock import SnapshotChanged, refuse_symlinks, verify_read
from oncocsr.rawfile import SDTMReadError, read_raw
from oncocsr.sdtmigchecks import conformance_findings
from oncocsr.studychecks import file_findings
from oncocsr.studyconfig import with_defaults

# The date that places a record in time, per domain, for the data cut. DM, SUPPxx and MH
# (history before the study) are not cut: DM's death date is handled in ADSL.
CUT_DATE_VARIABLE = {
    "AE": "AESTDTC",
    "CM": "CMSTDTC",
    "DS": "DSSTDTC",
    "EX": "EXSTDTC",
    "QS": "QSDTC",
    "RS": "RSDTC",
    "SS": "SSDTC",
    "SV": "SVSTDTC",
    "TR": "TRDTC",
    "TU": "TUDTC",
}
# End dates after the cutoff are unknown at the cut: the record is ongoing.
CUT_END_VARIABLE = {"AE": "AEENDTC", "CM": "CMENDTC", "EX": "EXENDTC", "SV": "SVENDTC"}


def earliest_possible(values: pd.Series) -> pd.Series:
    """The earliest date a possibly partial ISO 8601 value can stand for (NaT if unknown)."""
    return impute_date(values, "first")["date"]


def apply_data_cut(frame: pd.DataFrame, domain: str, cutoff: str) -> pd.DataFrame:
    """Remove records dated after the cutoff and blank end dates after it, with their study days
    (SAP section 3).

    A partial date is after the cutoff only if its earliest possible day is; undated records
    are kept (the data checks report them).
    """
    limit = pd.Timestamp(cutoff)
    variable = CUT_DATE_VARIABLE.get(domain)
    if variable and variable in frame.columns:
        frame = frame[~(earliest_possible(frame[variable]) > limit)].reset_index(drop=True)
    end = CUT_END_VARIABLE.get(domain)
    if end and end in frame.columns:
        after = earliest_possible(frame[end]) > limit
        frame = frame.assign(**{end: frame[end].mask(after, "")})
        # The study day of an end unknown at the cut is unknown too (SDTMIG 3.4 section 4.4.4).
        if f"{domain}ENDY" in frame.columns:
            frame = frame.assign(**{f"{domain}ENDY": frame[f"{domain}ENDY"].mask(after)})
    return frame


# SDTM numeric variables, by the suffix after the domain prefix (SDTMIG: sequence numbers,
# standard numeric results, study days, doses, MedDRA codes), and without a prefix.
NUMERIC_SUFFIXES = {
    "SEQ", "STRESN", "DY", "STDY", "ENDY", "DOSE", "DOSTOT", "TPTNUM", "STNRLO", "STNRHI",
    "LLOQ", "ULOQ", "LLTCD", "PTCD", "HLTCD", "HLGTCD", "BDSYCD", "SOCCD",
}  # fmt: skip
NUMERIC_VARIABLES = {"VISITNUM", "VISITDY", "TAETORD", "AGE"}


def is_numeric_variable(column: str, domain: str) -> bool:
    """Whether SDTMIG types a variable numeric (its spec aside), e.g. RSSEQ, TRSTRESN, VISITNUM."""
    prefix = "" if domain.startswith("SUPP") else domain[:2]
    return column in NUMERIC_VARIABLES or (
        bool(prefix) and column.startswith(prefix) and column[2:] in NUMERIC_SUFFIXES
    )


def normalise(
    frame: pd.DataFrame, spec: dict, file: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Documented normalisations, each reported: blanks around text removed; numbers stored as
    text (as CSV stores everything) converted where the spec or SDTMIG says numeric (a value
    that is not a number is an error and becomes missing); an all-missing numeric column of a
    text variable (by the spec, or any variable SDTMIG does not type numeric) becomes empty
    text. So the XPT and CSV forms of the same data read the same.

    Also returns, per remaining text column, its distinct values and codes, so that the checks
    look at each distinct value once.
    """
    domain = spec["domain"]
    frame = frame.copy()
    parts = []
    factors = {}
    for column in frame.columns:
        series = frame[column]
        rule = spec["variables"].get(column, {})
        if pd.api.types.is_object_dtype(series):
            # Values repeat: strip each distinct value once.
            codes, uniques = pd.factorize(series, sort=False)
            stripped_uniques = pd.Index(uniques).str.strip()
            changed = np.asarray(stripped_uniques != pd.Index(uniques))
            padded = pd.Series(changed[codes], index=series.index)
            if changed.any():
                stripped = pd.Series(
                    np.asarray(stripped_uniques, dtype=object)[codes], index=series.index
                )
                parts.append(
                    records_findings(
                        frame,
                        domain,
                        padded,
                        check_id=f"{domain}.{column}.WHITESPACE",
                        severity="warning",
                        file=file,
                        variable=column,
                        message="leading or trailing blanks removed",
                    )
                )
                frame[column] = series = stripped
            factors[column] = (codes, stripped_uniques)
            numeric = rule.get("type") == "num" or (
                not rule and is_numeric_variable(column, domain)
            )
            if numeric:
                numbers = pd.to_numeric(series.replace("", None), errors="coerce")
                bad = numbers.isna() & (series != "")
                if bad.any():
                    parts.append(
                        records_findings(
                            frame,
                            domain,
                            bad,
                            check_id=f"{domain}.{column}.TYPE",
                            severity="error",
                            file=file,
                            variable=column,
                            message="numeric variable holds a value that is not a number",
                        )
                    )
                frame[column] = numbers.astype(float)
        elif (
            rule.get("type") == "char" or (not rule and not is_numeric_variable(column, domain))
        ) and series.isna().all():
            parts.append(
                pd.DataFrame(
                    [
                        finding(
                            f"{domain}.{column}.TYPE",
                            "warning",
                            file,
                            column,
                            "character variable stored as numeric, all missing: read as empty text",
                        )
                    ]
                )
            )
            frame[column] = ""
    parts = [part for part in parts if not part.empty]
    found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    factors = {
        column: factor for column, factor in factors.items() if frame[column].dtype == object
    }
    return frame, found, factors


# What reading a file found (oncocsr.rawfile.ReadNote kinds): finding id, severity, message.
FILE_NOTES = {
    "CSV_MISSING": (
        "FILE.CSV_MISSING",
        "info",
        "CSV cells holding a missing-value token (ingest.csv_missing) read as missing",
    ),
    "BOM": ("FILE.BOM", "warning", "UTF-8 byte-order mark removed"),
    "CP1252": ("FILE.ENCODING", "warning", "not UTF-8: read as Windows-1252 (cp1252)"),
    "LATIN1": ("FILE.ENCODING", "warning", "not UTF-8: read as Latin-1"),
    "TRUNCATED": (
        "FILE.TRUNCATED",
        "error",
        "the file was cut short: the records after this point are lost",
    ),
    "XPT_MEMBERS": (
        "FILE.XPT_MEMBERS",
        "error",
        "a SAS transport file of an SDTM domain must hold that one dataset",
    ),
    "MIXED_ENCODING": (
        "FILE.MIXED_ENCODING",
        "error",
        "not UTF-8, in a file that is otherwise UTF-8: which text the bytes stand for is unknown",
    ),
    "NUL": (
        "FILE.NUL",
        "error",
        "NUL byte in the value (shown as \\x00), where a CSV parser ends the value",
    ),
    "DUPLICATE_VARIABLE": (
        "FILE.DUPLICATE_VARIABLE",
        "error",
        "several columns have this name: only the first is read",
    ),
}


def note_finding(note, file: str) -> dict:
    """The finding of a ``ReadNote``: its kind's id, severity and message, after the note's
    detail (e.g. the line), with its variable, subject and value."""
    check_id, severity, message = FILE_NOTES[note.kind]
    message = f"{note.detail}: {message}" if note.detail else message
    return finding(check_id, severity, file, note.variable, message, note.usubjid, "", note.value)


def _unreadable(path: str | Path, spec: dict, reason: str, summary: dict):
    """What ingest returns for a file it cannot parse: no records and one error finding."""
    file = str(path)
    empty = pd.DataFrame(columns=list(spec["variables"]))
    unreadable = finding("FILE.UNREADABLE", "error", file, "", reason.removeprefix(f"{file}: "))
    found = pd.DataFrame([unreadable], columns=COLUMNS)
    return empty, found, {**summary, "records": 0, "records_after_cut": 0}


def read_verified(path: str | Path, locked: dict | None) -> tuple[bytes, str]:
    """The bytes of a raw file, read once (``read_raw``), and their sha256, checked against the
    data lock's entry of the file (``locked``: sha256, size and ``lock``, the lock file) when
    given: a file missing or different from its lock raises ``SnapshotChanged``, so the job
    refuses before it writes anything. Without ``locked``, an unreadable file raises
    ``SDTMReadError``, a finding like any other reading failure."""
    try:
        data = read_raw(path)
    except SDTMReadError as error:
        if locked is None:
            raise
        raise SnapshotChanged(
            f"{error}; the data lock {locked['lock']} records it with sha256 "
            f"{locked['sha256']} ({locked['size']} bytes): the snapshot changed after the run "
            "started; nothing was written"
        ) from None
    if locked is None:
        return data, hashlib.sha256(data).hexdigest()
    return data, verify_read(data, locked, path, locked["lock"])


def today() -> str:
    """The current date (UTC), YYYY-MM-DD: the snapshot date of a check made without a lock."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


def ingest(
    path: str | Path,
    spec: dict,
    cutoff: str,
    settings: dict | None = None,
    *,
    locked: dict | None = None,
    snapshot_date: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read, normalise and check one raw SDTM file, then apply the data cut.

    The file's bytes are read once: hashed, checked against the data lock's entry ``locked``
    when given (``read_verified``: a difference raises ``SnapshotChanged``), and parsed, so what
    is analysed is what the lock vouches for and ``summary["sha256"]`` is the hash of those very
    bytes. ``settings`` are the cut's SAP sections (``ingest`` for CSV missing-value tokens and
    the records-per-subject limit, ``response`` and ``safety`` for the study-aware checks;
    defaults otherwise). ``snapshot_date`` (YYYY-MM-DD, default today) is when the data existed
    at the latest: the workflow gives the date of the data lock; a date after it is an error.
    Returns the cut frame, every finding (file, normalisation, pandera and study checks; checks
    run on the whole file, before the cut) and a summary. An unreadable file gives an error
    finding and an empty frame, never an exception: the checks gate decides whether the run
    goes on.
    """
    settings = with_defaults(settings)
    domain = spec["domain"]
    file = str(path)
    summary = {"domain": domain, "file": file}
    try:
        data, digest = read_verified(path, locked)
        summary.update(sha256=digest, size=len(data))
        frame, notes = read_sdtm_bytes(data, path, missing=settings["ingest"]["csv_missing"])
    except SDTMReadError as error:
        return _unreadable(path, spec, str(error), summary)
    parts = [pd.DataFrame([note_finding(note, file) for note in notes], columns=COLUMNS)]
    frame, normalised, factors = normalise(frame, spec, file)
    parts += [
        normalised,
        check_domain(frame, spec, file, factors),
        file_findings(frame, domain, file, settings),
        conformance_findings(frame, domain, file),
        input_findings(frame, domain, file, settings, snapshot_date or today(), factors),
    ]
    cut = apply_data_cut(frame, domain, cutoff)
    parts = [part for part in parts if not part.empty]
    found = (
        sort_findings(pd.concat(parts, ignore_index=True))
        if parts
        else pd.DataFrame(columns=COLUMNS)
    )
    summary.update(records=len(frame), records_after_cut=len(cut))
    return cut, found, summary


def check_snapshot(
    folder: str | Path,
    cutoff: str,
    schema_dir: str | Path,
    settings: dict | None = None,
    snapshot_date: str | None = None,
):
    """Ingest and check every SDTM file of a snapshot in one process, as the ingest and
    cross-check rules do file by file: return the cut domains and all findings. A folder
    holding a symbolic link is refused (``LockError``), as the lock refuses it.

    Used where starting a Snakemake job per file costs more than the work (tests, benchmarks),
    without a lock: the bytes read are not checked against one, and ``snapshot_date`` defaults
    to today.
    """
    from oncocsr.crosschecks import cross_check

    refuse_symlinks(folder)
    domains, files, unknown, parts = {}, {}, [], []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in SDTM_EXTENSIONS:
            continue
        domain = path.stem.upper()
        spec = spec_path(schema_dir, domain)
        if not spec.is_file():
            unknown.append(str(path))
            continue
        domains[domain], found, _ = ingest(
            path, load_spec(spec, domain), cutoff, settings, snapshot_date=snapshot_date
        )
        files[domain] = str(path)
        parts.append(found)
    parts.append(cross_check(domains, files, unknown, cutoff, settings))
    parts = [part for part in parts if not part.empty]
    found = (
        sort_findings(pd.concat(parts, ignore_index=True))
        if parts
        else pd.DataFrame(columns=COLUMNS)
    )
    return domains, found
