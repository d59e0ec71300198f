"""Safety and exposure summaries into ARD rows (SAP section 6; tables 14.3.1 to 14.3.5)."""

from __future__ import annotations

import pandas as pd

from oncocsr import ard
from oncocsr.adam.adae import aesi_variables
from oncocsr.reconciliation import reconcile_discontinuation, reconcile_dose_changes

OVERVIEW = {
    "ANY": ("Any TEAE", None),
    "RELATED": ("TEAE related to study treatment", "RELFL"),
    "GRADE3": ("TEAE of CTCAE grade 3 or higher", "GR3FL"),
    "SERIOUS": ("Serious TEAE", "SERFL"),
    "DISCONTINUED": ("TEAE leading to treatment discontinuation", "DISCFL"),
    "REDUCED": ("TEAE leading to dose reduction", "REDFL"),
    "INTERRUPTED": ("TEAE leading to dose interruption or delay", "INTFL"),
    "FATAL": ("TEAE with fatal outcome", "FATALFL"),
}


def special_interest(aesi: list[dict]) -> dict[str, tuple[str, str, str | None]]:
    """The study's AEs of special interest (``safety.aesi``) as ARD variables: id -> (label,
    ADAE variable, onset value or None); an AE split by onset also gives <id>_EARLY and
    <id>_LATE."""
    items = {}
    for number, spec in enumerate(aesi, start=1):
        name, onset = aesi_variables(number)
        items[spec["id"]] = (spec["label"], name, None)
        if "early_onset_hours" in spec:
            hours = f"{spec['early_onset_hours']:g}"
            items[f"{spec['id']}_EARLY"] = (
                f"{spec['label']}, early onset (within {hours} h of a dose)",
                onset,
                "EARLY",
            )
            items[f"{spec['id']}_LATE"] = (f"{spec['label']}, late onset", onset, "LATE")
    return items


def _special_interest_mask(adae: pd.DataFrame, variable: str, value: str | None) -> pd.Series:
    if variable not in adae:
        return pd.Series(False, index=adae.index)
    return adae[variable] != "" if value is None else adae[variable] == value


# Table 14.3.4: TEAEs by SOC and PT among the serious ones, those leading to discontinuation of
# study treatment and the fatal ones; analysis ids <prefix>-SOC and <prefix>-SOCPT.
SOC_PT_BY_FLAG = {"TEAE-SER": "SERFL", "TEAE-DISC": "DISCFL", "TEAE-FATAL": "FATALFL"}
ANY_EVENT = {
    "NREDUCE": "dose reduction",
    "NDELAY": "dose delay",
    "NINTRP": "treatment interruption",
}


def _subjects(frame: pd.DataFrame, mask) -> int:
    return int(frame.loc[mask, "USUBJID"].nunique())


def _count_rows(analysis_id, tlf_id, group, variable, label, n, total, filter, sha, extra=None):
    stats = {
        "n": (n, f"Subjects: {label}"),
        "N": (total, "Denominator: subjects in the safety set"),
        "pct": (100 * n / total if total else None, f"%: {label}"),
    }
    stats |= extra or {}
    return ard.rows(
        analysis_id=analysis_id,
        tlf_id=tlf_id,
        population="SAF",
        group=group,
        variable=variable,
        stats=stats,
        source_dataset="ADAE",
        filter=filter,
        method="Number and percentage of subjects (each subject counted once)",
        input_sha256=sha,
    )


def _by_soc_and_pt(
    prefix: str,
    tlf_id: str,
    group: str,
    events: pd.DataFrame,
    total: int,
    filter: str,
    sha: str,
    grade3: bool = False,
) -> list[pd.DataFrame]:
    """Subjects with an event, by SOC (``<prefix>-SOC``) and by SOC and PT (``<prefix>-SOCPT``,
    variable "SOC / PT"), with the display order of SAP section 6: SOC by descending frequency,
    then PT by descending frequency within it (ties alphabetical); with ``grade3``, also the
    subjects whose event reached CTCAE grade 3 or higher."""
    soc_n = events.groupby("AEBODSYS")["USUBJID"].nunique()
    pt_n = events.groupby(["AEBODSYS", "AEDECOD"])["USUBJID"].nunique()
    severe = events[events["GR3FL"] == "Y"]
    soc_n3 = severe.groupby("AEBODSYS")["USUBJID"].nunique()
    pt_n3 = severe.groupby(["AEBODSYS", "AEDECOD"])["USUBJID"].nunique()
    soc_rank = {soc: i for i, soc in enumerate(sorted(soc_n.index, key=lambda x: (-soc_n[x], x)))}
    pt_order = sorted(pt_n.index, key=lambda k: (soc_rank[k[0]], -pt_n[k], k[1]))
    frames = []
    for rank, (soc, pt) in enumerate(pt_order, start=1):
        extra = {}
        if grade3:
            extra["n_grade3"] = (int(pt_n3.get((soc, pt), 0)), f"Subjects: {pt}, grade >= 3")
        extra["order"] = (rank, "Display order (SOC, then PT, by descending frequency)")
        frames.append(
            _count_rows(
                f"{prefix}-SOCPT",
                tlf_id,
                group,
                f"{soc} / {pt}",
                pt,
                int(pt_n[(soc, pt)]),
                total,
                filter,
                sha,
                extra=extra,
            )
        )
    for soc, rank in soc_rank.items():
        extra = {}
        if grade3:
            extra["n_grade3"] = (int(soc_n3.get(soc, 0)), f"Subjects: {soc}, grade >= 3")
        extra["order"] = (rank + 1, "Display order (descending frequency)")
        frames.append(
            _count_rows(
                f"{prefix}-SOC", tlf_id, group, soc, soc, int(soc_n[soc]), total, filter, sha, extra
            )
        )
    return frames


# Deaths of table 14.3.4 by timing against the last dose (ADSL.DTHTEMFL).
DEATH_TIMING = {
    "ALL": "all deaths",
    "WITHIN": "deaths on treatment or within the treatment-emergent window after the last dose",
    "AFTER": "deaths later than the treatment-emergent window after the last dose",
}


def deaths_ard(
    subjects: pd.DataFrame, group: str, total: int, sha: str, window_days: int
) -> list[pd.DataFrame]:
    """Deaths of the safety set (SAP section 6, deaths; table 14.3.4) by timing, DEATHS-TIMING
    (variables WITHIN and AFTER: death on or after the first dose and at most ``window_days``
    after the last, ADSL.DTHTEMFL, or later; stat window_days the window), and by cause of
    death within each timing, DEATHS-CAUSE (variables "<ALL|WITHIN|AFTER> / <DTHCAUS>", most
    frequent first, ties alphabetical); nothing where ADSL lacks the variables."""
    if not {"DTHFL", "DTHTEMFL", "DTHCAUS"} <= set(subjects.columns):
        return []
    died = subjects[subjects["DTHFL"] == "Y"]
    within = died["DTHTEMFL"] == "Y"
    timing = {"ALL": died, "WITHIN": died[within], "AFTER": died[~within]}
    common = {
        "tlf_id": "14.3.4",
        "population": "SAF",
        "group": group,
        "source_dataset": "ADSL",
        "method": "Number and percentage of subjects",
        "input_sha256": sha,
    }

    def counts(n: int, label: str) -> dict:
        return {
            "n": (n, f"Subjects: {label}"),
            "N": (total, "Denominator: subjects in the safety set"),
            "pct": (100 * n / total if total else None, f"%: {label}"),
        }

    frames = []
    for key in ("WITHIN", "AFTER"):
        condition = "DTHTEMFL = 'Y'" if key == "WITHIN" else "DTHTEMFL != 'Y'"
        frames.append(
            ard.rows(
                analysis_id="DEATHS-TIMING",
                variable=key,
                stats=counts(len(timing[key]), DEATH_TIMING[key])
                | {
                    "window_days": (
                        window_days,
                        "Treatment-emergent window (days after the last dose)",
                    )
                },
                filter=f"SAFFL = 'Y' and DTHFL = 'Y' and {condition}",
                **common,
            )
        )
    for key, deaths in timing.items():
        causes = deaths["DTHCAUS"].value_counts()
        order = sorted(causes.index, key=lambda cause: (-causes[cause], cause))
        for rank, cause in enumerate(order, start=1):
            frames.append(
                ard.rows(
                    analysis_id="DEATHS-CAUSE",
                    variable=f"{key} / {cause}",
                    stats=counts(int(causes[cause]), f"{DEATH_TIMING[key]}, cause {cause}")
                    | {"order": (rank, "Display order (descending frequency)")},
                    filter=f"SAFFL = 'Y' and DTHFL = 'Y' and DTHCAUS = '{cause}'",
                    **common,
                )
            )
    return frames


# TEAE-OVERVIEW items that rest on the AE action taken (AEACN).
ACTION_ITEMS = ("DISCONTINUED", "REDUCED", "INTERRUPTED")


def action_collected(adae: pd.DataFrame) -> bool:
    """Whether the study collected the action taken with the study treatment (SAP section 6):
    some AE has an AEACN or an action flag (DISCFL, REDFL, INTFL); a study without AEs has
    nothing to say it did not."""
    if not len(adae):
        return True
    flags = [flag for flag in ("DISCFL", "REDFL", "INTFL") if flag in adae]
    if flags and (adae[flags] == "Y").any(axis=None):
        return True
    return "AEACN" in adae and bool(adae["AEACN"].fillna("").astype(str).str.strip().ne("").any())


def safety_ard(
    adae: pd.DataFrame,
    adex: pd.DataFrame,
    adsl: pd.DataFrame,
    input_sha256: str,
    *,
    aesi: list[dict] = (),
    grade: dict | None = None,
    arms: dict | None = None,
    window_days: int = 30,
    adverse_event: str = "ADVERSE EVENT",
) -> pd.DataFrame:
    """TEAE overview, TEAEs by SOC and PT (any grade and grade >= 3), serious TEAEs, TEAEs
    leading to discontinuation and fatal TEAEs by SOC and PT, deaths (all, by timing against
    the treatment-emergent window ``window_days`` and by cause), the study's AEs of special
    interest (``aesi``) and exposure, per arm (and Total where pooled), among the safety set;
    the reconciliation of AE actions with disposition (reason ``adverse_event``) and exposure
    (oncocsr.reconciliation); and whether the study collected AE grades (COLLECTED, item
    GRADE)."""
    grade = grade or {"source": "AETOXGR"}
    items = special_interest(list(aesi))
    safety = adsl[adsl["SAFFL"] == "Y"]
    # Collected when some AE has a grade (a study without AEs is judged by its config).
    has_grades = "ATOXGRN" in adae and len(adae)
    graded = bool(adae["ATOXGRN"].notna().any()) if has_grades else grade["source"] != "none"
    source = {"AETOXGR": "AE.AETOXGR", "AESEV": "AE.AESEV mapped to grades", "none": "none"}
    acted = action_collected(adae)
    frames = [
        ard.collected_rows(
            {
                "GRADE": (graded, f"AE grade from {source[grade['source']]}"),
                "AEACN": (acted, "AE.AEACN, the action taken with the study treatment"),
            },
            input_sha256,
        )
    ]
    for group, subjects in ard.arm_groups(safety, arms):
        total = len(subjects)
        emergent = adae[(adae["TRTEMFL"] == "Y") & adae["USUBJID"].isin(subjects["USUBJID"])]
        frames.append(
            ard.rows(
                analysis_id="SAFETY-N",
                tlf_id="14.3.2",
                population="SAF",
                group=group,
                variable="SAFFL",
                stats={"N": (total, "Subjects in the safety set")},
                source_dataset="ADSL",
                filter="SAFFL = 'Y'",
                method="Count",
                input_sha256=input_sha256,
            )
        )
        for key, (label, flag) in OVERVIEW.items():
            mask = pd.Series(True, index=emergent.index) if flag is None else emergent[flag] == "Y"
            frames.append(
                _count_rows(
                    "TEAE-OVERVIEW",
                    "14.3.2",
                    group,
                    key,
                    label,
                    _subjects(emergent, mask),
                    total,
                    "TRTEMFL = 'Y'" + ("" if flag is None else f" and {flag} = 'Y'"),
                    input_sha256,
                )
            )
        frames += _by_soc_and_pt(
            "TEAE", "14.3.3", group, emergent, total, "TRTEMFL = 'Y'", input_sha256, grade3=True
        )
        for prefix, flag in SOC_PT_BY_FLAG.items():
            frames += _by_soc_and_pt(
                prefix,
                "14.3.4",
                group,
                emergent[emergent[flag] == "Y"],
                total,
                f"TRTEMFL = 'Y' and {flag} = 'Y'",
                input_sha256,
            )
        if "DTHFL" in subjects:
            deaths = int((subjects["DTHFL"] == "Y").sum())
            frames.append(
                ard.rows(
                    analysis_id="DEATHS",
                    tlf_id="14.3.4",
                    population="SAF",
                    group=group,
                    variable="DTHFL",
                    stats={
                        "n": (deaths, "Subjects who died (any cause, up to the data cutoff)"),
                        "N": (total, "Denominator: subjects in the safety set"),
                        "pct": (100 * deaths / total if total else None, "%: deaths"),
                    },
                    source_dataset="ADSL",
                    filter="SAFFL = 'Y' and DTHFL = 'Y'",
                    method="Number and percentage of subjects",
                    input_sha256=input_sha256,
                )
            )
        frames += deaths_ard(subjects, group, total, input_sha256, window_days)
        exposed = adex[adex["USUBJID"].isin(subjects["USUBJID"])]
        if acted:
            frames += reconcile_discontinuation(
                subjects, emergent, group, input_sha256, adverse_event
            )
            frames += reconcile_dose_changes(emergent, exposed, group, input_sha256)
        for key, (label, variable, value) in items.items():
            chosen = emergent[_special_interest_mask(emergent, variable, value)]
            frames.append(
                _count_rows(
                    "AESI",
                    "14.3.5",
                    group,
                    key,
                    label,
                    chosen["USUBJID"].nunique(),
                    total,
                    "TRTEMFL = 'Y'",
                    input_sha256,
                    extra={
                        "n_grade3": (
                            _subjects(chosen, chosen["GR3FL"] == "Y"),
                            f"Subjects: {label}, grade >= 3",
                        )
                    },
                )
            )
        exposed = adex[adex["USUBJID"].isin(subjects["USUBJID"])]
        for paramcd, values in exposed.groupby("PARAMCD"):
            aval = values["AVAL"]
            # Counts of events per subject also give the subjects with at least one (14.3.1).
            any_event = {}
            if paramcd in ANY_EVENT:
                n_any = int((aval > 0).sum())
                any_event = {
                    "n_any": (n_any, f"Subjects with at least one: {ANY_EVENT[paramcd]}"),
                    "pct_any": (
                        100 * n_any / total if total else None,
                        f"% of the safety set with at least one: {ANY_EVENT[paramcd]}",
                    ),
                }
            frames.append(
                ard.rows(
                    analysis_id="EXPOSURE",
                    tlf_id="14.3.1",
                    population="SAF",
                    group=group,
                    variable=paramcd,
                    stats={
                        "n": (int(aval.count()), "Subjects"),
                        "mean": (float(aval.mean()), "Mean"),
                        "sd": (
                            float(aval.std()) if aval.count() > 1 else None,
                            "Standard deviation",
                        ),
                        "median": (float(aval.median()), "Median"),
                        "min": (float(aval.min()), "Minimum"),
                        "max": (float(aval.max()), "Maximum"),
                    }
                    | any_event,
                    source_dataset="ADEX",
                    filter=f"PARAMCD = '{paramcd}'",
                    method="Descriptive statistics",
                    input_sha256=input_sha256,
                )
            )
    return ard.combine(frames)
