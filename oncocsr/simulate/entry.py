"""SDTM of the entry criteria and of the deaths: baseline height and weight (VS), the setting of
each prior regimen (CM.CMSCAT) and the primary cause of each death (DD, Death Details).

Each draw comes from its own stream (``VITALS_STREAM``, ``SETTING_STREAM``, children of the
study's seed), so the domains the simulator wrote before these keep their values. DD needs no
draw: it follows from the records of the course.

- VS (SDTMIG 3.4 section 6.3, Vital Signs): HEIGHT and WEIGHT of every treated subject at the
  screening visit, on the day of the screening scan (so SV, built from the visits of the data,
  has no new visit), flagged as the last observation before exposure (VSLOBXFL, which SDTMIG 3.4
  uses in place of --BLFL). Metric (cm, kg) or, as US sites record them, imperial (in, LB) in
  both the original and the standard result, which the analysis converts.
- CMSCAT (Subcategory for Medication) holds the setting of a prior anticancer regimen: the
  standard CM variable for a sponsor-defined subdivision of CMCAT, which SDTMIG prefers to a
  supplemental qualifier where a standard variable fits. The first regimen, when it started
  within ``CURATIVE_WINDOW_DAYS`` after the primary diagnosis (MH), was given for early disease
  (neoadjuvant or adjuvant) with probability ``P_CURATIVE``; every other regimen is for
  metastatic disease.
- DD (SDTMIG 3.3 section 6.3, Death Details): DDTESTCD PRCDTH "Primary Cause of Death" for every
  death in DM: the term of the subject's fatal adverse event, else disease progression where
  the subject progressed (an overall response of PD, or progression ending treatment), else
  unknown; dated by the death (DDDTC = DM.DTHDTC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.records import records

VITALS_STREAM = 2
SETTING_STREAM = 3
SCREENING = {"VISITNUM": 1.0, "VISIT": "SCREENING"}
CURATIVE_WINDOW_DAYS = 1000
P_CURATIVE = 0.7
P_NEOADJUVANT = 0.35
# Women in the study's country: height in cm and weight in kg at screening (mean, SD, range).
HEIGHT_CM = (158.0, 6.0, 140.0, 178.0)
WEIGHT_KG = (57.0, 9.0, 38.0, 95.0)
CM_PER_INCH = 2.54
KG_PER_POUND = 0.45359237
PROGRESSION = "DISEASE PROGRESSION"
UNKNOWN = "UNKNOWN"


def vital_signs(rng: np.random.Generator, tu: pd.DataFrame, units: str) -> pd.DataFrame:
    """VS records of height and weight at screening of the subjects with screening lesions in
    ``tu`` (the treated subjects), in ``metric`` or ``imperial`` units."""
    screening = tu[tu["VISIT"] == SCREENING["VISIT"]].drop_duplicates("USUBJID")
    n = len(screening)
    height = _truncated_normal(rng, HEIGHT_CM, n)
    weight = _truncated_normal(rng, WEIGHT_KG, n)
    tests = [("HEIGHT", "Height", height, "cm", "in", CM_PER_INCH)]
    tests += [("WEIGHT", "Weight", weight, "kg", "LB", KG_PER_POUND)]
    frames = []
    for testcd, test, metric, metric_unit, imperial_unit, factor in tests:
        value = np.round(metric if units == "metric" else metric / factor, 1)
        unit = metric_unit if units == "metric" else imperial_unit
        frames.append(
            records(
                {
                    "USUBJID": screening["USUBJID"].to_numpy(),
                    "VSTESTCD": testcd,
                    "VSTEST": test,
                    "VSORRES": np.char.mod("%.1f", value),
                    "VSORRESU": unit,
                    "VSSTRESC": np.char.mod("%.1f", value),
                    "VSSTRESN": value,
                    "VSSTRESU": unit,
                    "VSLOBXFL": "Y",
                    **SCREENING,
                    "VSDTC": screening["TUDTC"].to_numpy(),
                    "_day": screening["_day"].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _truncated_normal(rng: np.random.Generator, spec: tuple, n: int) -> np.ndarray:
    mean, sd, low, high = spec
    return np.clip(rng.normal(mean, sd, n), low, high)


def prior_therapy_setting(
    rng: np.random.Generator, cm: pd.DataFrame, mh: pd.DataFrame
) -> np.ndarray:
    """CMSCAT of the prior anticancer therapy records ``cm`` (``_prior_history``): NEOADJUVANT
    or ADJUVANT for a first regimen given for early disease, METASTATIC otherwise."""
    diagnosis = mh[mh["MHCAT"] == "PRIMARY DIAGNOSIS"].set_index("USUBJID")["_day"]
    regimens = cm[["USUBJID", "CMGRPID"]].drop_duplicates()
    curative = rng.random(len(regimens)) < P_CURATIVE
    neoadjuvant = rng.random(len(regimens)) < P_NEOADJUVANT
    start = cm.groupby(["USUBJID", "CMGRPID"])["_day"].min()
    key = pd.MultiIndex.from_frame(regimens)
    after = start.reindex(key).to_numpy() - diagnosis.reindex(regimens["USUBJID"]).to_numpy()
    early = (
        (regimens["CMGRPID"].to_numpy() == "REGIMEN 1")
        & (after >= 0)
        & (after <= CURATIVE_WINDOW_DAYS)
        & curative
    )
    setting = np.where(early, np.where(neoadjuvant, "NEOADJUVANT", "ADJUVANT"), "METASTATIC")
    by_regimen = pd.Series(setting, index=key)
    return by_regimen.reindex(pd.MultiIndex.from_frame(cm[["USUBJID", "CMGRPID"]])).to_numpy()


def death_details(domains: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """DD: the primary cause of every death of DM (before ``finish``: with helper ``_day``)."""
    dm, ae, ds, rs = (domains[name] for name in ("DM", "AE", "DS", "RS"))
    dead = dm[dm["DTHFL"] == "Y"]
    fatal = ae[ae["AEOUT"] == "FATAL"].sort_values("_day", kind="stable")
    fatal_term = fatal.groupby("USUBJID")["AETERM"].first()
    progressed = set(ds.loc[ds["DSDECOD"] == "PROGRESSIVE DISEASE", "USUBJID"])
    progressed |= set(rs.loc[(rs["RSTESTCD"] == "OVRLRESP") & (rs["RSSTRESC"] == "PD"), "USUBJID"])
    subject = dead["USUBJID"]
    cause = np.where(subject.isin(progressed), PROGRESSION, UNKNOWN)
    cause = fatal_term.reindex(subject).fillna(pd.Series(cause, index=subject)).to_numpy()
    return records(
        {
            "USUBJID": subject.to_numpy(),
            "DDTESTCD": "PRCDTH",
            "DDTEST": "Primary Cause of Death",
            "DDORRES": cause,
            "DDSTRESC": cause,
            "DDEVAL": "INVESTIGATOR",
            "DDDTC": dead["DTHDTC"].to_numpy(),
            "_day": dead["_day"].to_numpy(),
        }
    )
