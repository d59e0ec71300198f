"""Safety and exposure summaries into ARD rows (SAP section 6; tables 14.3.1 to 14.3.5)."""

from __future__ import annotations

import pandas as pd

from oncocsr import ard

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
SPECIAL_INTEREST = {
    "DIARRHOEA": ("Diarrhoea", lambda ae: ae["AESIDIAR"] != ""),
    "DIARRHOEA_EARLY": (
        "Diarrhoea, early onset (within 24 h of infusion)",
        lambda ae: ae["AESIDIAR"] == "EARLY",
    ),
    "DIARRHOEA_LATE": ("Diarrhoea, late onset", lambda ae: ae["AESIDIAR"] == "LATE"),
    "NEUTROPENIA": ("Neutropenia", lambda ae: ae["AESINEUT"] == "Y"),
    "FEBRILE_NEUTROPENIA": ("Febrile neutropenia", lambda ae: ae["AESIFN"] == "Y"),
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


def safety_ard(
    adae: pd.DataFrame, adex: pd.DataFrame, adsl: pd.DataFrame, input_sha256: str
) -> pd.DataFrame:
    """TEAE overview, TEAEs by SOC and PT (any grade and grade >= 3), AEs of special interest
    and exposure, per actual arm (and Total), among the safety set."""
    safety = adsl[adsl["SAFFL"] == "Y"]
    frames = []
    for group, subjects in ard.arm_groups(safety):
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
                    f"TRTEMFL = 'Y'{'' if flag is None else f' and {flag} = Y'}",
                    input_sha256,
                )
            )
        # Display order: SOC by descending frequency, then PT by descending frequency within it
        # (ties alphabetical), as the tables list them.
        soc_n = emergent.groupby("AEBODSYS")["USUBJID"].nunique()
        pt_n = emergent.groupby(["AEBODSYS", "AEDECOD"])["USUBJID"].nunique()
        soc_rank = {
            soc: i for i, soc in enumerate(sorted(soc_n.index, key=lambda x: (-soc_n[x], x)))
        }
        pt_order = sorted(pt_n.index, key=lambda k: (soc_rank[k[0]], -pt_n[k], k[1]))
        for rank, (soc, pt) in enumerate(pt_order, start=1):
            terms = emergent[(emergent["AEBODSYS"] == soc) & (emergent["AEDECOD"] == pt)]
            frames.append(
                _count_rows(
                    "TEAE-SOCPT",
                    "14.3.3",
                    group,
                    f"{soc} / {pt}",
                    pt,
                    int(pt_n[(soc, pt)]),
                    total,
                    "TRTEMFL = 'Y'",
                    input_sha256,
                    extra={
                        "n_grade3": (
                            _subjects(terms, terms["GR3FL"] == "Y"),
                            f"Subjects: {pt}, grade >= 3",
                        ),
                        "order": (rank, "Display order (SOC, then PT, by descending frequency)"),
                    },
                )
            )
        for soc, rank in soc_rank.items():
            frames.append(
                _count_rows(
                    "TEAE-SOC",
                    "14.3.3",
                    group,
                    soc,
                    soc,
                    int(soc_n[soc]),
                    total,
                    "TRTEMFL = 'Y'",
                    input_sha256,
                    extra={"order": (rank + 1, "Display order (descending frequency)")},
                )
            )
        for key, (label, select) in SPECIAL_INTEREST.items():
            chosen = emergent[select(emergent)]
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
                    },
                    source_dataset="ADEX",
                    filter=f"PARAMCD = '{paramcd}'",
                    method="Descriptive statistics",
                    input_sha256=input_sha256,
                )
            )
    return ard.combine(frames)
