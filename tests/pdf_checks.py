"""Checks on produced PDFs shared by the report and workflow tests."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from oncocsr.fonts import pinned_font_files


def embedded_fonts(path: Path) -> list[tuple[str, bytes]]:
    """(BaseFont, font file) of every font that the PDF's pages and form XObjects use; a font
    used but not embedded fails the test (it would come from the reader's system)."""
    programs, seen = [], set()

    def descriptors(font):
        if "/FontDescriptor" in font:
            yield font["/FontDescriptor"].get_object()
        for descendant in font.get("/DescendantFonts") or []:
            yield from descriptors(descendant.get_object())

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found = [
                descriptor[key].get_object().get_data()
                for descriptor in descriptors(font)
                for key in ("/FontFile", "/FontFile2", "/FontFile3")
                if key in descriptor
            ]
            assert found, f"font {font.get('/BaseFont')} is not embedded"
            programs.extend((str(font.get("/BaseFont")), program) for program in found)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if id(xobject) not in seen:
                seen.add(id(xobject))
                walk(xobject.get("/Resources"))

    for page in PdfReader(path).pages:
        walk(page.get("/Resources"))
    return programs


def identity(font) -> tuple[str, float]:
    """PostScript name and font revision: what a subset keeps of the file it was cut from."""
    return font["name"].getDebugName(6), round(font["head"].fontRevision, 3)


def assert_pinned_font_files(path: Path) -> None:
    """Every embedded font is cut from a pinned file."""
    pinned = {identity(TTFont(file)) for file in pinned_font_files()}
    fonts = embedded_fonts(path)
    assert fonts, "no fonts found: the check would pass vacuously"
    used = {identity(TTFont(BytesIO(program))) for _, program in fonts}
    assert used <= pinned, used - pinned


def assert_only_pinned_fonts(path: Path) -> None:
    """Every embedded font is cut from a pinned file and was loaded through an @font-face rule
    (WeasyPrint names a font after its CSS family, "ABCDEF+CSR-Sans"): a system copy of the
    same DejaVu file would pass the identity check but carry its own family name."""
    assert_pinned_font_files(path)
    families = {name.split("+", 1)[-1] for name, _ in embedded_fonts(path)}
    assert all(family.startswith("CSR-") for family in families), families
