"""Building blocks of the SDTM layer: the study calendar, record frames and --SEQ numbering."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.latent import DEFAULT_PARAMETERS, SimulationParameters

STUDYID = "IRI-MBC-201"
NOT_TREATED = ("NOTTRT", "Not Treated")
SCREEN_FAILURE = ("SCRNFAIL", "Screen Failure")


class Calendar:
    """ISO 8601 text for day offsets from the study start, with partial dates on demand."""

    def __init__(self, start: np.datetime64):
        self.start = start

    def iso(self, days) -> np.ndarray:
        days = np.asarray(days).astype("int64")
        low, high = (int(days.min()), int(days.max())) if days.size else (0, 0)
        if high - low > 4 * days.size + 10_000:
            dates = self.start + days.astype("timedelta64[D]")
            return np.datetime_as_string(dates, unit="D")
        # Days repeat (a study spans a few thousand): format each day of the range once.
        span = self.start + np.arange(low, high + 1).astype("timedelta64[D]")
        return np.datetime_as_string(span, unit="D")[days - low]

    def partial(self, days, rng: np.random.Generator, probability: float) -> np.ndarray:
        text = self.iso(days)
        cut = rng.random(text.shape) < probability
        return np.where(cut, text.astype("U7"), text)


def study_dates(p: SimulationParameters = DEFAULT_PARAMETERS) -> dict:
    """First consent, data cutoff and snapshot (extraction) date of the simulated study."""
    start = np.datetime64(p.study_start)
    cutoff = start + np.timedelta64(p.enrolment_days + 21 + p.followup_days, "D")
    return {
        "study_start": str(start),
        "cutoff": str(cutoff),
        "snapshot": str(cutoff + np.timedelta64(p.snapshot_lag_days, "D")),
    }


def records(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({key: np.asarray(value) for key, value in columns.items()})


def choice(rng: np.random.Generator, options: list, size, p=None) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size, p=p)]


def finish(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Add STUDYID, DOMAIN and --SEQ (per subject in date order) and drop helper columns.

    DM has no sequence number; supplemental qualifiers (SUPPxx) have no DOMAIN either. Built
    column by column from one stable sort: pandas' sort and inserts copy a wide frame each time.
    """
    subject = frame["USUBJID"].to_numpy()
    codes, _ = pd.factorize(subject, sort=True)
    keys = (codes,) if domain.startswith("SUPP") or domain == "DM" else (frame["_day"], codes)
    order = np.lexsort(keys)
    columns: dict[str, object] = {"STUDYID": STUDYID}
    if not domain.startswith("SUPP"):
        columns["DOMAIN"] = domain
    columns["USUBJID"] = subject[order]
    if not domain.startswith("SUPP") and domain != "DM":
        first = np.diff(codes[order], prepend=-1) != 0
        start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
        columns[f"{domain}SEQ"] = (np.arange(order.size) - start + 1).astype(float)
    for name in frame.columns:
        if name != "USUBJID" and not name.startswith("_"):
            columns[name] = frame[name].to_numpy()[order]
    return pd.DataFrame(columns)
