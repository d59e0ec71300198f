"""Section 14 tables rendered from ARD rows only (DESIGN.md, ARD: tables never recompute).

A table is a plain model (title, column headers, rows of cells, footnotes) that the Jinja2
template ``reports/table.html.j2`` renders. Every builder takes the ARD and the cut's SAP
settings (schemas/config.schema.yaml), which give labels, terms and the parameters footnotes
quote; nothing study-specific is written here.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from oncocsr.tlf.tables.baseline import (
    analysis_sets_table,
    demographics_table,
    disposition_table,
    prior_therapy_table,
)
from oncocsr.tlf.tables.common import (
    POPULATION_NAMES,
    TITLES,
    Table,
    display_units,
    fmt_ci,
    fmt_ci_text,
    fmt_estimate_ci,
    fmt_n_pct,
    fmt_number,
    fmt_p,
    groups,
    level_label,
)
from oncocsr.tlf.tables.efficacy import (
    dcr_tables,
    response_table,
    subgroup_levels,
    subgroup_tables,
)
from oncocsr.tlf.tables.safety import (
    aesi_table,
    exposure_table,
    serious_tables,
    teae_overview_table,
    teae_soc_pt_table,
)
from oncocsr.tlf.tables.survival import dor_table, km_table, pfs2_table

__all__ = [
    "POPULATION_NAMES",
    "TITLES",
    "Table",
    "display_units",
    "fmt_ci",
    "fmt_ci_text",
    "fmt_estimate_ci",
    "fmt_n_pct",
    "fmt_number",
    "fmt_p",
    "groups",
    "level_label",
    "number_outputs",
    "subgroup_levels",
    "tables_for",
]

_BUILDERS: dict[str, Callable[[pd.DataFrame, dict], list[Table]]] = {
    "14.1.1": lambda ard, s: [disposition_table(ard, s)],
    "14.1.2": lambda ard, s: [analysis_sets_table(ard, s)],
    "14.1.3": lambda ard, s: [demographics_table(ard, s)],
    "14.1.4": lambda ard, s: [prior_therapy_table(ard, s)],
    "14.2.1": response_table,
    "14.2.2": subgroup_tables,
    "14.2.3": dcr_tables,
    "14.2.4": lambda ard, s: [dor_table(ard, s)],
    "14.2.5": lambda ard, s: [km_table(ard, "PFS", "14.2.5", s)],
    "14.2.6": lambda ard, s: [pfs2_table(ard, s)],
    "14.2.7": lambda ard, s: [km_table(ard, "OS", "14.2.7", s)],
    "14.3.1": lambda ard, s: [exposure_table(ard, s)],
    "14.3.2": lambda ard, s: [teae_overview_table(ard, s)],
    "14.3.3": lambda ard, s: [teae_soc_pt_table(ard, s)],
    "14.3.4": serious_tables,
    "14.3.5": lambda ard, s: [aesi_table(ard, s)],
}


def tables_for(ard: pd.DataFrame, tlf_id: str, settings: dict) -> list[Table]:
    """The table(s) of a section 14 table id of SAP section 7, from the ARD and the cut's SAP
    settings (the sections ``tlf_settings`` names; others take the schema's defaults)."""
    from oncocsr.studyconfig import with_defaults

    if tlf_id not in _BUILDERS:
        raise KeyError(
            f"{tlf_id!r} is not a section 14 table (figures only: 14.2.8); "
            f"tables: {', '.join(_BUILDERS)}"
        )
    return number_outputs(_BUILDERS[tlf_id](ard, with_defaults(settings)))


def number_outputs(tables: list[Table]) -> list[Table]:
    """Unique ids of SAP section 7: where one row of the catalogue yields several tables, they
    are <row>.1, <row>.2, ... in the order the builder returns them; a single table keeps the
    row's id. Builders set the row's id and never number (one rule, here)."""
    if len(tables) > 1:
        for index, table in enumerate(tables, start=1):
            table.tlf_id = f"{table.tlf_id}.{index}"
    return tables
