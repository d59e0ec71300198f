"""The settings of a study config that its SDTM data can tell, each with a note of what was found
(python -m oncocsr init; oncocsr.studyinit writes them as YAML with the notes as comments).

Every choice reads the raw SDTM as delivered, so a variable or domain the study lacks gives the
setting for "not collected" (or the schema's default), never an error. Values are listed most
frequent first, so the same snapshot gives the same notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from oncocsr.adam.adex import PER_DAY
from oncocsr.adam.common import criterion_records
from oncocsr.dates import to_date
from oncocsr.studychecks import CATEGORIES
from oncocsr.studyconfig import with_defaults

# iRECIST overall responses as RECIST 1.1 categories; an unconfirmed progression (iUPD) counts
# as progression, as RECIST 1.1 would count it.
IRECIST = {
    "ICR": "CR",
    "IPR": "PR",
    "ISD": "SD",
    "NON-ICR/NON-IUPD": "NON-CR/NON-PD",
    "IUPD": "PD",
    "ICPD": "PD",
}
# terms.ds: key, DS variable, patterns tried in order (on upper case), null when none matches
# (else the schema's default is kept).
DS_TERMS = (
    ("consent", "DSDECOD", ("CONSENT",), True),
    ("randomized", "DSDECOD", ("^RANDOMI[ZS]ED$", "RANDOMI[ZS]"), True),
    ("screen_failure", "DSDECOD", ("^SCREEN FAILURE$", "SCREEN|SCRN"), False),
    ("death", "DSDECOD", ("^DEATH$", "DEATH|DIED"), False),
    ("adverse_event", "DSDECOD", ("^ADVERSE EVENT$", "ADVERSE"), False),
    ("completed", "DSDECOD", ("^COMPLETED$", "COMPLET"), False),
    ("clinical_progression", "DSDECOD", ("^PROGRESSIVE DISEASE$", "PROGRESSI"), True),
    ("disposition_category", "DSCAT", ("^DISPOSITION EVENT$", "DISPOSITION"), False),
    ("end_of_treatment", "DSSCAT", ("^END OF TREATMENT$", "TREATMENT"), True),
)
# terms.cm: anticancer categories first, so that e.g. PRIOR MEDICATION is not taken for therapy.
CM_TERMS = (
    ("prior_therapy", ("PRIOR.*(?:CANCER|ONCOLOG|TUMO)", "PRIOR")),
    ("subsequent_therapy", ("(?:SUBSEQUENT|POST).*(?:CANCER|ONCOLOG|TUMO)", "SUBSEQUENT|POST")),
)
SCREEN_ARM = "SCREEN|SCRN"
NOT_TREATED_ARM = "SCREEN|SCRN|NOT ?TR|NOT ?ASS|UNASS"
Domains = dict[str, pd.DataFrame]


@dataclass
class Inspection:
    """What a snapshot holds: its SDTM files by domain, the settings chosen from them
    (``sections``: the study and SAP sections, as in the config schema) with a note per setting
    of what was found (by dotted key), the latest date of the data, the arms a design would
    test, and warnings for the statistician."""

    files: dict[str, str]
    sections: dict = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    latest_date: str | None = None
    latest_source: str = ""
    design_arms: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def choose(self, path: str, value, note: str = "") -> None:
        """Set ``path`` (dotted keys) of the config to ``value``, with what the data showed."""
        *parents, key = path.split(".")
        target = self.sections
        for part in parents:
            target = target.setdefault(part, {})
        target[key] = value
        if note:
            self.notes[path] = note


def text(frame: pd.DataFrame | None, column: str) -> pd.Series:
    """A variable as stripped text, "" where missing or absent (no domain: no values)."""
    if frame is None:
        return pd.Series(dtype=object)
    if column not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column]
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _ranked(values: pd.Series) -> list[tuple[str, int]]:
    counts = values.value_counts(sort=False)
    return sorted(((str(v), int(n)) for v, n in counts.items()), key=lambda i: (-i[1], i[0]))


def counts(values: pd.Series, limit: int = 15) -> str:
    """Distinct values with their counts, most frequent first."""
    items = _ranked(values)
    shown = [f"{value or '(blank)'} ({count})" for value, count in items[:limit]]
    if len(items) > limit:
        shown.append(f"and {len(items) - limit} more")
    return ", ".join(shown) or "none"


def mode(values: pd.Series) -> str | None:
    """The most frequent non-blank value (the first in order among equals), or None."""
    items = _ranked(values[values != ""])
    return items[0][0] if items else None


def _pick(values: pd.Series, patterns: tuple[str, ...]) -> str | None:
    """The most frequent value matching the first pattern (upper case) that any value matches."""
    present = values[values != ""]
    for pattern in patterns:
        hits = present[present.str.upper().str.contains(pattern, regex=True)]
        if len(hits):
            return mode(hits)
    return None


def _listed(values) -> str:
    return ", ".join(values) or "none"


def _disposition(found: Inspection, domains: Domains) -> None:
    """terms.ds, reference_start and populations.enrolled (SAP sections 2, 3 and 5)."""
    dm, ds = domains["DM"], domains["DS"]
    defaults = with_defaults()["terms"]["ds"]
    values = {variable: text(ds, variable) for variable in ("DSDECOD", "DSCAT", "DSSCAT")}
    found.notes["terms.ds"] = "; ".join(
        f"DS.{variable}: {counts(v) if variable in ds else 'not in DS'}"
        for variable, v in values.items()
    )
    terms = {}
    for key, variable, patterns, nullable in DS_TERMS:
        term = terms[key] = _pick(values[variable], patterns)
        if term:
            records = int((values[variable].str.upper() == term.upper()).sum())
            note = f"found DS.{variable} {term!r} ({records} records)"
        elif nullable:
            note = f"no DS.{variable} like {patterns[-1]}: null (not collected)"
        else:
            term = defaults[key]
            note = f"no DS.{variable} like {patterns[-1]}: the default {term!r} (not in the data)"
        found.choose(f"terms.ds.{key}", term, note)
    subjects, decod = text(ds, "USUBJID"), values["DSDECOD"].str.upper()

    def subjects_with(term: str | None) -> int:
        return subjects[decod == term.upper()].nunique() if term else 0

    randomized, consent = subjects_with(terms["randomized"]), subjects_with(terms["consent"])
    if randomized:
        note = f"DS {terms['randomized']!r} records for {randomized} subjects: study day 1 and "
        found.choose("reference_start", "randomization", note + "STARTDT are randomisation")
    else:
        found.choose("reference_start", "first_dose", "no DS randomisation: day 1 is first dose")
    dated = int((text(dm, "RFICDTC") != "").sum())
    seen = f"DM.RFICDTC given for {dated} of {len(dm)} subjects, DS consent for {consent}"
    if dated or consent:
        choice, why = "consent", "enrolled = informed consent and not a screen failure"
    elif randomized:
        choice, why = "randomized", "no consent date: enrolled = randomised (explicit fallback)"
    else:
        choice, why = "treated", "no consent or randomisation date: enrolled = dosed (fallback)"
    found.choose("populations.enrolled", choice, f"{seen}: {why}; the CSR states it")


def _concomitant(found: Inspection, domains: Domains) -> None:
    """terms.cm: prior and subsequent anticancer therapy categories (SAP sections 4 to 6)."""
    cm = domains.get("CM")
    category = text(cm, "CMCAT")
    found.notes["terms.cm"] = f"CM.CMCAT: {counts(category)}" if cm is not None else "no CM domain"
    for key, patterns in CM_TERMS:
        term = _pick(category, patterns)
        note = f"found CMCAT {term!r}" if term else f"no CMCAT like {patterns[-1]}: null"
        if term and key == "prior_therapy" and "CMGRPID" not in cm:
            note += " (no CMGRPID: regimens are counted by CMTRT)"
        found.choose(f"terms.cm.{key}", term, note + ("" if term else " (not collected)"))


def _like(pattern: str, *columns: pd.Series) -> pd.Series:
    return pd.concat([c.str.upper().str.contains(pattern) for c in columns], axis=1).any(axis=1)


def _arm_codes(found: Inspection, key: str, codes: pd.Series, what: str) -> list[str]:
    """terms.<key>: the defaults, with any other code of such subjects the data shows."""
    default = with_defaults()["terms"][key]
    seen = sorted(set(codes.str.upper()))
    extra = [code for code in seen if code not in default]
    note = f"{what}: {_listed(seen)}; " + (
        f"added {_listed(extra)}" if extra else "in the defaults"
    )
    found.choose(f"terms.{key}", default + extra, note)
    return default + extra


def _arms(found: Inspection, domains: Domains) -> tuple[pd.Series, set[str]]:
    """arms, terms.*_arms and the arms a design would test (SAP section 2); returns the actual
    arm of each treated subject (by USUBJID) and the placebo arms."""
    dm, ex = domains["DM"], domains["EX"]
    armcd, arm = text(dm, "ARMCD"), text(dm, "ARM")
    actcd, act = text(dm, "ACTARMCD"), text(dm, "ACTARM")

    screen = _like(SCREEN_ARM, armcd, arm)
    failures = _arm_codes(
        found, "screen_failure_arms", armcd[screen], "screen failure codes (DM.ARMCD)"
    )
    idle = _like(NOT_TREATED_ARM, actcd, act)
    untreated = _arm_codes(
        found, "not_treated_arms", actcd[idle], "not treated codes (DM.ACTARMCD)"
    )
    failed = armcd.str.upper().isin(failures)
    treated = ~failed & ~actcd.str.upper().isin(untreated)
    found.choose(
        "arms.variable",
        "ACTARM",
        f"planned arms (DM.ARM, screen failures excluded): {counts(arm[~failed])}; actual arms "
        f"(DM.ACTARM, treated): {counts(act[treated])}; tables are by actual arm",
    )
    arm_of = pd.Series(act[treated].to_numpy(), index=text(dm, "USUBJID")[treated].to_numpy())
    arm_of = arm_of[~arm_of.index.duplicated()]
    given = pd.DataFrame({"arm": text(ex, "USUBJID").map(arm_of), "drug": text(ex, "EXTRT")})
    given = given[given["arm"].notna() & (given["drug"] != "")]
    drugs = {name: sorted(set(g["drug"].str.upper())) for name, g in given.groupby("arm")}
    arms = sorted(set(arm_of))
    placebo = {a for a in arms if any("PLACEBO" in t for t in [a.upper(), *drugs.get(a, [])])}
    if len(arms) <= 1:
        pool, why = True, f"one arm ({_listed(arms)}): a single arm shows no Total"
    elif placebo:
        pool, why = False, f"placebo arm(s) {_listed(sorted(placebo))}: no Total with active"
    elif len(drugs) == len(arms) and len({tuple(d) for d in drugs.values()}) == 1:
        pool, why = True, "every arm received the same EXTRT: cohorts of one drug, pooled"
    else:
        pool, why = False, "the arms received different treatments: no Total"
    received = "; ".join(f"{a}: {_listed(drugs.get(a, []))}" for a in arms)
    found.choose("arms.pool", pool, f"EXTRT by actual arm: {received or 'none'}; {why}")
    if not arms:
        found.warnings.append("no treated subject in DM: check DM.ARMCD and DM.ACTARMCD")
    found.design_arms = [a for a in arms if a not in placebo]
    return arm_of, placebo


def _response(found: Inspection, domains: Domains) -> None:
    """response: criterion, evaluator and term mapping (SAP section 4); the data's assessment
    interval for pfs (SAP section 5)."""
    rs = domains["RS"]
    overall = rs[text(rs, "RSTESTCD").str.upper() == "OVRLRESP"]
    rscat = text(overall, "RSCAT")
    named = rscat[rscat != ""]
    recist = named[named.str.upper() == "RECIST 1.1"]
    if len(recist):
        criterion, why = mode(recist), "RECIST 1.1 is used, other RSCAT values are excluded"
    elif len(named):
        criterion, why = mode(named), "no RECIST 1.1: the most frequent RSCAT is used"
    else:
        criterion, why = "RECIST 1.1", "no RSCAT: the records count as RECIST 1.1"
    seen = f"RSCAT of the {len(overall)} overall responses (RSTESTCD OVRLRESP): {counts(rscat)}"
    found.choose("response.criterion", criterion, f"{seen}; {why}")
    if overall.empty:
        found.warnings.append("RS has no overall response (RSTESTCD OVRLRESP): no ORR")
    mine = overall[criterion_records(overall, "RS", criterion)]
    who = text(mine, "RSEVAL").str.upper()
    who = who.where(who != "", "INVESTIGATOR")
    independent = "INVESTIGATOR" not in set(who) and "INDEPENDENT ASSESSOR" in set(who)
    evaluator = "INDEPENDENT ASSESSOR" if independent else "INVESTIGATOR"
    accepted = int((text(mine, "RSACPTFL").str.upper() == "Y").sum())
    found.choose(
        "response.evaluator",
        evaluator,
        f"RSEVAL of the {criterion} overall responses: {counts(text(mine, 'RSEVAL'))} (blank is "
        f"the investigator); RSEVALID: {counts(text(mine, 'RSEVALID'))}; RSACPTFL = Y marks "
        f"{accepted} accepted reads (used with INDEPENDENT ASSESSOR): the {evaluator} is used",
    )
    if len(who) and not set(who) & {"INVESTIGATOR", "INDEPENDENT ASSESSOR"}:
        found.warnings.append(f"RSEVAL {sorted(set(who))}: no evaluator the pipeline knows")
    stresc = text(mine, "RSSTRESC")
    other = stresc[(stresc != "") & ~stresc.str.upper().isin(CATEGORIES)]
    spelled = {value.upper(): value for value in sorted(set(other), reverse=True)}
    terms = {spelled[u]: IRECIST[u] for u in sorted(spelled) if u in IRECIST}
    note = f"RSSTRESC of the {criterion} overall responses: {counts(stresc)}"
    if terms:
        note += "; iRECIST terms mapped to RECIST 1.1 (an unconfirmed iUPD counts as progression"
        note += ", PD, as RECIST 1.1 would count it)"
    unknown = other[~other.str.upper().isin(IRECIST)]
    if len(unknown):
        note += (
            f"; not mapped, unknown: {counts(unknown)}: the data checks report them as errors (a "
            "data manager can waive true errors); map those that are terms of the criterion"
        )
        found.warnings.append(f"RS: overall responses not mapped: {counts(unknown)}")
    elif not terms:
        note += ": all are RECIST 1.1 categories, nothing to map"
    found.choose("response.terms", terms, note)
    dates = pd.DataFrame({"subject": text(mine, "USUBJID"), "day": to_date(text(mine, "RSDTC"))})
    dates = dates[who == evaluator].dropna().drop_duplicates().sort_values(["subject", "day"])
    gaps = dates.groupby("subject")["day"].diff().dt.days.dropna()
    interval = f"{gaps.median():g} days" if len(gaps) else "not measurable"
    found.notes["pfs.assessment_interval_days"] = (
        f"the default; the median interval between a subject's overall responses in the data is "
        f"{interval}: set the protocol's schedule of tumour assessments"
    )


def _tumour(found: Inspection, domains: Domains) -> None:
    """tumour: the states of unequivocal progression in TR; the TU sites, listed."""
    tr, tu = domains.get("TR"), domains.get("TU")
    defaults = with_defaults()["tumour"]
    result = text(tr, "TRSTRESC").str.upper()
    words = result[(result != "") & pd.to_numeric(result, errors="coerce").isna()]
    states = sorted(set(words[words.str.contains("UNEQUIVOCAL")]))
    seen = f"non-numeric TR.TRSTRESC: {counts(words)}" if tr is not None else "no TR domain"
    why = "those saying UNEQUIVOCAL" if states else "none says UNEQUIVOCAL: the default"
    states = states or defaults["progression_states"]
    found.choose("tumour.progression_states", states, f"{seen}; {why}")
    sites = text(tu, "TULOC").str.upper()
    for key in ("visceral_sites", "liver_sites"):
        listed = _listed(sorted(set(sites) & set(defaults[key])))
        note = f"TU.TULOC: {counts(sites)}; of these in the default: {listed}"
        found.choose(f"tumour.{key}", defaults[key], note if tu is not None else "no TU domain")


def _ecog(domains: Domains) -> tuple[dict, str]:
    """Where baseline ECOG is: RS, else QS, by --CAT, else --TESTCD, containing ECOG."""
    for domain in ("RS", "QS"):
        frame = domains.get(domain)
        for variable, key in ((f"{domain}CAT", "category"), (f"{domain}TESTCD", "testcd")):
            values = text(frame, variable)
            value = _pick(values, ("ECOG",))
            if value:
                records = values.str.upper() == value.upper()
                subjects = text(frame, "USUBJID")[records].nunique()
                note = f"{domain}.{variable} {value!r}: {int(records.sum())} records, {subjects} "
                ecog = {"domain": domain, "category": None, "testcd": None, key: value}
                return ecog, note + "subjects"
    note = "no RS or QS --CAT or --TESTCD containing ECOG: baseline ECOG is not collected"
    return {"domain": "none", "category": None, "testcd": None}, note


def _baseline(found: Inspection, domains: Domains) -> None:
    """baseline and subgroups: only the rows the data supports (SAP section 6)."""
    dm, supp = domains["DM"], domains.get("SUPPDM")
    defaults = with_defaults()
    ecog, note = _ecog(domains)
    found.choose("baseline.ecog", ecog, note)
    age = pd.to_numeric(dm["AGE"], errors="coerce") if "AGE" in dm else pd.Series(dtype=float)
    note = "no DM.AGE: no age groups"
    if age.notna().any():
        note = f"DM.AGE {age.min():g} to {age.max():g} (median {age.median():g}, "
        note += f"{int(age.notna().sum())} subjects): groups <65 and >=65; set the protocol's"
    found.choose("baseline.age_groups", defaults["baseline"]["age_groups"], note)
    subject_level = text(supp, "IDVAR") == ""
    if supp is not None and "RDOMAIN" in supp:
        subject_level &= text(supp, "RDOMAIN").str.upper() == "DM"
    qnam, qlabel = text(supp, "QNAM")[subject_level], text(supp, "QLABEL")[subject_level]
    listed = _listed(f"{q} ({mode(qlabel[qnam == q]) or 'no label'})" for q in sorted(set(qnam)))
    note = "no SUPPDM domain" if supp is None else f"SUPPDM subject-level QNAMs: {listed}"
    note += "; add those that are baseline characteristics (QNAM: label) and list them below"
    found.choose("baseline.supplemental", {}, note)
    why = {"AGEGR1": "DM.AGE" if age.notna().any() else ""}
    for variable in ("SEX", "RACE"):
        values = text(dm, variable)
        several = values[values != ""].nunique() > 1
        why[variable] = f"DM.{variable}: {counts(values)}" if several else ""
    why["ECOGBL"] = ecog["domain"] if ecog["domain"] != "none" else ""
    for variable in ("VISCMET", "LIVERMET", "MDISFL"):
        why[variable] = "TU" if "TU" in domains else ""
    rows = [row for row in defaults["baseline"]["characteristics"] if why.get(row["variable"])]
    kept = "; ".join(f"{row['variable']} ({why[row['variable']]})" for row in rows)
    dropped = _listed(variable for variable, reason in why.items() if not reason)
    note = f"rows the data supports: {kept or 'none'}; left out (one value or not collected): "
    found.choose("baseline.characteristics", rows, note + dropped)
    subgroups = [row for row in defaults["subgroups"] if why.get(row["variable"])]
    prior = found.sections["terms"]["cm"]["prior_therapy"]
    if prior:
        at = sum(row["variable"] in ("AGEGR1", "ECOGBL") for row in subgroups)
        regimens = {"variable": "PRREGGR", "label": "Prior regimens", "levels": ["<=2", ">=3"]}
        subgroups.insert(at, regimens)
    shown = _listed(row["variable"] for row in subgroups)
    note = f"subgroups the data supports: {shown}" + (f" (PRREGGR: CM {prior!r})" if prior else "")
    found.choose("subgroups", subgroups, note + "; add the protocol's other subgroups")


def _safety(found: Inspection, domains: Domains) -> None:
    """safety.grade and safety.aesi (SAP section 6)."""
    ae = domains.get("AE")
    toxgr, sev = text(ae, "AETOXGR"), text(ae, "AESEV")
    if (toxgr != "").any():
        source, note = "AETOXGR", f"AE.AETOXGR: {counts(toxgr)}: CTCAE grades"
        found.choose("safety.grade.scale", "NCI CTCAE", "add the CTCAE version (e.g. v5.0)")
    elif (sev != "").any():
        state = "not in AE" if "AETOXGR" not in ae else "blank in every record"
        source, note = "AESEV", f"AE.AETOXGR {state}; AE.AESEV: {counts(sev)}: grades by severity"
        mapping = with_defaults()["safety"]["grade"]["aesev"]
        unmapped = sorted(set(sev[sev != ""].str.upper()) - set(mapping))
        found.notes["safety.grade.aesev"] = f"AESEV found: {counts(sev)}; not mapped: " + (
            f"{_listed(unmapped)} (the data checks warn; add their grade)" if unmapped else "none"
        )
        found.notes["safety.grade.scale"] = "not used with AESEV: footnotes give the mapping"
        if unmapped:
            found.warnings.append(f"AE.AESEV values without a grade: {_listed(unmapped)}")
    else:
        source = "none"
        note = ("no AE domain" if ae is None else "no AETOXGR or AESEV value") + ": not collected"
    found.choose("safety.grade.source", source, note)
    note = "the study's AEs of special interest come from the protocol; add {id, label, terms}"
    found.choose("safety.aesi", [], note)


def _planned_dose(records: pd.DataFrame, arms: list[str], placebo: set[str], daily: bool):
    """The dose given most per arm (positive EXDOSE, by records, or for daily dosing by days
    covered, times the administrations a day); placebo arms 0; one number for one arm."""
    doses, seen = {}, []
    for arm in arms or [None]:
        mine = records if arm is None else records[records["arm"] == arm]
        positive = mine[mine["dose"] > 0]
        if arm in placebo or positive.empty:
            doses[arm] = 0 if arm in placebo else None
            seen.append(f"{arm}: {'0 (placebo)' if arm in placebo else 'no positive EXDOSE'}")
            continue
        weight = positive.groupby("dose")["weight"].sum()
        dose = min(weight.items(), key=lambda item: (-item[1], item[0]))[0]
        frequency = (mode(positive["frequency"]) or "QD").upper() if daily else ""
        dose *= PER_DAY.get(frequency, 1)
        doses[arm] = int(dose) if float(dose).is_integer() else float(dose)
        given = ", ".join(
            f"{d:g} ({w:g} {'days' if daily else 'records'})" for d, w in weight.items()
        )
        seen.append(f"{arm or 'all'}: {dose:g} (EXDOSE {given}) {frequency}".strip())
    doses = {arm: dose for arm, dose in doses.items() if dose is not None}
    return (next(iter(doses.values()), None) if len(doses) <= 1 else doses), "; ".join(seen)


def _exposure(found: Inspection, domains: Domains, arm_of: pd.Series, placebo: set[str]) -> None:
    """exposure: model, planned dose, unit and cycle length (SAP section 6, exposure)."""
    ex, defaults = domains["EX"], with_defaults()["exposure"]
    start, end = to_date(text(ex, "EXSTDTC")), to_date(text(ex, "EXENDTC"))
    span = (end - start).dt.days.dropna()
    median = float(span.median()) if len(span) else 0.0
    frequency = text(ex, "EXDOSFRQ")
    daily = median >= 1 or (mode(frequency) or "").upper() in PER_DAY
    found.choose(
        "exposure.model",
        "continuous" if daily else "cycles",
        f"EX: {len(ex)} records, median EXENDTC - EXSTDTC {median:g} days; EXDOSFRQ: "
        f"{counts(frequency)}; EXTRT: {counts(text(ex, 'EXTRT'))}; EXROUTE: "
        f"{counts(text(ex, 'EXROUTE'))}: "
        + ("a record covers days of daily doses" if daily else "a record per administration"),
    )
    subjects = text(ex, "USUBJID")
    starts = pd.DataFrame({"subject": subjects, "day": start}).dropna().drop_duplicates()
    gaps = starts.sort_values(["subject", "day"]).groupby("subject")["day"].diff().dt.days
    gap = float(gaps.median()) if gaps.notna().any() else 0.0
    if daily or gap < 1:
        why = "not used by the continuous model" if daily else "no interval between doses"
        found.choose("exposure.cycle_days", defaults["cycle_days"], f"the default ({why})")
    else:
        note = f"median interval between a subject's EXSTDTC: {gap:g} days ({gaps.count()} gaps)"
        found.choose("exposure.cycle_days", int(np.floor(gap + 0.5)), note)
    records = pd.DataFrame(
        {
            "arm": subjects.map(arm_of),
            "dose": pd.to_numeric(ex["EXDOSE"], errors="coerce") if "EXDOSE" in ex else np.nan,
            "weight": ((end - start).dt.days + 1).clip(lower=1).fillna(1) if daily else 1,
            "frequency": frequency,
        }
    )
    dose, seen = _planned_dose(records, sorted(set(arm_of)), placebo, daily)
    what = "per day, by days given" if daily else "per administration, by records"
    if dose is not None:
        found.choose("exposure.planned_dose", dose, f"most frequent positive dose {what}: {seen}")
    unit = text(ex, "EXDOSU")
    dose_unit = mode(unit) or defaults["dose_unit"]
    found.choose("exposure.dose_unit", dose_unit, f"EX.EXDOSU: {counts(unit)}")


def choose_settings(found: Inspection, domains: Domains) -> None:
    """Every SAP setting the SDTM ``domains`` can tell, into ``found``."""
    _disposition(found, domains)
    _concomitant(found, domains)
    arm_of, placebo = _arms(found, domains)
    _response(found, domains)
    _tumour(found, domains)
    _baseline(found, domains)
    _safety(found, domains)
    _exposure(found, domains, arm_of, placebo)
    subsequent = found.sections["terms"]["cm"]["subsequent_therapy"]
    found.choose(
        "pfs.censor_new_therapy",
        subsequent is not None,
        f"CM category {subsequent!r}: rule 2 censors at new anticancer therapy (SAP section 5)"
        if subsequent
        else "no subsequent-therapy category (terms.cm.subsequent_therapy null): new therapy is "
        "unknown, so rule 2 (SAP section 5) is off",
    )
