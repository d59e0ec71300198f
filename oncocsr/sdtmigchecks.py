"""SDTMIG 3.4 conformance checks that any sponsor's SDTM gets: the ones a reviewer's rules engine
(CDISC CORE) applies to what the pipeline reads. None of them changes what the analysis derives
(ADaM computes its own study days and epochs), so they are warnings, or info where real
submissions legitimately differ; the trial summary (TS) is the exception a regulator rejects a
submission without, still a warning here because the CSR does not need it.

Per file (``conformance_findings``, in the ingest rule):

- SDTM.EPOCH.MISSING (warning): an on-study events, interventions or findings domain without EPOCH
  (SDTMIG 3.4 section 7.2: the epoch of each record);
- SDTM.DY.MISSING (info): a date variable (--DTC, --STDTC, --ENDTC) without its study day (--DY,
  --STDY, --ENDY; section 4.4.4); MH has MHDY of MHDTC only;
- AE.AESOC.MISSING (warning): no primary system organ class (AESOC, section 6.2.1) for a coded
  event;
- AE.SERIOUS.NO_CRITERION (warning): a serious event (AESER = Y) with no seriousness criterion
  that is Y (section 6.2.1: AESCAN, AESCONG, AESDISAB, AESDTH, AESHOSP, AESLIFE, AESOD, AESMIE);
- {domain}.STRESN.MISSING (warning): a numeric standard result (--STRESC) without --STRESN
  (section 4.5.1), e.g. RS.STRESN.MISSING for numeric ECOG scores;
- {domain}.ENRTPT.NO_ENTPT and {domain}.STRTPT.NO_STTPT (warning): a relative timing variable
  without the reference time point it is relative to (section 4.4.7).

Across domains (``cross_conformance_findings``, in the cross-checks rule):

- SDTM.DY.INCONSISTENT (warning): a study day that is not the one of its date and DM.RFSTDTC
  (date − RFSTDTC + 1 on or after the reference, date − RFSTDTC before it, no day 0);
- SDTM.TRIAL_DESIGN.MISSING: a trial design domain (section 7: TS, TA, TE, TV) or the subject
  visits (SV, special-purpose) the snapshot lacks, one finding per domain: warning for TS, info
  for the others.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oncocsr.checks import finding, records_findings
from oncocsr.dates import study_day, study_day_variables, to_date
from oncocsr.findings import COLUMNS

# Domains of events, interventions and findings that happen on study (MH is history before it).
EPOCH_DOMAINS = ("AE", "CE", "CM", "DS", "EC", "EG", "EX", "LB", "PR", "QS", "RS", "SS", "TR",
                 "TU", "VS")  # fmt: skip
SERIOUSNESS_CRITERIA = ("AESCAN", "AESCONG", "AESDISAB", "AESDTH", "AESHOSP", "AESLIFE", "AESOD",
                        "AESMIE")  # fmt: skip
RELATIVE_TIMING = {"ENRTPT": "ENTPT", "STRTPT": "STTPT"}
TRIAL_DESIGN = {"TS": "warning", "TA": "info", "TE": "info", "TV": "info", "SV": "info"}
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"


def _frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text variable with missing as blank (a variable the file lacks is blank throughout)."""
    if column not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].fillna("").astype(str).str.strip()


def conformance_findings(frame: pd.DataFrame, domain: str, file: str) -> pd.DataFrame:
    """The per-file conformance findings of one domain (see the module docstring)."""
    if domain.startswith("SUPP"):
        return pd.DataFrame(columns=COLUMNS)
    parts = []
    if domain in EPOCH_DOMAINS and "EPOCH" not in frame:
        message = "no EPOCH: the epoch of each record (SDTMIG 3.4 section 7.2) is not given"
        parts.append(
            pd.DataFrame([finding("SDTM.EPOCH.MISSING", "warning", file, "EPOCH", message)])
        )
    for date, day in study_day_variables(domain, frame.columns):
        if day not in frame:
            message = f"{date} without its study day {day} (SDTMIG 3.4 section 4.4.4)"
            parts.append(pd.DataFrame([finding("SDTM.DY.MISSING", "info", file, day, message)]))
    if domain == "AE":
        parts += [_soc_findings(frame, file), _seriousness_findings(frame, file)]
    parts += [_numeric_result_findings(frame, domain, file), _timing_findings(frame, domain, file)]
    return _frames(parts)


def _soc_findings(ae: pd.DataFrame, file: str) -> pd.DataFrame:
    """AE.AESOC.MISSING: coded events (AEDECOD) need their primary SOC."""
    coded = _text(ae, "AEDECOD") != ""
    if "AESOC" not in ae:
        if not coded.any():
            return pd.DataFrame(columns=COLUMNS)
        message = "no AESOC: the primary system organ class of the coded events is not given"
        return pd.DataFrame([finding("AE.AESOC.MISSING", "warning", file, "AESOC", message)])
    return records_findings(
        ae,
        "AE",
        coded & (_text(ae, "AESOC") == ""),
        check_id="AE.AESOC.MISSING",
        severity="warning",
        file=file,
        variable="AESOC",
        message="coded event (AEDECOD) without its primary system organ class",
    )


def _seriousness_findings(ae: pd.DataFrame, file: str) -> pd.DataFrame:
    """AE.SERIOUS.NO_CRITERION: AESER = Y needs at least one criterion that is Y."""
    if "AESER" not in ae:
        return pd.DataFrame(columns=COLUMNS)
    met = pd.concat([_text(ae, name).str.upper() == "Y" for name in SERIOUSNESS_CRITERIA], axis=1)
    return records_findings(
        ae,
        "AE",
        (_text(ae, "AESER").str.upper() == "Y") & ~met.any(axis=1),
        check_id="AE.SERIOUS.NO_CRITERION",
        severity="warning",
        file=file,
        variable="AESER",
        message=f"serious event without a seriousness criterion that is Y "
        f"({', '.join(SERIOUSNESS_CRITERIA)})",
    )


def _numeric_result_findings(frame: pd.DataFrame, domain: str, file: str) -> pd.DataFrame:
    """{domain}.STRESN.MISSING: a number in --STRESC must also be in --STRESN."""
    character, numeric = f"{domain}STRESC", f"{domain}STRESN"
    if character not in frame:
        return pd.DataFrame(columns=COLUMNS)
    is_number = _text(frame, character).str.fullmatch(NUMBER)
    given = frame[numeric].notna() if numeric in frame else pd.Series(False, index=frame.index)
    return records_findings(
        frame,
        domain,
        is_number & ~given,
        check_id=f"{domain}.STRESN.MISSING",
        severity="warning",
        file=file,
        variable=numeric,
        message=f"numeric result in {character} without {numeric}",
        values=frame[character],
    )


def _timing_findings(frame: pd.DataFrame, domain: str, file: str) -> pd.DataFrame:
    """{domain}.ENRTPT.NO_ENTPT, {domain}.STRTPT.NO_STTPT: relative to a time point not given."""
    parts = []
    for relative, point in RELATIVE_TIMING.items():
        relative_name, point_name = f"{domain}{relative}", f"{domain}{point}"
        if relative_name not in frame:
            continue
        parts.append(
            records_findings(
                frame,
                domain,
                (_text(frame, relative_name) != "") & (_text(frame, point_name) == ""),
                check_id=f"{domain}.{relative}.NO_{point}",
                severity="warning",
                file=file,
                variable=point_name,
                message=f"{relative_name} without the reference time point {point_name}",
                values=frame[relative_name],
            )
        )
    return _frames(parts)


def cross_conformance_findings(
    domains: dict[str, pd.DataFrame], files: dict[str, str], unknown: list[str]
) -> pd.DataFrame:
    """The conformance findings across domains (see the module docstring); ``files`` are the
    read domains' files, ``unknown`` the snapshot's files of domains without checks."""
    present = set(domains) | {Path(path).stem.upper() for path in unknown}
    parts = [
        pd.DataFrame(
            [
                finding(
                    "SDTM.TRIAL_DESIGN.MISSING",
                    severity,
                    "",
                    "",
                    f"the snapshot has no {name} domain (SDTMIG 3.4 trial design and SV)",
                    value=name,
                )
                for name, severity in TRIAL_DESIGN.items()
                if name not in present
            ],
            columns=COLUMNS,
        )
    ]
    if "DM" in domains and {"USUBJID", "RFSTDTC"} <= set(domains["DM"]):
        dm = domains["DM"].drop_duplicates("USUBJID").set_index("USUBJID")
        reference = to_date(dm["RFSTDTC"])
        for name, frame in sorted(domains.items()):
            if "USUBJID" in frame and not name.startswith("SUPP"):
                parts.append(_study_day_findings(frame, name, files.get(name, ""), reference))
    return _frames(parts)


def _study_day_findings(
    frame: pd.DataFrame, domain: str, file: str, reference: pd.Series
) -> pd.DataFrame:
    """SDTM.DY.INCONSISTENT: each study day given against the one its full date gives."""
    parts = []
    start = pd.Series(reference.reindex(frame["USUBJID"]).to_numpy(), index=frame.index)
    for date, day in study_day_variables(domain, frame.columns):
        if day not in frame:
            continue
        expected = study_day(to_date(frame[date]), start)
        given = pd.to_numeric(frame[day], errors="coerce")
        wrong = (expected.notna() & ~(given == expected).fillna(False)).to_numpy(dtype=bool)
        if not wrong.any():
            continue
        rows = frame.index[wrong]
        shown = pd.Series(
            [
                f"{day}={'missing' if pd.isna(value) else f'{value:g}'} ({date}={when}, "
                f"RFSTDTC={first:%Y-%m-%d}: expected {right})"
                for value, when, first, right in zip(
                    given[rows], frame.loc[rows, date], start[rows], expected[rows], strict=True
                )
            ],
            index=rows,
        )
        parts.append(
            records_findings(
                frame,
                domain,
                wrong,
                check_id="SDTM.DY.INCONSISTENT",
                severity="warning",
                file=file,
                variable=day,
                message=f"{day} is not the study day of {date} relative to DM.RFSTDTC "
                "(SDTMIG 3.4 section 4.4.4: no day 0)",
                values=shown,
            )
        )
    return _frames(parts)
