"""The conduct of the study as ARD rows (ICH E3 title page and synopsis: study period, study
centres, subjects planned and analysed), so that the report states them from the ARD like every
other number (DESIGN.md, ARD).

Dates are ARD values as SAS dates (days since 1960-01-01), the CDISC numeric date, because a
statistic is a number; the report prints them as ISO 8601.
"""

from __future__ import annotations

import pandas as pd

from oncocsr import ard
from oncocsr.ard import TOTAL

SAS_EPOCH = pd.Timestamp("1960-01-01")
ANALYSIS = "STUDY-CONDUCT"


def sas_date(value) -> float | None:
    """A date as a SAS date number (days since 1960-01-01), None when missing."""
    return None if pd.isna(value) else float((pd.Timestamp(value) - SAS_EPOCH).days)


def date_of_sas(value: float | None) -> str | None:
    """A SAS date number as an ISO 8601 date, None when missing."""
    return None if value is None else (SAS_EPOCH + pd.Timedelta(days=value)).strftime("%Y-%m-%d")


def _earliest(adsl: pd.DataFrame, columns: list[str]):
    present = [adsl[column] for column in columns if column in adsl]
    return pd.concat(present).min() if present else None


def study_conduct_ard(adsl: pd.DataFrame, *, input_sha256: str) -> pd.DataFrame:
    """Study period and centres of the enrolled subjects (ADSL; SAP section 2 for enrolment,
    section 3 for the dates): the study period runs from the first informed consent (RFICDT),
    else the first dose (TRTSDT) where the study records no consent, to the last contact (the
    latest last-known-alive date or death date, capped at the cutoff by ADSL); the number of
    study centres is the number of distinct DM.SITEID (missing when SITEID was not collected).
    A missing variable gives a missing value, never an error."""
    enrolled = adsl[adsl["ENRLFL"] == "Y"] if "ENRLFL" in adsl else adsl
    start_from = "RFICDT" if "RFICDT" in enrolled and enrolled["RFICDT"].notna().any() else "TRTSDT"
    ends = [enrolled[c] for c in ("LSTALVDT", "DTHDT") if c in enrolled]
    last = pd.concat(ends).max() if ends else None
    sites = enrolled["SITEID"].dropna() if "SITEID" in enrolled else None
    stats = {
        "period_start": (
            sas_date(_earliest(enrolled, [start_from])),
            f"Study period start: first {'informed consent' if start_from == 'RFICDT' else 'dose'}"
            " (SAS date)",
        ),
        "first_dose": (sas_date(_earliest(enrolled, ["TRTSDT"])), "First dose (SAS date)"),
        "period_end": (sas_date(last), "Study period end: last contact (SAS date)"),
        "consent_start": (float(start_from == "RFICDT"), "1 = the period starts at consent"),
        "centres": (
            None if sites is None or sites.empty else float(sites.astype(str).nunique()),
            "Number of study centres (distinct SITEID)",
        ),
        "enrolled": (float(len(enrolled)), "Enrolled subjects"),
    }
    return ard.rows(
        analysis_id=ANALYSIS,
        tlf_id="2",
        population="ENR",
        group=TOTAL,
        variable="STUDY",
        stats=stats,
        source_dataset="ADSL",
        filter="ENRLFL = 'Y'",
        method="Earliest RFICDT (else TRTSDT) to latest LSTALVDT or DTHDT; distinct SITEID",
        input_sha256=input_sha256,
    )
