"""Rendering: Jinja2 templates to HTML, WeasyPrint to PDF (DESIGN.md, report rendering).

Templates autoescape and fail on undefined names; data values are text, never markup. WeasyPrint
fetches only files under the allowed folders (the project and the pinned font files).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2
from markupsafe import Markup

from oncocsr.atomic import writes_atomically
from oncocsr.fonts import CJK_FONT, FONT_DIR, FONTS, MONO_FONT


def environment(template_dir: str | Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def font_faces() -> Markup:
    """@font-face rules for the pinned font files (oncocsr.fonts): CSR Sans (DejaVu, which
    matplotlib ships) for text, CSR Mono for listings, CSR CJK (Noto Sans SC) for Chinese.
    reports/csr.css names CSR CJK after CSR Sans and CSR Mono, so the Chinese font is used, and
    embedded, only for characters DejaVu lacks."""
    rules = []
    for (weight, style), name in FONTS.items():
        uri = (FONT_DIR / name).as_uri()
        rules.append(
            "@font-face { font-family: 'CSR Sans'; "
            f"src: url('{uri}'); font-weight: {weight}; font-style: {style}; }}"
        )
    rules.append(
        f"@font-face {{ font-family: 'CSR Mono'; src: url('{(FONT_DIR / MONO_FONT).as_uri()}'); }}"
    )
    rules.append(f"@font-face {{ font-family: 'CSR CJK'; src: url('{CJK_FONT.as_uri()}'); }}")
    return Markup("\n".join(rules))


def restricted_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and local files under
    ``allowed_roots``, and refuses everything else (network, other files); a refusal stops the
    rendering rather than leaving a silent gap in the report."""
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [Path(root).resolve() for root in allowed_roots]

    class ProjectFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                raise ValueError(f"refused to fetch {url!r}: only project files are allowed")
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise ValueError(f"refused to fetch {url!r}: outside the project")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return ProjectFetcher()


@contextlib.contextmanager
def subset_fonts_with_fonttools():
    """While rendering, WeasyPrint subsets the embedded fonts with fontTools (a pinned Python
    dependency), whatever the system has.

    WeasyPrint 70 subsets with HarfBuzz's hb-subset when it finds the system library
    libharfbuzz-subset (loaded with cffi at import, weasyprint.text.ffi.harfbuzz_subset) and
    with fontTools otherwise (weasyprint.pdf.fonts.Font.subset); it has no option to choose.
    The two write different font bytes, so the same inputs gave two different PDFs depending on
    whether a system package was installed. Hiding the library from that one check makes
    WeasyPrint take its own fontTools branch. A WeasyPrint without that check, or without the
    fontTools branch, is refused rather than silently changing the PDF's bytes.
    """
    import weasyprint
    from weasyprint.pdf import fonts

    if not (hasattr(fonts, "harfbuzz_subset") and hasattr(fonts.Font, "_fonttools_subset")):
        raise RuntimeError(
            f"WeasyPrint {weasyprint.__version__} no longer chooses its font subsetter as "
            "version 70 did: review oncocsr.report.subset_fonts_with_fonttools"
        )
    system = fonts.harfbuzz_subset
    fonts.harfbuzz_subset = None
    try:
        yield
    finally:
        fonts.harfbuzz_subset = system


# Fontconfig's configuration (fonts-conf(5)) with one font folder, the pinned DejaVu of
# matplotlib: WeasyPrint then knows the fonts of the @font-face rules (font_faces) and, for a
# document without them, DejaVu, so a character none of them draws is an empty box on every
# machine rather than a glyph from whatever font the machine has. With no font at all Pango
# hands WeasyPrint a null font and it crashes (segmentation fault in get_pango_font_hb_face).
def _pinned_fontconfig(cache: Path) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{escape(str(FONT_DIR))}</dir>"
        f"<cachedir>{escape(str(cache))}</cachedir></fontconfig>\n"
    ).encode()


@contextlib.contextmanager
def pinned_fonts_only():
    """While rendering, fontconfig sees no system font, only the pinned files (oncocsr.fonts).

    WeasyPrint loads a fresh fontconfig configuration for every document
    (weasyprint.text.fonts.FontConfiguration, FcInitLoadConfigAndFonts), from the file that
    FONTCONFIG_FILE names; Pango falls back through every font that configuration has when the
    font-family list lacks a character, so with the system's configuration the PDF's fonts, and
    its bytes, depended on the fonts installed. The data checks report the characters no pinned
    font draws (GLYPH_MISSING findings).
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="oncocsr-fonts-") as folder:
        config = Path(folder) / "fonts.conf"
        config.write_bytes(_pinned_fontconfig(Path(folder)))
        system = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            yield
        finally:
            if system is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = system


@writes_atomically("output")
def write_pdf(
    html: str,
    output: str | Path,
    *,
    base_dir: str | Path,
    allowed_roots: list[Path],
    epoch: int,
    attachments: dict[str, tuple[bytes, str]] | None = None,
) -> int:
    """Render HTML to a tagged PDF/A-3b whose bytes depend only on the inputs (DESIGN.md,
    determinism).

    ``SOURCE_DATE_EPOCH`` fixes the dates the PDF writer would otherwise take from the clock, the
    attachments (name -> (bytes, description)) carry that same date, not the file's mtime, the
    glyphs come only from the pinned font files (:func:`pinned_fonts_only`), and the fonts are
    subset by fontTools whatever the system has (:func:`subset_fonts_with_fonttools`).
    Returns the number of pages.
    """
    import io
    from datetime import UTC, datetime

    import weasyprint

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    stamp = datetime.fromtimestamp(epoch, UTC)
    fetcher = restricted_fetcher([*allowed_roots, FONT_DIR, CJK_FONT])
    document = weasyprint.HTML(
        string=html, base_url=str(Path(base_dir).resolve()), url_fetcher=fetcher
    )
    files = [
        weasyprint.Attachment(
            file_obj=io.BytesIO(data),
            name=name,
            description=description,
            created=stamp,
            modified=stamp,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for name, (data, description) in sorted((attachments or {}).items())
    ]
    with pinned_fonts_only():
        rendered = document.render(pdf_variant="pdf/a-3b")
    # Fonts are subset when the PDF is written. Tagged (logical structure from the HTML:
    # headings, paragraphs, tables with their header cells, figures) for screen readers and for
    # reflowing; PDF/A-3b keeps the tags, as only the a-level variants force them
    # (weasyprint.pdf.pdfa.VARIANTS).
    with subset_fonts_with_fonttools():
        rendered.write_pdf(
            str(output),
            pdf_variant="pdf/a-3b",
            pdf_tags=True,
            attachments=files,
            uncompressed_pdf=False,
        )
    return len(rendered.pages)
