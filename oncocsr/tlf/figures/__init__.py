"""Section 14 figures as deterministic SVG (DESIGN.md, determinism).

Per-subject figures (waterfall, spider, swimmer) draw every subject with one collection per
artist kind, so a 100,000-subject study renders in seconds; above ``RASTER_ABOVE`` subjects the
per-subject layer is embedded as a ``RASTER_DPI`` image (axes, text and reference lines stay
vector), because sub-pixel bars and lines add megabytes of paths but nothing a reader can see.
"""

from oncocsr.tlf.figures.common import RASTER_ABOVE, RASTER_DPI, RESPONSES, STYLE, to_svg
from oncocsr.tlf.figures.forest import _forest, forest_figure
from oncocsr.tlf.figures.km import km_figure
from oncocsr.tlf.figures.swimmer import MIN_BAR, SWIMMER_MAX, _swimmer, swimmer_figure
from oncocsr.tlf.figures.tumour import LIMIT, _spider, _waterfall, spider_figure, waterfall_figure

__all__ = [
    "LIMIT",
    "MIN_BAR",
    "RASTER_ABOVE",
    "RASTER_DPI",
    "RESPONSES",
    "STYLE",
    "SWIMMER_MAX",
    "_forest",
    "_spider",
    "_swimmer",
    "_waterfall",
    "forest_figure",
    "km_figure",
    "spider_figure",
    "swimmer_figure",
    "to_svg",
    "waterfall_figure",
]
