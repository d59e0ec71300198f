"""SDTM ingestion: read a raw file, apply the data cut, keep the record's origin (SAP section 3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oncocsr.checks import check_domain, finding, load_spec, records_findings, spec_path
from oncocsr.dates import impute_date
from oncocsr.findings import COLUMNS, sort_findings
from oncocsr.io import SDTM_EXTENSIONS, SDTMReadError, read_sdtm_file
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


FILE_NOTES = {
    "CSV_MISSING": (
        "FILE.CSV_MISSING",
        "info",
        "CSV cells holding a missing-value token (ingest.csv_missing) read as missing",
    ),
    "BOM": ("FILE.BOM", "warning", "UTF-8 byte-order mark removed"),
    "CP1252": ("FILE.ENCODING", "warning", "not UTF-8: read as Windows-1252 (cp1252)"),
    "LATIN1": ("FILE.ENCODING", "warning", "not UTF-8: read as Latin-1"),
}


def ingest(
    path: str | Path, spec: dict, cutoff: str, settings: dict | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read, normalise and check one raw SDTM file, then apply the data cut.

    ``settings`` are the cut's SAP sections (``ingest`` for CSV missing-value tokens,
    ``response`` and ``safety`` for the study-aware checks; defaults otherwise). Returns the cut
    frame, every finding (file, normalisation, pandera and study checks; checks run on the whole
    file, before the cut) and a summary. An unreadable file gives an error finding and an empty
    frame, never an exception: the checks gate decides whether the run goes on.
    """
    settings = with_defaults(settings)
    domain = spec["domain"]
    file = str(path)
    parts = []
    try:
        frame, notes = read_sdtm_file(path, missing=settings["ingest"]["csv_missing"])
    except SDTMReadError as error:
        columns = list(spec["variables"])
        empty = pd.DataFrame(columns=columns)
        reason = str(error).removeprefix(f"{file}: ")
        unreadable = finding("FILE.UNREADABLE", "error", file, "", reason)
        found = pd.DataFrame([unreadable], columns=COLUMNS)
        return empty, found, {"domain": domain, "file": file, "records": 0, "records_after_cut": 0}
    parts += [
        pd.DataFrame([finding(*FILE_NOTES[note][:2], file, "", FILE_NOTES[note][2])])
        for note in notes
    ]
    frame, normalised, factors = normalise(frame, spec, file)
    parts += [
        normalised,
        check_domain(frame, spec, file, factors),
        file_findings(frame, domain, file, settings),
        conformance_findings(frame, domain, file),
    ]
    cut = apply_data_cut(frame, domain, cutoff)
    parts = [part for part in parts if not part.empty]
    found = (
        sort_findings(pd.concat(parts, ignore_index=True))
        if parts
        else pd.DataFrame(columns=COLUMNS)
    )
    summary = {"domain": domain, "file": file, "records": len(frame), "records_after_cut": len(cut)}
    return cut, found, summary


def check_snapshot(
    folder: str | Path, cutoff: str, schema_dir: str | Path, settings: dict | None = None
):
    """Ingest and check every SDTM file of a snapshot in one process, as the ingest and
    cross-check rules do file by file: return the cut domains and all findings.

    Used where starting a Snakemake job per file costs more than the work (tests, benchmarks).
    """
    from oncocsr.crosschecks import cross_check

    domains, files, unknown, parts = {}, {}, [], []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in SDTM_EXTENSIONS:
            continue
        domain = path.stem.upper()
        spec = spec_path(schema_dir, domain)
        if not spec.is_file():
            unknown.append(str(path))
            continue
        domains[domain], found, _ = ingest(path, load_spec(spec, domain), cutoff, settings)
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
