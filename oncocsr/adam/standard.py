"""ADaMIG 1.3 standard variables every BDS dataset carries: the subject-level treatment
variables (TRTP, TRTA), PARAMN, ASEQ and the analysis visit (AVISIT, AVISITN).

Written once here so that ADRS, ADTR, ADTTE and ADEX derive them alike; PARAMN comes from the
metadata (``schemas/adam.yaml``), so a parameter without metadata stops the write.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncocsr.adam.common import present
from oncocsr.adam.metadata import MetadataError, parameter_numbers

# ADSL variables a BDS dataset copies; TRT01P/TRT01A become TRTP/TRTA (ADaMIG 1.3, 3.3.3).
SUBJECT_VARIABLES = ["STUDYID", "TRT01P", "TRT01A", "ARM", "ARMCD", "ACTARM", "ACTARMCD"]
TREATMENT = {"TRT01P": "TRTP", "TRT01A": "TRTA"}


def subject_variables(adsl: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """ADSL's USUBJID with the subject-level variables a BDS dataset copies (those ADSL has),
    then ``extra`` (population flags, dates), with TRT01P/TRT01A named TRTP/TRTA."""
    columns = present(adsl, [*SUBJECT_VARIABLES, *extra])
    return adsl[["USUBJID", *columns]].rename(columns=TREATMENT)


def number_sequence(frame: pd.DataFrame) -> np.ndarray:
    """ASEQ: 1, 2, ... within each subject, in the dataset's (already sorted) record order."""
    return frame.groupby("USUBJID", sort=False).cumcount().to_numpy() + 1


def number_parameters(dataset: str, paramcd: pd.Series) -> pd.Series:
    """PARAMN of each record from the dataset's parameter metadata."""
    numbers = parameter_numbers(dataset)
    unknown = sorted(set(paramcd.unique()) - set(numbers))
    if unknown:
        raise MetadataError(
            f"{dataset.upper()}.PARAMCD: {unknown} have no parameter metadata in schemas/adam.yaml"
        )
    return paramcd.map(numbers).astype(float)


def analysis_visits(frame: pd.DataFrame) -> pd.DataFrame:
    """AVISIT and AVISITN from the record's VISIT and VISITNUM: AVISITN is the visit number,
    else (a study that records no VISITNUM) the rank of the visit by its earliest analysis day."""
    visit = frame["VISIT"].fillna("")
    number = pd.to_numeric(frame.get("VISITNUM", pd.Series(np.nan, frame.index)), errors="coerce")
    if number.isna().all():
        first_day = frame["ADY"].groupby(visit).transform("min")
        order = pd.Series(first_day.to_numpy(), index=visit.to_numpy()).groupby(level=0).min()
        rank = order.drop("", errors="ignore").rank(method="dense")
        number = visit.map(rank)
    return pd.DataFrame({"AVISIT": visit, "AVISITN": number.where(visit != "")}, index=frame.index)


def _insert_after(columns: list[str], anchor: str, new: list[str]) -> list[str]:
    rest = [column for column in columns if column not in new]
    at = rest.index(anchor) + 1 if anchor in rest else len(rest)
    return [*rest[:at], *new, *rest[at:]]


def finish_bds(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """A BDS dataset, sorted by its keys, with PARAMN after PARAM, ASEQ after USUBJID and,
    where the records have a VISIT, AVISIT/AVISITN after it (VISITNUM is not kept)."""
    out = frame.reset_index(drop=True)
    out["PARAMN"] = number_parameters(dataset, out["PARAMCD"])
    out["ASEQ"] = number_sequence(out).astype(float)
    columns = _insert_after(list(out.columns), "PARAM", ["PARAMN"])
    columns = _insert_after(columns, "USUBJID", ["ASEQ"])
    if "VISIT" in out:
        out = pd.concat([out, analysis_visits(out)], axis=1)
        columns = _insert_after(columns, "VISIT", ["AVISIT", "AVISITN"])
    return out[[column for column in columns if column != "VISITNUM"]]
