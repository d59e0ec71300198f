"""The CSR document (ICH E3 structure) and its audit annex, assembled from the TLF fragments
and rendered with the templates of reports/ (csr.html.j2 and its sections in reports/csr/,
audit.html.j2). The rule scripts only read files and call these functions.

Every TLF of SAP section 7 has its own id (tables and figures numbered <row>.1, <row>.2 where a
row yields several): the contents, the bookmarks (the fragments' headings) and the
cross-references of the text all use the same ids.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from oncocsr.report import environment
from oncocsr.tlf.render import NarrativeNumbers
from oncocsr.tlf.tables import TITLES, Table, tables_for

KINDS = {"Table": 0, "Figure": 1, "Listing": 2}
# Abbreviations of the report's own text (ICH E3 section 4); the study adds its own
# (study.abbreviations).
ABBREVIATIONS = {
    "ADaM": "Analysis Data Model (CDISC)",
    "AE": "Adverse event",
    "ARD": "Analysis Results Data",
    "CI": "Confidence interval",
    "CR": "Complete response",
    "CTCAE": "Common Terminology Criteria for Adverse Events",
    "DCR": "Disease control rate",
    "DOR": "Duration of response",
    "FAS": "Full analysis set",
    "H0": "Null hypothesis",
    "KM": "Kaplan-Meier",
    "MedDRA": "Medical Dictionary for Regulatory Activities",
    "NE": "Not evaluable (or not estimable)",
    "ORR": "Objective response rate",
    "OS": "Overall survival",
    "PD": "Progressive disease",
    "PFS": "Progression-free survival",
    "PR": "Partial response",
    "PT": "Preferred term",
    "RECIST": "Response Evaluation Criteria in Solid Tumours",
    "SAE": "Serious adverse event",
    "SAP": "Statistical analysis plan",
    "SD": "Stable disease",
    "SDTM": "Study Data Tabulation Model (CDISC)",
    "SOC": "System organ class",
    "TEAE": "Treatment-emergent adverse event",
}
# The methods the report's text cites (ICH E3 section 15); the study adds its own literature
# (study.references).
METHOD_REFERENCES = [
    "Simon R. Optimal two-stage designs for phase II clinical trials. Control Clin Trials "
    "1989;10:1-10.",
    "Koyama T, Chen H. Proper inference from Simon's two-stage designs. Stat Med 2008;27:3145-54.",
    "Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case "
    "of the binomial. Biometrika 1934;26:404-13.",
    "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc "
    "1958;53:457-81.",
    "Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics "
    "1982;38:29-41.",
    "Eisenhauer EA, Therasse P, Bogaerts J, et al. New response evaluation criteria in solid "
    "tumours: revised RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-47.",
    "ICH E3: Structure and content of clinical study reports (CPMP/ICH/137/95), 1995.",
]


def _order(item: dict) -> tuple:
    """SAP section 7 order: by row (the first three parts of the id), its tables before its
    figures, then by number within the row (Table 14.2.2.1 before Figure 14.2.2)."""
    parts = tuple(map(int, item["tlf_id"].split(".")))
    return (parts[:3], KINDS[item["kind"]], parts[3:], item["order"])


def entry(kind: str, tlf_id: str, title: str, order: int = 0) -> dict:
    """One TLF of the contents: kind, unique id, title and the anchor its heading carries."""
    return {
        "kind": kind,
        "tlf_id": tlf_id,
        "title": title,
        "order": order,
        "anchor": f"{kind.lower()}-{tlf_id}",
    }


def table_entries(tables: list[Table]) -> list[dict]:
    """The contents entries of one row's tables, titled as their headings are
    (reports/table.html.j2: the analysis set named where one row has several tables)."""
    several = len(tables) > 1
    return [
        entry(
            "Table",
            table.tlf_id,
            f"{table.title}: {table.population[:1].lower()}{table.population[1:]}"
            if several
            else table.title,
            order,
        )
        for order, table in enumerate(tables)
    ]


def tlf_contents(
    ard: pd.DataFrame,
    settings: dict,
    *,
    tables: dict[str, str],
    figures: dict[str, tuple[dict, str]],
    listings: dict[str, str],
) -> list[dict]:
    """Every TLF of the CSR in SAP section 7 order, each with its fragment (``body``):
    ``tables`` maps a row id to its HTML fragment, ``figures`` a file stem to (catalogue entry,
    rendered HTML), ``listings`` an id to its fragment. Each table fragment holds the tables of
    its row, whose ids and titles come from the same builders (``tables_for``)."""
    items = []
    for row, path in tables.items():
        entries = table_entries(tables_for(ard, row, settings))
        # One fragment per row: the first entry carries it, the others are its tables.
        entries[0]["body"] = Markup(Path(path).read_text(encoding="utf-8"))
        items += entries
    for order, (spec, html) in enumerate(figures.values()):
        item = entry("Figure", spec["tlf_id"], spec["title"], order)
        items.append({**item, "body": Markup(html)})
    for tlf_id, path in listings.items():
        item = entry("Listing", tlf_id, TITLES[tlf_id])
        items.append({**item, "body": Markup(Path(path).read_text(encoding="utf-8"))})
    items.sort(key=_order)
    ids = [(item["kind"], item["tlf_id"]) for item in items]
    duplicates = sorted({f"{kind} {tlf}" for kind, tlf in ids if ids.count((kind, tlf)) > 1})
    if duplicates:
        raise ValueError(f"TLF ids are not unique: {', '.join(duplicates)} (SAP section 7)")
    return items


def tlf_reference(contents: list[dict]):
    """A template function: ``ref("Table", "14.2.1.1")`` links to that TLF; a row id whose
    outputs are numbered (``ref("Table", "14.2.2")`` when 14.2.2.1 and 14.2.2.2 exist) links to
    the first and names the range. A TLF the contents lack is an error, so that no reference
    points nowhere."""
    by_kind: dict[str, list[str]] = {}
    for item in contents:
        by_kind.setdefault(item["kind"], []).append(item["tlf_id"])

    def ref(kind: str, tlf_id: str) -> Markup:
        ids = by_kind.get(kind, [])
        if tlf_id in ids:
            text, target = f"{kind} {tlf_id}", tlf_id
        else:
            numbered = [other for other in ids if other.startswith(f"{tlf_id}.")]
            if not numbered:
                raise KeyError(f"the CSR refers to {kind} {tlf_id}, which it does not contain")
            target = numbered[0]
            text = (
                f"{kind} {target}"
                if len(numbered) == 1
                else f"{kind}s {numbered[0]} to {numbered[-1]}"
            )
        anchor = f"{kind.lower()}-{target}"
        return Markup(f'<a class="ref" href="#{escape(anchor)}">{escape(text)}</a>')

    return ref


def render_csr(
    *,
    ard: pd.DataFrame,
    contents: list[dict],
    settings: dict,
    frame: dict,
    template_dir: str | Path,
    **context,
) -> str:
    """The CSR as one HTML document (reports/csr.html.j2 and its sections): ``frame`` from
    oncocsr.tlf.render.page_frame, the ARD for the numbers of the text, the contents of
    :func:`tlf_contents`, and what the sections need besides (``context``)."""
    return (
        environment(template_dir)
        .get_template("csr.html.j2")
        .render(
            numbers=NarrativeNumbers(ard),
            settings=settings,
            section14=[item for item in contents if item["tlf_id"].startswith("14.")],
            section16=[item for item in contents if item["tlf_id"].startswith("16.")],
            contents=contents,
            ref=tlf_reference(contents),
            abbreviations=sorted(
                {**ABBREVIATIONS, **frame["study"].get("abbreviations", {})}.items(),
                key=lambda pair: pair[0].lower(),
            ),
            method_references=METHOD_REFERENCES,
            **frame,
            **context,
        )
    )


def render_audit(*, frame: dict, template_dir: str | Path, **context) -> str:
    """The audit annex (appendices/audit.pdf) as one HTML document (reports/audit.html.j2):
    lock history, raw files, data-check summary, rule graph, outputs and software versions."""
    return environment(template_dir).get_template("audit.html.j2").render(**frame, **context)
