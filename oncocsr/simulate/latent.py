"""The latent layer: each treated subject's course in days from the first dose, and the true
parameters a correct analysis of a large simulated study must recover (``TRUTH_DOC``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from oncocsr.dates import DAYS_PER_MONTH

N_VISITS = 40
TRUTH_SEED = 20140401
TRUTH_SUBJECTS = 400_000

TRUTH_DOC = """\
True parameters of the simulated study, per treated subject (the full analysis set) and, in a
randomised study, per arm (each arm's own generative parameters):
- confirmed ORR: the probability of being a responder; every responder's response is confirmed
  at the next scheduled scan, within the 1-year window, before any censoring, so the confirmed
  ORR of SAP section 4 has exactly this expectation.
- median PFS and median OS: medians of the event time of SAP section 5 (PFS: earliest of
  radiological progression at the scan that finds it, clinical progression, death; OS: death),
  as AVAL = ADT - STARTDT + 1 days converted to months (/30.4375), computed from 400,000 latent
  subjects before any censoring. Censoring in the simulation (withdrawal, the data cut, new
  therapy) is independent of the event times, and survival follow-up contacts (SS) keep the last
  date known alive of a subject alive and on study within about 3 months of the cut, so
  Kaplan-Meier estimates converge to these values.
"""


@dataclass(frozen=True)
class SimulationParameters:
    """Generative parameters, calibrated so the truth is ORR 20%, PFS 3.5 m and OS 11 m."""

    p_response: float = 0.20
    p_cr_given_response: float = 0.12
    nonresponder_ttp_median_days: float = 67.5
    ttp_shape: float = 1.3
    response_duration_median_days: float = 170.0
    post_progression_survival_median_days: float = 198.0
    death_without_progression_median_days: float = 2200.0
    withdrawal_median_days: float = 7000.0
    ae_discontinuation_median_days: float = 2600.0
    p_clinical_progression: float = 0.12
    p_new_therapy_after_discontinuation: float = 0.45
    p_new_therapy_after_progression: float = 0.70
    assessment_interval_days: int = 42
    p_late_visit: float = 0.08
    p_missed_visit: float = 0.03
    p_not_evaluable: float = 0.03
    p_screen_failure: float = 0.15
    p_enrolled_not_treated: float = 0.02
    survival_contact_days: int = 84
    survival_contact_jitter_days: int = 7
    study_start: str = "2014-04-01"
    enrolment_days: int = 540
    followup_days: int = 365
    snapshot_lag_days: int = 45


DEFAULT_PARAMETERS = SimulationParameters()


def _weibull(rng: np.random.Generator, median: float, shape: float, size) -> np.ndarray:
    scale = median / np.log(2) ** (1 / shape)
    return scale * rng.weibull(shape, size)


def _exponential(rng: np.random.Generator, median: float, size) -> np.ndarray:
    return rng.exponential(median / np.log(2), size)


def simulate_latent(rng: np.random.Generator, n: int, p: SimulationParameters) -> dict:
    """Latent course of ``n`` treated subjects in days after the first dose (day 1 = offset 0).

    Returns arrays: visit offsets, missed and NE masks (n x N_VISITS), responder, cr, onset and
    confirmation visit index, progression offset and whether it is clinical, the index of the
    scan that finds radiological progression (-1 if none), death, withdrawal, discontinuation for
    an adverse event and new-therapy offsets (``inf`` when it never happens).
    """
    k = np.arange(1, N_VISITS + 1)
    jitter = rng.integers(-3, 4, (n, N_VISITS))
    late = rng.random((n, N_VISITS)) < p.p_late_visit
    jitter = np.where(late, rng.integers(4, 15, (n, N_VISITS)), jitter)
    visit = p.assessment_interval_days * k[None, :] + jitter
    missed = rng.random((n, N_VISITS)) < p.p_missed_visit
    ne = (rng.random((n, N_VISITS)) < p.p_not_evaluable) & ~missed

    responder = rng.random(n) < p.p_response
    cr = responder & (rng.random(n) < p.p_cr_given_response)
    onset = np.where(responder, rng.choice([0, 1, 2], n, p=[0.6, 0.3, 0.1]), -1)
    rows = np.flatnonzero(responder)
    for shift in (0, 1):
        missed[rows, onset[rows] + shift] = False
        ne[rows, onset[rows] + shift] = False
    confirm_day = np.where(responder, visit[np.arange(n), np.maximum(onset, 0) + 1], 0)

    latent_pd = np.where(
        responder,
        confirm_day + _exponential(rng, p.response_duration_median_days, n),
        _weibull(rng, p.nonresponder_ttp_median_days, p.ttp_shape, n),
    )
    # A responder stays free of death, withdrawal and discontinuation until confirmed.
    death_free = confirm_day + _exponential(rng, p.death_without_progression_median_days, n)
    withdrawal = confirm_day + _exponential(rng, p.withdrawal_median_days, n)
    ae_stop = confirm_day + _exponential(rng, p.ae_discontinuation_median_days, n)

    ae_stop = np.floor(ae_stop)
    clinical = (rng.random(n) < p.p_clinical_progression) & (np.ceil(latent_pd) < ae_stop)
    found = (visit >= latent_pd[:, None]) & ~missed
    pd_visit = np.where(found.any(axis=1), found.argmax(axis=1), -1)
    pd_visit = np.where(clinical, -1, pd_visit)
    ne[np.flatnonzero(pd_visit >= 0), pd_visit[pd_visit >= 0]] = False
    scan_day = np.where(pd_visit >= 0, visit[np.arange(n), np.maximum(pd_visit, 0)], np.inf)
    progression = np.where(clinical, np.ceil(latent_pd), scan_day)

    dies_first = np.floor(death_free) < progression
    progression = np.where(dies_first, np.inf, progression)
    pd_visit = np.where(dies_first, -1, pd_visit)
    clinical &= ~dies_first
    pps = _weibull(rng, p.post_progression_survival_median_days, 1.1, n)
    death = np.where(dies_first, np.floor(death_free), progression + np.maximum(1, np.floor(pps)))

    new_therapy = np.full(n, np.inf)
    after_stop = (ae_stop < np.minimum(progression, death)) & (
        rng.random(n) < p.p_new_therapy_after_discontinuation
    )
    new_therapy[after_stop] = ae_stop[after_stop] + rng.integers(14, 43, after_stop.sum())
    after_pd = (
        np.isfinite(progression) & ~after_stop & (rng.random(n) < p.p_new_therapy_after_progression)
    )
    new_therapy[after_pd] = progression[after_pd] + rng.integers(10, 41, after_pd.sum())
    new_therapy = np.where(new_therapy < death, new_therapy, np.inf)
    return {
        "visit": visit,
        "missed": missed,
        "ne": ne,
        "responder": responder,
        "cr": cr,
        "onset": onset,
        "pd_visit": pd_visit,
        "clinical": clinical,
        "progression": progression,
        "death": death,
        "withdrawal": np.floor(withdrawal),
        "ae_stop": ae_stop,
        "new_therapy": new_therapy,
    }


def simulate_arms_latent(rng: np.random.Generator, arm: np.ndarray, params: tuple) -> dict:
    """``simulate_latent`` for subjects whose arm (an index into ``params``) is ``arm``, in subject
    order. A one-arm study draws exactly as ``simulate_latent`` does."""
    if len(params) == 1:
        return simulate_latent(rng, arm.size, params[0])
    merged: dict[str, np.ndarray] = {}
    for index, arm_params in enumerate(params):
        rows = np.flatnonzero(arm == index)
        for key, value in simulate_latent(rng, rows.size, arm_params).items():
            merged.setdefault(key, np.empty((arm.size, *value.shape[1:]), dtype=value.dtype))
            merged[key][rows] = value
    return merged


def _median_months(aval_days: np.ndarray) -> float:
    """Median as the Kaplan-Meier estimate without censoring would give it (SAP section 6)."""
    ordered = np.sort(aval_days)
    n = ordered.size
    lower = ordered[(n - 1) // 2]
    # S = 0.5 exactly on a flat step: the midpoint to the next event time.
    median = (lower + ordered[n // 2]) / 2 if n % 2 == 0 else lower
    return float(median / DAYS_PER_MONTH)


@lru_cache(maxsize=4)
def true_parameters(params: SimulationParameters = DEFAULT_PARAMETERS) -> dict:
    """The values that analyses of a large simulated study must recover (see ``TRUTH_DOC``)."""
    latent = simulate_latent(np.random.default_rng(TRUTH_SEED), TRUTH_SUBJECTS, params)
    pfs = np.minimum(latent["progression"], latent["death"]) + 1
    os_ = latent["death"] + 1
    return {
        "confirmed_orr": params.p_response,
        "median_pfs_months": round(_median_months(pfs), 4),
        "median_os_months": round(_median_months(os_), 4),
    }
