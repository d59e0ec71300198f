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

# Section 14 figures, by file stem (results/{cut}/tlf/{stem}.svg).
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
        "note": "Bars coloured by confirmed best overall response; reference lines at +20% "
        "(progression) and -30% (partial response), RECIST 1.1.",
    },
    "14.2.8-spider": {
        "tlf_id": "14.2.8",
        "title": "Spider plot of percentage change in the sum of target-lesion diameters",
        "population": "Full analysis set",
        "rule": "tlf_response_figures",
        "sources": ["adtr", "adrs"],
        "note": "One line per subject, coloured by confirmed best overall response.",
    },
    "14.2.8-swimmer": {
        "tlf_id": "14.2.8",
        "title": "Swimmer plot of time on treatment and response",
        "population": "Full analysis set",
        "rule": "tlf_response_figures",
        "sources": ["adsl", "adrs", "adtte"],
        "note": "Bars: time on treatment; markers: response onset, progression, death; "
        "arrow: treatment ongoing at the data cut.",
    },
}

# Section 16.2 listings: id -> the ADaM datasets (or checks) they list.
LISTINGS = {
    "16.2.1": ["adrs", "adtr"],
    "16.2.2": ["adae"],
    "16.2.3": ["adsl", "adae"],
    "16.2.4": ["checks", "gate"],
}
