"""The entry-criteria rows of tables 14.1.3 and 14.1.4 (SAP section 1: metastatic breast cancer
after anthracyclines and taxanes; section 7): which ADSL variables they show, what each is
derived from (for the "not collected" notes), and the disease sites at baseline, a
multiple-response count (oncocsr.baseline builds the other rows).
"""

from __future__ import annotations

import re

import pandas as pd

from oncocsr import ard

# After age in table 14.1.3: baseline measures (ADSL variable: label), the disease sites (a
# subject may have several: METSITES counts each); in table 14.1.4 the settings of the prior
# regimens.
BASELINE_MEASURES = {
    "WEIGHTBL": "Weight (kg)",
    "BSABL": "Body surface area (m²)",
    "DIAGDURM": "Time since initial diagnosis (months)",
}
DISEASE_SITES = {
    "NMETSITE": "Number of disease sites at baseline",
    "METSITES": "Disease sites at baseline",
}
PRIOR_SETTING = {"PRSETTNG": "Settings of prior anticancer therapy"}
SITE_SEPARATOR = "; "
# The ADSL flags of the drug classes of prior therapy (baseline.prior_classes): Y or blank.
PRIOR_CLASS_FLAG = re.compile(r"PR[A-Z0-9]{1,4}FL")


def entry_sources(baseline: dict) -> dict[str, str]:
    """What each entry-criteria ADSL variable is derived from, in words, from the study's
    ``baseline`` settings (oncocsr.adam.adsl_entry)."""
    vitals = baseline["vitals"]
    diagnosis, setting = baseline["diagnosis_category"], baseline["prior_setting"]
    sources = {
        "WEIGHTBL": f"VS records with VSTESTCD = '{vitals['weight']}'",
        "BSABL": f"VS records with VSTESTCD = '{vitals['height']}' and '{vitals['weight']}'",
        "DIAGDURM": f"MH records with MHCAT = '{diagnosis}'"
        if diagnosis
        else "MH records of the diagnosis",
        "NMETSITE": "locations (TULOC) of the baseline lesions in TU",
        "METSITES": "locations (TULOC) of the baseline lesions in TU",
        "PRSETTNG": f"CM.{setting} of the prior anticancer therapy records"
        if setting
        else "the setting of prior regimens in CM",
    }
    for drug_class in baseline["prior_classes"]:
        sources[drug_class["variable"]] = (
            f"CM prior anticancer therapy with CMDECOD or CMTRT in {drug_class['terms']}"
        )
    return sources


def disease_sites_ard(adsl: pd.DataFrame, input_sha256: str, arms: dict | None = None):
    """Disease sites at baseline in table 14.1.3 (analysis DEMOGRAPHICS, full analysis set):
    subjects with a baseline lesion at each location of METSITES, as n and % of the group; a
    subject with several sites counts under each, so the percentages do not add up to 100.
    Sites are in order of frequency in the whole set (ties alphabetical); none without
    METSITES."""
    fas = adsl[adsl["FASFL"] == "Y"]
    if "METSITES" not in fas:
        return ard.combine([])
    sites = fas["METSITES"].fillna("").str.split(SITE_SEPARATOR).explode()
    sites = sites[sites != ""]
    overall = sites.value_counts()
    levels = sorted(overall.index, key=lambda level: (-overall[level], level))
    label = DISEASE_SITES["METSITES"]
    frames = []
    for group, subjects in ard.arm_groups(fas, arms):
        total = len(subjects)
        counts = sites[sites.index.isin(subjects.index)].value_counts()
        for order, level in enumerate(levels, start=1):
            n = int(counts.get(level, 0))
            frames.append(
                ard.rows(
                    analysis_id="DEMOGRAPHICS",
                    tlf_id="14.1.3",
                    population="FAS",
                    group=group,
                    variable=f"METSITES={level}",
                    stats={
                        "n": (n, f"Subjects: {label} {level}"),
                        "N": (total, "Denominator: subjects in the full analysis set"),
                        "pct": (100 * n / total if total else None, f"%: {label} {level}"),
                        "order": (order, f"Display order of the levels of {label}"),
                    },
                    source_dataset="ADSL",
                    filter=f"FASFL = 'Y' and METSITES contains '{level}'",
                    method="Number and percentage of subjects (a subject may have several)",
                    input_sha256=input_sha256,
                )
            )
    return ard.combine(frames)
