"""The pinned font files of the report and the characters they cover (DESIGN.md, report
rendering; issue 16 item 8).

Every glyph of the CSR comes from a font file that a pinned Python package ships, never from the
machine: DejaVu (matplotlib's copy) for Latin, Greek, Cyrillic, Hebrew and Arabic text, Noto Sans
SC (package pylopdf-fonts-zh-cn, SIL Open Font License 1.1) for Chinese. A character that none of
them covers would be drawn from whatever system font fontconfig finds, or as an empty box, so the
data checks report it (:func:`glyph_missing_findings`, :func:`config_glyph_findings`).
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from pathlib import Path

import pandas as pd
import pylopdf_fonts_zh_cn

from oncocsr.findings import COLUMNS

# matplotlib.get_data_path() (mpl-data beside the package's __init__.py), found without importing
# matplotlib: the ingest jobs that check glyphs need the font files, not a plotting library.
FONT_DIR = (
    Path(importlib.util.find_spec("matplotlib").origin).with_name("mpl-data") / "fonts" / "ttf"
)
FONTS = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
# Listings are fixed-width text, like SAS listing output.
MONO_FONT = "DejaVuSansMono.ttf"
# Noto Sans SC Regular (OpenType/CFF), the Simplified Chinese subset of Noto Sans CJK: the study
# runs in China (site, investigator and verbatim text). The one weight is used for bold too.
CJK_FONT = pylopdf_fonts_zh_cn.sans_path()
# Characters that are layout, not glyphs: controls (tab, line break), format characters (the
# bidi isolates the listings put around values, zero-width joiners) and line/paragraph
# separators. No font needs to draw them.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}


def pinned_font_files() -> list[Path]:
    """Every font file the report may embed, in fallback order."""
    return [*(FONT_DIR / name for name in FONTS.values()), FONT_DIR / MONO_FONT, CJK_FONT]


@functools.cache
def covered_code_points() -> frozenset[int]:
    """The union of the pinned fonts' character maps, read once per process with fontTools
    (only the cmap table is parsed, not the glyphs). The regular faces stand for every style: a
    character that the bold or oblique file lacks (the oblique has no Arabic) is drawn from the
    regular face, the fallback among the pinned files once system fonts are hidden
    (oncocsr.report.pinned_fonts_only)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in (FONT_DIR / FONTS["normal", "normal"], FONT_DIR / MONO_FONT, CJK_FONT):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap())
    return frozenset(points)


def missing_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that no pinned font draws, in order of appearance."""
    covered = covered_code_points()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and unicodedata.category(char) not in _NOT_DRAWN:
            seen.setdefault(char, None)
    return list(seen)


def describe(chars: list[str]) -> str:
    """Code points with their Unicode names, e.g. "U+1F600 GRINNING FACE"."""
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in chars)


def glyph_missing_findings(frame: pd.DataFrame, domain: str, file: str) -> pd.DataFrame:
    """{domain}.{variable}.GLYPH_MISSING (warning): one finding per record whose text value has
    a character no pinned font covers, naming the code points (SAP section 7, report
    presentation; issue 16 item 8). Each column's distinct values are screened at once, so a
    file without such characters costs one pass over its distinct values."""
    rows = []
    for variable in frame.columns:
        column = frame[variable]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        values = [v for v in column.dropna().unique() if isinstance(v, str)]
        text = "".join(values)
        # Printable ASCII is all in DejaVu: most files never need the fonts' cmaps read.
        if text.isascii() or not missing_characters(text):
            continue
        bad = {v: missing_characters(v) for v in values}
        bad = {v: chars for v, chars in bad.items() if chars}
        hit = column.map(lambda v, bad=bad: isinstance(v, str) and v in bad)
        for index in frame.index[hit.to_numpy(dtype=bool)]:
            value = column[index]
            rows.append(
                {
                    "id": f"{domain}.{variable}.GLYPH_MISSING",
                    "severity": "warning",
                    "file": str(file),
                    "variable": variable,
                    "usubjid": _text(frame, "USUBJID", index),
                    "seq": _text(frame, f"{domain}SEQ", index),
                    "value": value,
                    "message": f"no pinned font draws {describe(bad[value])}: the report "
                    "would show an empty box or a glyph of whatever font the machine has",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def config_glyph_findings(study: dict, source: str) -> pd.DataFrame:
    """CONFIG.GLYPH_MISSING (warning): a text of the study config (``study``: its ``study``
    section, which the title page, synopsis and running headers print) with a character no
    pinned font covers; ``variable`` is the key path, e.g. ``study.sites[0].name``."""
    rows = [
        {
            "id": "CONFIG.GLYPH_MISSING",
            "severity": "warning",
            "file": source,
            "variable": key,
            "usubjid": "",
            "seq": "",
            "value": text,
            "message": f"no pinned font draws {describe(chars)}: the report would show an "
            "empty box or a glyph of whatever font the machine has",
        }
        for key, text in _texts(study, "study")
        if (chars := missing_characters(text))
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def _texts(value, key: str):
    """(key path, text) of every string in a nested config value."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, f"{key}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{key}[{i}]")


def _text(frame: pd.DataFrame, variable: str, index) -> str:
    if variable not in frame:
        return ""
    value = frame.at[index, variable]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
