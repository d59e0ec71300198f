"""Checks across SDTM domains (subjects, consent, death, dosing, tumour data) on the cut data.

Each check is vectorised over records; findings use the columns of ``oncocsr.checks``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.adsl import derive_consent_date
from oncocsr.adam.common import criterion_records, upper
from oncocsr.checks import finding, records_findings
from oncocsr.dates import impute_date, to_date
from oncocsr.findings import COLUMNS, sort_findings
from oncocsr.safetychecks import ae_action_findings
from oncocsr.sdtmigchecks import cross_conformance_findings
from oncocsr.studychecks import study_findings
from oncocsr.studyconfig import with_defaults

# Domains whose records happen on study, after consent (prior history in MH/CM may predate it).
ON_STUDY_DATES = {"AE": "AESTDTC", "EX": "EXSTDTC", "RS": "RSDTC", "TR": "TRDTC", "TU": "TUDTC"}
# Dates that show the subject alive, beyond the ones CROSS.AFTER_DEATH checks (ON_STUDY_DATES
# and DS): the rest of ADSL's last-known-alive dates (oncocsr.adam.adsl.ALIVE_DATES), and
# medications, visits and questionnaires, none of which a dead subject has. Survival contacts
# count only where the status is alive (terms.alive).
ALIVE_AFTER_DEATH_DATES = {
    "DM": ["RFICDTC", "RFSTDTC", "RFXSTDTC", "RFXENDTC", "RFENDTC"],
    "AE": ["AEENDTC"],
    "EX": ["EXENDTC"],
    "SS": ["SSDTC"],
    "CM": ["CMSTDTC", "CMENDTC"],
    "SV": ["SVSTDTC", "SVENDTC"],
    "QS": ["QSDTC"],
}
# ADSL's other last-known-alive dates, which CROSS.AFTER_DEATH checks against a full death date
# only: against a partial one, CROSS.ALIVE_AFTER_DEATH checks them (ADSL imputes that death no
# earlier than the last date alive, so a record after the death's month moves it out).
PARTIAL_DEATH_DATES = {
    "AE": ["AESTDTC"],
    "EX": ["EXSTDTC"],
    "RS": ["RSDTC"],
    "TR": ["TRDTC"],
    "DS": ["DSSTDTC"],
}


def _frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def _subject_dates(dm: pd.DataFrame, ds: pd.DataFrame | None, terms: dict) -> pd.DataFrame:
    """Consent (DM.RFICDTC, else the DS milestone) and death date (DM.DTHDTC, full dates only)."""
    unique = dm.drop_duplicates("USUBJID")
    by = unique.set_index("USUBJID")
    consent = derive_consent_date(unique, ds, terms["ds"]["consent"])
    death = to_date(by["DTHDTC"]) if "DTHDTC" in by else pd.Series(pd.NaT, index=by.index)
    return pd.DataFrame({"consent": consent, "death": death})


def check_orphans(domains: dict[str, pd.DataFrame], files: dict[str, str]) -> pd.DataFrame:
    """CROSS.ORPHAN: every subject of another domain must be in DM."""
    known = set(domains["DM"]["USUBJID"])
    parts = []
    for name, frame in domains.items():
        if name == "DM" or "USUBJID" not in frame:
            continue
        mask = ~frame["USUBJID"].isin(known)
        parts.append(
            records_findings(
                frame,
                name,
                mask,
                check_id="CROSS.ORPHAN",
                severity="error",
                file=files[name],
                variable="USUBJID",
                message="subject is not in DM",
            )
        )
    return _frames(parts)


def check_dates_against_consent_and_death(
    domains: dict[str, pd.DataFrame], files: dict[str, str], terms: dict
) -> pd.DataFrame:
    """CROSS.BEFORE_CONSENT and CROSS.AFTER_DEATH for dated on-study records.

    A record after death is an error for AE, EX, RS, TR and TU; the disposition domain may
    carry administrative records after death, which are reported as warnings.
    """
    dates = _subject_dates(domains["DM"], domains.get("DS"), terms)
    parts = []
    for name, variable in {**ON_STUDY_DATES, "DS": "DSSTDTC"}.items():
        frame = domains.get(name)
        if frame is None or variable not in frame:
            continue
        when = to_date(frame[variable])
        subject = dates.reindex(frame["USUBJID"])
        consent = pd.Series(subject["consent"].to_numpy(), index=frame.index)
        death = pd.Series(subject["death"].to_numpy(), index=frame.index)
        if name != "DS":
            parts.append(
                records_findings(
                    frame,
                    name,
                    when < consent,
                    check_id="CROSS.BEFORE_CONSENT",
                    severity="warning",
                    file=files[name],
                    variable=variable,
                    message="record dated before informed consent",
                )
            )
        after = when > death
        if name == "DS":
            after &= upper(frame["DSDECOD"]) != terms["ds"]["death"].upper()
        parts.append(
            records_findings(
                frame,
                name,
                after,
                check_id="CROSS.AFTER_DEATH",
                severity="warning" if name == "DS" else "error",
                file=files[name],
                variable=variable,
                message="record dated after the subject's death (DM.DTHDTC)",
            )
        )
    return _frames(parts)


def _alive_records(frame: pd.DataFrame, domain: str, terms: dict) -> pd.DataFrame:
    """The records of ``domain`` whose dates show the subject alive (for SS: status alive; for
    DS: not the death record)."""
    if domain == "DS" and "DSDECOD" in frame:
        return frame[upper(frame["DSDECOD"]) != terms["ds"]["death"].upper()]
    if domain == "SS":
        status = upper(frame.get("SSSTRESC", pd.Series("", index=frame.index)))
        return frame[status.isin([term.upper() for term in terms["alive"]])]
    return frame


def check_alive_after_death(
    domains: dict[str, pd.DataFrame], files: dict[str, str], terms: dict
) -> pd.DataFrame:
    """CROSS.ALIVE_AFTER_DEATH: a record that shows the subject alive
    (``ALIVE_AFTER_DEATH_DATES``, and where the death date is partial ``PARTIAL_DEATH_DATES``:
    together every date ADSL's last-known-alive date LSTALVDT rests on) dated after the
    subject's death (DM.DTHDTC); the message names both dates. Only what is certainly after
    counts: the record's earliest possible day after the death's latest (no record of May 2016
    is after a death in May 2016).

    An error where the death date is partial: ADSL imputes it no earlier than the last date
    known alive, so the record moves the death out of its month and changes OS. A warning where
    the death date is full, which OS takes as it is: one of the two dates is wrong.
    """
    dm = domains["DM"].drop_duplicates("USUBJID")
    if "DTHDTC" not in dm:
        return pd.DataFrame(columns=COLUMNS)
    imputed = impute_date(dm["DTHDTC"], "last")
    death = pd.Series(imputed["date"].to_numpy(), index=dm["USUBJID"])
    partial = pd.Series((imputed["flag"] != "").to_numpy(), index=dm["USUBJID"])
    shown = pd.Series(dm["DTHDTC"].to_numpy(), index=dm["USUBJID"])
    parts = []
    sources = [(ALIVE_AFTER_DEATH_DATES, False), (PARTIAL_DEATH_DATES, True)]
    for dates, partial_only in sources:
        parts += _alive_after_death(
            domains, files, terms, dates, death, partial, shown, partial_only
        )
    return _frames(parts)


def _alive_after_death(
    domains, files, terms, dates, death, partial, shown, partial_only
) -> list[pd.DataFrame]:
    """CROSS.ALIVE_AFTER_DEATH findings of the ``dates`` sources, only where the death date is
    partial if ``partial_only``."""
    parts = []
    for name, variables in dates.items():
        frame = domains.get(name)
        if frame is None or "USUBJID" not in frame:
            continue
        frame = _alive_records(frame, name, terms)
        subjects = frame["USUBJID"]
        for variable in [variable for variable in variables if variable in frame]:
            after = impute_date(frame[variable], "first")["date"] > subjects.map(death)
            if partial_only:
                after &= subjects.map(partial).eq(True)
            if not after.any():
                continue
            found = records_findings(
                frame,
                name,
                after,
                check_id="CROSS.ALIVE_AFTER_DEATH",
                severity="warning",
                file=files[name],
                variable=variable,
                message="",
            )
            moved = subjects[after].map(partial).to_numpy(dtype=bool)
            found["severity"] = np.where(moved, "error", "warning")
            found["message"] = (
                f"{name}.{variable} "
                + frame.loc[after, variable]
                + " shows the subject alive after the death on "
                + subjects[after].map(shown)
                + " (DM.DTHDTC)"
                + np.where(moved, ": the imputed death date moves to it (OS)", "")
            ).to_numpy()
            parts.append(found)
    return parts


def check_consent(
    domains: dict[str, pd.DataFrame], files: dict[str, str], terms: dict
) -> pd.DataFrame:
    """CROSS.NO_CONSENT: where the study defines enrolment by consent, every subject in DM
    needs an informed-consent date (DM.RFICDTC or the DS milestone); without it the subject
    cannot be counted as enrolled (SAP section 2)."""
    dm = domains["DM"]
    dates = _subject_dates(dm, domains.get("DS"), terms)
    mask = dm["USUBJID"].map(dates["consent"]).isna()
    return records_findings(
        dm,
        "DM",
        mask,
        check_id="CROSS.NO_CONSENT",
        severity="warning",
        file=files["DM"],
        variable="RFICDTC",
        message="no informed-consent date in DM.RFICDTC or in DS",
    )


def check_first_dose(
    domains: dict[str, pd.DataFrame], files: dict[str, str], terms: dict
) -> pd.DataFrame:
    """CROSS.NO_FIRST_DOSE: a subject with an actual treatment arm must have a dated dose."""
    dm = domains["DM"]
    ex = domains.get("EX")
    arm = upper(dm["ACTARMCD"]) if "ACTARMCD" in dm else pd.Series("", index=dm.index)
    treated = ~arm.isin({code.upper() for code in terms["not_treated_arms"]})
    dosed = set()
    if ex is not None and "EXSTDTC" in ex:
        dosed = set(ex.loc[to_date(ex["EXSTDTC"]).notna(), "USUBJID"])
    mask = treated & ~dm["USUBJID"].isin(dosed)
    return records_findings(
        dm,
        "DM",
        mask,
        check_id="CROSS.NO_FIRST_DOSE",
        severity="error",
        file=files["DM"],
        variable="ACTARMCD",
        message="actual arm is a treatment but EX has no dated dose",
    )


def check_new_therapy_after_first_dose(
    domains: dict[str, pd.DataFrame], files: dict[str, str], terms: dict
) -> pd.DataFrame:
    """CROSS.NEW_THERAPY_BEFORE_DOSE: subsequent anticancer therapy must start after first dose."""
    cm, ex = domains.get("CM"), domains.get("EX")
    category = terms["cm"]["subsequent_therapy"]
    if cm is None or ex is None or "CMCAT" not in cm or category is None:
        return pd.DataFrame(columns=COLUMNS)
    first = to_date(ex["EXSTDTC"]).groupby(ex["USUBJID"]).min()
    start = impute_date(cm["CMSTDTC"], "last")["date"]
    later = upper(cm["CMCAT"]) == category.upper()
    before = later & (start < cm["USUBJID"].map(first))
    return records_findings(
        cm,
        "CM",
        before,
        check_id="CROSS.NEW_THERAPY_BEFORE_DOSE",
        severity="error",
        file=files["CM"],
        variable="CMSTDTC",
        message="subsequent anticancer therapy starts before the first dose",
    )


def _evaluator(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """Who assessed: --EVAL (blank = investigator) and --EVALID (e.g. which radiologist)."""
    evaluator = (
        frame[f"{prefix}EVAL"].replace("", "INVESTIGATOR")
        if f"{prefix}EVAL" in frame
        else "INVESTIGATOR"
    )
    evaluator = pd.Series(evaluator, index=frame.index)
    if f"{prefix}EVALID" in frame:
        evaluator = evaluator + "/" + frame[f"{prefix}EVALID"]
    return evaluator


def check_tumour_consistency(
    domains: dict[str, pd.DataFrame], files: dict[str, str], settings: dict
) -> pd.DataFrame:
    """CROSS.RS_WITHOUT_TR and CROSS.PD_DISAGREE between overall response and measurements.

    Per subject, evaluator and assessment date, among the overall responses of the study's
    criterion (``response``): an overall response other than NE needs tumour measurements that
    day; RS says PD exactly when TR/TU show progression (target sum at least 20% and 5 mm over
    the nadir, a new lesion, or a non-target or new lesion in one of the study's progression
    states, ``tumour.progression_states``).
    """
    rs, tr, tu = domains.get("RS"), domains.get("TR"), domains.get("TU")
    if rs is None or tr is None or "RSTESTCD" not in rs or "TRDTC" not in tr:
        return pd.DataFrame(columns=COLUMNS)
    response = settings["response"]
    overall = rs[
        (rs["RSTESTCD"] == "OVRLRESP") & criterion_records(rs, "RS", response["criterion"])
    ]
    mapping = {key.upper(): value for key, value in response["terms"].items()}
    overall = overall.assign(
        _d=lambda f: to_date(f["RSDTC"]),
        _e=lambda f: _evaluator(f, "RS"),
        RSSTRESC=lambda f: upper(f["RSSTRESC"]).map(mapping).fillna(upper(f["RSSTRESC"])),
    )
    # Only the variables used: a copy of all of TR (millions of records) costs seconds.
    used = ["USUBJID", "TRGRPID", "TRTESTCD", "TRSTRESN", "TRSTRESC"]
    measured = tr[[column for column in used if column in tr]].assign(
        _d=to_date(tr["TRDTC"]), _e=_evaluator(tr, "TR")
    )
    keys = ["USUBJID", "_e", "_d"]
    has_tr = _keys(overall, keys).isin(_keys(measured, keys))
    parts = [
        records_findings(
            overall,
            "RS",
            (overall["RSSTRESC"] != "NE") & overall["_d"].notna() & ~has_tr,
            check_id="CROSS.RS_WITHOUT_TR",
            severity="warning",
            file=files["RS"],
            variable="RSDTC",
            message="overall response without tumour measurements on that date",
        )
    ]
    evidence = _progression_evidence(measured, tu, settings["tumour"]["progression_states"])
    flagged = overall.merge(evidence, on=keys, how="left")
    flagged["progression"] = flagged["progression"].eq(True)
    known = flagged["_d"].notna() & _keys(flagged, keys).isin(_keys(evidence, keys))
    says_pd = flagged["RSSTRESC"] == "PD"
    disagree = known & (flagged["RSSTRESC"] != "NE") & (says_pd != flagged["progression"])
    parts.append(
        records_findings(
            flagged,
            "RS",
            disagree,
            check_id="CROSS.PD_DISAGREE",
            severity="warning",
            file=files["RS"],
            variable="RSSTRESC",
            message="RS and TR/TU disagree on progression at this assessment",
        )
    )
    return _frames(parts)


def _keys(frame: pd.DataFrame, keys: list[str]) -> pd.MultiIndex:
    """The key columns as an index, without copying the rest of the frame (as set_index does)."""
    return pd.MultiIndex.from_frame(frame[keys])


def _progression_evidence(
    measured: pd.DataFrame, tu: pd.DataFrame | None, states: list[str]
) -> pd.DataFrame:
    """Per subject, evaluator and date: do the measurements show RECIST progression?"""
    keys = ["USUBJID", "_e", "_d"]
    target = measured[
        (measured.get("TRGRPID", pd.Series("TARGET", index=measured.index)) == "TARGET")
        & measured["TRTESTCD"].isin(["LDIAM", "SUMDIAM"])
    ]
    has_sum = set(target.loc[target["TRTESTCD"] == "SUMDIAM", "USUBJID"])
    lesions = target[(target["TRTESTCD"] == "LDIAM") & ~target["USUBJID"].isin(has_sum)]
    per_date = lesions.groupby(keys)["TRSTRESN"].agg(["sum", "count"]).reset_index()
    # A scan that did not measure every target lesion has no sum (it is not evaluable).
    expected = per_date.groupby(["USUBJID", "_e"])["count"].transform("max")
    per_date["total"] = per_date["sum"].where(per_date["count"] == expected)
    given = target[target["TRTESTCD"] == "SUMDIAM"].rename(columns={"TRSTRESN": "total"})
    given = given.assign(sum=given["total"])
    columns = [*keys, "total", "sum"]
    sums = pd.concat([per_date[columns], given[columns]], ignore_index=True)
    sums = sums.sort_values(keys).reset_index(drop=True)
    for column in ("total", "sum"):
        sums[column] = pd.to_numeric(sums[column], errors="coerce").astype(float)
    # Nadir before each scan: running minimum of the complete sums, carried over gaps, lagged.
    who = [sums["USUBJID"], sums["_e"]]
    running = sums.groupby(who)["total"].cummin()
    nadir = running.groupby(who).ffill().groupby(who).shift()
    # The lesions measured may already show progression even when one was not measured.
    sums["target_pd"] = (sums["sum"] >= 1.2 * nadir) & (sums["sum"] - nadir >= 5)
    state = upper(measured.get("TRSTRESC", pd.Series("", index=measured.index)))
    unequivocal = measured[state.isin([s.upper() for s in states])][keys].drop_duplicates()
    events = [unequivocal]
    if tu is not None and "TUSTRESC" in tu:
        new = tu[tu["TUSTRESC"] == "NEW"]
        date = to_date(new["TUDTC"]) if "TUDTC" in new else pd.Series(pd.NaT, index=new.index)
        events.append(
            pd.DataFrame({"USUBJID": new["USUBJID"], "_e": _evaluator(new, "TU"), "_d": date})
        )
    other = pd.concat(events, ignore_index=True).dropna().drop_duplicates().assign(other=True)
    evidence = sums.merge(other, on=keys, how="outer")
    evidence["progression"] = evidence["target_pd"].eq(True) | evidence["other"].eq(True)
    return evidence[[*keys, "progression"]].dropna(subset=["_d"])


def check_unknown_files(unknown: list[str]) -> pd.DataFrame:
    """FILE.UNKNOWN_DOMAIN: SDTM-typed files the pipeline has no checks for (not read)."""
    return pd.DataFrame(
        [
            finding(
                "FILE.UNKNOWN_DOMAIN",
                "warning",
                path,
                "",
                "no checks exist for this domain; file not read",
            )
            for path in sorted(unknown)
        ],
        columns=COLUMNS,
    )


def cross_check(
    domains: dict[str, pd.DataFrame],
    files: dict[str, str],
    unknown: list[str],
    cutoff: str = "2100-01-01",
    settings: dict | None = None,
) -> pd.DataFrame:
    """Every cross-domain check, with the study's terms and settings (``settings``: the cut's
    SAP sections; missing ones take the schema's defaults); DM is required (its absence is
    itself a finding)."""
    settings = with_defaults(settings)
    terms = settings["terms"]
    if "DM" not in domains or "USUBJID" not in domains["DM"]:
        missing = finding(
            "CROSS.NO_DM", "error", "", "", "no usable DM: subjects cannot be checked"
        )
        return sort_findings(_frames([pd.DataFrame([missing]), check_unknown_files(unknown)]))
    parts = [
        check_orphans(domains, files),
        check_dates_against_consent_and_death(domains, files, terms),
        check_alive_after_death(domains, files, terms),
        check_first_dose(domains, files, terms),
        ae_action_findings(domains, files, settings["exposure"]),
        check_new_therapy_after_first_dose(domains, files, terms),
        check_tumour_consistency(domains, files, settings),
        check_unknown_files(unknown),
        study_findings(domains, files, cutoff, settings),
        cross_conformance_findings(domains, files, unknown),
    ]
    if settings["populations"]["enrolled"] == "consent":
        parts.append(check_consent(domains, files, terms))
    return sort_findings(_frames(parts))


def has_errors(findings: pd.DataFrame) -> bool:
    return bool(np.any(findings["severity"] == "error"))
