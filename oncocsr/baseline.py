"""Disposition, analysis sets, demographics and prior therapy into ARD rows (tables 14.1.1 to
14.1.4; SAP sections 2 and 7).

Categorical variables give one ARD variable per level, ``"<ADSL variable>=<level>"``, with
statistics n, N (the group's subjects in the analysis set), pct and order (display order of the
level, the same in every group); continuous ones give n, mean, sd, median, min and max. Each
analysis also has one row ``<set flag>:N``, the column header's N. Groups are the study's arms,
plus Total where the study pools them (``arms``, SAP section 2).
"""

from __future__ import annotations

import pandas as pd

from oncocsr import ard
from oncocsr.baseline_entry import (
    BASELINE_MEASURES,
    DISEASE_SITES,
    PRIOR_CLASS_FLAG,
    PRIOR_SETTING,
    disease_sites_ard,
    entry_sources,
)

MISSING = "Missing"
# End of treatment and study status always shown; COMPLETED only when someone has it, as a
# single-arm study treats until progression.
STATUS = ("ONGOING", "DISCONTINUED")
PRIOR_THERAPY = {
    "NPRREG": ("Number of prior anticancer regimens", ()),
    "PRREGGR": ("Prior anticancer regimens (group)", ()),
}
ANALYSIS_SETS = {
    "ENRLFL": "Enrolled set",
    "SAFFL": "Safety set",
    "FASFL": "Full analysis set",
    "EFFFL": "Efficacy-evaluable set",
}
# Y/blank flags: blank means no, so it is the level N rather than missing; so are the flags of
# the drug classes of prior therapy (PRIOR_CLASS_FLAG).
FLAGS = {"ENRLFL", "SAFFL", "FASFL", "EFFFL", "MDISFL", "DTHFL"}
SET_NAMES = {"ENR": "enrolled set", "FAS": "full analysis set", "SAF": "safety set"}


def collection_sources(settings: dict) -> dict[str, str]:
    """What each optional ADSL variable is derived from, in words, for the "not collected"
    notes of the tables (from the study's ``terms``, ``baseline`` and ``tumour`` settings)."""
    terms, baseline = settings["terms"], settings["baseline"]
    ecog = baseline["ecog"]
    if ecog["domain"] == "none":
        ecog_source = "no source configured (baseline.ecog.domain: none)"
    elif ecog.get("category"):
        ecog_source = f"{ecog['domain']} records with {ecog['domain']}CAT = '{ecog['category']}'"
    else:
        ecog_source = f"{ecog['domain']} records with {ecog['domain']}TESTCD = '{ecog['testcd']}'"
    eot = terms["ds"]["end_of_treatment"]
    prior = terms["cm"]["prior_therapy"]
    tumour = "TU records of baseline target and non-target lesions"
    sources = {
        "AGEGR1": "DM.AGE",
        "SEX": "DM.SEX",
        "RACE": "DM.RACE",
        "ECOGBL": ecog_source,
        "EOTSTT": f"DS records with DSSCAT = '{eot}'" if eot else "not recorded in DS",
        "NPRREG": f"CM records with CMCAT = '{prior}'" if prior else "not recorded in CM",
        "VISCMET": tumour,
        "LIVERMET": tumour,
        "MDISFL": tumour,
    }
    sources["PRREGGR"] = sources["NPRREG"]
    sources |= entry_sources(baseline)
    sources |= {qnam: f"SUPPDM records with QNAM = '{qnam}'" for qnam in baseline["supplemental"]}
    return sources


def baseline_ard(
    adsl: pd.DataFrame,
    input_sha256: str,
    *,
    characteristics: list[dict],
    sources: dict[str, str] | None = None,
    arms: dict | None = None,
    prior_classes: list[dict] | None = None,
) -> pd.DataFrame:
    """ARD rows of tables 14.1.1 to 14.1.4 from ADSL, the groups of the tables (ARMS), and
    which optional variables the study collected (COLLECTED)."""
    sources = sources or {}
    prior_classes = prior_classes or []
    optional = {c["variable"] for c in characteristics} | {"EOTSTT", "NPRREG"}
    optional |= {*BASELINE_MEASURES, *DISEASE_SITES, *PRIOR_SETTING}
    optional |= {drug_class["variable"] for drug_class in prior_classes}
    collected = {
        name: (name in adsl, sources.get(name, f"ADSL.{name}")) for name in sorted(optional)
    }
    arms = arms or ard.SINGLE_ARM
    enrolled = adsl[adsl["ENRLFL"] == "Y"]
    names = [name for name, _ in ard.arm_groups(enrolled, arms)]
    return ard.combine(
        [
            ard.arms_rows(names, arms["variable"], input_sha256),
            ard.collected_rows(collected, input_sha256),
            disposition_ard(adsl, input_sha256, arms),
            analysis_sets_ard(adsl, input_sha256, arms),
            demographics_ard(adsl, input_sha256, characteristics, arms),
            prior_therapy_ard(adsl, input_sha256, arms, prior_classes),
        ]
    )


def disposition_ard(adsl: pd.DataFrame, input_sha256: str, arms: dict | None = None):
    """Table 14.1.1 (SAP section 2): screening (analysis SCREENING, every subject in DM, group
    Total: screened, screen failures SCRNFFL, not enrolled for another reason, enrolled);
    among the enrolled (analysis DISPOSITION, % of the enrolled): treated and not treated, on
    study or discontinued (EOSSTT) with the reason (DCSREAS), deaths (DTHFL); among the treated
    (analysis DISPOSITION-TREATMENT, % of the treated): on treatment at the cutoff or
    discontinued (EOTSTT) with the reason (DCTREAS), left out where the study records no end
    of treatment (ADSL without EOTSTT)."""
    enrolled = adsl[adsl["ENRLFL"] == "Y"]
    stopped_study = enrolled["EOSSTT"] == "DISCONTINUED"
    values = pd.DataFrame(
        {
            "ENRLFL": "Y",
            "SAFFL": _flag(enrolled["SAFFL"]),
            "EOSSTT": _text(enrolled["EOSSTT"]),
            # None marks subjects a variable does not apply to: they are in no level.
            "DCSREAS": _text(enrolled["DCSREAS"]).where(stopped_study, None),
            "DTHFL": _flag(enrolled["DTHFL"]),
        },
        index=enrolled.index,
    )
    filters = {
        "ENRLFL": "ENRLFL = 'Y'",
        "SAFFL": "ENRLFL = 'Y'",
        "EOSSTT": "ENRLFL = 'Y'",
        "DCSREAS": "ENRLFL = 'Y' and EOSSTT = 'DISCONTINUED'",
        "DTHFL": "ENRLFL = 'Y'",
    }
    levels = {
        "ENRLFL": ["Y"],
        "SAFFL": ["Y", "N"],
        "EOSSTT": _levels(values["EOSSTT"], STATUS),
        "DCSREAS": _levels_by_frequency(values["DCSREAS"]),
        "DTHFL": ["Y"],
    }
    labels = {
        "ENRLFL": "Enrolled",
        "SAFFL": "Treated",
        "EOSSTT": "End of study status",
        "DCSREAS": "Reason for study discontinuation",
        "DTHFL": "Died",
    }
    frames = [
        screening_ard(adsl, input_sha256),
        _analysis(
            adsl=enrolled,
            values=values,
            spec={name: (labels[name], levels[name], filters[name], False) for name in values},
            analysis_id="DISPOSITION",
            tlf_id="14.1.1",
            population=("ENR", "ENRLFL"),
            input_sha256=input_sha256,
            arms=arms,
        ),
    ]
    if "EOTSTT" in enrolled:
        # Over the enrolled, so that the groups are the table's columns; only the treated have
        # a level and count in N.
        treated = enrolled["SAFFL"] == "Y"
        stopped = treated & (enrolled["EOTSTT"] == "DISCONTINUED")
        status = pd.DataFrame(
            {
                "EOTSTT": _text(enrolled["EOTSTT"]).where(treated, None),
                "DCTREAS": _text(enrolled["DCTREAS"]).where(stopped, None),
            },
            index=enrolled.index,
        )
        base = "ENRLFL = 'Y' and SAFFL = 'Y'"
        spec = {
            "EOTSTT": ("End of treatment status", _levels(status["EOTSTT"], STATUS), base, False),
            "DCTREAS": (
                "Reason for treatment discontinuation",
                _levels_by_frequency(status["DCTREAS"]),
                f"{base} and EOTSTT = 'DISCONTINUED'",
                False,
            ),
        }
        frames.append(
            _analysis(
                adsl=enrolled,
                values=status,
                spec=spec,
                analysis_id="DISPOSITION-TREATMENT",
                tlf_id="14.1.1",
                population=("SAF", "SAFFL"),
                input_sha256=input_sha256,
                denominator=treated,
                arms=arms,
            )
        )
    return ard.combine(frames)


def screening_ard(adsl: pd.DataFrame, input_sha256: str) -> pd.DataFrame:
    """Table 14.1.1, screening (analysis SCREENING, group Total, SAP section 2): subjects
    screened (every subject in DM, one ADSL record each), screen failures (SCRNFFL), subjects
    neither screen failures nor enrolled (e.g. no consent date), and enrolled (ENRLFL). Counts
    only: screen failures have no arm, and the percentages of the table are of the enrolled."""
    failed = adsl["SCRNFFL"] == "Y" if "SCRNFFL" in adsl else pd.Series(False, index=adsl.index)
    enrolled = adsl["ENRLFL"] == "Y"
    counts = {
        "SCREENED": (len(adsl), "Subjects screened (every subject in DM)", ""),
        "SCRNFFL": (int(failed.sum()), "Screen failures", "SCRNFFL = 'Y'"),
        "NOTENRL": (
            int((~failed & ~enrolled).sum()),
            "Not enrolled for another reason than screen failure",
            "SCRNFFL != 'Y' and ENRLFL != 'Y'",
        ),
        "ENRLFL": (int(enrolled.sum()), "Subjects enrolled", "ENRLFL = 'Y'"),
    }
    return ard.combine(
        [
            ard.rows(
                analysis_id="SCREENING",
                tlf_id="14.1.1",
                population="ALL",
                group=ard.TOTAL,
                variable=variable,
                stats={"n": (n, label)},
                source_dataset="ADSL",
                filter=filter,
                method="Count",
                input_sha256=input_sha256,
            )
            for variable, (n, label, filter) in counts.items()
        ]
    )


def analysis_sets_ard(adsl: pd.DataFrame, input_sha256: str, arms: dict | None = None):
    """Table 14.1.2 (analysis ANALYSIS-SETS): subjects in each analysis set of SAP section 2,
    as n and % of the enrolled subjects of the group. Every subject in any set is counted, so
    the safety set here is the one of the safety tables even if it held a subject not enrolled;
    N (the denominator) is the enrolled subjects."""
    in_any = (adsl[list(ANALYSIS_SETS)] == "Y").any(axis=1)
    subjects = adsl[in_any]
    values = pd.DataFrame({flag: _flag(subjects[flag]) for flag in ANALYSIS_SETS})
    return _analysis(
        adsl=subjects,
        values=values,
        spec={flag: (label, ["Y"], "", False) for flag, label in ANALYSIS_SETS.items()},
        analysis_id="ANALYSIS-SETS",
        tlf_id="14.1.2",
        population=("ENR", "ENRLFL"),
        input_sha256=input_sha256,
        denominator=subjects["ENRLFL"] == "Y",
        arms=arms,
    )


def demographics_ard(
    adsl: pd.DataFrame, input_sha256: str, characteristics: list[dict], arms: dict | None = None
) -> pd.DataFrame:
    """Table 14.1.3 (analysis DEMOGRAPHICS): age and the baseline measures of the entry criteria
    (weight, body surface area, time since diagnosis; ``BASELINE_MEASURES``), then the study's
    categorical baseline characteristics (``baseline.characteristics``) and the number of
    disease sites, and each disease site (a subject counts under each of her sites), in the full
    analysis set (the primary set, SAP section 2). A variable ADSL does not have is left out."""
    categorical = {c["variable"]: (c["label"], tuple(c.get("levels", ()))) for c in characteristics}
    categorical["NMETSITE"] = (DISEASE_SITES["NMETSITE"], ())
    continuous = [("AGE", "Age (years)"), *BASELINE_MEASURES.items()]
    frame = _characteristics_ard(
        adsl, continuous, categorical, "DEMOGRAPHICS", "14.1.3", input_sha256, arms
    )
    sites = disease_sites_ard(adsl, input_sha256, arms)
    return ard.combine([frame, sites])


def prior_therapy_ard(
    adsl: pd.DataFrame,
    input_sha256: str,
    arms: dict | None = None,
    prior_classes: list[dict] | None = None,
):
    """Table 14.1.4 (analysis PRIOR-THERAPY): number of prior anticancer regimens (NPRREG) as
    descriptive statistics and by count, its group PRREGGR (SAP section 6 subgroups), prior
    therapy of each drug class of the entry criteria (``baseline.prior_classes``, SAP section 1)
    and the settings of the prior regimens (PRSETTNG), in the full analysis set."""
    categorical = dict(PRIOR_THERAPY)
    for drug_class in prior_classes or []:
        categorical[drug_class["variable"]] = (drug_class["label"], ("Y", "N"))
    categorical["PRSETTNG"] = (PRIOR_SETTING["PRSETTNG"], ())
    return _characteristics_ard(
        adsl,
        [("NPRREG", PRIOR_THERAPY["NPRREG"][0])],
        categorical,
        "PRIOR-THERAPY",
        "14.1.4",
        input_sha256,
        arms,
    )


def _characteristics_ard(
    adsl: pd.DataFrame,
    continuous: list[tuple[str, str]],
    categorical: dict[str, tuple[str, tuple[str, ...]]],
    analysis_id: str,
    tlf_id: str,
    input_sha256: str,
    arms: dict | None = None,
) -> pd.DataFrame:
    """Full analysis set: descriptive statistics of each ``continuous`` (variable, label) and
    counts of the levels of the ``categorical`` variables; a variable ADSL lacks is left out."""
    fas = adsl[adsl["FASFL"] == "Y"]
    values = pd.DataFrame(index=fas.index)
    spec = {}
    for name, (text, defined) in categorical.items():
        if name not in fas:
            continue
        if pd.api.types.is_numeric_dtype(fas[name]):
            # A count such as NPRREG: its levels are its values, in numeric order.
            values[name] = fas[name].astype("Int64").astype(str).replace("<NA>", MISSING)
            seen = sorted(int(v) for v in fas[name].dropna().unique())
            levels = _levels(values[name], [str(v) for v in seen])
            spec[name] = (text, levels, "FASFL = 'Y'", True)
            continue
        values[name] = _flag(fas[name]) if _is_flag(name) else _text(fas[name])
        spec[name] = (text, _levels(values[name], defined), "FASFL = 'Y'", False)
    common = {
        "tlf_id": tlf_id,
        "population": "FAS",
        "source_dataset": "ADSL",
        "input_sha256": input_sha256,
    }
    frames = [
        _analysis(
            adsl=fas,
            values=values,
            spec=spec,
            analysis_id=analysis_id,
            tlf_id=tlf_id,
            population=("FAS", "FASFL"),
            input_sha256=input_sha256,
            arms=arms,
        )
    ]
    for variable, label in continuous:
        if variable not in fas:
            continue
        for group, subjects in ard.arm_groups(fas, arms):
            data = subjects[variable]
            n = int(data.count())
            frames.append(
                ard.rows(
                    analysis_id=analysis_id,
                    group=group,
                    variable=variable,
                    stats={
                        "n": (n, f"Subjects with a value: {label}"),
                        "mean": (float(data.mean()) if n else None, "Mean"),
                        "sd": (float(data.std()) if n > 1 else None, "Standard deviation"),
                        "median": (float(data.median()) if n else None, "Median"),
                        "min": (float(data.min()) if n else None, "Minimum"),
                        "max": (float(data.max()) if n else None, "Maximum"),
                    },
                    filter="FASFL = 'Y'",
                    method="Descriptive statistics (SD with divisor n - 1)",
                    **common,
                )
            )
    return ard.combine(frames)


def _analysis(
    *,
    adsl: pd.DataFrame,
    values: pd.DataFrame,
    spec: dict[str, tuple[str, list[str], str, bool]],
    analysis_id: str,
    tlf_id: str,
    population: tuple[str, str],
    input_sha256: str,
    denominator: pd.Series | None = None,
    arms: dict | None = None,
) -> pd.DataFrame:
    """Count rows of every level of every variable of ``spec`` ({variable: (label, levels,
    filter, numeric)}), per arm group, plus the group's N; ``values`` holds the level of each
    subject of ``adsl`` (None: not counted) and ``denominator`` who counts in N (default:
    everyone)."""
    code, flag = population
    set_name = SET_NAMES[code]
    counted = pd.Series(True, index=adsl.index) if denominator is None else denominator
    common = {
        "analysis_id": analysis_id,
        "tlf_id": tlf_id,
        "population": code,
        "source_dataset": "ADSL",
        "input_sha256": input_sha256,
    }
    frames = []
    for group, subjects in ard.arm_groups(adsl, arms):
        total = int(counted[subjects.index].sum())
        frames.append(
            ard.rows(
                group=group,
                variable=flag,
                stats={"N": (total, f"Subjects in the {set_name}")},
                filter=f"{flag} = 'Y'",
                method="Count",
                **common,
            )
        )
        for name, (label, levels, base_filter, numeric) in spec.items():
            counts = values.loc[subjects.index, name].value_counts()
            for order, level in enumerate(levels, start=1):
                n = int(counts.get(level, 0))
                condition = _condition(name, level, numeric)
                frames.append(
                    ard.rows(
                        group=group,
                        variable=f"{name}={level}",
                        stats={
                            "n": (n, f"Subjects: {label} {level}"),
                            "N": (total, f"Denominator: subjects in the {set_name}"),
                            "pct": (100 * n / total if total else None, f"%: {label} {level}"),
                            "order": (order, f"Display order of the levels of {label}"),
                        },
                        filter=f"{base_filter} and {condition}" if base_filter else condition,
                        method="Number and percentage of subjects",
                        **common,
                    )
                )
    return ard.combine(frames)


def _is_flag(name: str) -> bool:
    return name in FLAGS or PRIOR_CLASS_FLAG.fullmatch(name) is not None


def _flag(values: pd.Series) -> pd.Series:
    return values.eq("Y").map({True: "Y", False: "N"})


def _text(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip().replace("", MISSING)


def _levels(values: pd.Series, defined) -> list[str]:
    """The defined levels in their order, then the other levels seen (sorted), then Missing if
    any subject has it."""
    seen = set(values.dropna().unique())
    others = sorted(seen - set(defined) - {MISSING})
    return [*defined, *others, *([MISSING] if MISSING in seen else [])]


def _levels_by_frequency(values: pd.Series) -> list[str]:
    """Levels seen, most frequent first (ties alphabetical), Missing last: a list of reasons."""
    counts = values.dropna().value_counts()
    ordered = sorted(counts.index.difference([MISSING]), key=lambda level: (-counts[level], level))
    return [*ordered, *([MISSING] if MISSING in counts.index else [])]


def _condition(name: str, level: str, numeric: bool) -> str:
    if level == MISSING:
        return f"{name} is missing" if numeric else f"{name} = ''"
    if _is_flag(name) and level == "N":
        return f"{name} != 'Y'"
    return f"{name} = {level}" if numeric else f"{name} = '{level}'"
