"""Presentation of tables, listings and their RTF copies (issue 16 item 7): one CI format,
spanning arm headers, units with superscripts, footnotes that name what they hash, RTF on A4
with running titles, page x of y and repeated header rows."""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from oncocsr.ard import result_id
from oncocsr.report import font_faces, write_pdf
from oncocsr.studyconfig import with_defaults
from oncocsr.tlf.listings import Listing
from oncocsr.tlf.render import footer, render_listing, render_tables
from oncocsr.tlf.rtf import table_rtf
from oncocsr.tlf.tables import Table, display_units, fmt_ci, fmt_ci_text, fmt_estimate_ci
from oncocsr.tlf.tables.common import _ci_limits
from oncocsr.tlf.tables.efficacy import subgroup_table
from oncocsr.tlf.tables.safety import teae_soc_pt_table

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "reports"
STUDY = {"protocol": "P-1", "title": "A study", "sponsor": "S", "treatment": "X"}
CUT = {"name": "primary", "cutoff": "2016-10-13", "description": ""}
ARMS = ["Drug 180 mg/m2", "Drug 120 mg/m2"]


def ard_of(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """A hand-made ARD: (analysis, group, variable, stat, value) rows."""
    return pd.DataFrame(
        [
            {
                "result_id": result_id(a, g, v, s),
                "analysis_id": a,
                "group": g,
                "variable": v,
                "stat_name": s,
                "stat_value": x,
                "stat_label": s,
            }
            for a, g, v, s, x in rows
        ]
    )


def two_arm_safety_ard() -> pd.DataFrame:
    """Arm 1: N = 10, 6 with a TEAE (2 grade >= 3), all Diarrhoea in GI disorders; arm 2:
    N = 8, 4 with a TEAE (1 grade >= 3), the same."""
    rows = [("ARMS", arm, "ARM", "order", i) for i, arm in enumerate(ARMS)]
    for arm, n, any_, g3 in ((ARMS[0], 10, 6, 2), (ARMS[1], 8, 4, 1)):
        rows += [
            ("SAFETY-N", arm, "SAFFL", "N", n),
            ("TEAE-OVERVIEW", arm, "ANY", "n", any_),
            ("TEAE-OVERVIEW", arm, "GRADE3", "n", g3),
            ("TEAE-SOC", arm, "GI disorders", "n", any_),
            ("TEAE-SOC", arm, "GI disorders", "n_grade3", g3),
            ("TEAE-SOCPT", arm, "GI disorders / Diarrhoea", "n", any_),
            ("TEAE-SOCPT", arm, "GI disorders / Diarrhoea", "n_grade3", g3),
        ]
    return ard_of(rows)


def test_one_ci_format_rounds_half_away_from_zero_and_says_ne():
    # 11.05 -> 11.1 and 38.25 -> 38.3 (half away from zero, as SAS ROUND); a limit the curve
    # never reaches is NE.
    assert fmt_ci(11.05, 38.25) == "(11.1, 38.3)"
    assert fmt_estimate_ci(22.5, 11.05, None) == "22.5 (11.1, NE)"
    assert fmt_estimate_ci(0.2093, 0.1004, 0.3604, 3) == "0.209 (0.100, 0.360)"
    # In text the level is named; the limits read the same.
    assert fmt_ci_text(20.93, 10.04, 36.04, "95%", "%") == "20.9% (95% CI 10.0, 36.0)"


def test_no_table_figure_or_listing_builds_an_interval_by_hand():
    # Every CI goes through fmt_ci or fmt_ci_text (their limits: _ci_limits). Two formatted
    # numbers joined by a comma elsewhere (the "lcl, ucl" without parentheses that tables
    # 14.2.1 and 14.2.2 used to show) would be a second format.
    by_hand = re.compile(
        r"fmt_number\([^()]*(?:\([^()]*\))?[^()]*\)\}?,\s*\"?\s*f?\"?\{?fmt_number"
    )
    allowed = inspect.getsource(_ci_limits)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "oncocsr" / "tlf").rglob("*.py"))
        if by_hand.search(path.read_text(encoding="utf-8").replace(allowed, ""))
    ]
    assert offenders == []
    # The check finds the old way.
    assert by_hand.search('f"{fmt_number(100 * lcl)}, {fmt_number(100 * ucl)}"')


def test_subgroup_cis_in_the_one_format_under_spanning_arm_headers():
    # One arm, FAS N = 20; age < 50: 3 of 10 responders, exact CI 6.7-65.2%, median PFS 5.0
    # (2.0, NE) months.
    arm = ARMS[0]
    ard = ard_of(
        [
            ("ARMS", arm, "ARM", "order", 0),
            ("ORR-FAS", arm, "CRSP", "N", 20),
            ("SUBGROUP", arm, "AGEGR1=<50", "n", 3),
            ("SUBGROUP", arm, "AGEGR1=<50", "N", 10),
            ("SUBGROUP", arm, "AGEGR1=<50", "orr_lcl", 0.06674),
            ("SUBGROUP", arm, "AGEGR1=<50", "orr_ucl", 0.65245),
            ("SUBGROUP", arm, "AGEGR1=<50", "pfs_median", 5.0),
            ("SUBGROUP", arm, "AGEGR1=<50", "pfs_median_lcl", 2.0),
            ("SUBGROUP", arm, "AGEGR1=<50", "pfs_median_ucl", float("nan")),
        ]
    )
    settings = with_defaults({"subgroups": [{"variable": "AGEGR1", "label": "Age"}]})
    table = subgroup_table(ard, settings)
    assert table.spans == [("Drug 180 mg/m² (N=20)", 3)]
    assert len(table.columns) == 3 and not any(arm in column for column in table.columns)
    row = next(row for row in table.rows if row["label"] == "<50")
    assert row["cells"] == ["3 / 10 (30.0)", "(6.7, 65.2)", "5.0 (2.0, NE)"]


def test_several_columns_per_arm_span_under_the_arm_and_its_n():
    table = teae_soc_pt_table(two_arm_safety_ard(), with_defaults())
    assert table.spans == [("Drug 180 mg/m² (N=10)", 2), ("Drug 120 mg/m² (N=8)", 2)]
    assert table.columns == ["any grade", "grade ≥ 3"] * 2
    # Arm 1: 6/10 = 60.0%, 2/10 = 20.0%; arm 2: 4/8 = 50.0%, 1/8 = 12.5%.
    assert table.rows[0]["cells"] == ["6 (60.0)", "2 (20.0)", "4 (50.0)", "1 (12.5)"]
    html = render_tables([table], "f", TEMPLATES)
    spans = re.findall(r'<th class="span" colspan="(\d)">([^<]*)</th>', html)
    assert spans == [("2", "Drug 180 mg/m² (N=10)"), ("2", "Drug 120 mg/m² (N=8)")]
    assert html.count("<th>any grade</th>") == 2 and "mg/m2" not in html
    # Four value columns: the label column takes 3 / (3 + 4 x 1.2) = 38.5% of the width.
    assert 'rowspan="2" style="width: 38.5%"' in html


def test_units_are_typeset_in_labels_only_where_a_power_is_meant():
    assert display_units("Irinotecan 180 mg/m2 (N=43)") == "Irinotecan 180 mg/m² (N=43)"
    assert display_units("BSA (m2)") == "BSA (m²)"
    assert display_units("Volume (cm3), area (mm2)") == "Volume (cm³), area (mm²)"
    # Not a unit: an arm code, a visit, a word.
    for text in ("ARM m2x", "IRI180M2", "Cycle 2", "mm2a", "gm2"):
        assert display_units(text) == text


def test_footer_names_each_file_it_hashes_and_the_program(tmp_path):
    ard = tmp_path / "ard.parquet"
    ard.write_bytes(b"ard")
    checks = [tmp_path / "checks" / f"{name}.json" for name in ("dm", "ae", "cross")]
    checks[0].parent.mkdir()
    for path in checks:
        path.write_text(path.stem)
    text = footer(
        sources="ADSL", program="scripts/tlf_tables.py", cut=CUT, inputs={"ard": str(ard)}
    )
    sha = hashlib.sha256(b"ard").hexdigest()
    assert text == (
        f"Source datasets: ADSL. Input files: ard.parquet (sha256 {sha[:12]}…). "
        "Program: scripts/tlf_tables.py. Data cut: primary (cutoff 2016-10-13)."
    )
    # Several files of one kind: named by folder and pattern, with the sha256 of the files'
    # sha256s in path order (oncocsr.hashing.inputs_sha256).
    combined = hashlib.sha256(
        "".join(
            hashlib.sha256(p.stem.encode()).hexdigest() for p in sorted(checks, key=str)
        ).encode()
    ).hexdigest()
    text = footer(sources="SDTM", program="p", cut=CUT, inputs={"checks": [str(p) for p in checks]})
    assert f"checks/*.json, 3 files, combined (sha256 {combined[:12]}…)" in text
    assert "rule " not in text


@pytest.mark.parametrize("inline", [True, False])
def test_listing_text_names_no_config_key(inline):
    listing = Listing(
        "16.2.2", "Adverse events", "Safety set", ["Dose (mg/m2)"], [["180 mg/m2"]] * 3
    )
    appendix = {"name": "listing-16.2.2.pdf", "pages": 2, "sha256": "0" * 64, "csv": None}
    html = render_listing(
        listing,
        footer_text="f",
        template_dir=TEMPLATES,
        max_rows=2,
        appendix=None if inline else appendix,
    )
    text = " ".join(html.split())
    assert "report." not in text and "_max_rows" not in text
    if inline:
        # The unit label typeset, the data values as they are.
        assert "Dose (mg/m²)" in text and text.count("180 mg/m2") == 3
    else:
        assert "listings longer than 2 rows are provided as separate appendices" in text


def rtf_of(tables: list[Table]) -> str:
    return table_rtf(tables, "Source datasets: ADAE.", study=STUDY, cut=CUT)


def test_rtf_is_a4_with_the_pdf_margins():
    rtf = rtf_of([teae_soc_pt_table(two_arm_safety_ard(), with_defaults())])
    # A4 = 210 x 297 mm = 11906 x 16838 twips (1440 per inch); margins of reports/csr.css:
    # 18 mm = 1020, 24 mm = 1361, 20 mm = 1134 twips.
    assert "\\paperw11906\\paperh16838\\margl1020\\margr1020\\margt1361\\margb1134" in rtf
    assert "\\paperw12240" not in rtf and rtf.isascii()


def test_rtf_running_title_page_x_of_y_and_repeated_header_rows():
    table = teae_soc_pt_table(two_arm_safety_ard(), with_defaults())
    rtf = rtf_of([table])
    header = re.search(r"\{\\header (.*?)\}\n", rtf).group(1)
    assert "P-1: A study" in header and "Data cut: primary (cutoff 2016-10-13)" in header
    assert f"Table {table.tlf_id} " in header
    footer_group = re.search(r"\{\\footer (.*?)\}\n\\pard", rtf, re.S).group(1)
    assert "Page {\\field{\\*\\fldinst PAGE }" in footer_group
    assert "{\\field{\\*\\fldinst NUMPAGES }" in footer_group
    rows = re.findall(r"\\trowd[^\n]*\n[^\n]*\n[^\n]*\\row", rtf)
    # Two header rows (arms, then any grade / grade >= 3), then Any TEAE, the SOC and its PT.
    assert [("\\trhdr" in row) for row in rows] == [True, True, False, False, False]


def test_rtf_spanning_header_cells_end_where_their_columns_end():
    rtf = rtf_of([teae_soc_pt_table(two_arm_safety_ard(), with_defaults())])
    rows = re.findall(r"\\trowd[^\n]*\n([^\n]*)\n([^\n]*)\n", rtf)
    spans, parts = (re.findall(r"\\cellx(\d+)", definition) for definition, _ in rows[:2])
    # Label column, then each arm over two columns: the arm's cell ends at its second column.
    assert len(spans) == 3 and len(parts) == 5
    assert spans == [parts[0], parts[2], parts[4]]
    # Text width 11906 - 2 x 1020 = 9866 twips; label 3.0 and four columns of 1.2 (7.8 in all).
    assert int(parts[0]) == round(9866 * 3.0 / 7.8) and int(parts[-1]) == 9866
    assert "Drug 180 mg/m\\u178? (N=10)" in rows[0][1]


def test_rtf_tables_of_one_row_are_sections_with_their_own_running_title():
    first = Table("14.2.1.1", "Response", "Full analysis set", ["A (N=2)"], [])
    second = Table("14.2.1.2", "Response", "Efficacy-evaluable set", ["A (N=1)"], [])
    rtf = rtf_of([first, second])
    headers = re.findall(r"\{\\header (.*?)\}\n", rtf)
    assert len(headers) == 2 and rtf.count("\\sect\n") == 1
    assert "Table 14.2.1.1 Response: full analysis set" in headers[0]
    assert "Table 14.2.1.2 Response: efficacy-evaluable set" in headers[1]
    body = rtf.replace("\\\\", "").replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")


def structure_types(node, found: set[str]) -> set[str]:
    """Every structure element type (/S) under a node of the PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, list | ArrayObject):
        for kid in node:
            structure_types(kid, found)
        return found
    if not isinstance(node, DictionaryObject):
        return found
    if "/S" in node:
        found.add(str(node["/S"]))
    if "/K" in node:
        structure_types(node["/K"], found)
    return found


def test_pdf_is_tagged_and_stays_pdf_a_3b_and_deterministic(tmp_path):
    table = teae_soc_pt_table(two_arm_safety_ard(), with_defaults())
    html = (
        f'<html lang="en"><head><meta charset="utf-8"><title>t</title><style>{font_faces()} '
        "html { font-family: 'CSR Sans'; }</style></head><body><h2>Section 14</h2>"
        f"{render_tables([table], 'Footnote.', TEMPLATES)}</body></html>"
    )
    paths = [tmp_path / "one.pdf", tmp_path / "two.pdf"]
    for path in paths:
        write_pdf(
            html,
            path,
            base_dir=TEMPLATES,
            allowed_roots=[TEMPLATES],
            epoch=1476316800,
            attachments={"ard.parquet": (b"PAR1", "ARD")},
        )
    assert paths[0].read_bytes() == paths[1].read_bytes()
    reader = PdfReader(paths[0])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    types = structure_types(root["/StructTreeRoot"], set())
    # The table is tagged as a table, with header cells: what a screen reader needs.
    assert {"/H2", "/P", "/Table", "/TR", "/TH", "/TD"} <= types
    assert all("/StructParents" in page for page in reader.pages)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert list(reader.attachments) == ["ard.parquet"]
