"""The report fonts: DejaVu Sans, Sans Bold and Sans Mono, embedded in every PDF.

Import this module before anything from reportlab.platypus or reportlab.graphics: those read
their default font names from ``rl_config`` when they are first imported, and a default left at
Helvetica puts an unembedded standard font on every page (PDF/A forbids it).
"""

from __future__ import annotations

from functools import cache

from reportlab import rl_config

from core.version import app_root

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
MONO_BOLD = "DejaVuSansMono-Bold"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}

# Before platypus / graphics are imported (see the module docstring).
rl_config.canvas_basefontname = SANS
rl_config.defaultGraphicsFontName = SANS


@cache
def register_fonts() -> None:
    """Register the DejaVu fonts (once per process) and make them every default."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = app_root() / "resources" / "fonts"
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    for family, regular, bold in ((SANS, SANS, SANS_BOLD), (MONO, MONO, MONO_BOLD)):
        # No italic face is shipped: italic maps to the upright one.
        pdfmetrics.registerFontFamily(
            family, normal=regular, bold=bold, italic=regular, boldItalic=bold
        )
        addMapping(family, 0, 1, regular)
        addMapping(family, 1, 1, bold)

    # In case reportlab.graphics was imported before this module: its defaults are a copy.
    from reportlab.graphics import shapes

    shapes.STATE_DEFAULTS["fontName"] = SANS


def text_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return stringWidth(text, font, size)
