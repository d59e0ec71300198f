"""Data checks that need the study's configuration: the terms of its response criterion, where
its AE grades come from, what a table needs that the study did not collect, and analysis sets
that would be empty (SAP sections 2, 4 and 6).

Per file (``file_findings``, in the ingest rule) and across domains (``study_findings``, in the
cross-checks rule). Findings use the columns of ``oncocsr.findings``.
"""

from __future__ import annotations

import pandas as pd

from oncocsr.adam.common import upper
from oncocsr.checks import finding, records_findings
from oncocsr.findings import COLUMNS
from oncocsr.recist import RESPONSE_AVAL

# RECIST 1.1 categories an overall response may take (MISSING is ADaM's, not SDTM's).
CATEGORIES = [category for category in RESPONSE_AVAL if category != "MISSING"]


def _frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def response_term_findings(rs: pd.DataFrame, file: str, response: dict) -> pd.DataFrame:
    """RS.RSCAT.OTHER (info): overall responses of another criterion than the study's, one
    finding per RSCAT value, excluded from the derivation; RS.RSSTRESC.OVRLRESP (error): an
    overall response of the criterion that is neither a RECIST 1.1 category nor a term the
    study maps to one (``response.terms``)."""
    if "RSTESTCD" not in rs or "RSSTRESC" not in rs:
        return pd.DataFrame(columns=COLUMNS)
    overall = rs[rs["RSTESTCD"] == "OVRLRESP"]
    criterion = response["criterion"]
    category = upper(overall["RSCAT"]) if "RSCAT" in overall else pd.Series("", index=overall.index)
    mine = (category == criterion.upper()) | (category == "")
    others = overall.loc[~mine, "RSCAT"] if "RSCAT" in overall else pd.Series(dtype=object)
    parts = [
        pd.DataFrame(
            [
                finding(
                    "RS.RSCAT.OTHER",
                    "info",
                    file,
                    "RSCAT",
                    f"{count} overall responses of RSCAT {value!r}, not the study's criterion "
                    f"{criterion!r} (response.criterion): excluded from the response derivation",
                    value=value,
                )
                for value, count in others.value_counts().sort_index().items()
            ],
            columns=COLUMNS,
        )
    ]
    allowed = {term.upper() for term in [*CATEGORIES, *response["terms"], ""]}
    unknown = mine & ~upper(overall["RSSTRESC"]).isin(allowed)
    mapped = (
        f"; terms mapped in response.terms: {sorted(response['terms'])}"
        if response["terms"]
        else ""
    )
    parts.append(
        records_findings(
            overall,
            "RS",
            unknown,
            check_id="RS.RSSTRESC.OVRLRESP",
            severity="error",
            file=file,
            variable="RSSTRESC",
            message=f"overall response of {criterion} is not one of {CATEGORIES}{mapped}",
        )
    )
    return _frames(parts)


def grade_findings(ae: pd.DataFrame, file: str, grade: dict) -> pd.DataFrame:
    """AE.GRADE.NOT_COLLECTED (warning): the study's grade source (``safety.grade.source``) is
    missing or blank in every record, so grades are "not collected"; AE.AESEV.UNMAPPED
    (warning): a severity the AESEV mapping does not grade."""
    source = grade["source"]
    if source == "none" or ae.empty:
        return pd.DataFrame(columns=COLUMNS)
    if source not in ae or (upper(ae[source]).str.strip() == "").all():
        state = "is not in the file" if source not in ae else "is blank in every record"
        return pd.DataFrame(
            [
                finding(
                    "AE.GRADE.NOT_COLLECTED",
                    "warning",
                    file,
                    source,
                    f"the AE grade source {source} (safety.grade.source) {state}: tables show "
                    "grades as not collected; set safety.grade.source to the study's grade "
                    "(AETOXGR, AESEV or none)",
                )
            ],
            columns=COLUMNS,
        )
    if source == "AESEV":
        known = {key.upper() for key in grade["aesev"]} | {""}
        return records_findings(
            ae,
            "AE",
            ~upper(ae["AESEV"]).isin(known),
            check_id="AE.AESEV.UNMAPPED",
            severity="warning",
            file=file,
            variable="AESEV",
            message=f"severity not in the grade mapping safety.grade.aesev {sorted(known - {''})}",
        )
    return pd.DataFrame(columns=COLUMNS)


def file_findings(frame: pd.DataFrame, domain: str, file: str, settings: dict) -> pd.DataFrame:
    """The study-aware checks of one SDTM file."""
    if domain == "RS":
        return response_term_findings(frame, file, settings["response"])
    if domain == "AE":
        return grade_findings(frame, file, settings["safety"]["grade"])
    return pd.DataFrame(columns=COLUMNS)


def _not_collected(item: str, variable: str, file: str, message: str) -> dict:
    return finding(f"STUDY.NOT_COLLECTED.{item}", "warning", file, variable, message)


def collection_findings(
    domains: dict[str, pd.DataFrame], files: dict[str, str], settings: dict
) -> pd.DataFrame:
    """STUDY.NOT_COLLECTED.* (warning): what a table needs that the study did not collect, or
    collects under terms the study config does not name; the tables say "not collected"."""
    terms, baseline = settings["terms"], settings["baseline"]
    found = []
    # (item, variable, domain, whether the config says it is not collected, the config key)
    declared = [
        (
            "EOT",
            "DSSCAT",
            "DS",
            terms["ds"]["end_of_treatment"] is None,
            "terms.ds.end_of_treatment",
        ),
        (
            "CM.PRIOR_THERAPY",
            "CMCAT",
            "CM",
            terms["cm"]["prior_therapy"] is None,
            "terms.cm.prior_therapy",
        ),
        (
            "CM.SUBSEQUENT_THERAPY",
            "CMCAT",
            "CM",
            terms["cm"]["subsequent_therapy"] is None,
            "terms.cm.subsequent_therapy",
        ),
        ("ECOG", "", "", baseline["ecog"]["domain"] == "none", "baseline.ecog"),
        ("GRADE", "", "AE", settings["safety"]["grade"]["source"] == "none", "safety.grade.source"),
    ]
    for item, variable, domain, absent, key in declared:
        if absent:
            found.append(
                _not_collected(
                    item,
                    variable,
                    files.get(domain, ""),
                    f"the study config says this is not collected ({key}): the tables show "
                    "it as not collected",
                )
            )
    enrolled = settings["populations"]["enrolled"]
    if enrolled != "consent":
        found.append(
            finding(
                "STUDY.ENROLMENT",
                "info",
                files.get("DM", ""),
                "ENRLFL",
                f"enrolment is defined as {enrolled} (populations.enrolled), not by an "
                "informed-consent date, which the study does not record; the CSR says so",
            )
        )
    ds = domains.get("DS")
    eot = terms["ds"]["end_of_treatment"]
    if ds is not None and eot:
        scat = upper(ds["DSSCAT"]) if "DSSCAT" in ds else pd.Series("", index=ds.index)
        if not (scat == eot.upper()).any():
            seen = sorted(set(scat) - {""})
            found.append(
                _not_collected(
                    "EOT",
                    "DSSCAT",
                    files.get("DS", ""),
                    f"no DS record with DSSCAT = {eot!r} (terms.ds.end_of_treatment); DSSCAT "
                    f"values found: {seen or 'none'}: end of treatment is not collected",
                )
            )
    cm = domains.get("CM")
    for key, what in (("prior_therapy", "prior"), ("subsequent_therapy", "new")):
        category = terms["cm"][key]
        if category is None:
            continue
        present = (
            cm is not None and "CMCAT" in cm and (upper(cm["CMCAT"]) == category.upper()).any()
        )
        if not present:
            seen = (
                sorted(set(upper(cm["CMCAT"])) - {""}) if cm is not None and "CMCAT" in cm else []
            )
            found.append(
                _not_collected(
                    f"CM.{key.upper()}",
                    "CMCAT",
                    files.get("CM", ""),
                    f"no CM record with CMCAT = {category!r} (terms.cm.{key}); CMCAT values "
                    f"found: {seen or 'none (no CM)'}: {what} anticancer therapy is not collected",
                )
            )
    ecog = baseline["ecog"]
    if ecog["domain"] != "none":
        frame = domains.get(ecog["domain"])
        prefix = ecog["domain"]
        column = f"{prefix}CAT" if ecog.get("category") else f"{prefix}TESTCD"
        value = ecog.get("category") or ecog.get("testcd") or ""
        present = (
            frame is not None and column in frame and (upper(frame[column]) == value.upper()).any()
        )
        if not present:
            found.append(
                _not_collected(
                    "ECOG",
                    column,
                    files.get(prefix, ""),
                    f"no {prefix} record with {column} = {value!r} (baseline.ecog): baseline "
                    "ECOG is not collected",
                )
            )
    if "TU" not in domains:
        found.append(
            _not_collected(
                "TU",
                "",
                "",
                "no TU domain: baseline lesions (measurable disease, metastatic sites, the "
                "efficacy-evaluable set) are not collected",
            )
        )
    if "TR" not in domains:
        found.append(
            _not_collected(
                "TR",
                "",
                "",
                "no TR domain: tumour measurements (ADTR, waterfall and spider "
                "plots) are not collected",
            )
        )
    supp = domains.get("SUPPDM")
    qnams = set(supp["QNAM"]) if supp is not None and "QNAM" in supp else set()
    for qnam in baseline["supplemental"]:
        if qnam not in qnams:
            found.append(
                _not_collected(
                    f"SUPPDM.{qnam}",
                    "QNAM",
                    files.get("SUPPDM", ""),
                    f"no SUPPDM qualifier {qnam} (baseline.supplemental): not collected",
                )
            )
    return pd.DataFrame(found, columns=COLUMNS)


# Which data each analysis set needs, for the message when it would be empty.
SET_NEEDS = {
    "consent": "an informed-consent date (DM.RFICDTC, or a DS record with DSDECOD = {consent!r})",
    "randomized": "a randomisation date (a DS record with DSDECOD = {randomized!r})",
    "treated": "a dose (EX with a full EXSTDTC and EXDOSE > 0, or placebo)",
}


def analysis_set_findings(
    domains: dict[str, pd.DataFrame], files: dict[str, str], cutoff: str, settings: dict
) -> pd.DataFrame:
    """STUDY.EMPTY_SET (error): an analysis set the CSR requires (enrolled, full analysis,
    safety) would be empty, derived exactly as rule adsl derives it; the message names the rule
    and the variables it looked for. A study whose ADSL cannot be derived at all is an error
    too (STUDY.ADSL), so that no ADaM rule fails after the gate."""
    from oncocsr.adam.adsl import derive_adsl

    try:
        adsl = derive_adsl(domains, cutoff, settings)
    except (KeyError, ValueError, TypeError) as error:
        return pd.DataFrame(
            [
                finding(
                    "STUDY.ADSL",
                    "error",
                    files.get("DM", ""),
                    "",
                    f"ADSL cannot be derived from this snapshot: {type(error).__name__}: {error}",
                )
            ],
            columns=COLUMNS,
        )
    definition = settings["populations"]["enrolled"]
    needs = SET_NEEDS[definition].format(**settings["terms"]["ds"])
    fallback = (
        " The study records no consent date: set populations.enrolled to 'randomized' or "
        "'treated' (python -m oncocsr init chooses it from the data), and the CSR states it."
        if definition == "consent"
        else ""
    )
    problems = {
        "ENRLFL": f"no subject is enrolled: populations.enrolled is {definition!r}, which needs "
        f"{needs} and no screen failure (DM.ARMCD, DS.DSDECOD = "
        f"{settings['terms']['ds']['screen_failure']!r}); no subject has it.{fallback}",
        "SAFFL": "no subject received a dose: the safety set needs EX records with a full "
        "EXSTDTC and EXDOSE > 0 (or EXTRT placebo)",
        "FASFL": "no enrolled subject received a dose: the full analysis set needs both ENRLFL "
        "and a dose (EX)",
    }
    found = [
        finding(
            "STUDY.EMPTY_SET",
            "error",
            files.get("DM", ""),
            flag,
            f"rule adsl (SAP section 2): {message}",
        )
        for flag, message in problems.items()
        if not (adsl[flag] == "Y").any()
    ]
    # One cause at a time: an empty enrolled set empties the full analysis set too.
    return pd.DataFrame(found[:1] if found else [], columns=COLUMNS)


def study_findings(
    domains: dict[str, pd.DataFrame], files: dict[str, str], cutoff: str, settings: dict
) -> pd.DataFrame:
    """Every cross-domain check that needs the study's configuration."""
    return _frames(
        [
            collection_findings(domains, files, settings),
            analysis_set_findings(domains, files, cutoff, settings),
        ]
    )
