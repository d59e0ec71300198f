"""Simulated SDTM for the irinotecan phase II study of SAP section 1.

The simulation has two layers:

* a *latent* layer (``simulate_latent``) that draws, per treated subject, the tumour assessment
  schedule (with late, missed and not-evaluable visits), responder status, progression (found at
  the next scan, or clinical), death, withdrawal, discontinuation for adverse events and new
  anticancer therapy, all in days from the first dose;
* an *SDTM* layer that turns the latent layer into DM, SUPPDM, DS, EX, TU, TR, RS, AE, CM and MH
  records, with the mess of real trials (partial dates, deaths without progression, new therapy
  before progression, screen failures, enrolled subjects never treated).

``true_parameters`` computes, from the latent layer alone and with the SAP's conventions, the
values a correct analysis of a large simulated study must recover (see ``TRUTH_DOC``). Everything
is vectorised over subjects (loops run over visits, cycles or chunks, never over subjects) so that a
100,000-subject study takes seconds, and it is deterministic for a seed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.io import write_xpt, xpt_stamp
from oncocsr.recist import overall_response

STUDYID = "IRI-MBC-201"
ARM = ("IRI180", "Irinotecan 180 mg/m2")
NOT_TREATED = ("NOTTRT", "Not Treated")
SCREEN_FAILURE = ("SCRNFAIL", "Screen Failure")
CHUNK = 5000
N_VISITS = 40
TRUTH_SEED = 20140401
TRUTH_SUBJECTS = 400_000

TRUTH_DOC = """\
True parameters of the simulated study, per treated subject (the full analysis set):
- confirmed ORR: the probability of being a responder; every responder's response is confirmed
  at the next scheduled scan, within the 1-year window, before any censoring, so the confirmed
  ORR of SAP section 4 has exactly this expectation.
- median PFS and median OS: medians of the event time of SAP section 5 (PFS: earliest of
  radiological progression at the scan that finds it, clinical progression, death; OS: death),
  as AVAL = ADT - STARTDT + 1 days converted to months (/30.4375), computed from 400,000 latent
  subjects before any censoring. Censoring in the simulation (withdrawal, the data cut, new
  therapy) is independent of the event times, so Kaplan-Meier estimates converge to these values.
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
    study_start: str = "2014-04-01"
    enrolment_days: int = 540
    followup_days: int = 365
    snapshot_lag_days: int = 45


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


def _median_months(aval_days: np.ndarray) -> float:
    """Median as the Kaplan-Meier estimate without censoring would give it (SAP section 6)."""
    ordered = np.sort(aval_days)
    n = ordered.size
    lower = ordered[(n - 1) // 2]
    # S = 0.5 exactly on a flat step: the midpoint to the next event time.
    median = (lower + ordered[n // 2]) / 2 if n % 2 == 0 else lower
    return float(median / DAYS_PER_MONTH)


@lru_cache(maxsize=4)
def true_parameters(params: SimulationParameters = SimulationParameters()) -> dict:
    """The values that analyses of a large simulated study must recover (see ``TRUTH_DOC``)."""
    latent = simulate_latent(np.random.default_rng(TRUTH_SEED), TRUTH_SUBJECTS, params)
    pfs = np.minimum(latent["progression"], latent["death"]) + 1
    os_ = latent["death"] + 1
    return {
        "confirmed_orr": params.p_response,
        "median_pfs_months": round(_median_months(pfs), 4),
        "median_os_months": round(_median_months(os_), 4),
    }


# --- SDTM layer -------------------------------------------------------------------------------

_SUBTYPES = (["HR+/HER2-", "TRIPLE NEGATIVE", "HER2+"], [0.55, 0.30, 0.15])
_TARGET_SITES = ["LYMPH NODE", "BREAST", "CHEST WALL", "SKIN"]
_NONTARGET_SITES = ["BONE", "LYMPH NODE", "PLEURA", "BREAST"]

# MedDRA PT, SOC, verbatim terms, per-cycle onset probability, CTCAE grade 1-4 probabilities,
# probability of being related to irinotecan.
_AE_TERMS = [
    (
        "Diarrhoea",
        "Gastrointestinal disorders",
        ["DIARRHEA", "DIARRHOEA", "LOOSE STOOLS"],
        0.13,
        [0.45, 0.3, 0.2, 0.05],
        0.95,
    ),
    ("Nausea", "Gastrointestinal disorders", ["NAUSEA"], 0.12, [0.6, 0.32, 0.08, 0.0], 0.9),
    (
        "Vomiting",
        "Gastrointestinal disorders",
        ["VOMITING", "EMESIS"],
        0.06,
        [0.6, 0.3, 0.1, 0.0],
        0.85,
    ),
    (
        "Neutrophil count decreased",
        "Investigations",
        ["NEUTROPENIA", "DECREASED NEUTROPHILS"],
        0.10,
        [0.1, 0.3, 0.4, 0.2],
        0.97,
    ),
    (
        "Febrile neutropenia",
        "Blood and lymphatic system disorders",
        ["FEBRILE NEUTROPENIA"],
        0.008,
        [0.0, 0.0, 0.8, 0.2],
        0.95,
    ),
    (
        "White blood cell count decreased",
        "Investigations",
        ["LEUKOPENIA", "WBC DECREASED"],
        0.06,
        [0.3, 0.4, 0.25, 0.05],
        0.95,
    ),
    (
        "Anaemia",
        "Blood and lymphatic system disorders",
        ["ANEMIA", "ANAEMIA"],
        0.05,
        [0.5, 0.35, 0.15, 0.0],
        0.7,
    ),
    (
        "Fatigue",
        "General disorders and administration site conditions",
        ["FATIGUE", "TIREDNESS"],
        0.06,
        [0.6, 0.35, 0.05, 0.0],
        0.8,
    ),
    (
        "Alopecia",
        "Skin and subcutaneous tissue disorders",
        ["ALOPECIA", "HAIR LOSS"],
        0.03,
        [0.6, 0.4, 0.0, 0.0],
        0.95,
    ),
    (
        "Decreased appetite",
        "Metabolism and nutrition disorders",
        ["ANOREXIA", "POOR APPETITE"],
        0.05,
        [0.6, 0.35, 0.05, 0.0],
        0.8,
    ),
    (
        "Abdominal pain",
        "Gastrointestinal disorders",
        ["ABDOMINAL PAIN", "ABDOMINAL CRAMPS"],
        0.03,
        [0.6, 0.3, 0.1, 0.0],
        0.6,
    ),
    (
        "Stomatitis",
        "Gastrointestinal disorders",
        ["STOMATITIS", "MOUTH ULCERS"],
        0.02,
        [0.6, 0.3, 0.1, 0.0],
        0.8,
    ),
    (
        "Alanine aminotransferase increased",
        "Investigations",
        ["ALT INCREASED", "ELEVATED ALT"],
        0.02,
        [0.7, 0.2, 0.1, 0.0],
        0.5,
    ),
    (
        "Pyrexia",
        "General disorders and administration site conditions",
        ["FEVER"],
        0.02,
        [0.7, 0.25, 0.05, 0.0],
        0.3,
    ),
    (
        "Constipation",
        "Gastrointestinal disorders",
        ["CONSTIPATION"],
        0.02,
        [0.7, 0.3, 0.0, 0.0],
        0.3,
    ),
    ("Headache", "Nervous system disorders", ["HEADACHE"], 0.015, [0.8, 0.2, 0.0, 0.0], 0.1),
    (
        "Back pain",
        "Musculoskeletal and connective tissue disorders",
        ["BACK PAIN"],
        0.01,
        [0.7, 0.3, 0.0, 0.0],
        0.0,
    ),
]
_FATAL_TERMS = [
    ("Sepsis", "Infections and infestations", "SEPSIS"),
    ("Pneumonia", "Infections and infestations", "PNEUMONIA"),
]
_PRIOR_REGIMENS = [
    ["EPIRUBICIN;CYCLOPHOSPHAMIDE", "DOXORUBICIN;CYCLOPHOSPHAMIDE", "EPIRUBICIN;DOCETAXEL"],
    ["DOCETAXEL", "PACLITAXEL", "PACLITAXEL;CARBOPLATIN"],
    ["CAPECITABINE", "GEMCITABINE;CISPLATIN", "VINORELBINE"],
    ["GEMCITABINE", "VINORELBINE;CAPECITABINE", "ERIBULIN"],
]
_NEXT_THERAPY = ["CAPECITABINE", "GEMCITABINE", "VINORELBINE", "ERIBULIN", "UTIDELONE"]
_DOSE_LEVELS = np.array([180.0, 150.0, 120.0])


class _Calendar:
    """ISO 8601 text for day offsets, with partial dates on demand."""

    def __init__(self, start: np.datetime64):
        self.start = start

    def iso(self, days) -> np.ndarray:
        dates = self.start + np.asarray(days).astype("int64").astype("timedelta64[D]")
        return np.datetime_as_string(dates, unit="D")

    def partial(self, days, rng: np.random.Generator, probability: float) -> np.ndarray:
        text = self.iso(days)
        cut = rng.random(text.shape) < probability
        return np.where(cut, text.astype("U7"), text)


def _records(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({key: np.asarray(value) for key, value in columns.items()})


def _choice(rng: np.random.Generator, options: list, size, p=None) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size, p=p)]


def _screened(rng: np.random.Generator, n_treated: int, p: SimulationParameters) -> pd.DataFrame:
    """Every screened subject: consent day, site, status and identifiers, in consent order."""
    # At least one enrolled subject never dosed in a study of realistic size.
    n_not_treated = round(n_treated * p.p_enrolled_not_treated) or int(n_treated >= 20)
    n_failed = round(n_treated * p.p_screen_failure / (1 - p.p_screen_failure))
    status = np.repeat(
        ["TREATED", "NOT TREATED", "SCREEN FAILURE"], [n_treated, n_not_treated, n_failed]
    )
    status = status[rng.permutation(status.size)]
    consent = np.sort(rng.integers(0, p.enrolment_days + 1, status.size))
    site = rng.integers(1, 7, status.size)
    frame = pd.DataFrame({"status": status, "consent": consent, "site": site})
    number = frame.groupby("site").cumcount() + 1
    width = max(3, len(str(int(number.max()))))
    frame["SITEID"] = frame["site"].map("{:02d}".format)
    frame["SUBJID"] = frame["SITEID"] + number.map(lambda i: f"{i:0{width}d}")
    frame["USUBJID"] = STUDYID + "-" + frame["SITEID"] + "-" + frame["SUBJID"].str[2:]
    return frame


def _assessments(rng, latent, base, horizon, stop) -> dict:
    """Target sums, lesion findings and RECIST response per scheduled scan (n x N_VISITS)."""
    n = latent["visit"].shape[0]
    visit = latent["visit"]
    k = np.arange(N_VISITS)[None, :]
    pd_visit = latent["pd_visit"][:, None]
    observed = (visit <= np.minimum(horizon, stop)[:, None]) & ~latent["missed"]
    observed &= (pd_visit < 0) | (k <= pd_visit)
    observed &= visit <= latent["progression"][:, None]

    drift = rng.uniform(-0.25, 0.10, n)[:, None] * np.minimum(1, (k + 1) / 2)
    early = rng.uniform(-0.25, -0.10, n)[:, None]
    depth = rng.uniform(-0.75, -0.35, n)[:, None]
    onset = latent["onset"][:, None]
    responding = latent["responder"][:, None] & (k >= onset)
    change = np.where(latent["responder"][:, None], np.where(responding, depth, early), drift)
    change = np.where(latent["cr"][:, None] & responding, -1.0, change)

    at_pd = k == pd_visit
    kind = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    kind = np.where((kind == 2) & (base["n_nontarget"] == 0), 1, kind)
    nadir_change = np.minimum.accumulate(np.where(k < pd_visit, change, 0.0), axis=1)
    growth = rng.uniform(1.25, 1.6, n)[:, None]
    grown = (1 + nadir_change) * growth - 1
    min_growth = 6.0 / base["sum0"][:, None]
    grown = np.maximum(grown, nadir_change + min_growth)
    change = np.where(at_pd & (kind == 0)[:, None], grown, change)
    total = np.round(base["sum0"][:, None] * (1 + change), 1)
    total = np.maximum(total, 0.0)

    new_lesion = at_pd & (kind == 1)[:, None]
    nontarget_pd = at_pd & (kind == 2)[:, None]
    nontarget_absent = (base["n_nontarget"] == 0)[:, None] | (latent["cr"][:, None] & responding)
    return {
        "observed": observed,
        "total": total,
        "new_lesion": new_lesion,
        "nontarget_pd": nontarget_pd,
        "nontarget_absent": nontarget_absent,
    }


def _simulate_chunk(
    rng, subjects: pd.DataFrame, p: SimulationParameters, cal: _Calendar, snapshot: int
) -> dict:
    """SDTM records of the treated subjects in ``subjects`` (one chunk)."""
    n = len(subjects)
    latent = simulate_latent(rng, n, p)
    usubjid = subjects["USUBJID"].to_numpy()
    first_dose = subjects["first_dose"].to_numpy()
    horizon = snapshot - first_dose
    stop = np.minimum(latent["withdrawal"], latent["death"])

    # Baseline disease: target lesions (sum of diameters), non-target lesions, metastatic sites.
    liver = rng.random(n) < 0.45
    lung = rng.random(n) < 0.40
    n_target = rng.choice([1, 2, 3, 4], n, p=[0.15, 0.35, 0.30, 0.20])
    diam = np.round(rng.uniform(12, 55, (n, 4)), 1)
    target_mask = np.arange(4)[None, :] < n_target[:, None]
    sites = _choice(rng, _TARGET_SITES, (n, 4))
    sites[:, 0] = np.where(liver, "LIVER", sites[:, 0])
    sites[:, 1] = np.where(lung, "LUNG", sites[:, 1])
    target_mask[:, 1] |= lung
    sum0 = (diam * target_mask).sum(axis=1)
    n_nontarget = rng.choice([0, 1, 2, 3], n, p=[0.2, 0.4, 0.3, 0.1])
    nt_mask = np.arange(3)[None, :] < n_nontarget[:, None]
    nt_sites = _choice(rng, _NONTARGET_SITES, (n, 3))
    base = {"sum0": sum0, "n_nontarget": n_nontarget}
    scan = _assessments(rng, latent, base, horizon, stop)
    base |= {
        "diam": diam,
        "target_mask": target_mask,
        "sites": sites,
        "nt_mask": nt_mask,
        "nt_sites": nt_sites,
        "liver": liver,
        # The screening scan lies between consent and the first dose (at least 5 days apart).
        "screening_scan": -rng.integers(
            1, (first_dose - subjects["consent"].to_numpy()).clip(2, 15)
        ),
    }

    # Treatment: a cycle every 14 days, delayed or reduced after grade >= 3 toxicity.
    progression = latent["progression"]
    end_reason = np.select(
        [
            (latent["ae_stop"] < progression) & (latent["ae_stop"] < stop),
            latent["withdrawal"] < np.minimum(progression, latent["death"]),
            latent["death"] <= progression,
        ],
        ["ADVERSE EVENT", "WITHDRAWAL BY SUBJECT", "DEATH"],
        default="PROGRESSIVE DISEASE",
    )
    treatment_end = np.minimum.reduce([latent["ae_stop"], progression, stop])
    ex_rows, ae_rows = _treatment_and_toxicity(rng, n, treatment_end, horizon, stop, end_reason)

    domains = {}
    domains["EX"] = _records(
        {
            "USUBJID": usubjid[ex_rows["subject"]],
            "EXTRT": "IRINOTECAN",
            "EXDOSE": ex_rows["dose"],
            "EXDOSU": "mg/m2",
            "EXDOSFRM": "INJECTION",
            "EXROUTE": "INTRAVENOUS",
            "EXADJ": np.where(ex_rows["reduced"], "ADVERSE EVENT", ""),
            "VISITNUM": 100.0 + ex_rows["cycle"] + 1,
            "VISIT": np.char.add("CYCLE ", (ex_rows["cycle"] + 1).astype(str)),
            "EPOCH": "TREATMENT",
            "EXSTDTC": np.char.add(
                cal.iso(first_dose[ex_rows["subject"]] + ex_rows["day"]), ex_rows["start_time"]
            ),
            "EXENDTC": np.char.add(
                cal.iso(first_dose[ex_rows["subject"]] + ex_rows["day"]), ex_rows["end_time"]
            ),
            "_day": first_dose[ex_rows["subject"]] + ex_rows["day"],
        }
    )

    last_dose = (
        pd.Series(ex_rows["day"]).groupby(ex_rows["subject"]).max().reindex(range(n)).to_numpy()
    )
    domains["AE"] = _ae_domain(rng, ae_rows, usubjid, first_dose, cal, latent, horizon, stop)

    # Tumour identification and measurements.
    tu, tr, rs = _tumour_domains(rng, latent, scan, base, usubjid, first_dose, cal)
    domains["TU"], domains["TR"], domains["RS"] = tu, tr, rs

    # Disposition.
    dth_known = (latent["death"] <= horizon) & (latent["death"] < latent["withdrawal"])
    eot_known = (treatment_end <= horizon) & (treatment_end < np.inf)
    withdrew = (latent["withdrawal"] <= horizon) & (latent["withdrawal"] < latent["death"])
    death_text = cal.partial(first_dose + np.where(dth_known, latent["death"], 0), rng, 0.05)
    ds_parts = []
    idx = np.flatnonzero(eot_known)
    clinical = latent["clinical"][idx]
    ds_parts.append(
        _records(
            {
                "USUBJID": usubjid[idx],
                "DSTERM": np.where(
                    end_reason[idx] == "PROGRESSIVE DISEASE",
                    np.where(clinical, "CLINICAL PROGRESSION", "RADIOLOGICAL PROGRESSION"),
                    end_reason[idx],
                ),
                "DSDECOD": end_reason[idx],
                "DSCAT": "DISPOSITION EVENT",
                "DSSCAT": "END OF TREATMENT",
                "EPOCH": "TREATMENT",
                "DSSTDTC": np.where(
                    end_reason[idx] == "DEATH",
                    death_text[idx],
                    cal.iso(first_dose[idx] + treatment_end[idx]),
                ),
                "_day": first_dose[idx] + treatment_end[idx],
            }
        )
    )
    idx = np.flatnonzero(dth_known | withdrew)
    lost = rng.random(idx.size) < 0.3
    eos = np.where(
        dth_known[idx], "DEATH", np.where(lost, "LOST TO FOLLOW-UP", "WITHDRAWAL BY SUBJECT")
    )
    eos_day = np.where(dth_known[idx], latent["death"][idx], latent["withdrawal"][idx])
    ds_parts.append(
        _records(
            {
                "USUBJID": usubjid[idx],
                "DSTERM": eos,
                "DSDECOD": eos,
                "DSCAT": "DISPOSITION EVENT",
                "DSSCAT": "END OF STUDY",
                "EPOCH": "FOLLOW-UP",
                "DSSTDTC": np.where(
                    dth_known[idx], death_text[idx], cal.iso(first_dose[idx] + eos_day)
                ),
                "_day": first_dose[idx] + eos_day,
            }
        )
    )
    domains["DS"] = pd.concat(ds_parts, ignore_index=True)

    # Subsequent anticancer therapy (CM) and DM facts that come from the clinical course.
    nt = np.isfinite(latent["new_therapy"]) & (latent["new_therapy"] <= np.minimum(horizon, stop))
    idx = np.flatnonzero(nt)
    domains["CM"] = _records(
        {
            "USUBJID": usubjid[idx],
            "CMTRT": _choice(rng, _NEXT_THERAPY, idx.size),
            "CMCAT": "SUBSEQUENT ANTICANCER THERAPY",
            "CMGRPID": "",
            "CMSTDTC": cal.iso(first_dose[idx] + latent["new_therapy"][idx]),
            "CMENDTC": "",
            "_day": first_dose[idx] + latent["new_therapy"][idx],
        }
    )
    last_contact = np.minimum.reduce([horizon, latent["withdrawal"], latent["death"]])
    dm = pd.DataFrame(
        {
            "USUBJID": usubjid,
            "RFXENDTC": np.where(
                np.isnan(last_dose), "", cal.iso(first_dose + np.nan_to_num(last_dose))
            ),
            "RFENDTC": cal.iso(first_dose + last_contact),
            "DTHDTC": np.where(dth_known, death_text, ""),
            "DTHFL": np.where(dth_known, "Y", ""),
        }
    )
    domains["_DM"] = dm
    return domains


def _treatment_and_toxicity(rng, n, treatment_end, horizon, stop, end_reason):
    """Cycles given (EX) and toxicity per cycle (AE), with the dose changes toxicity causes."""
    day = np.zeros(n)
    level = np.zeros(n, dtype=int)
    reduced_next = np.zeros(n, dtype=bool)
    ex, ae = [], []
    probs = np.array([term[3] for term in _AE_TERMS])
    grade_cdf = np.cumsum(np.array([term[4] for term in _AE_TERMS]), axis=1)
    cycle = 0
    while True:
        # Every treated subject receives the first dose, whatever happens on that day.
        active = np.flatnonzero(
            ((day < treatment_end) & (day <= horizon) & (day < stop)) | (cycle == 0)
        )
        if active.size == 0:
            break
        hour = rng.integers(8, 12, active.size)
        minute = rng.choice([0, 15, 30, 45], active.size)
        ex.append(
            {
                "subject": active,
                "cycle": np.full(active.size, cycle),
                "day": day[active].copy(),
                "dose": _DOSE_LEVELS[level[active]],
                "reduced": reduced_next[active].copy(),
                "start_time": np.char.add(
                    np.char.add("T", np.char.zfill(hour.astype(str), 2)),
                    np.char.add(":", np.char.zfill(minute.astype(str), 2)),
                ),
                "end_time": np.char.add(
                    np.char.add("T", np.char.zfill((hour + 1).astype(str), 2)),
                    np.char.add(":", np.char.zfill(((minute + 30) % 60).astype(str), 2)),
                ),
            }
        )
        hits = rng.random((active.size, probs.size)) < probs[None, :] * (1.4 if cycle == 0 else 1.0)
        subj, term = np.nonzero(hits)
        grade = 1 + (rng.random(subj.size)[:, None] > grade_cdf[term]).sum(axis=1)
        grade = np.minimum(grade, 4)
        severe = grade >= 3
        action = np.where(
            severe,
            _choice(
                rng,
                ["DOSE REDUCED", "DRUG INTERRUPTED", "DOSE NOT CHANGED"],
                subj.size,
                p=[0.4, 0.4, 0.2],
            ),
            "DOSE NOT CHANGED",
        )
        at_floor = level[active[subj]] == _DOSE_LEVELS.size - 1
        action = np.where((action == "DOSE REDUCED") & at_floor, "DRUG INTERRUPTED", action)
        early = (term == 0) & (rng.random(subj.size) < 0.3)
        onset = np.where(early, 0, rng.integers(1, 13, subj.size))
        ae.append(
            {
                "subject": active[subj],
                "term": term,
                "grade": grade,
                "action": action,
                "day": day[active[subj]] + onset,
                "early": early,
                "dose_hour": hour[subj],
            }
        )
        reduce = np.zeros(n, dtype=bool)
        reduce[active[subj[action == "DOSE REDUCED"]]] = True
        delay = np.zeros(n, dtype=bool)
        delay[active[subj[action == "DRUG INTERRUPTED"]]] = True
        level = np.where(reduce, np.minimum(level + 1, _DOSE_LEVELS.size - 1), level)
        reduced_next = reduce
        step = 14 + 7 * delay + 7 * (rng.random(n) < 0.04)
        day = day + step
        cycle += 1
    ex_rows = {key: np.concatenate([part[key] for part in ex]) for key in ex[0]}
    ae_rows = {key: np.concatenate([part[key] for part in ae]) for key in ae[0]}
    # The event that ends treatment for toxicity is an AE with the drug withdrawn.
    idx = np.flatnonzero((end_reason == "ADVERSE EVENT") & (treatment_end <= horizon))
    withdrawn = {
        "subject": idx,
        "term": rng.choice([0, 3, 7], idx.size),
        "grade": rng.choice([3, 4], idx.size, p=[0.8, 0.2]),
        "action": np.full(idx.size, "DRUG WITHDRAWN"),
        "day": treatment_end[idx] - rng.integers(0, 6, idx.size),
        "early": np.zeros(idx.size, dtype=bool),
        "dose_hour": np.full(idx.size, 9),
    }
    ae_rows = {key: np.concatenate([ae_rows[key], withdrawn[key]]) for key in ae_rows}
    return ex_rows, ae_rows


def _ae_domain(rng, rows, usubjid, first_dose, cal, latent, horizon, stop) -> pd.DataFrame:
    keep = (rows["day"] <= np.minimum(horizon, stop)[rows["subject"]]) & (rows["day"] >= 0)
    rows = {key: value[keep] for key, value in rows.items()}
    subject, term, grade = rows["subject"], rows["term"], rows["grade"]
    size = subject.size
    fatal_idx = np.flatnonzero(
        (latent["death"] <= horizon)
        & ~np.isfinite(latent["progression"])
        & (latent["death"] < latent["withdrawal"])
        & (rng.random(len(usubjid)) < 0.4)
    )
    pt = np.array([t[0] for t in _AE_TERMS] + [t[0] for t in _FATAL_TERMS], dtype=object)
    soc = np.array([t[1] for t in _AE_TERMS] + [t[1] for t in _FATAL_TERMS], dtype=object)
    verbatim_choice = [rng.choice(t[2], size) for t in _AE_TERMS]
    verbatim = np.choose(term, verbatim_choice) if size else np.array([], dtype=object)
    related_p = np.array([t[5] for t in _AE_TERMS])[term]
    fatal_term = rng.integers(0, len(_FATAL_TERMS), fatal_idx.size)
    start_day = np.concatenate(
        [rows["day"], latent["death"][fatal_idx] - rng.integers(1, 10, fatal_idx.size)]
    )
    all_subject = np.concatenate([subject, fatal_idx])
    all_grade = np.concatenate([grade, np.full(fatal_idx.size, 5)])
    term_index = np.concatenate([term, len(_AE_TERMS) + fatal_term])
    duration = rng.integers(2, 15, all_subject.size)
    end_day = start_day + duration
    abs_start = first_dose[all_subject] + start_day
    start_text = cal.partial(abs_start, rng, 0.03)
    early = np.concatenate([rows["early"], np.zeros(fatal_idx.size, dtype=bool)])
    hour = np.concatenate([rows["dose_hour"], np.zeros(fatal_idx.size, dtype=int)]) + rng.integers(
        2, 7, all_subject.size
    )
    start_text = np.where(
        early,
        np.char.add(
            np.char.add(cal.iso(abs_start), "T"),
            np.char.add(np.char.zfill(hour.astype(str), 2), ":00"),
        ),
        start_text,
    )
    fatal = all_grade == 5
    ongoing = (end_day > horizon[all_subject]) | (rng.random(all_subject.size) < 0.05)
    end_text = np.where(
        fatal,
        cal.iso(first_dose[all_subject] + latent["death"][all_subject]),
        np.where(ongoing, "", cal.iso(first_dose[all_subject] + end_day)),
    )
    serious = fatal | (term_index == 4) | ((all_grade >= 3) & (rng.random(all_subject.size) < 0.35))
    related = np.concatenate([rng.random(size) < related_p, rng.random(fatal_idx.size) < 0.5])
    action = np.concatenate([rows["action"], np.full(fatal_idx.size, "DRUG WITHDRAWN")])
    outcome = np.where(
        fatal, "FATAL", np.where(end_text == "", "NOT RECOVERED/NOT RESOLVED", "RECOVERED/RESOLVED")
    )
    return _records(
        {
            "USUBJID": usubjid[all_subject],
            "AETERM": np.concatenate(
                [verbatim, np.array([t[2] for t in _FATAL_TERMS], dtype=object)[fatal_term]]
            ),
            "AEDECOD": pt[term_index],
            "AEBODSYS": soc[term_index],
            "AESEV": np.array(["", "MILD", "MODERATE", "SEVERE", "SEVERE", "SEVERE"], dtype=object)[
                all_grade
            ],
            "AETOXGR": all_grade.astype(str),
            "AESER": np.where(serious, "Y", "N"),
            "AEREL": np.where(related, "RELATED", "NOT RELATED"),
            "AEACN": action,
            "AEOUT": outcome,
            "AESDTH": np.where(fatal, "Y", "N"),
            "EPOCH": "TREATMENT",
            "AESTDTC": start_text,
            "AEENDTC": end_text,
            "_day": abs_start,
        }
    )


def _tumour_domains(rng, latent, scan, base, usubjid, first_dose, cal):
    """TU, TR and RS records: baseline lesions, measurements per scan, and the response."""
    diam, target_mask, sites = base["diam"], base["target_mask"], base["sites"]
    nt_mask, nt_sites, liver = base["nt_mask"], base["nt_sites"], base["liver"]
    screening_scan = base["screening_scan"]
    n = len(usubjid)
    # TU: baseline lesions plus the new lesions that define progression.
    t_rows, t_cols = np.nonzero(target_mask)
    nt_rows, nt_cols = np.nonzero(nt_mask)
    new_rows, new_cols = np.nonzero(scan["new_lesion"] & scan["observed"])
    screen_day = first_dose + screening_scan
    visit_day = first_dose[:, None] + latent["visit"]
    screening = {"VISITNUM": 1.0, "VISIT": "SCREENING"}

    def lesions(rows, lnkid, role, location, visit, day) -> pd.DataFrame:
        return _records(
            {"USUBJID": usubjid[rows], "TULNKID": lnkid, "TUORRES": role, "TULOC": location}
            | visit
            | {"TUDTC": cal.iso(day), "_day": day}
        )

    new_visit = {"VISITNUM": 2.0 + new_cols, "VISIT": _week(new_cols)}
    tu = pd.concat(
        [
            lesions(
                t_rows,
                np.char.add("T0", (t_cols + 1).astype(str)),
                "TARGET",
                sites[t_rows, t_cols],
                screening,
                screen_day[t_rows],
            ),
            lesions(
                nt_rows,
                np.char.add("NT0", (nt_cols + 1).astype(str)),
                "NON-TARGET",
                nt_sites[nt_rows, nt_cols],
                screening,
                screen_day[nt_rows],
            ),
            lesions(
                new_rows,
                "NEW01",
                "NEW",
                np.where(liver[new_rows], "LUNG", "LIVER"),
                new_visit,
                visit_day[new_rows, new_cols],
            ),
        ],
        ignore_index=True,
    )
    tu["TUTESTCD"], tu["TUTEST"], tu["TUSTRESC"] = "TUMIDENT", "Tumor Identification", tu["TUORRES"]
    tu["TUMETHOD"] = np.where(tu["TULOC"] == "BONE", "BONE SCAN", "CT SCAN")
    tu["TUEVAL"] = "INVESTIGATOR"

    # TR: each target lesion's diameter, non-target state and the sum, at screening and each scan.
    obs_rows, obs_cols = np.nonzero(scan["observed"])
    lesion_noise = rng.uniform(0.98, 1.02, (n, N_VISITS, 4))
    scale = scan["total"] / (diam * target_mask).sum(axis=1)[:, None]
    lesion = np.round(diam[:, None, :] * scale[:, :, None] * lesion_noise, 1)
    tests = {
        "LDIAM": ("TARGET", "Longest Diameter", "mm"),
        "TUMSTATE": ("NON-TARGET", "Tumor State", ""),
        "SUMDIAM": ("TARGET", "Sum of Diameter", "mm"),
    }

    def measured(testcd, lnkid, rows, value, cols=None) -> pd.DataFrame:
        """TR records at screening (``cols`` None) or at the scans ``cols``."""
        group, test, unit = tests[testcd]
        if cols is None:
            day, visitnum, visit = screen_day[rows], 1.0, "SCREENING"
        else:
            day, visitnum, visit = visit_day[rows, cols], 2.0 + cols, _week(cols)
        return _tr(
            usubjid[rows],
            lnkid,
            group,
            testcd,
            test,
            value,
            visitnum,
            visit,
            cal.iso(day),
            day,
            unit,
        )

    frames = []
    for slot in range(4):
        lnkid = f"T0{slot + 1}"
        rows = np.flatnonzero(target_mask[:, slot])
        frames.append(measured("LDIAM", lnkid, rows, diam[rows, slot].astype(str)))
        sel = target_mask[obs_rows, slot]
        r, c = obs_rows[sel], obs_cols[sel]
        value = np.where(latent["ne"][r, c] & (slot == 0), "", lesion[r, c, slot].astype(str))
        frames.append(measured("LDIAM", lnkid, r, value, c))
    for slot in range(3):
        lnkid = f"NT0{slot + 1}"
        frames.append(measured("TUMSTATE", lnkid, np.flatnonzero(nt_mask[:, slot]), "PRESENT"))
        sel = nt_mask[obs_rows, slot]
        r, c = obs_rows[sel], obs_cols[sel]
        state = np.where(
            scan["nontarget_pd"][r, c] & (slot == 0),
            "UNEQUIVOCAL PROGRESSION",
            np.where(scan["nontarget_absent"][r, c], "ABSENT", "PRESENT"),
        )
        frames.append(measured("TUMSTATE", lnkid, r, state, c))
    done = ~latent["ne"][obs_rows, obs_cols]
    r, c = obs_rows[done], obs_cols[done]
    sums = np.round(lesion[r, c] * target_mask[r], 1).sum(axis=1).round(1)
    screen_sums = np.round((diam * target_mask).sum(axis=1), 1).astype(str)
    frames.append(measured("SUMDIAM", "", np.arange(n), screen_sums))
    frames.append(measured("SUMDIAM", "", r, sums.astype(str), c))
    tr = pd.concat(frames, ignore_index=True)
    tr["TRSTAT"] = np.where(tr["TRORRES"] == "", "NOT DONE", "")
    tr["TRREASND"] = np.where(tr["TRORRES"] == "", "LESION NOT EVALUABLE ON IMAGING", "")

    # RS: the investigator's overall response per scan, computed from the measurements above,
    # and baseline ECOG performance status.
    screen_sum = (diam * target_mask).sum(axis=1)
    sum_grid = np.full((n, N_VISITS), np.nan)
    sum_grid[r, c] = sums
    nadir = np.fmin.accumulate(np.concatenate([screen_sum[:, None], sum_grid], axis=1), axis=1)[
        :, :-1
    ]
    response = overall_response(
        np.nan_to_num(sum_grid),
        np.broadcast_to(screen_sum[:, None], sum_grid.shape),
        nadir,
        scan["nontarget_absent"],
        scan["nontarget_pd"],
        scan["new_lesion"],
        latent["ne"],
    )
    o_resp = response[obs_rows, obs_cols]
    rs_dtc = cal.partial(visit_day[obs_rows, obs_cols], rng, 0.01)
    ecog = rng.choice(["0", "1"], n, p=[0.45, 0.55])
    rs = pd.concat(
        [
            _records(
                {
                    "USUBJID": usubjid,
                    "RSTESTCD": "ECOG101",
                    "RSTEST": "ECOG01-Performance Status",
                    "RSCAT": "ECOG",
                    "RSORRES": ecog,
                    "RSSTRESC": ecog,
                    "VISITNUM": 1.0,
                    "VISIT": "SCREENING",
                    "RSDTC": cal.iso(screen_day),
                    "_day": screen_day,
                }
            ),
            _records(
                {
                    "USUBJID": usubjid[obs_rows],
                    "RSTESTCD": "OVRLRESP",
                    "RSTEST": "Overall Response",
                    "RSCAT": "RECIST 1.1",
                    "RSORRES": o_resp,
                    "RSSTRESC": o_resp,
                    "VISITNUM": 2.0 + obs_cols,
                    "VISIT": _week(obs_cols),
                    "RSDTC": rs_dtc,
                    "_day": visit_day[obs_rows, obs_cols],
                }
            ),
        ],
        ignore_index=True,
    )
    rs["RSEVAL"] = "INVESTIGATOR"
    return tu, tr, rs


def _week(cols: np.ndarray) -> np.ndarray:
    """Visit names of the scheduled scans: scan k (0-based) is at week 6(k + 1)."""
    return np.char.add("WEEK ", (6 * (cols + 1)).astype(str))


def _tr(
    usubjid, lnkid, grpid, testcd, test, value, visitnum, visit, dtc, day, unit
) -> pd.DataFrame:
    frame = _records(
        {
            "USUBJID": usubjid,
            "TRGRPID": grpid,
            "TRLNKID": lnkid,
            "TRTESTCD": testcd,
            "TRTEST": test,
            "TRORRES": value,
            "VISITNUM": visitnum,
            "VISIT": visit,
            "TRDTC": dtc,
            "_day": day,
        }
    )
    frame["TRORRESU"] = np.where(frame["TRORRES"] == "", "", unit)
    frame["TRSTRESC"] = frame["TRORRES"]
    frame["TRSTRESN"] = pd.to_numeric(frame["TRORRES"], errors="coerce")
    frame["TRSTRESU"] = frame["TRORRESU"]
    frame["TREVAL"] = "INVESTIGATOR"
    return frame


# --- study assembly ---------------------------------------------------------------------------

LABELS = {
    "STUDYID": "Study Identifier",
    "DOMAIN": "Domain Abbreviation",
    "USUBJID": "Unique Subject Identifier",
    "SUBJID": "Subject Identifier for the Study",
    "SITEID": "Study Site Identifier",
    "RFSTDTC": "Subject Reference Start Date/Time",
    "RFENDTC": "Subject Reference End Date/Time",
    "RFXSTDTC": "Date/Time of First Study Treatment",
    "RFXENDTC": "Date/Time of Last Study Treatment",
    "RFICDTC": "Date/Time of Informed Consent",
    "RFPENDTC": "Date/Time of End of Participation",
    "DTHDTC": "Date/Time of Death",
    "DTHFL": "Subject Death Flag",
    "AGE": "Age",
    "AGEU": "Age Units",
    "SEX": "Sex",
    "RACE": "Race",
    "ETHNIC": "Ethnicity",
    "ARMCD": "Planned Arm Code",
    "ARM": "Description of Planned Arm",
    "ACTARMCD": "Actual Arm Code",
    "ACTARM": "Description of Actual Arm",
    "COUNTRY": "Country",
    "DMDTC": "Date/Time of Collection",
    "RDOMAIN": "Related Domain Abbreviation",
    "IDVAR": "Identifying Variable",
    "IDVARVAL": "Identifying Variable Value",
    "QNAM": "Qualifier Variable Name",
    "QLABEL": "Qualifier Variable Label",
    "QVAL": "Data Value",
    "QORIG": "Origin",
    "QEVAL": "Evaluator",
    "EPOCH": "Epoch",
    "VISITNUM": "Visit Number",
    "VISIT": "Visit Name",
}


def _finish(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Add STUDYID, DOMAIN and --SEQ (per subject in date order) and drop helper columns.

    DM has no sequence number; supplemental qualifiers (SUPPxx) have no DOMAIN either.
    """
    if domain.startswith("SUPP") or domain == "DM":
        frame = frame.sort_values("USUBJID", kind="stable").reset_index(drop=True)
        if domain == "DM":
            frame.insert(0, "DOMAIN", domain)
        frame.insert(0, "STUDYID", STUDYID)
        return frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    frame = frame.sort_values(["USUBJID", "_day"], kind="stable").reset_index(drop=True)
    frame.insert(0, "DOMAIN", domain)
    frame.insert(0, "STUDYID", STUDYID)
    frame.insert(3, f"{domain}SEQ", (frame.groupby("USUBJID").cumcount() + 1).astype(float))
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_")])


def _prior_history(
    rng, enrolled: pd.DataFrame, cal: _Calendar
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prior anticancer regimens (CM) and medical history with the primary diagnosis (MH)."""
    n = len(enrolled)
    consent = enrolled["consent"].to_numpy()
    n_regimens = rng.choice([2, 3, 4], n, p=[0.55, 0.30, 0.15])
    her2 = enrolled["subtype"].to_numpy() == "HER2+"
    rows = []
    for regimen in range(4):
        idx = np.flatnonzero(n_regimens > regimen)
        ended = (
            consent[idx]
            - 60
            - 200 * (n_regimens[idx] - 1 - regimen)
            - rng.integers(0, 120, idx.size)
        )
        started = ended - rng.integers(90, 180, idx.size)
        drugs = _choice(rng, _PRIOR_REGIMENS[regimen], idx.size)
        drugs = np.where(
            her2[idx] & (regimen == 0), np.char.add(drugs.astype(str), ";TRASTUZUMAB"), drugs
        )
        for position in range(3):
            drug = np.array(
                [d.split(";")[position] if d.count(";") >= position else "" for d in drugs]
            )
            has = drug != ""
            rows.append(
                _records(
                    {
                        "USUBJID": enrolled["USUBJID"].to_numpy()[idx[has]],
                        "CMTRT": drug[has],
                        "CMCAT": "PRIOR ANTICANCER THERAPY",
                        "CMGRPID": f"REGIMEN {regimen + 1}",
                        "CMSTDTC": cal.partial(started[has], rng, 0.4),
                        "CMENDTC": cal.partial(ended[has], rng, 0.4),
                        "_day": started[has],
                    }
                )
            )
    cm = pd.concat(rows, ignore_index=True)
    diagnosis = consent - rng.integers(700, 3000, n)
    mh = [
        _records(
            {
                "USUBJID": enrolled["USUBJID"].to_numpy(),
                "MHTERM": "BREAST CANCER",
                "MHDECOD": "Breast cancer",
                "MHCAT": "PRIMARY DIAGNOSIS",
                "MHSTDTC": cal.partial(diagnosis, rng, 0.5),
                "MHENRTPT": "ONGOING",
                "_day": diagnosis,
            }
        )
    ]
    for term, decod, probability in [
        ("HYPERTENSION", "Hypertension", 0.2),
        ("TYPE 2 DIABETES", "Type 2 diabetes mellitus", 0.08),
    ]:
        idx = np.flatnonzero(rng.random(n) < probability)
        day = consent[idx] - rng.integers(400, 4000, idx.size)
        mh.append(
            _records(
                {
                    "USUBJID": enrolled["USUBJID"].to_numpy()[idx],
                    "MHTERM": term,
                    "MHDECOD": decod,
                    "MHCAT": "GENERAL MEDICAL HISTORY",
                    "MHSTDTC": cal.iso(day).astype("U4"),
                    "MHENRTPT": "ONGOING",
                    "_day": day,
                }
            )
        )
    return cm, pd.concat(mh, ignore_index=True)


def study_dates(p: SimulationParameters = SimulationParameters()) -> dict:
    """First consent, data cutoff and snapshot (extraction) date of the simulated study."""
    start = np.datetime64(p.study_start)
    cutoff = start + np.timedelta64(p.enrolment_days + 21 + p.followup_days, "D")
    return {
        "study_start": str(start),
        "cutoff": str(cutoff),
        "snapshot": str(cutoff + np.timedelta64(p.snapshot_lag_days, "D")),
    }


def simulate_study(
    n_treated: int, seed: int, params: SimulationParameters = SimulationParameters(), progress=None
) -> dict[str, pd.DataFrame]:
    """SDTM domains of a study with ``n_treated`` treated subjects, plus screen failures and
    enrolled subjects never treated. ``progress(done, total)`` is called after each chunk."""
    if n_treated < 1:
        raise ValueError("the study needs at least one treated subject")
    rng = np.random.default_rng(seed)
    p = params
    dates = study_dates(p)
    cal = _Calendar(np.datetime64(p.study_start))
    snapshot = int((np.datetime64(dates["snapshot"]) - cal.start).astype(int))
    subjects = _screened(rng, n_treated, p)
    n = len(subjects)
    subjects["subtype"] = _choice(rng, _SUBTYPES[0], n, p=_SUBTYPES[1])
    subjects["first_dose"] = subjects["consent"] + rng.integers(5, 22, n)
    subjects["age"] = np.clip(np.round(rng.normal(49, 9, n)), 28, 75)
    treated = subjects[subjects["status"] == "TREATED"].reset_index(drop=True)
    enrolled = subjects[subjects["status"] != "SCREEN FAILURE"].reset_index(drop=True)

    parts: dict[str, list[pd.DataFrame]] = {}
    children = np.random.SeedSequence(seed).spawn((len(treated) + CHUNK - 1) // CHUNK)
    for number, child in enumerate(children):
        chunk = treated.iloc[number * CHUNK : (number + 1) * CHUNK].reset_index(drop=True)
        for domain, frame in _simulate_chunk(
            np.random.default_rng(child), chunk, p, cal, snapshot
        ).items():
            parts.setdefault(domain, []).append(frame)
        if progress:
            progress(min((number + 1) * CHUNK, len(treated)), len(treated))
    out = {domain: pd.concat(frames, ignore_index=True) for domain, frames in parts.items()}
    course = out.pop("_DM")

    # DM for every screened subject.
    dm = subjects.merge(course, on="USUBJID", how="left")
    is_treated = dm["status"] == "TREATED"
    arm = np.select([dm["status"] == "SCREEN FAILURE"], [SCREEN_FAILURE[0]], ARM[0])
    actarm = np.select(
        [dm["status"] == "SCREEN FAILURE", ~is_treated], [SCREEN_FAILURE[0], NOT_TREATED[0]], ARM[0]
    )
    names = {ARM[0]: ARM[1], SCREEN_FAILURE[0]: SCREEN_FAILURE[1], NOT_TREATED[0]: NOT_TREATED[1]}
    first = np.where(is_treated, cal.iso(dm["first_dose"]), "")
    failed_day = dm["consent"] + rng.integers(3, 15, n)
    dm_frame = pd.DataFrame(
        {
            "USUBJID": dm["USUBJID"],
            "SUBJID": dm["SUBJID"],
            "RFSTDTC": first,
            "RFENDTC": np.where(is_treated, dm["RFENDTC"].fillna(""), cal.iso(failed_day)),
            "RFXSTDTC": first,
            "RFXENDTC": dm["RFXENDTC"].fillna(""),
            "RFICDTC": cal.iso(dm["consent"]),
            "RFPENDTC": np.where(is_treated, dm["RFENDTC"].fillna(""), cal.iso(failed_day)),
            "DTHDTC": dm["DTHDTC"].fillna(""),
            "DTHFL": dm["DTHFL"].fillna(""),
            "SITEID": dm["SITEID"],
            "AGE": dm["age"].astype(float),
            "AGEU": "YEARS",
            "SEX": "F",
            "RACE": "ASIAN",
            "ETHNIC": "NOT HISPANIC OR LATINO",
            "ARMCD": arm,
            "ARM": pd.Series(arm).map(names),
            "ACTARMCD": actarm,
            "ACTARM": pd.Series(actarm).map(names),
            "COUNTRY": "CHN",
            "DMDTC": cal.iso(dm["consent"]),
            "_day": dm["consent"],
        }
    )
    out["DM"] = dm_frame

    # Baseline characteristics the SAP needs that SDTM DM has no variable for.
    out["SUPPDM"] = pd.DataFrame(
        {
            "USUBJID": enrolled["USUBJID"],
            "RDOMAIN": "DM",
            "IDVAR": "",
            "IDVARVAL": "",
            "QNAM": "SUBTYPE",
            "QLABEL": "Breast Cancer Subtype (HR/HER2)",
            "QVAL": enrolled["subtype"],
            "QORIG": "CRF",
            "QEVAL": "",
        }
    )

    # Disposition: consent for everyone, screen failure, never treated, then the chunks' events.
    failed = dm["status"] == "SCREEN FAILURE"
    not_treated = dm["status"] == "NOT TREATED"
    ds_first = [
        _records(
            {
                "USUBJID": dm["USUBJID"],
                "DSTERM": "INFORMED CONSENT OBTAINED",
                "DSDECOD": "INFORMED CONSENT OBTAINED",
                "DSCAT": "PROTOCOL MILESTONE",
                "DSSCAT": "",
                "EPOCH": "SCREENING",
                "DSSTDTC": cal.iso(dm["consent"]),
                "_day": dm["consent"] - 0.5,
            }
        ),
        _records(
            {
                "USUBJID": dm["USUBJID"][failed],
                "DSTERM": "INCLUSION/EXCLUSION CRITERIA NOT MET",
                "DSDECOD": "SCREEN FAILURE",
                "DSCAT": "DISPOSITION EVENT",
                "DSSCAT": "END OF STUDY",
                "EPOCH": "SCREENING",
                "DSSTDTC": cal.iso(failed_day[failed]),
                "_day": failed_day[failed],
            }
        ),
        _records(
            {
                "USUBJID": dm["USUBJID"][not_treated],
                "DSTERM": "WITHDREW CONSENT BEFORE FIRST DOSE",
                "DSDECOD": "WITHDRAWAL BY SUBJECT",
                "DSCAT": "DISPOSITION EVENT",
                "DSSCAT": "END OF STUDY",
                "EPOCH": "SCREENING",
                "DSSTDTC": cal.iso(failed_day[not_treated]),
                "_day": failed_day[not_treated],
            }
        ),
    ]
    out["DS"] = pd.concat([*ds_first, out["DS"]], ignore_index=True)
    cm_prior, out["MH"] = _prior_history(rng, enrolled, cal)
    out["CM"] = pd.concat([cm_prior, out["CM"]], ignore_index=True)
    return {domain: _finish(frame, domain) for domain, frame in sorted(out.items())}


def write_sdtm(domains: dict[str, pd.DataFrame], out_dir: str | Path, stamp: str) -> list[Path]:
    """Write each domain as ``<domain>.xpt`` (SAS transport v5) and return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for domain, frame in domains.items():
        path = out_dir / f"{domain.lower()}.xpt"
        write_xpt(
            frame,
            path,
            dataset=domain,
            label=f"{domain} simulated for {STUDYID}",
            column_labels=LABELS,
            stamp=stamp,
        )
        paths.append(path)
    return paths


def run(n_treated: int, seed: int, out_dir: str | Path, quiet: bool = False) -> dict:
    """Simulate a study and write its SDTM snapshot and ``simulation.json`` into ``out_dir``."""
    params = SimulationParameters()

    def report(done: int, total: int) -> None:
        print(f"simulate: {done:,}/{total:,} treated subjects", file=sys.stderr, flush=True)

    domains = simulate_study(n_treated, seed, params, progress=None if quiet else report)
    dates = study_dates(params)
    write_sdtm(domains, out_dir, xpt_stamp(dates["snapshot"]))
    meta = {
        "study": STUDYID,
        "seed": seed,
        "treated_subjects": n_treated,
        "screened_subjects": len(domains["DM"]),
        **dates,
        "truth": true_parameters(params),
        "truth_definition": TRUTH_DOC,
        "parameters": asdict(params),
    }
    Path(out_dir, "simulation.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta
