"""Labels as a PDF: one page per label, each page the size of the label stock, for a label
printer's driver (print at 100 %, no fitting to the page). The QR code is drawn module by module
as one filled path; the text in the reports' embedded fonts (DejaVu Sans)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

from core.labels.content import LabelContent
from core.labels.layout import LabelLayout, PlacedCode, lay_out
from core.labels.qr import QUIET_ZONE
from core.labels.stock import LabelStock
from core.reports.fonts import register_fonts
from core.version import app_version

register_fonts()  # before anything from reportlab.graphics or platypus (core/reports/fonts.py)

from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402


def render_pdf(labels: Sequence[LabelContent], stock: LabelStock) -> bytes:
    """The PDF of ``labels`` on ``stock`` (LabelDoesNotFit when a label's text cannot fit)."""
    if not labels:
        raise ValueError("no labels to render")
    layouts = [lay_out(label, stock) for label in labels]  # refused before anything is drawn
    first, last = labels[0], labels[-1]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(stock.width_mm * mm, stock.height_mm * mm), invariant=True)
    # the label file says what its labels say: in the source words (core/labels/content.py)
    canvas.setTitle(
        f"Lot {first.lot}: {first.printed_kind} labels {first.serial}–{last.serial} of {last.of}"
    )
    canvas.setSubject(f"{first.product}, {stock.purpose} ({stock.size_text})")
    canvas.setCreator(f"Lotbook {app_version()}")
    for layout in layouts:
        draw_label(canvas, layout)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_label(canvas: Canvas, layout: LabelLayout) -> None:
    _draw_code(canvas, layout.code)
    canvas.setFillColorRGB(0, 0, 0)
    for line in layout.lines:
        canvas.setFont(line.font, line.size_pt)
        canvas.drawString(line.x_mm * mm, line.baseline_mm * mm, line.text)


def _draw_code(canvas: Canvas, code: PlacedCode) -> None:
    size = code.module_mm * mm
    left = code.x_mm * mm + QUIET_ZONE * size
    top = (code.y_mm + code.side_mm) * mm - QUIET_ZONE * size
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        c = 0
        for dark, run in groupby(row):
            count = len(list(run))
            if dark:
                path.rect(left + c * size, top - (r + 1) * size, count * size, size)
            c += count
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
