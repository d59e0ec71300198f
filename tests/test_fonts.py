"""Fonts for the study's languages (issue 16 item 8): Chinese from the pinned Noto Sans SC, no
system font in the PDF, right-to-left values isolated in listings, and a warning finding for a
character that no pinned font draws."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pandas as pd
import pylopdf_fonts_zh_cn
import yaml
from pdf_checks import assert_only_pinned_fonts, assert_pinned_font_files, embedded_fonts

from oncocsr.checks import load_spec
from oncocsr.fonts import (
    config_glyph_findings,
    glyph_missing_findings,
    missing_characters,
)
from oncocsr.ingest import ingest
from oncocsr.report import font_faces, write_pdf
from oncocsr.tlf.listings import Listing
from oncocsr.tlf.render import page_frame, render_appendix, render_listing

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "reports"
EPOCH = 1476316800
CUT = {"name": "primary", "cutoff": "2016-10-13", "description": ""}
PIPELINE = {"version": "0", "commit": "abc"}
# A study run in China, as a study config would give it (the bundled config has no Chinese).
CHINESE_STUDY = """
study:
  protocol: ZH-201
  title: 伊立替康单药治疗经蒽环类和紫杉类治疗的转移性乳腺癌的II期研究
  sponsor: 示例申办方
  treatment: 伊立替康 180 mg/m²
  sites:
    - name: 北京协和医院
      investigator: 张伟
    - name: 复旦大学附属肿瘤医院
      investigator: 李娜
"""
# Ethiopic SA, LAA and ME: in none of DejaVu Sans, DejaVu Sans Mono and Noto Sans SC (their
# cmaps have no U+1200-U+137F block), unlike Hebrew and Arabic (DejaVu Sans) or Han (Noto).
ETHIOPIC = "ሰላም"


def render(listing: Listing, path: Path, study: dict | None = None) -> None:
    html = render_listing(listing, footer_text="Source: test.", template_dir=TEMPLATES)
    frame = page_frame(
        study=study or {"protocol": "P-1", "sponsor": "S", "title": "T", "treatment": "X"},
        cut=CUT,
        pipeline=PIPELINE,
        template_dir=TEMPLATES,
    )
    document = render_appendix(html, tlf_id="16.2.2", frame=frame, template_dir=TEMPLATES)
    write_pdf(document, path, base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=EPOCH)


def families(path: Path) -> set[str]:
    """Families of the embedded fonts, without the subset tag ("ABCDEF+CSR-CJK" -> "CSR-CJK")."""
    return {name.split("+", 1)[-1] for name, _ in embedded_fonts(path)}


def poppler_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_chinese_site_investigator_and_verbatim_text_render_from_the_pinned_font(tmp_path):
    config = tmp_path / "study.yaml"
    config.write_text(CHINESE_STUDY, encoding="utf-8")
    study = yaml.safe_load(config.read_text(encoding="utf-8"))["study"]
    listing = Listing(
        tlf_id="16.2.2",
        title="Adverse events",
        population="Safety set",
        columns=["Site", "Investigator", "Subject", "Reported term"],
        rows=[
            [site["name"], site["investigator"], f"S-{i}", term]
            for i, (site, term) in enumerate(zip(study["sites"], ["头痛", "恶心"], strict=True))
        ],
    )
    render(listing, tmp_path / "zh.pdf", study)
    assert_only_pinned_fonts(tmp_path / "zh.pdf")
    # DejaVu for the Latin text, Noto Sans SC (CSR CJK) for the Han characters DejaVu lacks.
    assert "CSR-CJK" in families(tmp_path / "zh.pdf")
    text = poppler_text(tmp_path / "zh.pdf")
    for value in ["北京协和医院", "张伟", "复旦大学附属肿瘤医院", "李娜", "头痛", "恶心"]:
        assert value in text


def test_the_cjk_font_is_not_embedded_in_a_document_without_chinese(tmp_path):
    listing = Listing("16.2.2", "Adverse events", "Safety set", ["Term"], [["Headache"]])
    render(listing, tmp_path / "latin.pdf")
    used = families(tmp_path / "latin.pdf")
    assert {"CSR-Sans", "CSR-Mono"} <= used and not any("CJK" in family for family in used)


def test_system_fonts_are_hidden_so_the_bytes_do_not_depend_on_the_machine(tmp_path, monkeypatch):
    """A "system" configuration holding a font that no @font-face rule names (Noto Serif SC,
    which draws Chinese) and that the HTML asks for by name: WeasyPrint must neither use nor
    embed it. Without @font-face fonts for the family asked, it falls back to the pinned DejaVu
    (the only folder of the fontconfig configuration oncocsr.report writes)."""
    fonts = tmp_path / "system-fonts"
    fonts.mkdir()
    shutil.copy(pylopdf_fonts_zh_cn.serif_path(), fonts / "Copy.otf")
    system = tmp_path / "fonts.conf"
    system.write_text(
        f'<?xml version="1.0"?>\n<fontconfig><dir>{fonts}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    html = (
        f'<html><head><meta charset="utf-8"><title>t</title><style>{font_faces()} '
        "html { font-family: 'Noto Serif SC'; }</style></head>"
        f"<body><p>Headache \u5934\u75db {ETHIOPIC}</p></body></html>"
    )
    paths = []
    for name, conf in [("with", system), ("without", None)]:
        if conf:
            monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
        else:
            monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
        paths.append(tmp_path / f"{name}.pdf")
        write_pdf(html, paths[-1], base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=EPOCH)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert_pinned_font_files(paths[0])
    # The variable is the caller's again once the PDF is written.
    monkeypatch.setenv("FONTCONFIG_FILE", str(system))
    write_pdf(
        html, tmp_path / "again.pdf", base_dir=TEMPLATES, allowed_roots=[TEMPLATES], epoch=EPOCH
    )
    assert os.environ["FONTCONFIG_FILE"] == str(system)


def word_boxes(path: Path) -> list[tuple[float, float, str]]:
    """(yMin, xMin, word) of every word poppler finds, without the direction marks it adds."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    marks = dict.fromkeys(
        map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    )
    return [(float(y), float(x), word.translate(marks)) for x, y, word in words]


def test_a_right_to_left_term_does_not_reorder_the_listing_row(tmp_path):
    """Hebrew and Arabic terms between a start and an end date, as in listing 16.2.2. Without
    isolation the term and the end date form one right-to-left run: the end date is drawn left
    of the term (and Arabic's digits of "2015-01-09" as "09-01-2015")."""
    rows = [
        ["S-1", "2015-01-01", "כאב ראש", "2015-01-09"],
        ["S-2", "2015-02-01", "صداع 2", "2015-02-09"],
    ]
    listing = Listing(
        "16.2.2", "Adverse events", "Safety set", ["Subj", "Start", "Term", "End"], rows
    )
    render(listing, tmp_path / "rtl.pdf")
    boxes = word_boxes(tmp_path / "rtl.pdf")
    for subject, start, term, end in rows:
        (y,) = {y for y, _, word in boxes if word == subject}
        line = {word: x for row_y, x, word in boxes if abs(row_y - y) < 1}
        # Poppler gives a right-to-left word's letters in drawing order, i.e. reversed.
        term_x = [
            x for word, x in line.items() if word[::-1] in term.split() or word in term.split()
        ]
        assert len(term_x) == len(term.split()), line
        assert line[subject] < line[start] < min(term_x) <= max(term_x) < line[end], line
    assert_only_pinned_fonts(tmp_path / "rtl.pdf")


def test_characters_no_pinned_font_draws():
    # Han (Noto Sans SC), Hebrew, Arabic, superscript two and ≥ (DejaVu) are drawn; the tab and
    # the bidi isolates are layout, not glyphs; Ethiopic and U+1F9EA TEST TUBE are in no font.
    text = f"头痛 כאב صداع mg/m² ≥ 3\t\u2068x\u2069 {ETHIOPIC} \U0001f9ea {ETHIOPIC}"
    assert missing_characters(text) == ["\u1230", "\u120b", "\u121d", "\U0001f9ea"]


def test_a_missing_glyph_in_the_data_is_a_warning_naming_record_and_code_point():
    frame = pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-2", "S-3"],
            "AESEQ": [1.0, 2.0, 1.0],
            "AETERM": ["头痛", f"pain {ETHIOPIC}", "כאב ראש"],
            "AESEV": ["MILD", "MILD", None],
            "AESTDY": [1.0, 2.0, 3.0],
        }
    )
    found = glyph_missing_findings(frame, "AE", "ae.xpt")
    # Only S-2's term: its three Ethiopic letters, named once each.
    assert found[["id", "severity", "file", "variable", "usubjid", "seq", "value"]].to_dict(
        "records"
    ) == [
        {
            "id": "AE.AETERM.GLYPH_MISSING",
            "severity": "warning",
            "file": "ae.xpt",
            "variable": "AETERM",
            "usubjid": "S-2",
            "seq": "2",
            "value": f"pain {ETHIOPIC}",
        }
    ]
    assert (
        "U+1230 ETHIOPIC SYLLABLE SA, U+120B ETHIOPIC SYLLABLE LAA, U+121D"
        in (found.loc[0, "message"])
    )


def test_ingest_reports_missing_glyphs_with_the_other_findings(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_text(
        "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM,AEDECOD\n"
        "X,AE,X-1,1,Headache,Headache\n"
        f"X,AE,X-2,1,{ETHIOPIC},Headache\n",
        encoding="utf-8",
    )
    _, found, _ = ingest(path, load_spec(ROOT / "schemas" / "sdtm" / "ae.yaml", "AE"), "2020-01-01")
    glyphs = found[found["id"].str.endswith("GLYPH_MISSING")]
    assert glyphs[["id", "usubjid", "severity"]].values.tolist() == [
        ["AE.AETERM.GLYPH_MISSING", "X-2", "warning"]
    ]


def test_a_missing_glyph_in_the_study_config_is_a_warning_naming_the_key():
    study = yaml.safe_load(CHINESE_STUDY)["study"]
    assert config_glyph_findings(study, "config/studies/zh.yaml").empty
    study["sites"][1]["investigator"] = f"Dr {ETHIOPIC}"
    found = config_glyph_findings(study, "config/studies/zh.yaml")
    assert found[["id", "severity", "file", "variable", "value"]].values.tolist() == [
        [
            "CONFIG.GLYPH_MISSING",
            "warning",
            "config/studies/zh.yaml",
            "study.sites[1].investigator",
            f"Dr {ETHIOPIC}",
        ]
    ]


def test_figures_draw_chinese_labels_from_the_pinned_font():
    """A Chinese arm or subgroup name in a figure: drawn from Noto Sans SC (glyph paths named
    after it), with no missing-glyph warning; a figure without Chinese draws DejaVu only."""
    import matplotlib.pyplot as plt

    from oncocsr.tlf.figures.common import STYLE, to_svg

    def svg(title: str) -> bytes:
        with plt.rc_context(STYLE):
            figure, axes = plt.subplots()
            axes.set_title(title)
            return to_svg(figure)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chinese = svg("伊立替康 arm")
    assert b'id="NotoSansSC-Regular-' in chinese and b'id="DejaVuSans-' in chinese
    assert b"NotoSansSC" not in svg("Irinotecan arm")
