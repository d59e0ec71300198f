"""ADSL: one record per subject with analysis sets, key dates and baseline characteristics.

Implements SAP sections 2 (analysis sets), 3 (dates, death, last known alive) and the baseline
and subgroup variables of section 6. Every controlled term comes from the study's settings
(``terms``, ``baseline``, ``tumour``: schemas/config.schema.yaml); a characteristic the study did
not collect is left out of ADSL, which the tables report as "not collected".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.adsl_entry import derive_entry_characteristics
from oncocsr.adam.common import (
    criterion_records,
    evaluator_records,
    flag,
    merge_supplemental,
    upper,
    yes_no,
)
from oncocsr.dates import impute_date, to_date
from oncocsr.studyconfig import with_defaults

# Dated variables whose dates show a subject alive (SAP section 5, OS): in DM the consent, first
# and last dose dates, never RFPENDTC (end of participation, often the data transfer date).
ALIVE_DATES = {
    "DM": ["RFICDTC", "RFSTDTC", "RFXSTDTC", "RFXENDTC", "RFENDTC"],
    "DS": ["DSSTDTC"],
    "EX": ["EXSTDTC", "EXENDTC"],
    "AE": ["AESTDTC", "AEENDTC"],
    "RS": ["RSDTC"],
    "TR": ["TRDTC"],
    "SS": ["SSDTC"],
}


def _first_per_subject(frame: pd.DataFrame, date: pd.Series, name: str, how: str = "min"):
    dated = pd.DataFrame({"USUBJID": frame["USUBJID"], name: date}).dropna()
    return dated.groupby("USUBJID")[name].agg(how)


def _ds_date(ds: pd.DataFrame | None, term: str | None, name: str) -> pd.Series:
    """First full DSSTDTC of the DS records whose DSDECOD is ``term`` (none without a term)."""
    if ds is None or term is None or "DSDECOD" not in ds:
        return pd.Series(dtype="datetime64[ns]", name=name)
    records = ds[upper(ds["DSDECOD"]) == term.upper()]
    return _first_per_subject(records, to_date(records["DSSTDTC"]), name)


def derive_treatment_dates(ex: pd.DataFrame) -> pd.DataFrame:
    """TRTSDT and TRTEDT: first and last exposure dates (SAP section 3, reference start).

    A record counts as a dose when it has a full start date and a positive dose, or is a
    placebo administration (dose 0 by definition).
    """
    start = to_date(ex["EXSTDTC"])
    end = to_date(ex["EXENDTC"]).fillna(start) if "EXENDTC" in ex else start
    dosed = ex[dosed_records(ex)]
    return pd.DataFrame(
        {
            "TRTSDT": _first_per_subject(dosed, start[dosed.index], "TRTSDT", "min"),
            "TRTEDT": _first_per_subject(dosed, end[dosed.index], "TRTEDT", "max"),
        }
    )


def dosed_records(ex: pd.DataFrame) -> pd.Series:
    """EX records that are a dose: a positive EXDOSE, or a placebo administration (EXTRT
    PLACEBO, dose 0 by definition), as CDISC names placebo."""
    dose = pd.to_numeric(ex.get("EXDOSE", pd.Series(np.nan, index=ex.index)), errors="coerce")
    return (dose > 0) | upper(ex["EXTRT"]).str.contains("PLACEBO")


def derive_consent_date(dm: pd.DataFrame, ds: pd.DataFrame | None, consent: str | None):
    """RFICDT: DM.RFICDTC, else the DS informed-consent milestone ``consent`` (SAP section 2)."""
    rficdtc = dm["RFICDTC"] if "RFICDTC" in dm else pd.Series("", index=dm.index)
    from_dm = pd.Series(to_date(rficdtc).to_numpy(), index=dm["USUBJID"])
    from_ds = _ds_date(ds, consent, "RFICDT")
    return from_dm.fillna(from_ds.reindex(from_dm.index)).rename("RFICDT")


def derive_last_alive_date(
    domains: dict[str, pd.DataFrame], cutoff: pd.Timestamp, terms: dict
) -> pd.Series:
    """LSTALVDT: latest full date that shows the subject alive, capped at the cutoff (SAP
    section 5, OS): DM consent, first and last dose dates; DS records other than death; EX, RS,
    TR; AE start dates, and end dates of AEs whose outcome is not fatal; survival contacts (SS)
    whose status is alive."""
    pieces = []
    for domain, variables in ALIVE_DATES.items():
        frame = domains.get(domain)
        if frame is None:
            continue
        if domain == "DS" and "DSDECOD" in frame:
            frame = frame[upper(frame["DSDECOD"]) != terms["ds"]["death"].upper()]
        if domain == "SS":
            status = upper(frame.get("SSSTRESC", pd.Series("", index=frame.index)))
            frame = frame[status.isin([term.upper() for term in terms["alive"]])]
        for variable in variables:
            if variable not in frame:
                continue
            records = frame
            if variable == "AEENDTC" and "AEOUT" in frame:
                # A fatal AE ends on the day of death: its end is no date alive.
                records = frame[upper(frame["AEOUT"]) != "FATAL"]
            pieces.append(
                pd.DataFrame({"USUBJID": records["USUBJID"], "d": to_date(records[variable])})
            )
    dates = pd.concat(pieces).dropna() if pieces else pd.DataFrame(columns=["USUBJID", "d"])
    return dates.groupby("USUBJID")["d"].max().clip(upper=cutoff).rename("LSTALVDT")


def derive_death(dm: pd.DataFrame, last_alive: pd.Series, cutoff: pd.Timestamp) -> pd.DataFrame:
    """DTHDT, DTHDTF, DTHFL: death on or before the cutoff (SAP section 3).

    A missing day is imputed to the first of the month but not before the last-known-alive date;
    a death after the cutoff is not a death in this cut.
    """
    dthdtc = dm["DTHDTC"] if "DTHDTC" in dm else pd.Series("", index=dm.index)
    imputed = impute_date(dthdtc, "first")
    date = pd.Series(imputed["date"].to_numpy(), index=dm["USUBJID"])
    imputation = pd.Series(imputed["flag"].to_numpy(), index=dm["USUBJID"])
    alive = last_alive.reindex(date.index)
    raised = (imputation != "") & (date < alive)
    date = date.mask(raised, alive)
    counted = date.notna() & (date <= cutoff)
    return pd.DataFrame(
        {
            "DTHDT": date.where(counted),
            "DTHDTF": imputation.where(counted, ""),
            "DTHFL": flag(counted),
        }
    )


# DD (SDTMIG 3.3 Death Details): the test code of the primary cause of death (CDISC CT DDTESTCD).
PRIMARY_CAUSE = "PRCDTH"
NOT_COLLECTED = "NOT COLLECTED"


def fatal_adverse_events(ae: pd.DataFrame) -> pd.Series:
    """AE records with a fatal outcome: grade 5, AEOUT FATAL or AESDTH Y (as ADAE's FATALFL,
    SAP section 6)."""

    def text(variable: str) -> pd.Series:
        return upper(ae[variable]) if variable in ae else pd.Series("", index=ae.index)

    grade = pd.to_numeric(ae.get("AETOXGR", pd.Series(np.nan, index=ae.index)), errors="coerce")
    return (grade == 5) | (text("AEOUT") == "FATAL") | (text("AESDTH") == "Y")


def derive_death_cause(domains: dict[str, pd.DataFrame], index: pd.Index, terms: dict):
    """DTHCAUS, cause of death (SAP section 6, deaths), from the first source that has one: the
    DD primary cause (DDTESTCD PRCDTH, DDSTRESC else DDORRES), the preferred term of the fatal
    AE (the latest to start), the DSTERM of the DS death record where it says more than the
    death term itself; else NOT COLLECTED. Blank for a subject who did not die."""
    sources = []
    dd = domains.get("DD")
    if dd is not None and {"DDTESTCD", "USUBJID"} <= set(dd.columns):
        records = dd[upper(dd["DDTESTCD"]) == PRIMARY_CAUSE]
        value = records.get("DDSTRESC", pd.Series("", index=records.index)).fillna("")
        original = records.get("DDORRES", pd.Series("", index=records.index)).fillna("")
        sources.append(
            pd.DataFrame(
                {"USUBJID": records["USUBJID"], "c": value.where(value.str.strip() != "", original)}
            )
        )
    ae = domains.get("AE")
    if ae is not None and "AEDECOD" in ae:
        fatal = ae[fatal_adverse_events(ae)].assign(_d=lambda f: to_date(f["AESTDTC"]))
        fatal = fatal.sort_values(["USUBJID", "_d"], kind="stable", na_position="first")
        last = fatal.groupby("USUBJID").tail(1)
        sources.append(pd.DataFrame({"USUBJID": last["USUBJID"], "c": last["AEDECOD"]}))
    ds = domains.get("DS")
    if ds is not None and {"DSDECOD", "DSTERM"} <= set(ds.columns):
        death = terms["ds"]["death"].upper()
        records = ds[(upper(ds["DSDECOD"]) == death) & (upper(ds["DSTERM"]) != death)]
        sources.append(pd.DataFrame({"USUBJID": records["USUBJID"], "c": records["DSTERM"]}))
    cause = pd.Series(np.nan, index=index, dtype=object)
    for source in sources:
        found = source[source["c"].fillna("").astype(str).str.strip() != ""]
        cause = cause.fillna(
            found.drop_duplicates("USUBJID").set_index("USUBJID")["c"].reindex(index)
        )
    return cause.fillna(NOT_COLLECTED).rename("DTHCAUS")


def derive_death_timing(adsl: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """DTHADY, LDDTHELD and DTHTEMFL of the subjects who died (SAP sections 3 and 6): the study
    day of death (no day 0), the days from the last dose to death, and Y for a death on or after
    the first dose and at most ``window_days`` (the treatment-emergent window,
    ``safety.teae_window_days``) after the last dose."""
    died = adsl["DTHDT"].notna()
    days = (adsl["DTHDT"] - adsl["TRTSDT"]).dt.days
    within = (adsl["DTHDT"] >= adsl["TRTSDT"]) & (
        adsl["DTHDT"] <= adsl["TRTEDT"] + pd.Timedelta(days=window_days)
    )
    return pd.DataFrame(
        {
            "DTHADY": days.where(days < 0, days + 1),
            "LDDTHELD": (adsl["DTHDT"] - adsl["TRTEDT"]).dt.days.astype(float),
            "DTHTEMFL": flag(died & within),
        },
        index=adsl.index,
    )


def groups_by_cut_points(values: pd.Series, cuts: list[float], integer: bool = False) -> np.ndarray:
    """Group labels of a number by ascending cut points (e.g. AGEGR1 from [50]: "<50",
    ">=50"); counts (``integer``) read "<=2" rather than "<3"; missing values give ""."""
    cuts = sorted(cuts)

    def text(value: float) -> str:
        return f"{value:g}"

    labels = []
    for i in range(len(cuts) + 1):
        if i == 0:
            labels.append(f"<={text(cuts[0] - 1)}" if integer else f"<{text(cuts[0])}")
        elif i == len(cuts):
            labels.append(f">={text(cuts[-1])}")
        else:
            upper_end = f"{text(cuts[i] - 1)}" if integer else f"<{text(cuts[i])}"
            labels.append(f"{text(cuts[i - 1])}-{upper_end}")
    position = np.searchsorted(np.asarray(cuts, dtype=float), values.to_numpy(float), "right")
    out = np.asarray(labels, dtype=object)[np.minimum(position, len(cuts))]
    return np.where(values.notna(), out, "")


def derive_ecog_baseline(
    domains: dict[str, pd.DataFrame], start: pd.Series, ecog: dict
) -> pd.Series | None:
    """ECOGBL: the last ECOG performance status on or before day 1, from RS or QS as the study
    records it (``baseline.ecog``); None where the study did not collect it."""
    frame = domains.get(ecog["domain"]) if ecog["domain"] != "none" else None
    if frame is None:
        return None
    prefix = ecog["domain"]
    if ecog.get("category"):
        column, value = f"{prefix}CAT", ecog["category"]
    else:
        column, value = f"{prefix}TESTCD", ecog.get("testcd") or ""
    if column not in frame or f"{prefix}DTC" not in frame:
        return None
    records = frame[upper(frame[column]) == value.upper()]
    if records.empty:
        return None
    records = records.assign(d=to_date(records[f"{prefix}DTC"]))
    records = records[records["d"] <= start.reindex(records["USUBJID"]).to_numpy()]
    last = records.sort_values(["USUBJID", "d"]).groupby("USUBJID").tail(1)
    return last.set_index("USUBJID")[f"{prefix}STRESC"].reindex(start.index).fillna("")


def derive_prior_regimens(cm: pd.DataFrame | None, category: str | None, index: pd.Index):
    """NPRREG: number of prior anticancer regimens (distinct CMGRPID of CM records of the prior
    therapy category); None where the study records no such category."""
    if cm is None or category is None or "CMCAT" not in cm:
        return None
    prior = cm[upper(cm["CMCAT"]) == category.upper()]
    if prior.empty:
        return None
    group = prior["CMGRPID"] if "CMGRPID" in prior else prior["CMTRT"]
    regimens = group.groupby(prior["USUBJID"]).nunique().reindex(index).fillna(0)
    return regimens.astype(float)


def derive_tumour_baseline(
    tu: pd.DataFrame | None, index: pd.Index, tumour: dict, evaluator: str
) -> pd.DataFrame:
    """VISCMET, LIVERMET, MDISFL and TUBLFL from the baseline lesions of the configured
    evaluator (SAP sections 2 and 6); no columns when the study has no TU."""
    if tu is None or "TUSTRESC" not in tu:
        return pd.DataFrame(index=index)
    tu = tu[evaluator_records(tu, "TU", evaluator)]
    role = upper(tu["TUSTRESC"])
    baseline = tu[role.isin(["TARGET", "NON-TARGET"])]
    site = upper(baseline.get("TULOC", pd.Series("", index=baseline.index)))
    has = index.isin(baseline["USUBJID"])
    visceral = index.isin(baseline.loc[site.isin(tumour["visceral_sites"]), "USUBJID"])
    liver = index.isin(baseline.loc[site.isin(tumour["liver_sites"]), "USUBJID"])
    target = baseline[upper(baseline["TUSTRESC"]) == "TARGET"]
    targets = target.groupby("USUBJID").size().reindex(index).fillna(0)
    return pd.DataFrame(
        {
            "VISCMET": np.where(has, np.where(visceral, "Y", "N"), ""),
            "LIVERMET": np.where(has, np.where(liver, "Y", "N"), ""),
            "MDISFL": flag(targets > 0),
            "TUBLFL": flag(has),
        },
        index=index,
    )


def derive_disposition(ds: pd.DataFrame, terms: dict) -> pd.DataFrame:
    """EOSSTT/DCSREAS and, where the study records end of treatment (``terms.ds
    .end_of_treatment``), EOTSTT/DCTREAS, from the last disposition event of each kind."""
    category = terms["ds"]["disposition_category"].upper()
    dscat = upper(ds["DSCAT"]) if "DSCAT" in ds else pd.Series("", index=ds.index)
    events = ds[dscat == category].assign(d=lambda f: to_date(f["DSSTDTC"]))
    end_of_treatment = terms["ds"]["end_of_treatment"]
    scat = upper(events["DSSCAT"]) if "DSSCAT" in events else pd.Series("", index=events.index)
    is_eot = scat == (end_of_treatment or "").upper() if end_of_treatment else scat.ne(scat)
    kinds = [("EOS", ~is_eot)] + ([("EOT", is_eot)] if end_of_treatment else [])
    completed = terms["ds"]["completed"].upper()
    out = {}
    for prefix, mask in kinds:
        last = (
            events[mask]
            .sort_values(["USUBJID", "d"])
            .groupby("USUBJID")
            .tail(1)
            .set_index("USUBJID")
        )
        status = np.where(upper(last["DSDECOD"]) == completed, "COMPLETED", "DISCONTINUED")
        out[f"{prefix}STT"] = pd.Series(status, index=last.index, dtype=object)
        reason = "DCSREAS" if prefix == "EOS" else "DCTREAS"
        out[reason] = last["DSDECOD"].where(status == "DISCONTINUED", "")
    return pd.DataFrame(out)


def derive_new_therapy_date(cm: pd.DataFrame | None, category: str | None) -> pd.Series:
    """NTRTDT: start of the first subsequent anticancer therapy (SAP sections 4 and 5).

    A partial start date is taken at its earliest, so that censoring for new therapy is never late.
    """
    if cm is None or category is None or "CMCAT" not in cm:
        return pd.Series(dtype="datetime64[ns]", name="NTRTDT")
    later = cm[upper(cm["CMCAT"]) == category.upper()]
    start = impute_date(later["CMSTDTC"], "first")["date"]
    return _first_per_subject(later, start, "NTRTDT")


def flag_screen_failures(adsl: pd.DataFrame, ds: pd.DataFrame, terms: dict) -> pd.Series:
    """Screen failures: planned arm code of a screen failure, or a DS screen-failure record."""
    codes = {code.upper() for code in terms["screen_failure_arms"]}
    failed = ds.loc[upper(ds["DSDECOD"]) == terms["ds"]["screen_failure"].upper(), "USUBJID"]
    return upper(adsl["ARMCD"]).isin(codes) | adsl.index.isin(failed)


def flag_enrolled(adsl: pd.DataFrame, screen_failure: pd.Series, definition: str) -> np.ndarray:
    """ENRLFL (SAP section 2): not a screen failure and, by the study's definition
    (``populations.enrolled``), an informed-consent date, a randomisation date or a dose."""
    evidence = {"consent": "RFICDT", "randomized": "RANDDT", "treated": "TRTSDT"}[definition]
    return yes_no(adsl[evidence].notna() & ~screen_failure)


def derive_adsl(
    domains: dict[str, pd.DataFrame], cutoff: str, settings: dict | None = None
) -> pd.DataFrame:
    """ADSL for every subject in DM (SAP sections 2, 3 and 6).

    ``settings`` holds the cut's SAP sections (``reference_start``, ``populations``, ``terms``,
    ``tumour``, ``baseline``, ``response``); missing ones take the schema's defaults.
    """
    settings = with_defaults(settings)
    terms, baseline = settings["terms"], settings["baseline"]
    dm, ds, ex = domains["DM"], domains["DS"], domains["EX"]
    cut = pd.Timestamp(cutoff)
    columns = ["STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "RACE", "ETHNIC"]
    columns += ["COUNTRY", "ARMCD", "ARM", "ACTARMCD", "ACTARM"]
    adsl = dm[[c for c in columns if c in dm]].copy()
    for column in ("ARMCD", "ARM", "ACTARMCD", "ACTARM"):
        if column not in adsl:
            adsl[column] = ""
    # One treatment period: planned and actual treatment are the arms (ADaMIG 1.3, 3.2.4).
    adsl["TRT01P"], adsl["TRT01A"] = adsl["ARM"], adsl["ACTARM"]
    adsl = adsl.set_index("USUBJID")
    index = adsl.index
    if "AGE" in adsl:
        adsl["AGEGR1"] = groups_by_cut_points(adsl["AGE"], baseline["age_groups"])
    adsl["RFICDT"] = derive_consent_date(dm, ds, terms["ds"]["consent"]).reindex(index)
    adsl = adsl.join(derive_treatment_dates(ex))
    adsl["TRTDURD"] = (adsl["TRTEDT"] - adsl["TRTSDT"]).dt.days + 1
    adsl["RANDDT"] = _ds_date(ds, terms["ds"]["randomized"], "RANDDT").reindex(index)
    start = {"first_dose": "TRTSDT", "randomization": "RANDDT"}[settings["reference_start"]]
    adsl["STARTDT"] = adsl[start]

    screen_failure = flag_screen_failures(adsl, ds, terms)
    adsl["SCRNFFL"] = flag(screen_failure)
    adsl["ENRLFL"] = flag_enrolled(adsl, screen_failure, settings["populations"]["enrolled"])
    adsl["ITTFL"] = adsl["ENRLFL"]
    dosed = adsl["TRTSDT"].notna()
    adsl["SAFFL"] = yes_no(dosed)
    adsl["FASFL"] = yes_no((adsl["ENRLFL"] == "Y") & dosed)

    adsl["LSTALVDT"] = derive_last_alive_date(domains, cut, terms).reindex(index)
    adsl = adsl.join(derive_death(dm, adsl["LSTALVDT"], cut))
    adsl = adsl.join(derive_death_timing(adsl, settings["safety"]["teae_window_days"]))
    died = adsl["DTHFL"] == "Y"
    adsl["DTHCAUS"] = derive_death_cause(domains, index, terms).where(died, "")
    adsl = adsl.join(derive_disposition(ds, terms))
    adsl["EOSSTT"] = adsl["EOSSTT"].fillna("ONGOING")
    if "EOTSTT" in adsl:
        # A subject never dosed has no end-of-treatment status, rather than "ongoing" treatment.
        adsl["EOTSTT"] = adsl["EOTSTT"].fillna("ONGOING").where(dosed, "")
    for column in ("DCSREAS", "DCTREAS"):
        if column in adsl:
            adsl[column] = adsl[column].fillna("")
    cm = domains.get("CM")
    adsl["NTRTDT"] = derive_new_therapy_date(cm, terms["cm"]["subsequent_therapy"]).reindex(index)
    ecog = derive_ecog_baseline(domains, adsl["STARTDT"].fillna(adsl["TRTSDT"]), baseline["ecog"])
    if ecog is not None:
        adsl["ECOGBL"] = ecog
    supplemental = merge_supplemental(dm, domains.get("SUPPDM"), "DM").set_index("USUBJID")
    for qnam in baseline["supplemental"]:
        if qnam in supplemental:
            adsl[qnam] = supplemental[qnam].reindex(index).fillna("")
    regimens = derive_prior_regimens(cm, terms["cm"]["prior_therapy"], index)
    if regimens is not None:
        adsl["NPRREG"] = regimens
        adsl["PRREGGR"] = groups_by_cut_points(regimens.where(regimens > 0), [3], integer=True)
    evaluator = settings["response"]["evaluator"]
    adsl = adsl.join(
        derive_tumour_baseline(domains.get("TU"), index, settings["tumour"], evaluator)
    )
    day_one = adsl["STARTDT"].fillna(adsl["TRTSDT"])
    adsl = adsl.join(derive_entry_characteristics(domains, day_one, settings))
    adsl["EFFFL"] = derive_efficacy_evaluable(adsl, domains, terms, settings["response"])
    adsl["DCUTDT"] = cut
    return adsl.reset_index()


def derive_efficacy_evaluable(
    adsl: pd.DataFrame, domains: dict[str, pd.DataFrame], terms: dict, response: dict
) -> np.ndarray:
    """EFFFL: FAS with measurable disease at baseline and a post-baseline tumour assessment of
    the study's criterion and evaluator, or progression or death before any assessment (SAP
    section 2)."""
    rs = domains.get("RS")
    if rs is None or "MDISFL" not in adsl:
        return yes_no(np.zeros(len(adsl), dtype=bool))
    overall = rs[
        (rs["RSTESTCD"] == "OVRLRESP")
        & criterion_records(rs, "RS", response["criterion"])
        & evaluator_records(rs, "RS", response["evaluator"])
    ]
    dates = impute_date(overall["RSDTC"], "last")["date"]
    start = adsl["STARTDT"].reindex(overall["USUBJID"]).to_numpy()
    assessed = set(overall.loc[(dates >= start).to_numpy(), "USUBJID"])
    ds = domains["DS"]
    progression = terms["ds"]["clinical_progression"]
    progressed = (
        set(ds.loc[upper(ds["DSDECOD"]) == progression.upper(), "USUBJID"])
        if progression
        else set()
    )
    outcome = adsl.index.isin(list(assessed | progressed)) | adsl["DTHDT"].notna()
    return yes_no((adsl["FASFL"] == "Y") & (adsl["MDISFL"] == "Y") & outcome)
