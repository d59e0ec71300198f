"""The SDTM records of treated subjects, from their latent course: exposure, adverse events,
tumour assessments, disposition, subsequent therapy, survival follow-up (SS) and the DM dates
that come from the course."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.latent import SimulationParameters, simulate_arms_latent
from oncocsr.simulate.options import Arm, SimulationOptions
from oncocsr.simulate.records import Calendar, choice, records
from oncocsr.simulate.safety import ae_domain, treatment_and_toxicity
from oncocsr.simulate.terms import NEXT_THERAPY
from oncocsr.simulate.tumour import baseline_disease, ecog_records, tumour_domains


def simulate_treated(
    rng: np.random.Generator,
    subjects: pd.DataFrame,
    arms: tuple[Arm, ...],
    p: SimulationParameters,
    cal: Calendar,
    snapshot: int,
    options: SimulationOptions,
) -> dict[str, pd.DataFrame]:
    """SDTM records of the treated subjects in ``subjects`` (one chunk), by domain; ``_DM`` holds
    the DM dates of each subject's course. ``p`` has the study's (not an arm's) parameters."""
    n = len(subjects)
    arm = subjects["arm"].to_numpy()
    latent = simulate_arms_latent(rng, arm, tuple(a.parameters(p) for a in arms))
    usubjid = subjects["USUBJID"].to_numpy()
    first_dose = subjects["first_dose"].to_numpy()
    horizon = snapshot - first_dose
    stop = np.minimum(latent["withdrawal"], latent["death"])
    consent_gap = first_dose - subjects["consent"].to_numpy()
    base, scan = baseline_disease(rng, latent, horizon, stop, consent_gap, options.irecist)

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
    width = max(len(a.dose_levels) for a in arms)
    # Arms with fewer levels repeat their lowest: a reduction stops at the arm's floor.
    doses = np.array(
        [a.dose_levels + a.dose_levels[-1:] * (width - len(a.dose_levels)) for a in arms]
    )
    ex_rows, ae_rows = treatment_and_toxicity(
        rng,
        n,
        treatment_end,
        horizon,
        stop,
        end_reason,
        doses[arm],
        np.array([len(a.dose_levels) - 1 for a in arms])[arm],
        np.array([a.toxicity for a in arms])[arm],
    )

    domains = {}
    given = ex_rows["subject"]
    domains["EX"] = records(
        {
            "USUBJID": usubjid[given],
            "EXTRT": np.array([a.treatment for a in arms], dtype=object)[arm[given]],
            "EXDOSE": ex_rows["dose"],
            "EXDOSU": "mg/m2",
            "EXDOSFRM": "INJECTION",
            "EXROUTE": "INTRAVENOUS",
            "EXADJ": np.where(ex_rows["reduced"], "ADVERSE EVENT", ""),
            "VISITNUM": 100.0 + ex_rows["cycle"] + 1,
            "VISIT": np.char.add("CYCLE ", (ex_rows["cycle"] + 1).astype(str)),
            "EPOCH": "TREATMENT",
            "EXSTDTC": np.char.add(
                cal.iso(first_dose[given] + ex_rows["day"]), ex_rows["start_time"]
            ),
            "EXENDTC": np.char.add(
                cal.iso(first_dose[given] + ex_rows["day"]), ex_rows["end_time"]
            ),
            "_day": first_dose[given] + ex_rows["day"],
        }
    )

    last_dose = pd.Series(ex_rows["day"]).groupby(given).max().reindex(range(n)).to_numpy()
    domains["AE"] = ae_domain(rng, ae_rows, usubjid, first_dose, cal, latent, horizon, stop)

    # Tumour identification and measurements, and baseline ECOG where the study collects it.
    tu, tr, rs, ecog = tumour_domains(
        rng, latent, scan, base, usubjid, first_dose, cal, options.irecist
    )
    domains["TU"], domains["TR"] = tu, tr
    if options.ecog == "qs":
        domains["QS"] = ecog_records(ecog, "QS", cal)
    if options.ecog == "rs":
        rs = pd.concat([ecog_records(ecog, "RS", cal), rs], ignore_index=True)
    rs["RSEVAL"] = "INVESTIGATOR"
    domains["RS"] = rs

    # Disposition.
    dth_known = (latent["death"] <= horizon) & (latent["death"] < latent["withdrawal"])
    domains["DS"], death_text = _disposition(
        rng, usubjid, first_dose, latent, horizon, treatment_end, end_reason, dth_known, cal
    )

    # Subsequent anticancer therapy (CM) and DM facts that come from the clinical course.
    nt = np.isfinite(latent["new_therapy"]) & (latent["new_therapy"] <= np.minimum(horizon, stop))
    idx = np.flatnonzero(nt)
    domains["CM"] = records(
        {
            "USUBJID": usubjid[idx],
            "CMTRT": choice(rng, NEXT_THERAPY, idx.size),
            "CMCAT": "SUBSEQUENT ANTICANCER THERAPY",
            "CMGRPID": "",
            "CMSTDTC": cal.iso(first_dose[idx] + latent["new_therapy"][idx]),
            "CMENDTC": "",
            "_day": first_dose[idx] + latent["new_therapy"][idx],
        }
    )
    domains["SS"] = survival_followup(
        rng, usubjid, first_dose, treatment_end, latent, horizon, dth_known, p, cal
    )
    # End of participation: death or withdrawal, or the snapshot for subjects still on study.
    last_contact = np.minimum.reduce([horizon, latent["withdrawal"], latent["death"]])
    domains["_DM"] = pd.DataFrame(
        {
            "USUBJID": usubjid,
            "RFXENDTC": np.where(
                np.isnan(last_dose), "", cal.iso(first_dose + np.nan_to_num(last_dose))
            ),
            "RFPENDTC": cal.iso(first_dose + last_contact),
            "DTHDTC": np.where(dth_known, death_text, ""),
            "DTHFL": np.where(dth_known, "Y", ""),
        }
    )
    return domains


def _disposition(
    rng, usubjid, first_dose, latent, horizon, treatment_end, end_reason, dth_known, cal
):
    """DS end of treatment and end of study of treated subjects, and the (partly partial) death
    dates that DM and DS share."""
    eot_known = (treatment_end <= horizon) & (treatment_end < np.inf)
    withdrew = (latent["withdrawal"] <= horizon) & (latent["withdrawal"] < latent["death"])
    death_text = cal.partial(first_dose + np.where(dth_known, latent["death"], 0), rng, 0.05)
    idx = np.flatnonzero(eot_known)
    clinical = latent["clinical"][idx]
    end_of_treatment = records(
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
    idx = np.flatnonzero(dth_known | withdrew)
    lost = rng.random(idx.size) < 0.3
    eos = np.where(
        dth_known[idx], "DEATH", np.where(lost, "LOST TO FOLLOW-UP", "WITHDRAWAL BY SUBJECT")
    )
    eos_day = np.where(dth_known[idx], latent["death"][idx], latent["withdrawal"][idx])
    end_of_study = records(
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
    return pd.concat([end_of_treatment, end_of_study], ignore_index=True), death_text


def survival_followup(
    rng, usubjid, first_dose, treatment_end, latent, horizon, dth_known, p, cal
) -> pd.DataFrame:
    """SS (SDTMIG 3.3 Subject Status): survival contacts of the subjects alive and on study at the
    end of treatment, every ``p.survival_contact_days`` (± ``p.survival_contact_jitter_days``)
    after it while alive and on study, up to the snapshot; the first contact on or after a death
    known by the snapshot records it (DEAD). Subjects who die or withdraw on treatment are not
    followed. These contacts keep the last date known alive (SAP section 5, OS) within about
    3 months of the cut, so that OS censoring stays non-informative."""
    death, withdrawal = latent["death"], latent["withdrawal"]
    interval, jitter = p.survival_contact_days, p.survival_contact_jitter_days
    count = int(np.max(horizon, initial=0) // interval) + 2
    contact = (
        treatment_end[:, None]
        + interval * np.arange(1, count + 1)[None, :]
        + rng.integers(-jitter, jitter + 1, (usubjid.size, count))
    )
    followed = (treatment_end < np.minimum(death, withdrawal))[:, None]
    written = followed & (contact <= horizon[:, None])
    alive = written & (contact < death[:, None]) & (contact < withdrawal[:, None])
    after_death = written & (contact >= death[:, None]) & dth_known[:, None]
    dead = after_death & (np.cumsum(after_death, axis=1) == 1)
    rows, cols = np.nonzero(alive | dead)
    status = np.where(dead[rows, cols], "DEAD", "ALIVE")
    day = first_dose[rows] + contact[rows, cols]
    return records(
        {
            "USUBJID": usubjid[rows],
            "SSTESTCD": "SURVSTAT",
            "SSTEST": "Survival Status",
            "SSORRES": status,
            "SSSTRESC": status,
            "VISIT": "SURVIVAL FOLLOW-UP",
            "SSDTC": cal.iso(day),
            "_day": day,
        }
    )
