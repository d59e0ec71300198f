"""ADSL: one record per subject with analysis sets, key dates and baseline characteristics.

Implements SAP sections 2 (analysis sets), 3 (dates, death, last known alive) and the subgroup
variables of section 6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import flag, merge_supplemental
from oncocsr.dates import impute_date, to_date

SCREEN_FAILURE_CODES = {"SCRNFAIL", "SCREEN FAILURE", "SCREEN FAILED"}
VISCERAL_SITES = {"LIVER", "LUNG", "PLEURA", "PERITONEUM", "ADRENAL GLAND"}
# Dated variables whose dates show a subject alive (SAP section 5, OS); death records excluded.
ALIVE_DATES = {
    "DM": ["RFICDTC", "RFSTDTC", "RFXSTDTC", "RFXENDTC", "RFENDTC"],
    "DS": ["DSSTDTC"],
    "EX": ["EXSTDTC", "EXENDTC"],
    "AE": ["AESTDTC", "AEENDTC"],
    "RS": ["RSDTC"],
    "TR": ["TRDTC"],
}


def _first_per_subject(frame: pd.DataFrame, date: pd.Series, name: str, how: str = "min"):
    dated = pd.DataFrame({"USUBJID": frame["USUBJID"], name: date}).dropna()
    return dated.groupby("USUBJID")[name].agg(how)


def derive_treatment_dates(ex: pd.DataFrame) -> pd.DataFrame:
    """TRTSDT and TRTEDT: first and last exposure dates (SAP section 3, reference start).

    A record counts as a dose when it has a full start date and a positive dose, or is a
    placebo administration (dose 0 by definition).
    """
    start = to_date(ex["EXSTDTC"])
    end = to_date(ex["EXENDTC"]).fillna(start) if "EXENDTC" in ex else start
    dose = pd.to_numeric(ex.get("EXDOSE", pd.Series(np.nan, index=ex.index)), errors="coerce")
    placebo = ex["EXTRT"].str.upper().str.contains("PLACEBO")
    dosed = ex[(dose > 0) | placebo]
    return pd.DataFrame(
        {
            "TRTSDT": _first_per_subject(dosed, start[dosed.index], "TRTSDT", "min"),
            "TRTEDT": _first_per_subject(dosed, end[dosed.index], "TRTEDT", "max"),
        }
    )


def derive_consent_date(dm: pd.DataFrame, ds: pd.DataFrame | None) -> pd.Series:
    """RFICDT: DM.RFICDTC, else the DS informed-consent milestone (SAP section 2, ENRLFL)."""
    rficdtc = dm["RFICDTC"] if "RFICDTC" in dm else pd.Series("", index=dm.index)
    from_dm = pd.Series(to_date(rficdtc).to_numpy(), index=dm["USUBJID"])
    if ds is not None and "DSDECOD" in ds:
        consent_ds = ds[ds["DSDECOD"].str.upper() == "INFORMED CONSENT OBTAINED"]
        from_ds = _first_per_subject(consent_ds, to_date(consent_ds["DSSTDTC"]), "RFICDT")
        from_dm = from_dm.fillna(from_ds.reindex(from_dm.index))
    return from_dm.rename("RFICDT")


def derive_last_alive_date(domains: dict[str, pd.DataFrame], cutoff: pd.Timestamp) -> pd.Series:
    """LSTALVDT: latest full date of any record in DM, DS, EX, AE, RS, TR, capped at the cutoff
    (SAP section 5, OS). Death records do not show a subject alive."""
    pieces = []
    for domain, variables in ALIVE_DATES.items():
        frame = domains.get(domain)
        if frame is None:
            continue
        if domain == "DS":
            frame = frame[frame["DSDECOD"].str.upper() != "DEATH"]
        for variable in variables:
            if variable in frame:
                pieces.append(
                    pd.DataFrame({"USUBJID": frame["USUBJID"], "d": to_date(frame[variable])})
                )
    dates = pd.concat(pieces).dropna()
    return dates.groupby("USUBJID")["d"].max().clip(upper=cutoff).rename("LSTALVDT")


def derive_death(dm: pd.DataFrame, last_alive: pd.Series, cutoff: pd.Timestamp) -> pd.DataFrame:
    """DTHDT, DTHDTF, DTHFL: death on or before the cutoff (SAP section 3).

    A missing day is imputed to the first of the month but not before the last-known-alive date;
    a death after the cutoff is not a death in this cut.
    """
    imputed = impute_date(dm["DTHDTC"], "first")
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


def derive_baseline_characteristics(
    domains: dict[str, pd.DataFrame], trtsdt: pd.Series
) -> pd.DataFrame:
    """ECOG, subtype, prior regimens, visceral and liver metastases (SAP section 6 subgroups)."""
    index = trtsdt.index
    out = pd.DataFrame(index=index)
    rs = domains.get("RS")
    if rs is not None and "RSCAT" in rs:
        ecog = rs[rs["RSCAT"].str.upper() == "ECOG"].assign(d=lambda f: to_date(f["RSDTC"]))
        ecog = ecog[ecog["d"] <= trtsdt.reindex(ecog["USUBJID"]).to_numpy()]
        last = ecog.sort_values(["USUBJID", "d"]).groupby("USUBJID").tail(1)
        out["ECOGBL"] = last.set_index("USUBJID")["RSSTRESC"].reindex(index).fillna("")
    dm = merge_supplemental(domains["DM"], domains.get("SUPPDM"), "DM").set_index("USUBJID")
    if "SUBTYPE" in dm:
        out["SUBTYPE"] = dm["SUBTYPE"].reindex(index).fillna("")
    cm = domains.get("CM")
    if cm is not None and "CMCAT" in cm:
        prior = cm[cm["CMCAT"].str.upper() == "PRIOR ANTICANCER THERAPY"]
        regimens = prior.groupby("USUBJID")["CMGRPID"].nunique().reindex(index).fillna(0)
        out["NPRREG"] = regimens.astype(float)
        out["PRREGGR"] = np.where(regimens >= 3, ">=3", np.where(regimens > 0, "<=2", ""))
    tu = domains.get("TU")
    if tu is not None:
        baseline = tu[tu["TUSTRESC"].isin(["TARGET", "NON-TARGET"])]
        site = baseline["TULOC"].str.upper()
        has = index.isin(baseline["USUBJID"])
        visceral = index.isin(baseline.loc[site.isin(VISCERAL_SITES), "USUBJID"])
        liver = index.isin(baseline.loc[site == "LIVER", "USUBJID"])
        out["VISCMET"] = np.where(has, np.where(visceral, "Y", "N"), "")
        out["LIVERMET"] = np.where(has, np.where(liver, "Y", "N"), "")
        target = tu[tu["TUSTRESC"] == "TARGET"].groupby("USUBJID").size().reindex(index).fillna(0)
        out["MDISFL"] = flag(target > 0)
        out["TUBLFL"] = flag(has)
    return out


def derive_disposition(ds: pd.DataFrame) -> pd.DataFrame:
    """EOSSTT/DCSREAS and EOTSTT/DCTREAS from the disposition events of DS."""
    events = ds[ds["DSCAT"].str.upper() == "DISPOSITION EVENT"].assign(d=to_date(ds["DSSTDTC"]))
    scat = events["DSSCAT"].str.upper() if "DSSCAT" in events else pd.Series("", index=events.index)
    out = {}
    for prefix, mask in (("EOS", scat != "END OF TREATMENT"), ("EOT", scat == "END OF TREATMENT")):
        last = (
            events[mask]
            .sort_values(["USUBJID", "d"])
            .groupby("USUBJID")
            .tail(1)
            .set_index("USUBJID")
        )
        status = np.where(last["DSDECOD"].str.upper() == "COMPLETED", "COMPLETED", "DISCONTINUED")
        out[f"{prefix}STT"] = pd.Series(status, index=last.index)
        reason = "DCSREAS" if prefix == "EOS" else "DCTREAS"
        out[reason] = last["DSDECOD"].where(status == "DISCONTINUED", "")
    return pd.DataFrame(out)


def derive_new_therapy_date(cm: pd.DataFrame | None) -> pd.Series:
    """NTRTDT: start of the first subsequent anticancer therapy (SAP sections 4 and 5).

    A partial start date is taken at its earliest, so that censoring for new therapy is never late.
    """
    if cm is None or "CMCAT" not in cm:
        return pd.Series(dtype="datetime64[ns]", name="NTRTDT")
    later = cm[cm["CMCAT"].str.upper() == "SUBSEQUENT ANTICANCER THERAPY"]
    start = impute_date(later["CMSTDTC"], "first")["date"]
    return _first_per_subject(later, start, "NTRTDT")


def derive_adsl(
    domains: dict[str, pd.DataFrame], cutoff: str, reference_start: str = "first_dose"
) -> pd.DataFrame:
    """ADSL for every subject in DM (SAP sections 2, 3 and 6)."""
    dm, ds, ex = domains["DM"], domains["DS"], domains["EX"]
    cut = pd.Timestamp(cutoff)
    adsl = dm[
        [
            "STUDYID",
            "USUBJID",
            "SUBJID",
            "SITEID",
            "AGE",
            "SEX",
            "RACE",
            "ARMCD",
            "ARM",
            "ACTARMCD",
            "ACTARM",
        ]
    ]
    adsl = adsl.set_index("USUBJID")
    index = adsl.index
    adsl["AGEGR1"] = np.where(adsl["AGE"] >= 50, ">=50", np.where(adsl["AGE"].notna(), "<50", ""))
    adsl["RFICDT"] = derive_consent_date(dm, ds).reindex(index)
    adsl = adsl.join(derive_treatment_dates(ex))
    randomized = ds[ds["DSDECOD"].str.upper() == "RANDOMIZED"]
    adsl["RANDDT"] = _first_per_subject(
        randomized, to_date(randomized["DSSTDTC"]), "RANDDT"
    ).reindex(index)
    adsl["STARTDT"] = adsl["TRTSDT"] if reference_start == "first_dose" else adsl["RANDDT"]

    screen_failure = adsl["ARMCD"].str.upper().isin(SCREEN_FAILURE_CODES) | index.isin(
        ds.loc[ds["DSDECOD"].str.upper() == "SCREEN FAILURE", "USUBJID"]
    )
    adsl["ENRLFL"] = np.where(adsl["RFICDT"].notna() & ~screen_failure, "Y", "")
    dosed = adsl["TRTSDT"].notna()
    adsl["SAFFL"] = flag(dosed)
    adsl["FASFL"] = np.where((adsl["ENRLFL"] == "Y") & dosed, "Y", "")

    adsl["LSTALVDT"] = derive_last_alive_date(domains, cut).reindex(index)
    adsl = adsl.join(derive_death(dm, adsl["LSTALVDT"], cut))
    adsl = adsl.join(derive_disposition(ds))
    adsl["EOSSTT"] = adsl["EOSSTT"].fillna("ONGOING")
    # A subject never dosed has no end-of-treatment status, rather than "ongoing" treatment.
    adsl["EOTSTT"] = adsl["EOTSTT"].fillna("ONGOING").where(dosed, "")
    for column in ("DCSREAS", "DCTREAS"):
        adsl[column] = adsl[column].fillna("")
    adsl["NTRTDT"] = derive_new_therapy_date(domains.get("CM")).reindex(index)
    adsl = adsl.join(derive_baseline_characteristics(domains, adsl["TRTSDT"]))
    adsl["EFFFL"] = derive_efficacy_evaluable(adsl, domains)
    adsl["DATACUT"] = cut
    return adsl.reset_index()


def derive_efficacy_evaluable(adsl: pd.DataFrame, domains: dict[str, pd.DataFrame]) -> np.ndarray:
    """EFFFL: FAS with measurable disease at baseline and a post-baseline tumour assessment, or
    progression or death before any assessment (SAP section 2)."""
    rs = domains.get("RS")
    if rs is None or "MDISFL" not in adsl:
        return np.full(len(adsl), "")
    overall = rs[rs["RSTESTCD"] == "OVRLRESP"]
    dates = impute_date(overall["RSDTC"], "last")["date"]
    start = adsl["STARTDT"].reindex(overall["USUBJID"]).to_numpy()
    assessed = set(overall.loc[(dates >= start).to_numpy(), "USUBJID"])
    ds = domains["DS"]
    progressed = set(ds.loc[ds["DSDECOD"].str.upper() == "PROGRESSIVE DISEASE", "USUBJID"])
    outcome = adsl.index.isin(list(assessed | progressed)) | adsl["DTHDT"].notna()
    return np.where((adsl["FASFL"] == "Y") & (adsl["MDISFL"] == "Y") & outcome, "Y", "")
