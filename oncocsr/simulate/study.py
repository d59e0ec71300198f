"""Study assembly: screening, randomisation, the subjects' identifiers and baseline facts, the
treated subjects' records chunk by chunk, and DM, SUPPDM, the disposition milestones, CM and MH
for every screened subject."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.course import simulate_treated
from oncocsr.simulate.entry import (
    SETTING_STREAM,
    VITALS_STREAM,
    death_details,
    prior_therapy_setting,
    vital_signs,
)
from oncocsr.simulate.labels import in_sdtmig_order
from oncocsr.simulate.latent import DEFAULT_PARAMETERS, SimulationParameters
from oncocsr.simulate.options import DEFAULT_OPTIONS, Arm, SimulationOptions
from oncocsr.simulate.records import (
    NOT_TREATED,
    SCREEN_FAILURE,
    STUDYID,
    Calendar,
    choice,
    finish,
    records,
    study_dates,
)
from oncocsr.simulate.sdtmig import SubjectDates, add_sdtmig_variables
from oncocsr.simulate.terms import PRIOR_REGIMENS, SUBTYPES
from oncocsr.simulate.trialdesign import trial_design

CHUNK = 5000
# Streams of the draws that options add, apart from the study's own: switching an option on
# leaves the rest of the study as it is.
RANDOMISATION_STREAM = 1


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
    frame["SUBJID"] = frame["SITEID"] + number.astype(str).str.zfill(width)
    frame["USUBJID"] = STUDYID + "-" + frame["SITEID"] + "-" + frame["SUBJID"].str[2:]
    return frame


def permuted_blocks(rng: np.random.Generator, n: int, n_arms: int) -> np.ndarray:
    """Arm indices of ``n`` subjects in randomisation order, 1:1(:1) in permuted blocks of two
    subjects per arm: every complete block holds each arm twice."""
    size = 2 * n_arms
    blocks = -(-n // size)
    order = np.argsort(rng.random((blocks, size)), axis=1)
    return (order % n_arms).ravel()[:n]


def _prior_history(rng, enrolled: pd.DataFrame, cal: Calendar) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        drugs = choice(rng, PRIOR_REGIMENS[regimen], idx.size)
        drugs = np.where(
            her2[idx] & (regimen == 0), np.char.add(drugs.astype(str), ";TRASTUZUMAB"), drugs
        )
        for position in range(3):
            drug = np.array(
                [d.split(";")[position] if d.count(";") >= position else "" for d in drugs]
            )
            has = drug != ""
            rows.append(
                records(
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
        records(
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
            records(
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


def simulate_study(
    n_treated: int,
    seed: int,
    params: SimulationParameters = DEFAULT_PARAMETERS,
    progress=None,
    options: SimulationOptions = DEFAULT_OPTIONS,
) -> dict[str, pd.DataFrame]:
    """SDTM domains of a study with ``n_treated`` treated subjects in total, plus screen failures
    and enrolled subjects never treated, shaped by ``options``. ``params`` are the study's and
    the first arm's generative parameters; the other arms change them as ``ARMS`` says.
    ``progress(done, total)`` is called after each chunk.
    """
    if n_treated < 1:
        raise ValueError("the study needs at least one treated subject")
    rng = np.random.default_rng(seed)
    p = params
    arms = options.study_arms
    dates = study_dates(p)
    cal = Calendar(np.datetime64(p.study_start))
    snapshot = int((np.datetime64(dates["snapshot"]) - cal.start).astype(int))
    subjects = _screened(rng, n_treated, p)
    n = len(subjects)
    subjects["subtype"] = choice(rng, SUBTYPES[0], n, p=SUBTYPES[1])
    subjects["first_dose"] = subjects["consent"] + rng.integers(5, 22, n)
    subjects["age"] = np.clip(np.round(rng.normal(49, 9, n)), 28, 75)
    enrolled_mask = (subjects["status"] != "SCREEN FAILURE").to_numpy()
    randomisation = np.random.default_rng([seed, RANDOMISATION_STREAM])
    subjects["arm"] = 0
    if len(arms) > 1:
        # Randomised in consent order, centrally (not by site).
        subjects.loc[enrolled_mask, "arm"] = permuted_blocks(
            randomisation, int(enrolled_mask.sum()), len(arms)
        )
    treated = subjects[subjects["status"] == "TREATED"].reset_index(drop=True)
    enrolled = subjects[enrolled_mask].reset_index(drop=True)

    parts: dict[str, list[pd.DataFrame]] = {}
    children = np.random.SeedSequence(seed).spawn((len(treated) + CHUNK - 1) // CHUNK)
    for number, child in enumerate(children):
        chunk = treated.iloc[number * CHUNK : (number + 1) * CHUNK].reset_index(drop=True)
        for domain, frame in simulate_treated(
            np.random.default_rng(child), chunk, arms, p, cal, snapshot, options
        ).items():
            parts.setdefault(domain, []).append(frame)
        if progress:
            progress(min((number + 1) * CHUNK, len(treated)), len(treated))
    out = {domain: pd.concat(frames, ignore_index=True) for domain, frames in parts.items()}
    course = out.pop("_DM")
    failed_day = subjects["consent"].to_numpy() + rng.integers(3, 15, n)
    out["DM"] = _demographics(subjects, course, failed_day, arms, cal, options)

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
    milestones = _milestones(subjects, failed_day, randomisation, len(arms), cal, options)
    out["DS"] = pd.concat([*milestones, out["DS"]], ignore_index=True)
    cm_prior, out["MH"] = _prior_history(rng, enrolled, cal)
    setting = np.random.default_rng([seed, SETTING_STREAM])
    cm_prior["CMSCAT"] = prior_therapy_setting(setting, cm_prior, out["MH"])
    out["CM"] = pd.concat([cm_prior, out["CM"].assign(CMSCAT="")], ignore_index=True)
    if options.vitals != "none":
        vitals = np.random.default_rng([seed, VITALS_STREAM])
        out["VS"] = vital_signs(vitals, out["TU"], options.vitals)
    if options.death_details:
        out["DD"] = death_details(out)
    if options.grades == "aesev":
        out["AE"] = out["AE"].drop(columns="AETOXGR")
    domains = {domain: finish(frame, domain) for domain, frame in out.items()}
    return _conformant(domains, arms, n_treated, p, options)


def _conformant(
    domains: dict[str, pd.DataFrame],
    arms: tuple[Arm, ...],
    n_treated: int,
    p: SimulationParameters,
    options: SimulationOptions,
) -> dict[str, pd.DataFrame]:
    """The domains with the variables SDTMIG 3.4 expects of them (``oncocsr.simulate.sdtmig``)
    and the trial design domains, each in SDTMIG variable order, by domain name."""
    dates = SubjectDates(domains["DM"])
    for domain, frame in domains.items():
        add_sdtmig_variables(frame, domain, dates)
    domains |= trial_design(domains, dates, arms, n_treated, p, options)
    return {domain: in_sdtmig_order(frame, domain) for domain, frame in sorted(domains.items())}


def _demographics(subjects, course, failed_day, arms, cal, options) -> pd.DataFrame:
    """DM for every screened subject. RFENDTC is the last dose for treated subjects (SAP section 5
    counts it as a date known alive) and the end of study otherwise; RFPENDTC, as an EDC extract
    gives it, is the death, withdrawal or snapshot date."""
    dm = subjects.merge(course, on="USUBJID", how="left")
    is_treated = dm["status"] == "TREATED"
    failed = dm["status"] == "SCREEN FAILURE"
    planned = np.array([a.code for a in arms], dtype=object)[dm["arm"].to_numpy()]
    arm = np.where(failed, SCREEN_FAILURE[0], planned)
    actarm = np.where(is_treated, planned, np.where(failed, SCREEN_FAILURE[0], NOT_TREATED[0]))
    names = dict([SCREEN_FAILURE, NOT_TREATED, *((a.code, a.name) for a in arms)])
    first = np.where(is_treated, cal.iso(dm["first_dose"]), "")
    ended = cal.iso(failed_day)
    frame = {
        "USUBJID": dm["USUBJID"],
        "SUBJID": dm["SUBJID"],
        "RFSTDTC": first,
        "RFENDTC": np.where(is_treated, dm["RFXENDTC"].fillna(""), ended),
        "RFXSTDTC": first,
        "RFXENDTC": dm["RFXENDTC"].fillna(""),
        "RFICDTC": cal.iso(dm["consent"]),
        "RFPENDTC": np.where(is_treated, dm["RFPENDTC"].fillna(""), ended),
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
    if not options.consent:
        del frame["RFICDTC"]
    return pd.DataFrame(frame)


def _milestones(subjects, failed_day, randomisation, n_arms, cal, options) -> list[pd.DataFrame]:
    """DS records before treatment: consent (where recorded), randomisation (randomised studies:
    between consent and first dose, or before the withdrawal of an enrolled subject never
    treated), screen failure and withdrawal before the first dose."""
    consent = subjects["consent"].to_numpy()
    usubjid = subjects["USUBJID"].to_numpy()
    failed = (subjects["status"] == "SCREEN FAILURE").to_numpy()
    not_treated = (subjects["status"] == "NOT TREATED").to_numpy()

    def milestone(rows, term, decod, category, scat, day, order) -> pd.DataFrame:
        return records(
            {
                "USUBJID": usubjid[rows],
                "DSTERM": term,
                "DSDECOD": decod,
                "DSCAT": category,
                "DSSCAT": scat,
                "EPOCH": "SCREENING",
                "DSSTDTC": cal.iso(day[rows]),
                "_day": order[rows],
            }
        )

    every = np.ones(len(subjects), dtype=bool)
    frames = []
    if options.consent:
        # Half a day earlier: consent comes first among the records of its day.
        frames.append(
            milestone(
                every,
                "INFORMED CONSENT OBTAINED",
                "INFORMED CONSENT OBTAINED",
                "PROTOCOL MILESTONE",
                "",
                consent,
                consent - 0.5,
            )
        )
    frames += [
        milestone(
            failed,
            "INCLUSION/EXCLUSION CRITERIA NOT MET",
            "SCREEN FAILURE",
            "DISPOSITION EVENT",
            "END OF STUDY",
            failed_day,
            failed_day,
        ),
        milestone(
            not_treated,
            "WITHDREW CONSENT BEFORE FIRST DOSE",
            "WITHDRAWAL BY SUBJECT",
            "DISPOSITION EVENT",
            "END OF STUDY",
            failed_day,
            failed_day,
        ),
    ]
    if n_arms > 1:
        latest = np.where(not_treated, failed_day, subjects["first_dose"].to_numpy() - 1)
        day = consent + 1 + np.floor(randomisation.random(consent.size) * (latest - consent))
        frames.append(
            milestone(~failed, "RANDOMIZED", "RANDOMIZED", "PROTOCOL MILESTONE", "", day, day)
        )
    return frames
