"""Controlled terms of the simulated study: subtypes, lesion sites, adverse events (MedDRA PT and
SOC with CTCAE grade probabilities), prior and subsequent anticancer regimens."""

from __future__ import annotations

SUBTYPES = (["HR+/HER2-", "TRIPLE NEGATIVE", "HER2+"], [0.55, 0.30, 0.15])
TARGET_SITES = ["LYMPH NODE", "BREAST", "CHEST WALL", "SKIN"]
NONTARGET_SITES = ["BONE", "LYMPH NODE", "PLEURA", "BREAST"]

# MedDRA PT, SOC, verbatim terms, per-cycle onset probability, CTCAE grade 1-4 probabilities,
# probability of being related to irinotecan.
AE_TERMS = [
    (
        "Diarrhoea",
        "Gastrointestinal disorders",
        ["DIARRHEA", "DIARRHOEA", "LOOSE STOOLS"],
        0.13,
        [0.45, 0.3, 0.2, 0.05],
        0.95,
    ),
    ("Nausea", "Gastrointestinal disorders", ["NAUSEA"], 0.12, [0.6, 0.32, 0.08, 0.0], 0.9),
    (
        "Vomiting",
        "Gastrointestinal disorders",
        ["VOMITING", "EMESIS"],
        0.06,
        [0.6, 0.3, 0.1, 0.0],
        0.85,
    ),
    (
        "Neutrophil count decreased",
        "Investigations",
        ["NEUTROPENIA", "DECREASED NEUTROPHILS"],
        0.10,
        [0.1, 0.3, 0.4, 0.2],
        0.97,
    ),
    (
        "Febrile neutropenia",
        "Blood and lymphatic system disorders",
        ["FEBRILE NEUTROPENIA"],
        0.008,
        [0.0, 0.0, 0.8, 0.2],
        0.95,
    ),
    (
        "White blood cell count decreased",
        "Investigations",
        ["LEUKOPENIA", "WBC DECREASED"],
        0.06,
        [0.3, 0.4, 0.25, 0.05],
        0.95,
    ),
    (
        "Anaemia",
        "Blood and lymphatic system disorders",
        ["ANEMIA", "ANAEMIA"],
        0.05,
        [0.5, 0.35, 0.15, 0.0],
        0.7,
    ),
    (
        "Fatigue",
        "General disorders and administration site conditions",
        ["FATIGUE", "TIREDNESS"],
        0.06,
        [0.6, 0.35, 0.05, 0.0],
        0.8,
    ),
    (
        "Alopecia",
        "Skin and subcutaneous tissue disorders",
        ["ALOPECIA", "HAIR LOSS"],
        0.03,
        [0.6, 0.4, 0.0, 0.0],
        0.95,
    ),
    (
        "Decreased appetite",
        "Metabolism and nutrition disorders",
        ["ANOREXIA", "POOR APPETITE"],
        0.05,
        [0.6, 0.35, 0.05, 0.0],
        0.8,
    ),
    (
        "Abdominal pain",
        "Gastrointestinal disorders",
        ["ABDOMINAL PAIN", "ABDOMINAL CRAMPS"],
        0.03,
        [0.6, 0.3, 0.1, 0.0],
        0.6,
    ),
    (
        "Stomatitis",
        "Gastrointestinal disorders",
        ["STOMATITIS", "MOUTH ULCERS"],
        0.02,
        [0.6, 0.3, 0.1, 0.0],
        0.8,
    ),
    (
        "Alanine aminotransferase increased",
        "Investigations",
        ["ALT INCREASED", "ELEVATED ALT"],
        0.02,
        [0.7, 0.2, 0.1, 0.0],
        0.5,
    ),
    (
        "Pyrexia",
        "General disorders and administration site conditions",
        ["FEVER"],
        0.02,
        [0.7, 0.25, 0.05, 0.0],
        0.3,
    ),
    (
        "Constipation",
        "Gastrointestinal disorders",
        ["CONSTIPATION"],
        0.02,
        [0.7, 0.3, 0.0, 0.0],
        0.3,
    ),
    ("Headache", "Nervous system disorders", ["HEADACHE"], 0.015, [0.8, 0.2, 0.0, 0.0], 0.1),
    (
        "Back pain",
        "Musculoskeletal and connective tissue disorders",
        ["BACK PAIN"],
        0.01,
        [0.7, 0.3, 0.0, 0.0],
        0.0,
    ),
]
FATAL_TERMS = [
    ("Sepsis", "Infections and infestations", "SEPSIS"),
    ("Pneumonia", "Infections and infestations", "PNEUMONIA"),
]
PRIOR_REGIMENS = [
    ["EPIRUBICIN;CYCLOPHOSPHAMIDE", "DOXORUBICIN;CYCLOPHOSPHAMIDE", "EPIRUBICIN;DOCETAXEL"],
    ["DOCETAXEL", "PACLITAXEL", "PACLITAXEL;CARBOPLATIN"],
    ["CAPECITABINE", "GEMCITABINE;CISPLATIN", "VINORELBINE"],
    ["GEMCITABINE", "VINORELBINE;CAPECITABINE", "ERIBULIN"],
]
NEXT_THERAPY = ["CAPECITABINE", "GEMCITABINE", "VINORELBINE", "ERIBULIN", "UTIDELONE"]
