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


# -- Korean and Chinese: DejaVu has neither; their characters are written in these faces ---------

_CJK_NAMES = {  # core.fonts family → (regular, bold) as registered with reportlab
    "Lotbook Sans KR": ("LotbookSansKR", "LotbookSansKR-Bold"),
    "Lotbook Kai SC": ("LotbookKaiSC", "LotbookKaiSC-Bold"),
}
_BOLD = frozenset({SANS_BOLD, MONO_BOLD})


@cache
def register_cjk() -> None:
    """Register the Korean and Chinese faces (once per process, the first time a text needs
    one: unpacking them costs about 0.3 s)."""
    import io

    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from core.fonts import font_data

    register_fonts()
    for family, (regular, bold) in _CJK_NAMES.items():
        for name, is_bold in ((regular, False), (bold, True)):
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(font_data(family, is_bold))))
        pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular,
                                      boldItalic=bold)  # fmt: skip
        addMapping(regular, 0, 0, regular)
        addMapping(regular, 1, 0, bold)
        addMapping(regular, 0, 1, regular)
        addMapping(regular, 1, 1, bold)


def fallback_font(char: str, font: str) -> str | None:
    """The face that writes ``char`` when ``font`` (a DejaVu face) has no glyph for it: the
    Korean or Chinese one, bold when ``font`` is; None when ``font`` has it."""
    from core.fonts import family_for

    family = family_for(char)
    if family is None:
        return None
    register_cjk()
    regular, bold = _CJK_NAMES[family]
    return bold if font in _BOLD else regular


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as (face, piece) runs: DejaVu's characters in ``font``, the others in the face
    that has them."""
    if text.isascii():
        return [(font, text)]
    out: list[tuple[str, str]] = []
    for char in text:
        face = (fallback_font(char, font) if ord(char) >= 0x1100 else None) or font
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + char)
        else:
            out.append((face, char))
    return out


def markup(text: str, bold: bool = False) -> str:
    """Paragraph markup ``text`` (already escaped, tags allowed) with its Korean and Chinese
    runs in their faces (``<font name=…>``; inside ``<b>`` the family's bold face is used)."""
    if text.isascii():
        return text
    out: list[str] = []
    face_open: str | None = None
    in_tag = False
    base = SANS_BOLD if bold else SANS
    for char in text:
        if char == "<":
            in_tag = True
        face = None if in_tag or ord(char) < 0x1100 else fallback_font(char, base)
        if face != face_open:
            if face_open is not None:
                out.append("</font>")
            if face is not None:
                out.append(f'<font name="{face}">')
            face_open = face
        out.append(char)
        if char == ">":
            in_tag = False
    if face_open is not None:
        out.append("</font>")
    return "".join(out)


def text_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return sum(stringWidth(piece, face, size) for face, piece in runs(text, font))


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left"):
    """Write ``text`` on ``canvas`` at (x, y) in ``font`` — its Korean and Chinese runs in their
    faces — aligned left, right or centre on x."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    pieces = runs(text, font)
    width = sum(stringWidth(piece, face, size) for face, piece in pieces)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    for face, piece in pieces:
        canvas.setFont(face, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, face, size)
