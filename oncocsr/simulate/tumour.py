"""Tumour domains: baseline disease, the measurements at each scan (TU, TR), the investigator's
overall response computed from them (RS: RECIST 1.1, which SAP section 4 analyses, and optionally
iRECIST) and baseline ECOG (RS or QS)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.recist import overall_response
from oncocsr.simulate.latent import N_VISITS
from oncocsr.simulate.records import Calendar, choice, records
from oncocsr.simulate.terms import NONTARGET_SITES, TARGET_SITES

# iRECIST terms of the RECIST 1.1 categories, as pharmaverse's rs_onco_irecist writes them; a PD
# is iUPD when first found and iCPD when a later scan confirms it.
IRECIST_TERMS = {
    "CR": "iCR",
    "PR": "iPR",
    "SD": "iSD",
    "NON-CR/NON-PD": "NON-iCR/NON-iUPD",
    "NE": "NE",
    "PD": "iUPD",
}
ECOG_TEST = ("ECOG101", "ECOG01-Performance Status", "ECOG")


def baseline_disease(rng, latent, horizon, stop, consent_gap, irecist: bool) -> tuple:
    """Baseline lesions (target sum of diameters, non-target lesions, metastatic sites) and the
    findings of every scheduled scan (``_assessments``)."""
    n = latent["visit"].shape[0]
    liver = rng.random(n) < 0.45
    lung = rng.random(n) < 0.40
    n_target = rng.choice([1, 2, 3, 4], n, p=[0.15, 0.35, 0.30, 0.20])
    diam = np.round(rng.uniform(12, 55, (n, 4)), 1)
    target_mask = np.arange(4)[None, :] < n_target[:, None]
    sites = choice(rng, TARGET_SITES, (n, 4))
    sites[:, 0] = np.where(liver, "LIVER", sites[:, 0])
    sites[:, 1] = np.where(lung, "LUNG", sites[:, 1])
    target_mask[:, 1] |= lung
    sum0 = (diam * target_mask).sum(axis=1)
    n_nontarget = rng.choice([0, 1, 2, 3], n, p=[0.2, 0.4, 0.3, 0.1])
    nt_mask = np.arange(3)[None, :] < n_nontarget[:, None]
    nt_sites = choice(rng, NONTARGET_SITES, (n, 3))
    base = {"sum0": sum0, "n_nontarget": n_nontarget}
    scan = _assessments(rng, latent, base, horizon, stop, irecist)
    base |= {
        "diam": diam,
        "target_mask": target_mask,
        "sites": sites,
        "nt_mask": nt_mask,
        "nt_sites": nt_sites,
        "liver": liver,
        # The screening scan lies between consent and the first dose (at least 5 days apart).
        "screening_scan": -rng.integers(1, consent_gap.clip(2, 15)),
    }
    return base, scan


def _assessments(rng, latent, base, horizon, stop, irecist: bool) -> dict:
    """Target sums, lesion findings and RECIST response per scheduled scan (n x N_VISITS).

    With ``irecist``, the scan after a radiological progression is done too (unless new therapy
    started first) and finds the same kind of progression, further: the iRECIST confirmation.
    """
    n = latent["visit"].shape[0]
    visit = latent["visit"]
    k = np.arange(N_VISITS)[None, :]
    pd_visit = latent["pd_visit"][:, None]
    scanned = (visit <= np.minimum(horizon, stop)[:, None]) & ~latent["missed"]
    observed = scanned & ((pd_visit < 0) | (k <= pd_visit))
    observed &= visit <= latent["progression"][:, None]
    confirm = (
        irecist
        & scanned
        & (pd_visit >= 0)
        & (k == pd_visit + 1)
        & (visit < latent["new_therapy"][:, None])
    )

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
    # The confirming scan: the target sum grows again by the same factor.
    change = np.where(confirm & (kind == 0)[:, None], (1 + grown) * growth - 1, change)
    total = np.round(base["sum0"][:, None] * (1 + change), 1)
    total = np.maximum(total, 0.0)

    progressing = at_pd | confirm
    new_lesion = progressing & (kind == 1)[:, None]
    nontarget_pd = progressing & (kind == 2)[:, None]
    nontarget_absent = (base["n_nontarget"] == 0)[:, None] | (latent["cr"][:, None] & responding)
    return {
        "observed": observed | confirm,
        "confirm": confirm,
        "total": total,
        "new_lesion": new_lesion,
        "nontarget_pd": nontarget_pd,
        "nontarget_absent": nontarget_absent,
    }


def tumour_domains(rng, latent, scan, base, usubjid, first_dose, cal: Calendar, irecist: bool):
    """TU, TR and RS overall-response records (baseline lesions, measurements per scan, the
    response), and baseline ECOG (USUBJID, value, day) for ``ecog_records``."""
    diam, target_mask, sites = base["diam"], base["target_mask"], base["sites"]
    nt_mask, nt_sites, liver = base["nt_mask"], base["nt_sites"], base["liver"]
    n = len(usubjid)
    # TU: baseline lesions plus the new lesions that define progression (NEW02: confirming it).
    t_rows, t_cols = np.nonzero(target_mask)
    nt_rows, nt_cols = np.nonzero(nt_mask)
    new_rows, new_cols = np.nonzero(scan["new_lesion"] & scan["observed"])
    second = scan["confirm"][new_rows, new_cols]
    screen_day = first_dose + base["screening_scan"]
    visit_day = first_dose[:, None] + latent["visit"]
    screening = {"VISITNUM": 1.0, "VISIT": "SCREENING"}

    def lesions(rows, lnkid, role, location, visit, day) -> pd.DataFrame:
        return records(
            {"USUBJID": usubjid[rows], "TULNKID": lnkid, "TUORRES": role, "TULOC": location}
            | visit
            | {"TUDTC": cal.iso(day), "_day": day}
        )

    new_visit = {"VISITNUM": 2.0 + new_cols, "VISIT": week(new_cols)}
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
                np.where(second, "NEW02", "NEW01"),
                "NEW",
                np.where(second, "BONE", np.where(liver[new_rows], "LUNG", "LIVER")),
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
            day, visitnum, visit = visit_day[rows, cols], 2.0 + cols, week(cols)
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

    # RS: the investigator's overall response per scan, computed from the measurements above.
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
    o_day = visit_day[obs_rows, obs_cols]
    # Confirmation scans have full dates and draw nothing: --irecist leaves the rest as it is.
    drawn = ~scan["confirm"][obs_rows, obs_cols]
    rs_dtc = cal.iso(o_day)
    rs_dtc[drawn] = cal.partial(o_day[drawn], rng, 0.01)
    ecog = rng.choice(["0", "1"], n, p=[0.45, 0.55])

    def overall(category, result) -> pd.DataFrame:
        return records(
            {
                "USUBJID": usubjid[obs_rows],
                "RSTESTCD": "OVRLRESP",
                "RSTEST": "Overall Response",
                "RSCAT": category,
                "RSORRES": result,
                "RSSTRESC": result,
                "VISITNUM": 2.0 + obs_cols,
                "VISIT": week(obs_cols),
                "RSDTC": rs_dtc,
                "_day": o_day,
            }
        )

    rs = [overall("RECIST 1.1", o_resp)]
    if irecist:
        rs.append(overall("iRECIST", _irecist(o_resp, obs_rows, obs_cols, n)))
    ecog_frame = pd.DataFrame({"USUBJID": usubjid, "value": ecog, "day": screen_day})
    return tu, tr, pd.concat(rs, ignore_index=True), ecog_frame


def _irecist(recist: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """iRECIST overall response of each RECIST 1.1 one: a PD after the first is iCPD."""
    first_pd = np.full(n, N_VISITS)
    pd_rows = rows[recist == "PD"]
    np.minimum.at(first_pd, pd_rows, cols[recist == "PD"])
    terms = pd.Series(recist).map(IRECIST_TERMS).to_numpy(dtype=object)
    return np.where((recist == "PD") & (cols > first_pd[rows]), "iCPD", terms)


def ecog_records(ecog: pd.DataFrame, domain: str, cal: Calendar) -> pd.DataFrame:
    """Baseline ECOG performance status at screening (the ECOG subgroup of SAP section 6), as
    ``RS`` or ``QS`` records."""
    testcd, test, category = ECOG_TEST
    frame = {
        "USUBJID": ecog["USUBJID"],
        f"{domain}TESTCD": testcd,
        f"{domain}TEST": test,
        f"{domain}CAT": category,
        f"{domain}ORRES": ecog["value"],
        f"{domain}STRESC": ecog["value"],
    }
    if domain == "QS":
        frame["QSSTRESN"] = ecog["value"].astype(float)
    frame |= {
        "VISITNUM": 1.0,
        "VISIT": "SCREENING",
        f"{domain}DTC": cal.iso(ecog["day"]),
        "_day": ecog["day"],
    }
    return records(frame)


def week(cols: np.ndarray) -> np.ndarray:
    """Visit names of the scheduled scans: scan k (0-based) is at week 6(k + 1)."""
    return np.char.add("WEEK ", (6 * (cols + 1)).astype(str))


def _tr(
    usubjid, lnkid, grpid, testcd, test, value, visitnum, visit, dtc, day, unit
) -> pd.DataFrame:
    frame = records(
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
