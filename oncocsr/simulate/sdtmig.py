"""SDTMIG 3.4 variables of the simulated records that follow from the records themselves: study
days, epochs, the primary SOC, seriousness criteria, numeric results and the reference time point
of MH's end relative to it. Derived without a random draw, so the study is the same with them.

- Study days (SDTMIG 3.4 section 4.4.4): --DY of --DTC, --STDY of --STDTC, --ENDY of --ENDTC,
  relative to DM.RFSTDTC, day 1 on the reference date and no day 0; none for a partial date or
  a subject without RFSTDTC.
- EPOCH (section 7.2: the elements of TE that make up the epochs of TA): SCREENING from informed
  consent (DM.RFICDTC, else DM.DMDTC) to the day before the first dose, TREATMENT from the first
  dose to ``TREATMENT_TAIL_DAYS`` after the last (the treatment-emergent window of SAP section 6),
  FOLLOW-UP after; blank for a partial date or a date before screening (prior history).
  Findings take the epoch of --DTC, events and interventions that of their start, --STDTC (as
  the AE assumptions of section 6.2.1 say for AE).
- AESOC (section 6.2.1): the primary SOC, which for MedDRA's primary path is AEBODSYS.
  Seriousness criteria (section 6.2.1): a fatal serious event "results in death"
  (AESDTH, already written), any other serious event "requires or prolongs hospitalization".
- --STRESN (section 4.5.1): the numeric value of a numeric --STRESC (ECOG scores in RS).
- --ENTPT (section 4.4.7): the reference time point of --ENRTPT, the screening visit at which
  the history was taken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.dates import study_day, study_day_variables, to_date

TREATMENT_TAIL_DAYS = 30
# The date of a record's epoch, in the domains whose EPOCH this module writes (AE, DS and EX
# carry theirs from the course of treatment).
EPOCH_DATE = {
    "CM": "CMSTDTC",
    "QS": "QSDTC",
    "RS": "RSDTC",
    "SS": "SSDTC",
    "TR": "TRDTC",
    "TU": "TUDTC",
    "VS": "VSDTC",
}
# Seriousness criteria no simulated event meets.
CRITERIA_NOT_MET = ("AESCONG", "AESDISAB", "AESLIFE", "AESMIE")
SCREENING_VISIT = "SCREENING"


class SubjectDates:
    """Each subject's reference dates from DM (RFSTDTC, the start of screening, first and last
    dose), and the records' subjects and full dates, each looked up or parsed once per domain
    (EPOCH, the study days and SV use the same)."""

    def __init__(self, dm: pd.DataFrame):
        self.subjects = pd.Index(dm["USUBJID"])
        consent = dm["RFICDTC"] if "RFICDTC" in dm else dm["DMDTC"]
        self.reference = full_dates(dm["RFSTDTC"])
        self.screening = full_dates(consent)
        self.first_dose = full_dates(dm["RFXSTDTC"])
        self.last_dose = full_dates(dm["RFXENDTC"])
        self._positions: dict[str, np.ndarray] = {}
        self._days: dict[str, np.ndarray] = {}

    def positions(self, frame: pd.DataFrame, domain: str) -> np.ndarray:
        """Positions in DM of the subjects of the domain's records."""
        if domain not in self._positions:
            self._positions[domain] = self.subjects.get_indexer(frame["USUBJID"])
        return self._positions[domain]

    def days(self, frame: pd.DataFrame, variable: str) -> np.ndarray:
        """The full dates of a date variable of ``frame`` (``full_dates``)."""
        if variable not in self._days:
            self._days[variable] = full_dates(frame[variable])
        return self._days[variable]

    def study_days(self, when: np.ndarray, position: np.ndarray) -> np.ndarray:
        days = study_day(pd.Series(when), pd.Series(self.reference[position]))
        return days.to_numpy(dtype=float, na_value=np.nan)

    def epochs(self, when: np.ndarray, position: np.ndarray) -> np.ndarray:
        screening, first = self.screening[position], self.first_dose[position]
        tail = self.last_dose[position] + np.timedelta64(TREATMENT_TAIL_DAYS, "D")
        return np.select(
            [np.isnat(when) | (when < screening), np.isnat(first) | (when < first), when <= tail],
            ["", "SCREENING", "TREATMENT"],
            default="FOLLOW-UP",
        ).astype(object)


def full_dates(values: pd.Series) -> np.ndarray:
    """Full ISO 8601 dates (a datetime's date part) as days; partial or missing ones NaT.

    Each distinct value is parsed once: a domain of millions of records holds a few thousand.
    """
    codes, uniques = pd.factorize(values, sort=False)
    days = to_date(pd.Series(uniques, dtype=object)).to_numpy(dtype="datetime64[D]")
    # A missing value has code -1: the NaT appended last.
    return np.append(days, np.datetime64("NaT", "D"))[codes]


def add_sdtmig_variables(frame: pd.DataFrame, domain: str, dates: SubjectDates) -> None:
    """Add to ``frame`` (in place: a copy of a large domain costs more than the derivations) the
    study day of each of its ISO 8601 date variables, its EPOCH where the course does not give
    it, AESOC and the seriousness criteria, --STRESN of numeric results and --ENTPT."""
    position = dates.positions(frame, domain)
    for date, day in study_day_variables(domain, frame.columns):
        frame[day] = dates.study_days(dates.days(frame, date), position)
    if domain in EPOCH_DATE:
        frame["EPOCH"] = dates.epochs(dates.days(frame, EPOCH_DATE[domain]), position)
    if domain == "AE":
        frame["AESOC"] = frame["AEBODSYS"]
        for criterion in CRITERIA_NOT_MET:
            frame[criterion] = "N"
        hospitalised = (frame["AESER"] == "Y") & (frame["AESDTH"] != "Y")
        frame["AESHOSP"] = np.where(hospitalised, "Y", "N").astype(object)
    if domain == "RS":
        frame["RSSTRESN"] = pd.to_numeric(frame["RSSTRESC"], errors="coerce").astype(float)
    if domain == "MH":
        frame["MHENTPT"] = np.where(frame["MHENRTPT"] != "", SCREENING_VISIT, "").astype(object)
