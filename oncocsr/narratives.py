"""Patient narratives (ICH E3 section 12.3.2): one block per subject of the safety set who died,
had a serious adverse event or discontinued treatment because of an adverse event, written from
ADSL, ADAE and ADEX in fixed sentence frames.

Every word that describes the subject or an event is a data value (in display case) or a
variable's metadata; the frames name only ADaM concepts, so the text holds for any study.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from oncocsr.dates import study_day
from oncocsr.tlf.tables.common import display_case, display_units

# Why a subject has a narrative (ICH E3 12.3.2), in the order the narrative states them.
REASONS = {
    "death": "death",
    "serious": "serious adverse event",
    "discontinuation": "adverse event leading to discontinuation of treatment",
}
# ADEX parameters of the dosing sentence (SAP 6, exposure), in this order where present.
EXPOSURE = ["NCYCLE", "CUMDOSE", "NREDUCE", "NDELAY", "NINTRP"]
# CDISC SEX codelist (C66731) decodes; another code is shown as it is.
SEX = {"F": "female", "M": "male", "U": "unknown sex", "UNDIFFERENTIATED": "undifferentiated"}
# CDISC NY codelist decodes of AESER.
SERIOUS = {"Y": "Yes", "N": "No"}
EVENT_COLUMNS = [
    "Event (reported term)",
    "Start (study day)",
    "End (study day)",
    "Grade",
    "Serious",
    "Relationship",
    "Action taken",
    "Outcome",
]


@dataclass
class Narrative:
    usubjid: str
    reasons: str
    sentences: list[str]
    events: list[list[str]] = field(default_factory=list)


def display(value) -> str:
    """A data value as text in display case (``display_case``: "DOSE REDUCED" -> "Dose
    reduced", acronyms and units kept); missing is ''."""
    if value is None or pd.isna(value):
        return ""
    return display_case(str(value).strip())


def _date(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _day(value, first_dose):
    """Study day of a date from the first dose (SAP 3, no day 0); None if either is missing."""
    if value is None or first_dose is None or pd.isna(value) or pd.isna(first_dose):
        return None
    dates, reference = pd.Series([pd.Timestamp(value)]), pd.Series([pd.Timestamp(first_dose)])
    return study_day(dates, reference).iloc[0]


def _dated(value, day) -> str:
    """ "2014-08-01 (day 5)"; '' without a date."""
    if pd.isna(value):
        return ""
    return f"{_date(value)} (day {int(day)})" if not pd.isna(day) else _date(value)


def _in_sentence(label: str) -> str:
    """A parameter label inside a sentence: "Cumulative Dose (mg/m2)" -> "cumulative dose
    (mg/m2)"; the unit in parentheses keeps its case."""
    return "".join(
        part if part.startswith("(") else part.lower()
        for part in re.split(r"(\([^)]*\))", str(label))
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def narrative_subjects(adsl: pd.DataFrame, adae: pd.DataFrame) -> pd.DataFrame:
    """Safety-set subjects that need a narrative (ICH E3 12.3.2): a death (ADSL DTHFL), a serious
    AE (ADAE SERFL) or an AE leading to discontinuation (ADAE DISCFL); one row per subject with
    a True/False column per reason of ``REASONS``, sorted by USUBJID."""
    safety = adsl.loc[adsl["SAFFL"] == "Y"].set_index("USUBJID")
    events = adae.loc[adae["USUBJID"].isin(safety.index)]

    def flagged(frame: pd.DataFrame, column: str) -> pd.Series:
        subjects = frame.loc[frame[column] == "Y", "USUBJID"] if column in frame else []
        return pd.Series(safety.index.isin(subjects), index=safety.index)

    reasons = pd.DataFrame(
        {
            "death": flagged(safety.reset_index(), "DTHFL").to_numpy(),
            "serious": flagged(events, "SERFL").to_numpy(),
            "discontinuation": flagged(events, "DISCFL").to_numpy(),
        },
        index=safety.index,
    )
    return reasons[reasons.any(axis=1)].sort_index()


def narrative_events(adae: pd.DataFrame) -> pd.DataFrame:
    """The adverse events a narrative describes (ICH E3 12.3.2): serious, leading to
    discontinuation or fatal, by subject, start date and AESEQ."""
    keep = pd.Series(False, index=adae.index)
    for column in ("SERFL", "DISCFL", "FATALFL"):
        if column in adae:
            keep |= adae[column] == "Y"
    return adae.loc[keep].sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="stable")


def _event_row(event: pd.Series, first_dose) -> list[str]:
    term = display(event.get("AEDECOD"))
    reported = display(event.get("AETERM"))
    if reported and reported.lower() != term.lower():
        term = f"{term} ({reported})"
    start = _dated(event.get("ASTDT"), event.get("ASTDY"))
    if start and display(event.get("ASTDTF")):
        start += ", imputed"
    end_date = event.get("AENDT")
    end = _dated(end_date, _day(end_date, first_dose)) or "No end date"
    grade = event.get("ATOXGRN")
    return [
        term,
        start,
        end,
        "" if grade is None or pd.isna(grade) else f"{grade:.0f}",
        SERIOUS.get(event.get("AESER"), display(event.get("AESER"))),
        display(event.get("AEREL")),
        display(event.get("AEACN")),
        display(event.get("AEOUT")),
    ]


def _demographics(subject: pd.Series, arm: str) -> str:
    parts = []
    if not pd.isna(subject.get("AGE", float("nan"))):
        unit = display(subject.get("AGEU")).lower() or "years"
        parts.append(f"aged {subject['AGE']:.0f} {unit}")
    if display(subject.get("SEX")):
        parts.append(SEX.get(subject["SEX"], display(subject["SEX"])))
    if display(subject.get("RACE")):
        parts.append(f"race {display(subject['RACE'])}")
    text = ", ".join(parts) if parts else "demographics not collected"
    # The arm is a label, with its units typeset as in every table.
    treatment = display_units(display(subject.get(arm)))
    return f"The subject ({text}) received {treatment}." if treatment else f"Subject: {text}."


def _dosing(subject: pd.Series, exposure: pd.DataFrame) -> str:
    first, last = subject.get("TRTSDT"), subject.get("TRTEDT")
    text = f"First dose on {_date(first)} (day 1)"
    if last is None or pd.isna(last):
        text += ", last dose date not collected"
    else:
        text += f", last dose on {_dated(last, _day(last, first))}"
    values = [
        f"{_in_sentence(row['PARAM'])}: {_number(row['AVAL'])}"
        for _, row in exposure.iterrows()
        if not pd.isna(row["AVAL"])
    ]
    text += f"; {'; '.join(values)}." if values else "."
    if display(subject.get("DCTREAS")):
        text += f" Reason for discontinuation of treatment: {display(subject['DCTREAS'])}."
    return text


def _death(subject: pd.Series) -> str:
    died = subject.get("DTHDT")
    # ADSL's relative day of death and days since the last dose where it has them (SAP 3, 6).
    day = subject.get("DTHADY")
    if day is None:
        day = _day(died, subject.get("TRTSDT"))
    text = f"The subject died on {_dated(died, day)}"
    after = subject.get("LDDTHELD")
    if after is None and not pd.isna(subject.get("TRTEDT")):
        after = (pd.Timestamp(died) - pd.Timestamp(subject["TRTEDT"])).days
    if after is not None and not pd.isna(after):
        text += f", {after:.0f} days after the last dose"
    if display(subject.get("DTHDTF")):
        text += " (date partly imputed)"
    cause = display(subject.get("DTHCAUS"))
    return text + (f"; cause of death: {cause}." if cause else ".")


def patient_narratives(
    adsl: pd.DataFrame,
    adae: pd.DataFrame,
    adex: pd.DataFrame,
    arm: str = "ACTARM",
    limit: int | None = None,
) -> list[Narrative]:
    """Narratives of ICH E3 12.3.2 (SAP 6, safety), one per subject of
    ``narrative_subjects`` sorted by USUBJID: demographics (ADSL AGE, SEX, RACE and the arm
    ``arm``), dosing (TRTSDT, TRTEDT and the ADEX parameters of ``EXPOSURE``, the reason for
    ending treatment DCTREAS), the serious, discontinuation-leading and fatal AEs (term, start
    and end with study days, grade, seriousness, relationship, action taken, outcome) and the
    death (date, study day, days after the last dose, and the cause where ADSL has DTHCAUS).
    Study days count from the first dose with no day 0 (SAP 3), as ADAE ASTDY. With ``limit``
    only the first ``limit`` subjects are written (the CSR prints no more)."""
    reasons = narrative_subjects(adsl, adae).head(limit)
    subjects = adsl.set_index("USUBJID")
    events = narrative_events(adae.loc[adae["USUBJID"].isin(reasons.index)])
    exposure = adex.loc[adex["PARAMCD"].isin(EXPOSURE) & adex["USUBJID"].isin(reasons.index)]
    exposure = exposure.assign(
        _o=exposure["PARAMCD"].map({code: i for i, code in enumerate(EXPOSURE)})
    ).sort_values(["USUBJID", "_o"], kind="stable")
    by_subject_events = dict(tuple(events.groupby("USUBJID", sort=False)))
    by_subject_exposure = dict(tuple(exposure.groupby("USUBJID", sort=False)))
    narratives = []
    for usubjid, flags in reasons.iterrows():
        subject = subjects.loc[usubjid]
        sentences = [
            _demographics(subject, arm),
            _dosing(subject, by_subject_exposure.get(usubjid, exposure.iloc[:0])),
        ]
        if flags["death"]:
            sentences.append(_death(subject))
        rows = by_subject_events.get(usubjid, events.iloc[:0])
        narratives.append(
            Narrative(
                usubjid=usubjid,
                reasons="; ".join(text for key, text in REASONS.items() if flags[key]),
                sentences=sentences,
                events=[_event_row(event, subject.get("TRTSDT")) for _, event in rows.iterrows()],
            )
        )
    return narratives
