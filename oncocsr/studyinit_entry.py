"""The entry-criteria settings of a study config that its SDTM can tell (python -m oncocsr init,
with oncocsr.studyinit_choices): the VS tests of baseline height and weight, the drug classes of
prior therapy, the CM variable of the prior-therapy setting and the MH category of the initial
diagnosis. Each choice notes what was found; what the data lacks gives "not collected" (null, or
an empty class list), never an error.

The drug classes are a suggestion for the statistician to review: the prior-therapy terms found
that a small vocabulary of known classes (``KNOWN_CLASSES``, by INN, also matched inside
compound terms such as "LIPOSOMAL DOXORUBICIN") names.
"""

from __future__ import annotations

import pandas as pd

from oncocsr.studyinit_choices import Domains, Inspection, counts, text

# Pharmacological classes an entry criterion of an oncology study often names (ATC L01DB
# anthracyclines, L01CD taxanes): ADSL flag, label, International Nonproprietary Names.
KNOWN_CLASSES = (
    (
        "PRANTHFL",
        "Prior anthracycline",
        ("DOXORUBICIN", "EPIRUBICIN", "DAUNORUBICIN", "IDARUBICIN", "PIRARUBICIN", "ACLARUBICIN"),
    ),
    ("PRTAXFL", "Prior taxane", ("PACLITAXEL", "DOCETAXEL", "CABAZITAXEL")),
)
HEIGHT_CODES = ("HEIGHT", "HGT", "HT")
WEIGHT_CODES = ("WEIGHT", "WGT", "WT")
SETTING_VARIABLES = ("CMSCAT", "CMINDC")


def choose_entry_settings(found: Inspection, domains: Domains) -> None:
    """baseline.vitals, prior_classes, prior_setting and diagnosis_category, into ``found``."""
    _vitals(found, domains.get("VS"))
    prior = _prior_records(found, domains.get("CM"))
    _classes(found, prior)
    _setting(found, prior)
    _diagnosis(found, domains.get("MH"))


def _vitals(found: Inspection, vs: pd.DataFrame | None) -> None:
    codes = text(vs, "VSTESTCD").str.upper()
    present = set(codes)
    chosen = {}
    for key, candidates in (("height", HEIGHT_CODES), ("weight", WEIGHT_CODES)):
        chosen[key] = next((code for code in candidates if code in present), candidates[0])
    note = "no VS domain: height, weight and BSA not collected"
    if vs is not None:
        found_codes = ", ".join(f"{key} {code}" for key, code in chosen.items())
        note = f"VS.VSTESTCD: {counts(codes)}; {found_codes} (absent: not collected)"
    found.choose("baseline.vitals", chosen, note)


def _prior_records(found: Inspection, cm: pd.DataFrame | None) -> pd.DataFrame | None:
    category = found.sections.get("terms", {}).get("cm", {}).get("prior_therapy")
    if cm is None or not category:
        return None
    prior = cm[text(cm, "CMCAT").str.upper() == category.upper()]
    return prior if len(prior) else None


def _classes(found: Inspection, prior: pd.DataFrame | None) -> None:
    if prior is None:
        found.choose(
            "baseline.prior_classes",
            [],
            "no prior anticancer therapy in CM (terms.cm.prior_therapy): drug classes not "
            "collected",
        )
        return
    decoded = text(prior, "CMDECOD").str.upper()
    drugs = decoded.where(decoded != "", text(prior, "CMTRT").str.upper())
    seen = sorted(set(drugs) - {""})
    classes, found_notes = [], []
    for variable, label, names in KNOWN_CLASSES:
        terms = [term for term in seen if any(name in term for name in names)]
        found_notes.append(f"{label.lower()}: {', '.join(terms) or 'none'}")
        if terms:
            classes.append({"variable": variable, "label": label, "terms": terms})
    note = (
        f"prior-therapy terms (CMDECOD, else CMTRT) of known classes: {'; '.join(found_notes)}; "
        "a suggestion: review the terms and add the protocol's other classes"
    )
    if not classes:
        note += " (none found: the table says not configured)"
    found.choose("baseline.prior_classes", classes, note)


def _setting(found: Inspection, prior: pd.DataFrame | None) -> None:
    for variable in SETTING_VARIABLES:
        values = text(prior, variable) if prior is not None else pd.Series(dtype=object)
        if (values != "").any():
            found.choose(
                "baseline.prior_setting",
                variable,
                f"prior therapy setting in CM.{variable}: {counts(values)}",
            )
            return
    where = " or ".join(SETTING_VARIABLES)
    found.choose("baseline.prior_setting", None, f"no prior-therapy {where}: setting not collected")


def _diagnosis(found: Inspection, mh: pd.DataFrame | None) -> None:
    category = text(mh, "MHCAT").str.upper()
    hits = category[category.str.contains("DIAGNOS")] if mh is not None else category
    choice = hits.mode().iloc[0] if len(hits) else None
    note = "no MH domain" if mh is None else f"MH.MHCAT: {counts(category)}"
    note += f": initial diagnosis from MHCAT {choice!r}" if choice else ": diagnosis not collected"
    found.choose("baseline.diagnosis_category", choice, note)
