"""The TLF catalogue of SAP section 7: which files make up each table, figure and listing.

Read by the workflow (rules/tlf.smk, rules/report.smk) and by the CSR script, so it imports
nothing heavy. Each figure and listing names the ADaM or ARD files it is drawn from (keys of the
csr rule's inputs), which the CSR footnote hashes.
"""

from __future__ import annotations

# Section 14 tables: id -> source datasets named in the footnote.
TABLES = {
    "14.1.1": "ADSL",
    "14.1.2": "ADSL",
    "14.1.3": "ADSL",
    "14.1.4": "ADSL",
    "14.2.1": "ADRS, ADSL",
    "14.2.2": "ADRS, ADTTE, ADSL",
    "14.2.3": "ADRS, ADSL",
    "14.2.4": "ADTTE, ADSL",
    "14.2.5": "ADTTE, ADSL",
    "14.2.6": "ADTTE, ADSL",
    "14.2.7": "ADTTE, ADSL",
    "14.3.1": "ADEX, ADSL",
    "14.3.2": "ADAE, ADSL",
    "14.3.3": "ADAE, ADSL",
    "14.3.4": "ADAE, ADSL",
    "14.3.5": "ADAE, ADSL",
}

# Section 14 figures, by file stem (results/{cut}/tlf/{stem}.svg), each under its row of SAP
# section 7 ("tlf_id"); number_figures below gives each its own id.
FIGURES = {
    "14.2.2": {
        "tlf_id": "14.2.2",
        "title": "Objective response rate by subgroup: forest plot",
        "population": "Full analysis set",
        "rule": "tlf_ard_figures",
        "sources": ["ard"],
        "note": "Points: ORR with exact (Clopper-Pearson) 95% CI; dashed line: ORR of the full "
        "analysis set; dotted line: the response rate under the null hypothesis (p0).",
    },
    "14.2.5": {
        "tlf_id": "14.2.5",
        "title": "Progression-free survival: Kaplan-Meier curve",
        "population": "Full analysis set",
        "rule": "tlf_ard_figures",
        "sources": ["adtte", "ard"],
        "note": "Vertical ticks: censored observations; band: pointwise 95% CI; dotted: median.",
    },
    "14.2.7": {
        "tlf_id": "14.2.7",
        "title": "Overall survival: Kaplan-Meier curve",
        "population": "Full analysis set",
        "rule": "tlf_ard_figures",
        "sources": ["adtte", "ard"],
        "note": "Vertical ticks: censored observations; band: pointwise 95% CI; dotted: median.",
    },
    "14.2.8-waterfall": {
        "tlf_id": "14.2.8",
        "title": "Waterfall plot of best percentage change in the sum of target-lesion diameters",
        "population": "Full analysis set, subjects with a post-baseline target-lesion sum",
        "rule": "tlf_response_figures",
        "sources": ["adtr", "adrs"],
        "note": "Bars coloured by confirmed best overall response; dashed line at -30% from "
        "baseline (partial response, RECIST 1.1). Progression is not a line: RECIST 1.1 target "
        "progression is an increase of at least 20% and 5 mm over the nadir (the smallest sum "
        "so far), so markers beyond a bar's end show by what the subject first progressed: "
        "target lesions, non-target lesions or a new lesion (ADTR PDTRG, PDNTRG, PDNEWL); a "
        "component the study did not collect is named in the figure.",
    },
    "14.2.8-spider": {
        "tlf_id": "14.2.8",
        "title": "Spider plot of percentage change in the sum of target-lesion diameters",
        "population": "Full analysis set",
        "rule": "tlf_response_figures",
        "sources": ["adtr", "adrs"],
        "note": "One line per subject, coloured by confirmed best overall response; dashed line "
        "at -30% from baseline (partial response, RECIST 1.1); progression is measured from the "
        "nadir, not from baseline (see the waterfall plot and listing 16.2.1).",
    },
    "14.2.8-swimmer": {
        "tlf_id": "14.2.8",
        "title": "Swimmer plot of time on treatment and response",
        "population": "Full analysis set",
        "rule": "tlf_response_figures",
        "sources": ["adsl", "adrs", "adtte"],
        "note": "Bars: time on treatment, first to last dose (a subject with a single dose has "
        "the shortest bar drawn); markers: response onset, progression, death; arrow: treatment "
        "ongoing at the data cut.",
    },
}


def number_figures(figures: dict[str, dict]) -> dict[str, dict]:
    """Unique figure ids of SAP section 7: several figures of one row are <row>.1, <row>.2, ...
    in catalogue order (Figures 14.2.8.1 waterfall, 14.2.8.2 spider, 14.2.8.3 swimmer), as
    oncocsr.tlf.tables.number_outputs numbers tables; a row's only figure keeps the row's id."""
    rows = [spec["tlf_id"] for spec in figures.values()]
    numbered = {}
    for stem, spec in figures.items():
        row = spec["tlf_id"]
        index = sum(1 for other in numbered.values() if other["row"] == row) + 1
        tlf_id = f"{row}.{index}" if rows.count(row) > 1 else row
        numbered[stem] = {**spec, "row": row, "tlf_id": tlf_id}
    return numbered


FIGURES = number_figures(FIGURES)

# Section 16.2 listings: id -> the ADaM datasets (or checks) they list.
LISTINGS = {
    "16.2.1": ["adrs", "adtr"],
    "16.2.2": ["adae"],
    "16.2.3": ["adsl", "adae"],
    "16.2.4": ["checks", "gate"],
}
