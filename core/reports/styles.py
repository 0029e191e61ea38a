"""The look of the reports: sober, black on white, light grey header rows, verdict words in bold
dark red (OOS) and dark amber (alert). Every colour is opaque RGB (PDF/A: no transparency)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from core.reports.fonts import MONO, SANS, SANS_BOLD, register_fonts
from core.reports.fonts import markup as font_markup

register_fonts()

from reportlab.lib import colors  # noqa: E402  (after the fonts: see core.reports.fonts)
from reportlab.lib.colors import Color  # noqa: E402
from reportlab.lib.enums import TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _Paragraph  # noqa: E402

# The report modules take platypus from here, so it is never imported before the fonts.
__all__ = [
    "CondPageBreak",
    "Flowable",
    "KeepTogether",
    "PageBreak",
    "Paragraph",
    "Spacer",
    "Table",
    "TableStyle",
]

_CJK_STYLES: dict[str, ParagraphStyle] = {}


class Paragraph(_Paragraph):
    """platypus' Paragraph, its Korean and Chinese runs written in the faces that have them and
    wrapped between any two characters (those scripts may have no spaces to break at)."""

    def __init__(self, text: str, style: ParagraphStyle | None = None, *args, **kwargs) -> None:
        from core.fonts import needs_cjk

        if style is not None and isinstance(text, str) and needs_cjk(text):
            bold = style.fontName in (SANS_BOLD, MONO + "-Bold")
            cjk = _CJK_STYLES.get(style.name)
            if cjk is None:
                cjk = _CJK_STYLES[style.name] = ParagraphStyle(f"{style.name}-cjk", parent=style)
                cjk.wordWrap = "CJK"
            text, style = font_markup(text, bold=bold), cjk
        super().__init__(text, style, *args, **kwargs)


PAGE = A4
MARGIN_X = 40.0
MARGIN_TOP = 44.0
MARGIN_BOTTOM = 52.0  # room for the two-line footer
WIDTH = PAGE[0] - 2 * MARGIN_X

BLACK = colors.Color(0, 0, 0)
GREY_TEXT = colors.Color(0.33, 0.33, 0.33)
HEADER_GREY = colors.Color(0.88, 0.88, 0.88)
RULE_GREY = colors.Color(0.62, 0.62, 0.62)
LIGHT_GREY = colors.Color(0.95, 0.95, 0.95)
OOS_RED = colors.Color(0.62, 0.05, 0.05)
ALERT_AMBER = colors.Color(0.60, 0.38, 0.0)
PASS_GREEN = colors.Color(0.08, 0.42, 0.16)
INVALID_BG = colors.Color(1.0, 0.90, 0.88)
CAVEAT_AMBER = ALERT_AMBER  # an example limit the site's QA has not confirmed
DRAFT_RED = colors.Color(0.75, 0.08, 0.08)

BODY = ParagraphStyle("body", fontName=SANS, fontSize=8.5, leading=11, alignment=TA_LEFT)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.2, leading=9)
TINY = ParagraphStyle("tiny", parent=BODY, fontSize=6.5, leading=8)
MONO_SMALL = ParagraphStyle("mono", parent=SMALL, fontName=MONO, fontSize=6.5, leading=8)
CELL_HEAD = ParagraphStyle("cellhead", parent=SMALL, fontName=SANS_BOLD)
TITLE = ParagraphStyle("title", parent=BODY, fontName=SANS_BOLD, fontSize=17, leading=21)
H1 = ParagraphStyle(
    "h1", parent=BODY, fontName=SANS_BOLD, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5
)
H2 = ParagraphStyle(
    "h2", parent=BODY, fontName=SANS_BOLD, fontSize=9.5, leading=12, spaceBefore=8, spaceAfter=3
)
NOTE = ParagraphStyle("note", parent=SMALL, textColor=GREY_TEXT)

VERDICT_COLOUR = {"oos": OOS_RED, "alert": ALERT_AMBER}
BOLD_RED_MARKUP = '<font color="#' + OOS_RED.hexval()[2:] + '"><b>{}</b></font>'


def esc(text: object) -> str:
    return escape(str(text)) if text is not None else ""


def para(text: object, style: ParagraphStyle = SMALL) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(esc(text).replace("\n", "<br/>"), style)


def markup(text: str, style: ParagraphStyle = SMALL) -> Paragraph:
    """A paragraph of reportlab mini-markup (the caller escaped the data in it)."""
    return Paragraph(text, style)


def verdict_markup(word: str, verdict: str | None) -> str:
    colour = VERDICT_COLOUR.get(verdict or "")
    if colour is None:
        return esc(word)
    return f'<font color="#{colour.hexval()[2:]}"><b>{esc(word)}</b></font>'


def grid(header_rows: int = 1, font_size: float = 7.2) -> list[tuple]:
    """The common table style: thin grey rules, grey header rows, text at the top of cells."""
    return [
        ("FONT", (0, 0), (-1, -1), SANS, font_size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE_GREY),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def table_style(extra: list[tuple] | None = None, header_rows: int = 1) -> TableStyle:
    return TableStyle(grid(header_rows) + (extra or []))


def head_cells(*labels: str) -> list[Paragraph]:
    return [para(label, CELL_HEAD) for label in labels]


def key_values(pairs: list[tuple[str, object]], label_width: float = 130) -> Table:
    """A two-column table of labels (grey) and their values (text or a flowable)."""
    rows = [[para(k, SMALL), v if isinstance(v, Flowable) else para(v, SMALL)] for k, v in pairs]
    table = Table(rows, colWidths=[WIDTH * label_width / 515, WIDTH * (515 - label_width) / 515])
    style = [
        *grid()[:1],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_GREY),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE_GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    table.setStyle(TableStyle(style))
    return table


def notice(text: str, colour: Color = OOS_RED, background: Color | None = None) -> Table:
    """A framed statement a reader cannot miss (exceptional release, autologous use, …): the
    caller escaped the data in ``text`` (mini-markup)."""
    table = Table([[markup(text, BODY)]], colWidths=[WIDTH])
    style = [
        ("BOX", (0, 0), (-1, -1), 1.2, colour),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if background is not None:
        style.append(("BACKGROUND", (0, 0), (-1, -1), background))
    table.setStyle(TableStyle(style))
    return table


def coloured(text: str, colour: Color, bold: bool = True) -> str:
    """Mini-markup of ``text`` (escaped here) in an opaque colour."""
    inner = f"<b>{esc(text)}</b>" if bold else esc(text)
    return f'<font color="#{colour.hexval()[2:]}">{inner}</font>'
