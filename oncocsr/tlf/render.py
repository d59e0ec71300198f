"""TLF fragments (HTML) and the CSR document, rendered with Jinja2 from ARD-based models."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd

from oncocsr.ard import ResultLookup
from oncocsr.report import environment
from oncocsr.tlf.tables import Table, fmt_number, fmt_p


def footer(*, sources: str, rule: str, cut: dict, input_sha256: str) -> str:
    """The provenance line every TLF carries (SAP section 7)."""
    return (
        f"Source: {sources}. Program: rule {rule}. Data cut: {cut['name']} "
        f"(cutoff {cut['cutoff']}). Input sha256: {input_sha256[:12]}."
    )


def render_tables(tables: list[Table], footer_text: str, template_dir: str | Path) -> str:
    template = environment(template_dir).get_template("table.html.j2")
    return "\n".join(template.render(table=table, footer=footer_text) for table in tables)


def render_figure(
    *,
    tlf_id: str,
    title: str,
    population: str,
    svg: bytes,
    note: str,
    footer_text: str,
    template_dir: str | Path,
) -> str:
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    template = environment(template_dir).get_template("figure.html.j2")
    return template.render(
        tlf_id=tlf_id, title=title, population=population, src=src, note=note, footer=footer_text
    )


def synopsis_numbers(ard: pd.DataFrame, design: dict, window_days: int) -> dict:
    """The numbers the synopsis states, each read from the ARD (FAS, all subjects)."""
    value = ResultLookup(ard)
    group = sorted(
        ard.loc[ard["analysis_id"] == "ORR-FAS", "group"].unique(), key=lambda g: g != "Total"
    )[0]

    def pct(number: float | None) -> str:
        return fmt_number(None if number is None else 100 * number)

    numbers = {
        "fas_n": int(value("ORR-FAS", group, "CRSP", "N")),
        "responders": int(value("ORR-FAS", group, "CRSP", "n")),
        "orr_pct": pct(value("ORR-FAS", group, "CRSP", "estimate")),
        "orr_lcl_pct": pct(value("ORR-FAS", group, "CRSP", "lcl")),
        "orr_ucl_pct": pct(value("ORR-FAS", group, "CRSP", "ucl")),
        "orr_p": fmt_p(value("ORR-FAS", group, "CRSP", "p_value")),
        "p0_pct": f"{100 * design['p0']:g}",
        "p1_pct": f"{100 * design['p1']:g}",
        "alpha": f"{design['alpha']:g}",
        "power_pct": f"{100 * design['power']:g}",
        "window_days": window_days,
    }
    for paramcd in ("PFS", "OS"):
        key = paramcd.lower()
        analysis = f"KM-{paramcd}"
        numbers[f"{key}_median"] = fmt_number(value(analysis, group, "AVAL", "median"))
        numbers[f"{key}_lcl"] = fmt_number(value(analysis, group, "AVAL", "median_lcl"))
        numbers[f"{key}_ucl"] = fmt_number(value(analysis, group, "AVAL", "median_ucl"))
        numbers[f"{key}_events"] = int(value(analysis, group, "AVAL", "events"))
    return numbers


def render_listing(
    *,
    tlf_id: str,
    title: str,
    population: str,
    columns: list[str],
    rows: list[list],
    footnotes: list[str],
    template_dir: str | Path,
    table_class: str = "",
) -> str:
    template = environment(template_dir).get_template("listing.html.j2")
    return template.render(
        tlf_id=tlf_id,
        title=title,
        population=population,
        columns=columns,
        rows=rows,
        footnotes=footnotes,
        table_class=table_class,
    )


def data_issues_listing(
    findings: pd.DataFrame, *, max_rows: int, footer_text: str, template_dir
) -> str:
    """Listing 16.2.4: findings of the data checks (the run stops on errors, so these are
    warnings and information), capped at ``max_rows`` with the total stated."""
    columns = ["Check", "Severity", "Subject", "Variable", "SEQ", "Value", "Message"]
    shown = findings.head(max_rows)
    rows = [
        [r.id, r.severity, r.usubjid, r.variable, r.seq, r.value, r.message]
        for r in shown.itertuples()
    ]
    notes = [f"{len(findings)} finding(s) in all."]
    if len(findings) > max_rows:
        notes.append(
            f"First {max_rows} shown (report.listing_max_rows); all are in checks/report.html."
        )
    notes.append(footer_text)
    return render_listing(
        tlf_id="16.2.4",
        title="Data issues found by the data checks",
        population="All records",
        columns=columns,
        rows=rows,
        footnotes=notes,
        template_dir=template_dir,
        table_class="data-issues",
    )
