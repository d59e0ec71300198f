"""The CSR's structure (ICH E3 sections 1 to 16), the primary hypothesis concluded from ARD
decision rows, unique TLF ids and the study-conduct rows; on small hand-made data whose expected
values are worked out in the comments."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from test_tables import SETTINGS, make_adsl, make_ard

from oncocsr import ard as ard_module
from oncocsr.ard import ResultLookup
from oncocsr.conduct import date_of_sas, sas_date, study_conduct_ard
from oncocsr.csrdoc import render_csr, tlf_contents, tlf_reference
from oncocsr.endpoints import simon_ard
from oncocsr.report import write_pdf
from oncocsr.studyconfig import load_study
from oncocsr.tlf.catalog import FIGURES, LISTINGS, TABLES
from oncocsr.tlf.render import page_frame, render_tables
from oncocsr.tlf.tables import Table, number_outputs, tables_for
from oncocsr.tlf.tables.hypothesis import NO_TEST, decision_cell, primary_conclusion

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "reports"
DESIGN = {"p0": 0.10, "p1": 0.25, "alpha": 0.05, "power": 0.80}


def cbor(responders: set[int], subjects: int = 43) -> pd.DataFrame:
    """Subjects 1..``subjects`` dosed on consecutive days (listed in reverse, so that the
    stage-1 look must sort by first dose); those in ``responders`` had a confirmed PR."""
    order = range(subjects, 0, -1)
    return pd.DataFrame(
        {
            "USUBJID": [f"S{k:02d}" for k in order],
            "TRTSDT": pd.Timestamp("2015-01-01") + pd.to_timedelta([k for k in order], unit="D"),
            "AVALC": ["PR" if k in responders else "SD" for k in order],
        }
    )


def decision_rows(responders: set[int], subjects: int = 43) -> pd.Series:
    rows = simon_ard(cbor(responders, subjects), "Total", DESIGN, 0.95, "x")
    return rows.set_index("stat_name")["stat_value"]


# The design of p0 = 0.10, p1 = 0.25 (Simon 1989, Table 1): r1/n1 = 2/18, r/n = 7/43.
# 3, 10 and 17 are among the first 18 treated: 3 > r1 = 2, stage 2; with six later ones, 9 > 7.
NINE = {3, 10, 17, 20, 25, 30, 35, 40, 43}


def test_nine_responders_of_43_reject_h0_after_continuing_past_stage_1():
    rows = decision_rows(NINE)
    assert (rows["stage1_responders"], rows["stage1_continue"], rows["responders"]) == (3, 1, 9)
    assert rows["reject_h0"] == 1


def test_seven_responders_do_not_reject_and_eight_do():
    # 3 in stage 1 (continue), 7 in all: not more than r = 7, H0 not rejected.
    assert decision_rows({3, 10, 17, 20, 25, 30, 35})["reject_h0"] == 0
    # 8 in all: 8 > 7, the smallest number that rejects.
    assert decision_rows({3, 10, 17, 20, 25, 30, 35, 40})["reject_h0"] == 1


def test_stage_1_at_r1_stops_and_does_not_reject_whatever_follows():
    # Only 2 (= r1) of the first 18 respond: the trial stops after stage 1; the 8 later
    # responders never count, so H0 is not rejected.
    rows = decision_rows({3, 10, 20, 25, 30, 35, 40, 43})
    assert (rows["stage1_responders"], rows["stage1_continue"]) == (2, 0)
    assert rows["reject_h0"] == 0


def test_a_trial_short_of_its_planned_size_has_no_decision():
    # 42 subjects past stage 1: the design's rule (of n = 43) does not decide.
    assert pd.isna(decision_rows(NINE - {43}, subjects=42)["reject_h0"])


def lookup(responders: set[int]) -> ResultLookup:
    """ORR-FAS rows as the response ARD has them, with the hand numbers of 9/43 (0.2093,
    Clopper-Pearson 0.1004 to 0.3598, one-sided p 0.0239), beside the design's rows."""
    orr = ard_module.rows(
        analysis_id="ORR-FAS",
        tlf_id="14.2.1",
        population="FAS",
        group="Total",
        variable="CRSP",
        stats={
            "n": (len(responders), ""),
            "N": (43, ""),
            "estimate": (0.2093, ""),
            "lcl": (0.1004, ""),
            "ucl": (0.3598, ""),
            "p_value": (0.0239, ""),
        },
        source_dataset="ADRS",
        filter="",
        method="",
        input_sha256="x",
    )
    design = simon_ard(cbor(responders), "Total", DESIGN, 0.95, "x")
    return ResultLookup(pd.concat([orr, design], ignore_index=True))


def test_the_conclusion_sentence_states_responders_against_r_and_both_inferences():
    text = primary_conclusion(lookup(NINE), "Total", DESIGN, "95%")
    assert text.startswith(
        "Stage 1: 3 of the first 18 treated subjects responded, more than r1 = 2: continued "
        "to stage 2. 9 of 43 responded; more than r = 7 needed: H0 (ORR ≤ 10%) rejected."
    )
    # The naive exact inference of the ORR rows, then the design-adjusted one.
    assert "Naive exact inference: ORR 20.9% (95% CI 10.0, 36.0), one-sided p = 0.024;" in text
    assert "design-adjusted inference (Koyama-Chen stagewise ordering): median-unbiased" in text
    assert decision_cell(lookup(NINE), "Total") == "9 > r = 7: H0 rejected"


def test_the_conclusion_of_seven_responders_and_of_a_stopped_trial():
    seven = primary_conclusion(lookup({3, 10, 17, 20, 25, 30, 35}), "Total", DESIGN, "95%")
    assert "7 of 43 responded; more than r = 7 needed: H0 (ORR ≤ 10%) not rejected." in seven
    stopped = primary_conclusion(lookup({3, 10, 20}), "Total", DESIGN, "95%")
    assert "2 of the first 18 treated subjects responded, not more than r1 = 2: stopped" in stopped
    assert "The trial stopped at stage 1: H0 (ORR ≤ 10%) not rejected." in stopped


def test_no_design_is_no_hypothesis_test(one_arm_no_design):
    assert primary_conclusion(ResultLookup(one_arm_no_design), "X", None, "95%") == NO_TEST
    first = tables_for(one_arm_no_design, "14.2.1", {**SETTINGS, "design": None})[0]
    assert NO_TEST in first.footnotes
    assert not any("H0" in row["label"] for row in first.rows)


def test_table_14_2_1_1_concludes_the_hypothesis(one_arm):
    fas, eff = tables_for(one_arm, "14.2.1", SETTINGS)
    assert (fas.tlf_id, eff.tlf_id) == ("14.2.1.1", "14.2.1.2")
    labels = [row["label"] for row in fas.rows]
    assert "Primary hypothesis: responders against r (decision)" in labels
    # The hand-made study has 4 subjects, not the 18 of stage 1: the rule does not decide.
    assert any("does not decide H0" in note for note in fas.footnotes)
    assert not any("Primary hypothesis" in row["label"] for row in eff.rows)


def test_several_outputs_of_one_row_are_numbered_and_one_keeps_its_id():
    tables = [Table("14.2.3", "t", "FAS", ["X"]), Table("14.2.3", "t", "EFF", ["X"])]
    assert [t.tlf_id for t in number_outputs(tables)] == ["14.2.3.1", "14.2.3.2"]
    assert [t.tlf_id for t in number_outputs([Table("14.2.5", "t", "FAS", ["X"])])] == ["14.2.5"]
    # Figures: three of row 14.2.8 in catalogue order, the single KM and forest plots unchanged.
    ids = {stem: spec["tlf_id"] for stem, spec in FIGURES.items()}
    assert ids["14.2.8-waterfall"] == "14.2.8.1"
    assert ids["14.2.8-spider"] == "14.2.8.2"
    assert ids["14.2.8-swimmer"] == "14.2.8.3"
    assert ids["14.2.5"] == "14.2.5"
    assert len(set(ids.values())) == len(ids)


def test_a_reference_to_a_numbered_row_names_its_range_and_an_unknown_one_fails():
    contents = [
        {"kind": "Table", "tlf_id": "14.2.2.1"},
        {"kind": "Table", "tlf_id": "14.2.2.2"},
        {"kind": "Figure", "tlf_id": "14.2.2"},
    ]
    ref = tlf_reference(contents)
    assert ref("Table", "14.2.2") == (
        '<a class="ref" href="#table-14.2.2.1">Tables 14.2.2.1 to 14.2.2.2</a>'
    )
    assert ref("Figure", "14.2.2") == '<a class="ref" href="#figure-14.2.2">Figure 14.2.2</a>'
    with pytest.raises(KeyError, match=r"Table 14\.9\.9"):
        ref("Table", "14.9.9")


def test_study_period_and_centres_from_adsl_and_not_collected_without_them():
    adsl = pd.DataFrame(
        {
            "ENRLFL": ["Y", "Y", "Y", ""],
            "SITEID": ["01", "02", "01", "03"],
            "RFICDT": pd.to_datetime(["2014-03-05", "2014-02-01", "2014-06-30", "2013-01-01"]),
            "TRTSDT": pd.to_datetime(["2014-03-10", "2014-02-10", None, None]),
            "LSTALVDT": pd.to_datetime(["2015-01-01", "2015-05-02", "2014-07-01", "2016-01-01"]),
            "DTHDT": pd.to_datetime([None, "2015-06-01", None, None]),
        }
    )
    rows = study_conduct_ard(adsl, input_sha256="x").set_index("stat_name")["stat_value"]
    # Enrolled: the first three. First consent 2014-02-01; last contact the death on
    # 2015-06-01 (after every last-known-alive date); sites 01 and 02. The screen failure's
    # 2013 consent, 2016 contact and site 03 do not count.
    assert date_of_sas(rows["period_start"]) == "2014-02-01"
    assert date_of_sas(rows["first_dose"]) == "2014-02-10"
    assert date_of_sas(rows["period_end"]) == "2015-06-01"
    assert (rows["centres"], rows["enrolled"], rows["consent_start"]) == (2, 3, 1)
    # 1960-01-01 is SAS date 0; 2014-02-01 is 19755 days later.
    assert sas_date(pd.Timestamp("2014-02-01")) == 19755
    bare = study_conduct_ard(adsl.drop(columns=["SITEID", "RFICDT", "DTHDT"]), input_sha256="x")
    bare = bare.set_index("stat_name")["stat_value"]
    # Without consent dates the period starts at the first dose.
    assert date_of_sas(bare["period_start"]) == "2014-02-10" and bare["consent_start"] == 0
    assert pd.isna(bare["centres"])


@pytest.fixture(scope="module")
def one_arm() -> pd.DataFrame:
    return with_conduct(make_ard(["X"] * 4), ["X"] * 4)


@pytest.fixture(scope="module")
def one_arm_no_design() -> pd.DataFrame:
    return with_conduct(make_ard(["X"] * 4, design=None), ["X"] * 4)


def with_conduct(ard: pd.DataFrame, arms: list[str]) -> pd.DataFrame:
    return ard_module.combine([ard, study_conduct_ard(make_adsl(arms), input_sha256="x")])


def render(ard: pd.DataFrame, config: Path, settings: dict, tmp_path: Path) -> str:
    """The CSR's HTML of the hand-made ARD with the study text of ``config``, every table
    rendered by its builder, stand-ins for figures and listings."""
    study = load_study(config)
    cut = study.cut(next(iter(study.cuts)))
    tables = {}
    for row in sorted(TABLES):
        path = tmp_path / f"{row}.html"
        path.write_text(render_tables(tables_for(ard, row, settings), "Footer.", TEMPLATES))
        tables[row] = str(path)
    listings = {}
    for tlf_id in sorted(LISTINGS):
        path = tmp_path / f"{tlf_id}.html"
        path.write_text(
            f'<section class="tlf"><h3 class="tlf-title">Listing {tlf_id}</h3></section>'
        )
        listings[tlf_id] = str(path)
    figures = {
        stem: (spec, f'<section class="tlf"><h3 class="tlf-title">Figure {spec["tlf_id"]} '
               f'{spec["title"]}</h3></section>')
        for stem, spec in FIGURES.items()
    }  # fmt: skip
    contents = tlf_contents(ard, settings, tables=tables, figures=figures, listings=listings)
    frame = page_frame(
        study=study.study["study"],
        cut=cut,
        pipeline={"version": "0", "commit": "c", "dirty": False},
        template_dir=TEMPLATES,
    )
    return render_csr(
        ard=ard,
        contents=contents,
        settings=settings,
        frame=frame,
        template_dir=TEMPLATES,
        enrolment="Enrolled subjects: those who gave consent.",
        grade_scale="CTCAE",
        aesi=settings["safety"]["aesi"],
        domains=["AE", "DM", "DS", "EX", "RS"],
        report_date=study.study["study"]["report_date"] or cut["cutoff"],
        narratives="<p>Narrative of subject A.</p>",
        audit={"name": "appendices/audit.pdf", "sha256": "ab" * 32, "pages": 2},
    )


E3_SECTIONS = {
    2: "Synopsis",
    3: "Table of contents",
    4: "List of abbreviations",
    5: "Ethics",
    6: "Investigators and study administrative structure",
    7: "Introduction",
    8: "Study objectives",
    9: "Investigational plan",
    10: "Study patients",
    11: "Efficacy evaluation",
    12: "Safety evaluation",
    13: "Discussion and overall conclusions",
    14: "Tables, figures and graphs",
    15: "Reference list",
    16: "Appendices",
}


def test_every_e3_section_heading_and_subsection(one_arm, tmp_path):
    html = render(one_arm, ROOT / "config" / "config.yaml", SETTINGS, tmp_path)
    headings = re.findall(r"<h2>(\d+) ([^<]*)</h2>", html)
    assert [int(number) for number, _ in headings] == list(range(2, 17))
    found = {int(number): title for number, title in headings}
    for number, title in E3_SECTIONS.items():
        assert found[number].startswith(title), (number, found.get(number))
    # Section 1 is the title page, bookmarked by its label (it has no heading of its own).
    assert 'id="section-1"' in html and "Report version" in html
    for sub in (
        "5.1",
        "5.2",
        "5.3",
        *(f"9.{k}" for k in range(1, 9)),
        "10.1",
        "10.2",
        "11.1",
        "11.2",
        "11.3",
        "11.4",
        "12.1",
        "12.2",
        "12.3",
        "12.4",
        "12.5",
        "12.6",
        "16.1",
    ):
        assert re.search(rf"<h3[^>]*>{re.escape(sub)} ", html), sub
    for sub in ("12.3.2", "16.1.1", "16.1.9"):
        assert re.search(rf"<h4>{re.escape(sub)} ", html), sub
    # The narratives fragment sits in 12.3.2, the audit annex is cited in 16.1 with its hash.
    assert html.index("Narrative of subject A.") > html.index("<h4>12.3.2 ")
    assert html.index("Narrative of subject A.") < html.index("<h3>12.4 ")
    assert "appendices/audit.pdf (2 pages, sha256" in html and "ab" * 32 in html
    # The bundled study gives every key of its protocol text: no placeholder.
    assert "To be completed" not in html
    # Nothing of the pipeline's internals in the body.
    for internal in ("report.listing_max_rows", "rule tlf_", "&lt;lambda&gt;", "<lambda>"):
        assert internal not in html
    # The hypothesis concluded in the synopsis, section 11 and section 13.
    for where in ('id="synopsis-hypothesis"', 'id="section-11-hypothesis"', "Primary result."):
        start = html.index(where)
        assert "does not decide H0" in html[start : start + 2000], where


def test_pharmaverse_config_renders_with_placeholders_for_its_empty_keys(one_arm, tmp_path):
    config = ROOT / "config" / "studies" / "pharmaverse.yaml"
    html = render(one_arm, config, SETTINGS, tmp_path)
    for key in (
        "ethics.committee",
        "objectives.primary",
        "plan.inclusion",
        "sap_version",
        "coordinating_investigator",
        "gcp_statement",
        "references",
    ):
        assert (
            f'<span class="placeholder">[To be completed: study.{key} — not given in the study '
            "configuration]</span>"
        ) in html, key
    # No centres without SITEID (the hand-made ADSL has none): said, not counted.
    assert "The number of centres was not collected" in html


def outline(reader: PdfReader, items=None) -> list[str]:
    titles = []
    for item in reader.outline if items is None else items:
        titles += outline(reader, item) if isinstance(item, list) else [item.title]
    return titles


def test_ids_in_bookmarks_and_contents_are_unique(one_arm, tmp_path):
    html = render(one_arm, ROOT / "config" / "config.yaml", SETTINGS, tmp_path)
    pdf = tmp_path / "csr.pdf"
    write_pdf(html, pdf, base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=0)
    titles = outline(PdfReader(pdf))
    ids = [
        " ".join(t.split()[:2]) for t in titles if t.split()[0] in ("Table", "Figure", "Listing")
    ]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"Table 14.2.1.1", "Table 14.2.1.2", "Table 14.2.3.1", "Table 14.2.3.2"} <= set(ids)
    assert {"Figure 14.2.8.1", "Figure 14.2.8.2", "Figure 14.2.8.3"} <= set(ids)
    sections = [t for t in titles if re.match(r"\d+ ", t)]
    assert [int(t.split()[0]) for t in sections] == list(range(1, 17))
    # The contents list each id once, as the bookmarks do.
    toc = html[html.index('id="section-3"') : html.index('id="section-4"')]
    listed = re.findall(r">((?:Table|Figure|Listing) [\d.]+) ", toc)
    assert sorted(listed) == sorted(ids)
