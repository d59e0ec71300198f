"""Trial design domains of the simulated study (SDTMIG 3.4 section 7): TS (trial summary), TA and
TE (arms and their elements), TV (planned visits), and SV (the special-purpose domain of the
visits each subject actually had, from the visits in the data). All follow from the options and
the records, without a random draw.

The elements are those EPOCH is derived from (``oncocsr.simulate.sdtmig``): screening from
informed consent to the first dose, the arm's treatment to ``TREATMENT_TAIL_DAYS`` after the last
dose, follow-up after it. TV lists the screening visit, the tumour assessments of the schedule and
the cycles given in the data: the protocol repeats cycles until a reason to stop, which the Trial
Design Model cannot state as a number of visits (section 7.1.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.simulate.latent import N_VISITS, SimulationParameters
from oncocsr.simulate.options import Arm, SimulationOptions
from oncocsr.simulate.records import SCREEN_FAILURE, STUDYID, study_dates
from oncocsr.simulate.safety import CYCLE_DAYS
from oncocsr.simulate.sdtmig import (
    SCREENING_VISIT,
    TREATMENT_TAIL_DAYS,
    SubjectDates,
)
from oncocsr.simulate.tumour import week

SCREENING_ELEMENT = ("SCRN", "Screening")
FOLLOW_UP_ELEMENT = ("FU", "Follow-up")
POPULATION = (
    "women with metastatic breast cancer previously treated with anthracyclines and taxanes"
)
# The bundled study's title (config/config.yaml, study.title).
SINGLE_ARM_TITLE = (
    "A phase II, open-label, single-arm, multicentre study of irinotecan monotherapy in "
    + POPULATION
)
# CDISC Controlled Terminology codes (NCI C-codes) of the TS values that have one.
CT = {
    "PHASE II TRIAL": "C15601",
    "INTERVENTIONAL": "C98388",
    "DRUG": "C1909",
    "SINGLE GROUP": "C82640",
    "PARALLEL": "C82639",
    "Y": "C49488",
    "N": "C49487",
    "OPEN LABEL": "C49659",
    "DOUBLE BLIND": "C15228",
    "NONE": "C41132",
    "PLACEBO": "C49648",
    "EFFICACY": "C49666",
    "SAFETY": "C49667",
    "TREATMENT": "C49656",
    "F": "C16576",
    "INTRAVENOUS": "C38276",
    "INJECTION": "C42946",
}
# Parameters whose value is from controlled terminology (TSVCDREF "CDISC CT") or ISO 8601.
CT_PARAMETERS = {
    "TPHASE", "STYPE", "INTTYPE", "INTMODEL", "RANDOM", "TBLIND", "TCNTRL", "TTYPE", "TINDTP",
    "SEXPOP", "HLTSUBJI", "ADDON", "ROUTE", "DOSFRM",
}  # fmt: skip
ISO_PARAMETERS = {"AGEMIN", "SSTDTC", "DCUTDTC"}
TS_NAMES = {
    "TITLE": "Trial Title",
    "TPHASE": "Trial Phase Classification",
    "INDIC": "Trial Disease/Condition Indication",
    "TRT": "Investigational Therapy or Treatment",
    "COMPTRT": "Comparative Treatment Name",
    "STYPE": "Study Type",
    "INTTYPE": "Intervention Type",
    "INTMODEL": "Intervention Model",
    "NARMS": "Planned Number of Arms",
    "RANDOM": "Trial is Randomized",
    "TBLIND": "Trial Blinding Schema",
    "TCNTRL": "Control Type",
    "TTYPE": "Trial Type",
    "TINDTP": "Trial Intent Type",
    "OBJPRIM": "Trial Primary Objective",
    "OUTMSPRI": "Primary Outcome Measure",
    "SEXPOP": "Sex of Participants",
    "AGEMIN": "Planned Minimum Age of Subjects",
    "AGEMAX": "Planned Maximum Age of Subjects",
    "HLTSUBJI": "Healthy Subject Indicator",
    "ADDON": "Added on to Existing Treatments",
    "PLANSUB": "Planned Number of Subjects",
    "ACTSUB": "Actual Number of Subjects",
    "FCNTRY": "Planned Country of Investigational Sites",
    "DOSE": "Dose per Administration",
    "DOSU": "Dose Units",
    "DOSFRQ": "Dosing Frequency",
    "ROUTE": "Route of Administration",
    "DOSFRM": "Dose Form",
    "SSTDTC": "Study Start Date",
    "DCUTDTC": "Data Cutoff Date",
    "DCUTDESC": "Data Cutoff Description",
    "SPONSOR": "Clinical Study Sponsor",
    "SDTIGVER": "SDTM IG Version",
    "SDTMVER": "SDTM Version",
}


def trial_design(
    domains: dict[str, pd.DataFrame],
    dates: SubjectDates,
    arms: tuple[Arm, ...],
    n_treated: int,
    p: SimulationParameters,
    options: SimulationOptions,
) -> dict[str, pd.DataFrame]:
    """TS, TA, TE, TV and SV of a simulated study whose other domains are ``domains`` (with
    their subjects' ``dates``)."""
    tv = _visits(domains["EX"], p)
    return {
        "TS": _summary(domains["DM"], arms, n_treated, p),
        "TA": _arms(arms),
        "TE": _elements(arms, options.consent),
        "TV": tv,
        "SV": _subject_visits(domains, dates, tv),
    }


def _summary(dm: pd.DataFrame, arms: tuple[Arm, ...], n_treated: int, p) -> pd.DataFrame:
    """TS: the parameters a reviewer (FDA Study Data Technical Conformance Guide) expects."""
    placebo = any(arm.treatment == "PLACEBO" for arm in arms)
    active = [arm for arm in arms if arm.treatment != "PLACEBO"]
    enrolled = dm["ARMCD"] != SCREEN_FAILURE[0]
    title = SINGLE_ARM_TITLE
    if len(arms) > 1:
        # Short enough for TSVAL (200 characters) with three arms.
        blind = "double-blind" if placebo else "open-label"
        names = [arm.name.lower() for arm in arms]
        title = (
            f"A randomised, {blind} phase II study of {', '.join(names[:-1])} or {names[-1]} "
            "in pretreated metastatic breast cancer"
        )
    rows = [
        ("TITLE", title),
        ("TPHASE", "PHASE II TRIAL"),
        ("INDIC", "Metastatic breast cancer"),
        *(("TRT", treatment) for treatment in dict.fromkeys(arm.treatment for arm in active)),
        *([("COMPTRT", "PLACEBO")] if placebo else []),
        ("STYPE", "INTERVENTIONAL"),
        ("INTTYPE", "DRUG"),
        ("INTMODEL", "SINGLE GROUP" if len(arms) == 1 else "PARALLEL"),
        ("NARMS", str(len(arms))),
        ("RANDOM", "N" if len(arms) == 1 else "Y"),
        ("TBLIND", "DOUBLE BLIND" if placebo else "OPEN LABEL"),
        ("TCNTRL", "PLACEBO" if placebo else "NONE"),
        ("TTYPE", "EFFICACY"),
        ("TTYPE", "SAFETY"),
        ("TINDTP", "TREATMENT"),
        ("OBJPRIM", "To estimate the confirmed objective response rate (RECIST 1.1)"),
        ("OUTMSPRI", "Confirmed objective response by RECIST 1.1 (investigator)"),
        ("SEXPOP", "F"),
        ("AGEMIN", "P18Y"),
        ("AGEMAX", ""),
        ("HLTSUBJI", "N"),
        ("ADDON", "N"),
        ("PLANSUB", str(n_treated)),
        ("ACTSUB", str(int(enrolled.sum()))),
        ("FCNTRY", "CHN"),
        *((("DOSE", f"{arm.dose_levels[0]:g}"), arm.code) for arm in arms),
        ("DOSU", "mg/m2"),
        ("DOSFRQ", "Q2W"),
        ("ROUTE", "INTRAVENOUS"),
        ("DOSFRM", "INJECTION"),
        ("SSTDTC", str(dm.loc[enrolled, "DMDTC"].min())),
        ("DCUTDTC", study_dates(p)["cutoff"]),
        ("DCUTDESC", "PRIMARY ANALYSIS"),
        ("SPONSOR", "Simulated data (no real patients)"),
        ("SDTIGVER", "3.4"),
        ("SDTMVER", "2.0"),
    ]
    # A row is (parameter, value), or ((parameter, value), group) for a value of one arm.
    grouped = [row if isinstance(row[0], tuple) else (row, "") for row in rows]
    code = [parameter for (parameter, _), _ in grouped]
    value = [text for (_, text), _ in grouped]
    frame = pd.DataFrame(
        {
            "STUDYID": STUDYID,
            "DOMAIN": "TS",
            "TSSEQ": pd.Series(code).groupby(code).cumcount().to_numpy(dtype=float) + 1,
            "TSGRPID": [group for _, group in grouped],
            "TSPARMCD": code,
            "TSPARM": [TS_NAMES[parameter] for parameter in code],
            "TSVAL": value,
            # No upper age limit: positive infinity (SDTMIG 3.4 TS assumption 10).
            "TSVALNF": ["PINF" if parameter == "AGEMAX" else "" for parameter in code],
            "TSVALCD": [
                CT.get(text, "") if parameter in CT_PARAMETERS else ""
                for parameter, text in zip(code, value, strict=True)
            ],
            "TSVCDREF": [
                "CDISC CT"
                if parameter in CT_PARAMETERS
                else "ISO 8601"
                if parameter in ISO_PARAMETERS
                else "ISO 3166-1 Alpha-3"
                if parameter == "FCNTRY"
                else ""
                for parameter in code
            ],
            "TSVCDVER": "",
        }
    )
    return frame


def _arms(arms: tuple[Arm, ...]) -> pd.DataFrame:
    """TA: each arm is screening, the arm's treatment and follow-up; a randomised study branches
    at the end of screening."""
    rows = []
    for arm in arms:
        branch = f"Randomized to {arm.name}" if len(arms) > 1 else ""
        for order, (etcd, element, epoch, rule) in enumerate(
            [
                (*SCREENING_ELEMENT, "SCREENING", branch),
                (arm.code, arm.name, "TREATMENT", ""),
                (*FOLLOW_UP_ELEMENT, "FOLLOW-UP", ""),
            ],
            start=1,
        ):
            rows.append((arm.code, arm.name, float(order), etcd, element, rule, "", epoch))
    columns = ["ARMCD", "ARM", "TAETORD", "ETCD", "ELEMENT", "TABRANCH", "TATRANS", "EPOCH"]
    return pd.DataFrame(rows, columns=columns).pipe(_study_level, "TA")


def _elements(arms: tuple[Arm, ...], consent: bool) -> pd.DataFrame:
    """TE: the rules that start and end each element, those EPOCH is derived from."""
    start = "Informed consent" if consent else "Screening visit"
    after_last = f"{TREATMENT_TAIL_DAYS} days after the last dose of study treatment"
    rows = [
        (*SCREENING_ELEMENT, start, "First dose of study treatment"),
        *((arm.code, arm.name, "First dose of study treatment", after_last) for arm in arms),
        (
            *FOLLOW_UP_ELEMENT,
            f"{TREATMENT_TAIL_DAYS + 1} days after the last dose of study treatment",
            "Death, withdrawal or end of study",
        ),
    ]
    frame = pd.DataFrame(rows, columns=["ETCD", "ELEMENT", "TESTRL", "TEENRL"])
    return frame.pipe(_study_level, "TE")


def _visits(ex: pd.DataFrame, p: SimulationParameters) -> pd.DataFrame:
    """TV: screening, every tumour assessment of the schedule (VISITNUM 2, 3, ... as the tumour
    domains number them) and every cycle given (EX's VISITNUM); the same for every arm."""
    scans = np.arange(N_VISITS)
    cycles = ex[["VISITNUM", "VISIT"]].drop_duplicates().sort_values("VISITNUM")
    order = np.arange(len(cycles))
    weeks = p.assessment_interval_days // 7 * (scans + 1)
    frame = pd.DataFrame(
        {
            "VISITNUM": np.concatenate([[1.0], 2.0 + scans, cycles["VISITNUM"].to_numpy()]),
            "VISIT": np.concatenate([[SCREENING_VISIT], week(scans), cycles["VISIT"].to_numpy()]),
            "VISITDY": np.concatenate(
                [[np.nan], p.assessment_interval_days * (scans + 1) + 1.0, CYCLE_DAYS * order + 1.0]
            ),
            "ARMCD": "",
            "TVSTRL": np.concatenate(
                [
                    ["From informed consent to the day before the first dose"],
                    [f"Tumour assessment {w} weeks after the first dose" for w in weeks],
                    ["First dose of study treatment"]
                    + [
                        f"{CYCLE_DAYS} days after day 1 of cycle {number}, later if delayed"
                        for number in order[1:]
                    ],
                ]
            ),
        }
    )
    return (
        frame.sort_values("VISITNUM", kind="stable").reset_index(drop=True).pipe(_study_level, "TV")
    )


def _subject_visits(
    domains: dict[str, pd.DataFrame], dates: SubjectDates, tv: pd.DataFrame
) -> pd.DataFrame:
    """SV: one record per subject and visit found in the dated records with a VISITNUM; start
    and end are the earliest and latest full date of the visit's records (a visit whose dates
    are all partial has the first of them)."""
    position, number, visit, text, days = [], [], [], [], []
    for domain, frame in sorted(domains.items()):
        variable = f"{domain}STDTC" if f"{domain}STDTC" in frame else f"{domain}DTC"
        if "VISITNUM" in frame and variable in frame:
            position.append(dates.positions(frame, domain))
            number.append(frame["VISITNUM"].to_numpy())
            visit.append(frame["VISIT"].to_numpy())
            text.append(frame[variable].to_numpy())
            days.append(dates.days(frame, variable))
    text = pd.Series(np.concatenate(text), dtype=object)
    day = pd.Series(np.concatenate(days))
    # One integer per subject and visit, in USUBJID (DM's order) and VISITNUM order: grouping
    # by it is done in C, where grouping by the text of USUBJID is not.
    codes, numbers = pd.factorize(np.concatenate(number), sort=True)
    key = np.concatenate(position) * len(numbers) + codes
    start, end = day.groupby(key).min(), day.groupby(key).max()
    first_visit = pd.Series(np.concatenate(visit), dtype=object).groupby(key).first()
    # Few visits have only partial dates: their first text, looked up for them alone.
    undated = day.isna().to_numpy()
    partial = text[undated].str[:10].groupby(key[undated]).first().reindex(start.index)
    keys = start.index.to_numpy()

    def dated(when: pd.Series) -> np.ndarray:
        days = when.to_numpy(dtype="datetime64[D]")
        return np.where(np.isnat(days), partial.to_numpy(), np.datetime_as_string(days, "D"))

    subject = keys // len(numbers)
    visitnum = numbers[keys % len(numbers)]
    sv = pd.DataFrame(
        {
            "USUBJID": dates.subjects[subject],
            "VISITNUM": visitnum,
            "VISIT": first_visit.to_numpy(),
            "SVPRESP": "Y",
            "SVOCCUR": "Y",
            "VISITDY": pd.Series(visitnum).map(tv.set_index("VISITNUM")["VISITDY"]).to_numpy(),
            "SVSTDTC": dated(start),
            "SVENDTC": dated(end),
            "SVSTDY": dates.study_days(start.to_numpy(dtype="datetime64[D]"), subject),
            "SVENDY": dates.study_days(end.to_numpy(dtype="datetime64[D]"), subject),
        }
    )
    return sv.pipe(_study_level, "SV")


def _study_level(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"STUDYID": STUDYID, "DOMAIN": domain}, index=frame.index), frame], axis=1
    )
