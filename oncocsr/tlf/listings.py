"""Section 16.2 listings (SAP section 7): one row per record, values rendered as text.

A listing is a plain model that ``reports/listing.html.j2`` renders. Rows are built with
vectorised string operations so that a 100,000-subject study lists in seconds; the CSR shows a
listing inline only up to ``report.listing_max_rows`` rows and otherwise refers to its appendix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from oncocsr.adam.adsl import NOT_COLLECTED as NOT_COLLECTED_CAUSE
from oncocsr.findings import COLUMNS as FINDING_COLUMNS
from oncocsr.tlf.tables.common import NOT_COLLECTED, display_case
from oncocsr.waivers import apply_waivers, describe


@dataclass
class Listing:
    tlf_id: str
    title: str
    population: str
    columns: list[str]
    rows: list[list[str]]
    footnotes: list[str] = field(default_factory=list)


def _text(column: pd.Series) -> pd.Series:
    """Display text of a column: ISO dates for datetimes, integers without '.0', '' for missing."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d").fillna("")
    if pd.api.types.is_float_dtype(column):
        whole = column.dropna().mod(1).eq(0).all()
        text = column.map(lambda v: f"{v:.0f}" if whole else f"{v:.1f}", na_action="ignore")
        return text.fillna("")
    return column.astype("string").fillna("").astype(object)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    """Rows of display text; a column the study did not collect is blank."""
    blank = pd.Series("", index=frame.index, dtype=object)
    return (
        pd.DataFrame({c: _text(frame[c]) if c in frame else blank for c in columns})
        .to_numpy()
        .tolist()
    )


def tumour_response_listing(
    adrs: pd.DataFrame, adtr: pd.DataFrame, response: dict | None = None
) -> Listing:
    """Listing 16.2.1: the overall response of the study's evaluator and criterion by visit
    (SAP 7) next to its RECIST 1.1 components (SAP 4, ADTR): the target-lesion sum, its nadir
    before the visit, the change from baseline and from the nadir, the non-target response and
    whether a new lesion was found; full analysis set, by subject and date. A component the
    study did not collect is blank and the footnote says so."""
    response = response or {"evaluator": "INVESTIGATOR", "criterion": "RECIST 1.1"}
    visits = adrs[(adrs["PARAMCD"] == "OVR") & (adrs["FASFL"] == "Y")]
    sums = adtr.loc[
        adtr["PARAMCD"] == "SUMDIAM",
        ["USUBJID", "ADT", "AVAL", *(c for c in ("NADIR", "PCHG", "PCHGNAD") if c in adtr)],
    ].rename(columns={"AVAL": "SUM"})
    components = {"NTRGRESP": "Non-target response", "NEWLIND": "New lesions"}
    frame = visits.merge(sums, on=["USUBJID", "ADT"], how="left")
    for paramcd in components:
        values = adtr.loc[adtr["PARAMCD"] == paramcd, ["USUBJID", "ADT", "AVALC"]]
        frame = frame.merge(
            values.rename(columns={"AVALC": paramcd}), on=["USUBJID", "ADT"], how="left"
        )
    best = adrs.loc[adrs["PARAMCD"] == "CBOR", ["USUBJID", "AVALC"]].rename(
        columns={"AVALC": "CBOR"}
    )
    frame = frame.merge(best, on="USUBJID", how="left").sort_values(
        ["USUBJID", "ADT"], kind="stable"
    )
    for column in ("PCHG", "PCHGNAD"):
        if column in frame:
            frame[column] = frame[column].round(1)
    columns = [
        "USUBJID",
        "VISIT",
        "ADT",
        "ADY",
        "SUM",
        "NADIR",
        "PCHG",
        "PCHGNAD",
        "NTRGRESP",
        "NEWLIND",
        "AVALC",
        "CBOR",
    ]
    missing = [
        text.lower()
        for paramcd, text in components.items()
        if not (adtr["PARAMCD"] == paramcd).any()
    ]
    footnotes = [
        f"Overall response by the {response['evaluator'].lower()} per "
        f"{response['criterion']} (ADRS PARAMCD=OVR). Sum: sum of target-lesion diameters; "
        "nadir: the smallest sum before the visit, baseline included; RECIST 1.1 target "
        "progression is an increase of at least 20% and 5 mm over the nadir (ADTR)."
    ]
    if missing:
        footnotes.append(f"Not collected: {' and '.join(missing)}.")
    if "non-target response" not in missing:
        footnotes.append("Non-target response blank: no non-target lesion assessed on the date.")
    return Listing(
        tlf_id="16.2.1",
        title="Tumour response by visit",
        population="Full analysis set",
        columns=[
            "Subject",
            "Visit",
            "Date",
            "Study day",
            "Sum (mm)",
            "Nadir (mm)",
            "Change from baseline (%)",
            "Change from nadir (%)",
            "Non-target response",
            "New lesion",
            "Overall response",
            "Best confirmed response",
        ],
        rows=_rows(frame, columns),
        footnotes=footnotes,
    )


def adverse_event_listing(adae: pd.DataFrame, grade_note: str = "Grade: NCI CTCAE.") -> Listing:
    """Listing 16.2.2: all adverse events of the safety set, treatment-emergent or not (SAP 7);
    the grade is the analysis grade (ATOXGRN, from the study's grade source), blank where the
    study did not collect one."""
    frame = adae[adae["SAFFL"] == "Y"].sort_values(["USUBJID", "ASTDT", "AESEQ"], kind="stable")
    columns = [
        "USUBJID",
        "AESEQ",
        "AEBODSYS",
        "AEDECOD",
        "AETERM",
        "ASTDT",
        "AENDT",
        "ASTDY",
        "ATOXGRN",
        "AESER",
        "AEREL",
        "AEACN",
        "AEOUT",
        "TRTEMFL",
    ]
    return Listing(
        tlf_id="16.2.2",
        title="Adverse events",
        population="Safety set",
        columns=[
            "Subject",
            "Seq",
            "System organ class",
            "Preferred term",
            "Reported term",
            "Start",
            "End",
            "Day",
            "Grade",
            "Serious",
            "Relationship",
            "Action taken",
            "Outcome",
            "TEAE",
        ],
        rows=_rows(frame, columns),
        footnotes=[f"{grade_note} TEAE: treatment-emergent per SAP (ADAE TRTEMFL)."],
    )


def deaths_listing(adsl: pd.DataFrame, adae: pd.DataFrame, window_days: int = 30) -> Listing:
    """Listing 16.2.3: deaths in the safety set (SAP 7) with the cause of death (DTHCAUS), the
    date and study day (DTHADY), the days since the last dose (LDDTHELD), whether the death was
    on treatment or within the treatment-emergent window of ``window_days``
    (``safety.teae_window_days``, DTHTEMFL) and the fatal adverse events."""
    deaths = adsl[(adsl["SAFFL"] == "Y") & (adsl["DTHFL"] == "Y")].copy()
    fatal = (
        adae[adae["FATALFL"] == "Y"]
        .sort_values(["USUBJID", "AEDECOD"])
        .groupby("USUBJID")["AEDECOD"]
        .agg("; ".join)
        .rename("FATALAE")
    )
    deaths = deaths.join(fatal, on="USUBJID").sort_values("USUBJID")
    if "DTHTEMFL" in deaths:
        deaths["DTHTEMFL"] = deaths["DTHTEMFL"].map({"Y": "Yes"}).fillna("No")
    if "DTHCAUS" in deaths:
        cause = deaths["DTHCAUS"].fillna("").astype(str)
        deaths["DTHCAUS"] = cause.map(display_case).where(
            cause != NOT_COLLECTED_CAUSE, NOT_COLLECTED
        )
    columns = [
        "USUBJID",
        "TRTSDT",
        "TRTEDT",
        "DTHDT",
        "DTHDTF",
        "DTHADY",
        "LDDTHELD",
        "DTHTEMFL",
        "DTHCAUS",
        "FATALAE",
    ]
    return Listing(
        tlf_id="16.2.3",
        title="Deaths",
        population="Safety set",
        columns=[
            "Subject",
            "First dose",
            "Last dose",
            "Date of death",
            "Imputation",
            "Study day",
            "Days since last dose",
            f"On treatment or within {window_days} days",
            "Cause of death",
            "Fatal adverse event",
        ],
        rows=_rows(deaths, columns),
        footnotes=[
            "Study day: days from first dose, first dose = day 1. Days since last dose: date of "
            "death minus date of last dose.",
            f"On treatment or within {window_days} days: death on or after the first dose and at "
            f"most {window_days} days after the last dose (the treatment-emergent window, SAP "
            "section 6).",
            "Cause of death: the primary cause in DD (DDTESTCD PRCDTH), else the fatal adverse "
            "event's preferred term, else the disposition death record's term (ADSL DTHCAUS).",
        ],
    )


def data_issues_listing(findings: pd.DataFrame, gate: str | None = None) -> Listing:
    """Listing 16.2.4: findings of the data checks (the run stops on errors, so these are
    warnings, information and the errors a waiver of the cut accepted, each with the waiver's
    reason and who accepted it; the gate file ``gate`` records the waivers)."""
    waivers = []
    if gate:
        with open(gate, encoding="utf-8") as handle:
            waivers = json.load(handle).get("waivers", [])
    findings, applied = apply_waivers(findings[FINDING_COLUMNS], waivers)
    columns = ["id", "severity", "usubjid", "variable", "seq", "value", "message", "waived"]
    footnotes = [f"{len(findings)} finding(s) in all; every finding is in checks/report.html."]
    footnotes += [
        f"Waiver: {describe(waiver)}, {waiver['matched']} finding(s) accepted: {waiver['reason']} "
        f"({waiver['by']})."
        for waiver in applied
    ]
    return Listing(
        tlf_id="16.2.4",
        title="Data issues found by the data checks",
        population="All records",
        columns=["Check", "Severity", "Subject", "Variable", "SEQ", "Value", "Message", "Waiver"],
        rows=_rows(findings, columns),
        footnotes=footnotes,
    )
