"""The DRAFT marking of a certificate of analysis exported before the lot has a QA disposition:
a large diagonal watermark under the page's content and a framed banner in the running head, on
every page.

PDF/A-friendly: vector text in the embedded DejaVu font, opaque RGB colours (a pale tint, not
transparency), drawn before the content so the content stays legible on top of it.
"""

from __future__ import annotations

import math

from core.i18n import N_, _
from core.reports.fonts import SANS_BOLD, draw_text, text_width
from core.reports.styles import DRAFT_RED, PAGE, Color

# Translators: "DRAFT" is printed large across the page, the words after " — " under it
DRAFT_MARK = N_("DRAFT — NOT A CERTIFICATE OF ANALYSIS")  # shown as _(DRAFT_MARK)
WATERMARK_TINT = Color(0.98, 0.86, 0.86)  # opaque pale red: no transparency in PDF/A
BANNER_SIZE = 8.0


def draw_watermark(canvas, text: str | None = None) -> None:
    """The diagonal watermark across the page: "DRAFT" large, the rest of ``text`` (shown as
    given; the DRAFT mark in the language of the moment by default) under it."""
    first, _dash, rest = (_(DRAFT_MARK) if text is None else text).partition(" — ")
    width, height = PAGE
    angle = math.degrees(math.atan2(height, width))
    diagonal = math.hypot(width, height)
    big = min(190.0, 0.62 * diagonal / max(text_width(first, SANS_BOLD, 1.0), 1e-6))
    small = min(40.0, 0.78 * diagonal / max(text_width(rest, SANS_BOLD, 1.0), 1e-6)) if rest else 0
    canvas.saveState()
    canvas.setFillColor(WATERMARK_TINT)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(angle)
    canvas.setFont(SANS_BOLD, big)
    draw_text(canvas, 0, -big * 0.12, first, SANS_BOLD, big, "centre")
    if rest:
        canvas.setFont(SANS_BOLD, small)
        draw_text(canvas, 0, -big * 0.12 - small * 1.5, rest, SANS_BOLD, small, "centre")
    canvas.restoreState()


def draw_banner(canvas, right: float, baseline: float, text: str | None = None) -> None:
    """The banner, framed in red, right-aligned at ``right`` on the running head's baseline."""
    if text is None:
        text = _(DRAFT_MARK)
    width = text_width(text, SANS_BOLD, BANNER_SIZE)
    canvas.saveState()
    canvas.setFillColor(DRAFT_RED)
    canvas.setStrokeColor(DRAFT_RED)
    canvas.setLineWidth(0.9)
    canvas.rect(right - width - 4, baseline - 3, width + 8, BANNER_SIZE + 5, stroke=1, fill=0)
    canvas.setFont(SANS_BOLD, BANNER_SIZE)
    draw_text(canvas, right, baseline, text, SANS_BOLD, BANNER_SIZE, "right")
    canvas.restoreState()
