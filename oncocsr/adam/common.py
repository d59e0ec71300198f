"""Helpers shared by the ADaM rule scripts."""

from __future__ import annotations

import numpy as np
import pandas as pd

# The two values of an ADaM flag, shared by every record of a column (a string per record
# costs about 50 bytes: 400 MB for the ten flags of a million-record ADAE).
_FLAG_VALUES = np.array(["", "Y"], dtype=object)
_YES_NO_VALUES = np.array(["N", "Y"], dtype=object)


def read_domains(named_inputs) -> dict[str, pd.DataFrame]:
    """Checked SDTM parquet files of a rule's named inputs, by upper-case domain.

    The ``gate`` input is the data-checks gate, not data.
    """
    return {
        name.upper(): pd.read_parquet(path) for name, path in named_inputs.items() if name != "gate"
    }


def present(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The ``columns`` that ``frame`` has, in their order: subject-level variables copied into
    a BDS dataset that a study (or a test's ADSL) may lack, such as the planned arm."""
    return [column for column in columns if column in frame]


def upper(values: pd.Series) -> pd.Series:
    """Text in upper case for comparing controlled terms; missing values become ""."""
    return values.fillna("").astype(str).str.upper()


def criterion_records(frame: pd.DataFrame, prefix: str, criterion: str) -> pd.Series:
    """Records of the configured response criterion (SAP section 4, source): --CAT equal to it
    (case-insensitive), or blank or absent, which counts as the criterion."""
    if f"{prefix}CAT" not in frame:
        return pd.Series(True, index=frame.index)
    category = upper(frame[f"{prefix}CAT"])
    return (category == criterion.upper()) | (category == "")


def response_category(values: pd.Series, terms: dict) -> pd.Series:
    """RSSTRESC as a RECIST 1.1 category: the study's mapping (``response.terms``, e.g. iUPD
    to PD), else the value in upper case; a value mapped to "" is no assessment."""
    mapping = {key.upper(): value for key, value in terms.items()}
    text = upper(values)
    return text.map(mapping).fillna(text)


def evaluator_records(frame: pd.DataFrame, prefix: str, evaluator: str) -> pd.Series:
    """Records of the configured evaluator (SAP section 4, source): a blank --EVAL is the
    investigator; ``INDEPENDENT ASSESSOR`` uses the accepted read (--ACPTFL = Y)."""
    who = (
        frame[f"{prefix}EVAL"].str.upper().replace("", "INVESTIGATOR")
        if f"{prefix}EVAL" in frame
        else "INVESTIGATOR"
    )
    keep = pd.Series(who == evaluator, index=frame.index)
    if evaluator == "INDEPENDENT ASSESSOR":
        accepted = (
            frame[f"{prefix}ACPTFL"]
            if f"{prefix}ACPTFL" in frame
            else pd.Series("", index=frame.index)
        )
        keep &= accepted == "Y"
    return keep


def merge_supplemental(
    parent: pd.DataFrame, supp: pd.DataFrame | None, domain: str
) -> pd.DataFrame:
    """Parent records with their SUPPxx qualifiers as columns named by QNAM (SDTMIG 8.4).

    Qualifiers with a blank IDVAR belong to the subject; otherwise IDVAR names the parent
    variable (e.g. AESEQ) whose value IDVARVAL identifies the record. A QNAM that is already a
    parent column, or that names two values for one record, is an error.
    """
    if supp is None or supp.empty:
        return parent
    supp = supp[supp["RDOMAIN"] == domain]
    merged = parent
    for idvar, group in supp.groupby("IDVAR", sort=True):
        keys = ["USUBJID"] if idvar == "" else ["USUBJID", idvar]
        wide = group.assign(**({} if idvar == "" else {idvar: group["IDVARVAL"]}))
        duplicated = wide.duplicated([*keys, "QNAM"])
        if duplicated.any():
            row = wide[duplicated].iloc[0]
            raise ValueError(f"SUPP{domain}: QNAM {row['QNAM']} given twice for {row['USUBJID']}")
        wide = wide.pivot(index=keys, columns="QNAM", values="QVAL").reset_index()
        clash = set(wide.columns) & set(merged.columns) - set(keys)
        if clash:
            raise ValueError(f"SUPP{domain}: QNAM {sorted(clash)} already a variable of {domain}")
        if idvar != "":
            # IDVARVAL is text; match it against the parent's variable as text.
            merged = merged.assign(_key=merged[idvar].map(_as_text))
            wide = wide.rename(columns={idvar: "_key"})
            merged = merged.merge(wide, on=["USUBJID", "_key"], how="left").drop(columns="_key")
        else:
            merged = merged.merge(wide, on=keys, how="left")
    return merged


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def flag(mask) -> np.ndarray:
    """An ADaM flag: "Y" where ``mask`` holds, else blank."""
    return _FLAG_VALUES[np.asarray(mask, dtype=bool).astype(np.intp)]


def yes_no(mask) -> np.ndarray:
    """A population flag of ADSL: "Y" where ``mask`` holds, else "N" (ADaMIG 1.3, section
    3.2.3: subject-level population flags are never blank)."""
    return _YES_NO_VALUES[np.asarray(mask, dtype=bool).astype(np.intp)]
