"""ADaM conformance across datasets: ADSL, one record per subject, is the subjects' source; every
other dataset's subjects and treatments come from it; a data cut is recorded in DCUTDT
(CDISC ADaM Conformance Rules v5.0; ADaMIG 1.3 ADSL and BDS variables)."""

from __future__ import annotations

import re

import pandas as pd

from oncocsr.adamchecks.base import Dataset, blank, dataset_finding, frames, record_findings

# ADaMIG 1.3 BDS treatment variables: TRTP (TRTA) is a value of a planned (actual) treatment
# variable of ADSL.
ADSL_TREATMENTS = {
    "TRTP": ("ADaM-720", re.compile(r"TRT\d\dP|TRTSEQP|TR\d\dPG\d+")),
    "TRTA": ("ADaM-897", re.compile(r"TRT\d\dA|TRTSEQA|TR\d\dAG\d+")),
}


def adsl_present(adsl: Dataset | None, name: str = "adsl") -> pd.DataFrame:
    """ADaM-1: the ADSL dataset exists (every submission has one)."""
    if adsl is not None:
        return frames([])
    return dataset_finding(
        "ADaM-1", "error", Dataset(name, pd.DataFrame(), {}), "", "there is no ADSL dataset"
    )


def one_record_per_subject(adsl: Dataset) -> pd.DataFrame:
    """ADaM-54: ADSL has one record per USUBJID (error: subject-level merges double records)."""
    if not adsl.has("USUBJID"):
        return frames([])
    duplicated = adsl.frame["USUBJID"].duplicated(keep=False)
    return record_findings(
        "ADaM-54", "error", adsl, "USUBJID", duplicated, "more than one ADSL record"
    )


def subjects_in_adsl(dataset: Dataset, adsl: Dataset) -> pd.DataFrame:
    """ADaM-256: every USUBJID of a BDS or OCCDS dataset is in ADSL (error: its subject-level
    variables and populations are unknown)."""
    if not dataset.has("USUBJID") or not adsl.has("USUBJID"):
        return frames([])
    orphan = ~dataset.frame["USUBJID"].isin(adsl.frame["USUBJID"])
    return record_findings("ADaM-256", "error", dataset, "USUBJID", orphan, "subject not in ADSL")


def treatments_in_adsl(dataset: Dataset, adsl: Dataset) -> pd.DataFrame:
    """ADaM-720, -897: a populated TRTP (TRTA) is one of the values of ADSL's planned (actual)
    treatment variables, TRTxxP (TRTxxA), TRTSEQP, TRxxPGy (error: the record's treatment is
    not one a subject was assigned)."""
    parts = []
    for variable, (rule, pattern) in ADSL_TREATMENTS.items():
        if not dataset.has(variable):
            continue
        sources = [name for name in adsl.variables() if pattern.fullmatch(name)]
        known = set(pd.unique(adsl.frame[sources].to_numpy().ravel())) if sources else set()
        values = dataset.frame[variable]
        mask = ~blank(values) & ~values.isin(known)
        where = ", ".join(sources) or "no such variable"
        parts.append(
            record_findings(rule, "error", dataset, variable, mask, f"not a value of ADSL {where}")
        )
    return frames(parts)


def data_cutoff(adsl: Dataset, cutoff: str) -> pd.DataFrame:
    """ADaMIG.DCUTDT: ADaMIG 1.3 ADSL (DCUTDT, conditionally required when the analysis
    is of a data cut): ADSL has DCUTDT, on every record the cut's cutoff (error: the data cut
    the results rest on is not recorded)."""
    if not adsl.has("DCUTDT"):
        return dataset_finding(
            "ADaMIG.DCUTDT", "error", adsl, "DCUTDT", "a data cut without DCUTDT in ADSL"
        )
    dates = pd.to_datetime(adsl.frame["DCUTDT"], errors="coerce")
    wrong = dates.isna() | (dates != pd.Timestamp(cutoff))
    values = dates.dt.strftime("%Y-%m-%d").fillna("")
    return record_findings(
        "ADaMIG.DCUTDT",
        "error",
        adsl,
        "DCUTDT",
        wrong,
        f"DCUTDT is not the cut's cutoff {cutoff}",
        values=values,
    )
