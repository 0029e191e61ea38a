"""Where everything goes on a label stock: the QR code on the left, vertically centred, and the
text beside it, each line no wider than the space left and all of it inside the label's height.

A line too wide is wrapped at its spaces (a single word too wide, at its characters); when the
wrapped text is too tall the size shrinks, step by step, down to the stock's smallest; text that
still does not fit is refused (``LabelDoesNotFit``), never cut off. Widths are measured in the
PDF's own font (DejaVu Sans); the ZPL places the same lines in the printer's narrower font."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import DomainError
from core.i18n import ngettext
from core.labels.content import LabelContent
from core.labels.qr import QUIET_ZONE, qr_modules
from core.labels.stock import LabelStock
from core.reports.fonts import SANS, SANS_BOLD, text_width

PT = 25.4 / 72  # millimetres per point
LEADING = 1.18  # line pitch, in font sizes
ASCENT = 0.76  # a line's top above its baseline, in font sizes (DejaVu's capitals and digits)
STEP_PT = 0.2  # how far the text shrinks at each try


class LabelDoesNotFit(DomainError):
    """The label's text cannot be laid out on the stock at a size that may be printed."""


@dataclass(frozen=True)
class PlacedLine:
    text: str
    bold: bool
    size_pt: float
    x_mm: float
    baseline_mm: float  # above the label's bottom edge (as a PDF measures)
    top_mm: float  # below the label's top edge, to the top of the line (as ZPL measures)
    width_mm: float

    @property
    def font(self) -> str:
        return SANS_BOLD if self.bold else SANS


@dataclass(frozen=True)
class PlacedCode:
    payload: str
    level: str
    modules: tuple[tuple[bool, ...], ...]  # without the quiet zone
    x_mm: float  # left edge of the square, its quiet zone included
    y_mm: float  # bottom edge, above the label's bottom
    side_mm: float

    @property
    def module_mm(self) -> float:
        return self.side_mm / (len(self.modules) + 2 * QUIET_ZONE)


@dataclass(frozen=True)
class LabelLayout:
    stock: LabelStock
    code: PlacedCode
    lines: tuple[PlacedLine, ...]
    text_x_mm: float
    text_width_mm: float
    font_pt: float


def lay_out(content: LabelContent, stock: LabelStock) -> LabelLayout:
    side = min(stock.code_mm, stock.height_mm - 2 * stock.margin_mm)
    code = PlacedCode(
        payload=content.payload,
        level=stock.code_level,
        modules=qr_modules(content.payload, stock.code_level),
        x_mm=stock.margin_mm,
        y_mm=(stock.height_mm - side) / 2,
        side_mm=side,
    )
    text_x = stock.margin_mm + side + stock.margin_mm
    width = stock.width_mm - stock.margin_mm - text_x
    height = stock.height_mm - 2 * stock.margin_mm
    size = stock.font_pt
    text = content.packed_lines if stock.packed else content.lines
    while True:
        rows = [
            (row, line.bold)
            for line in text
            for row in wrap(line.text, SANS_BOLD if line.bold else SANS, size, width)
        ]
        pitch = size * LEADING * PT
        if len(rows) * pitch <= height + 1e-9:
            break
        size = round(size - STEP_PT, 2)
        if size < stock.min_font_pt - 1e-9:
            room = int((height + 1e-9) // pitch)
            said = ngettext(
                "The label's text takes {rows} line on {stock} ({size}) where {room} fit, even "
                "at {font:g} pt: shorten the storage text (now '{storage}'), or print on a "
                "larger stock.",
                "The label's text takes {rows} lines on {stock} ({size}) where {room} fit, even "
                "at {font:g} pt: shorten the storage text (now '{storage}'), or print on a "
                "larger stock.",
                len(rows),
            )
            raise LabelDoesNotFit(
                said.format(
                    rows=len(rows),
                    stock=stock.words,
                    size=stock.size_text,
                    room=room,
                    font=stock.min_font_pt,
                    storage=content.storage,
                )
            )
    block = len(rows) * pitch
    top = (stock.height_mm - block) / 2 + (pitch - size * PT) / 2  # the block, centred
    lines = []
    for index, (row, bold) in enumerate(rows):
        line_top = top + index * pitch
        font = SANS_BOLD if bold else SANS
        lines.append(
            PlacedLine(
                text=row,
                bold=bold,
                size_pt=size,
                x_mm=text_x,
                baseline_mm=stock.height_mm - line_top - ASCENT * size * PT,
                top_mm=line_top,
                width_mm=text_width(row, font, size) * PT,
            )
        )
    return LabelLayout(stock, code, tuple(lines), text_x, width, size)


_GLUE = (  # spaces a row never breaks at
    (re.compile(r"(\d) of (\d)"), "\\1\u00a0of\u00a0\\2"),  # "499 of 500"
    (re.compile(r"(?<=[≤≥<>±~]) "), "\u00a0"),  # a comparison sign stays with its number
    (re.compile(r" (?=[°%‰])"), "\u00a0"),  # a unit sign stays with its number
)


def wrap(text: str, font: str, size: float, width_mm: float) -> list[str]:
    """``text`` in rows no wider than ``width_mm``: broken at spaces (not inside "499 of 500",
    "≤ −150" or "150 °C"), a word wider than a row at its characters."""

    def fits(row: str) -> bool:
        return text_width(row.replace("\u00a0", " "), font, size) * PT <= width_mm

    for pattern, glued in _GLUE:
        text = pattern.sub(glued, text)
    return [row.replace("\u00a0", " ") for row in _rows(text, fits)]


def _rows(text: str, fits: Callable[[str], bool]) -> list[str]:
    rows: list[str] = []
    row = ""
    for word in text.split(" "):
        candidate = f"{row} {word}" if row else word
        if fits(candidate):
            row = candidate
            continue
        if row:
            rows.append(row)
        row = ""
        while not fits(word):  # a word wider than a row: cut it where it must be
            cut = max(1, max(n for n in range(1, len(word) + 1) if fits(word[:n]) or n == 1))
            rows.append(word[:cut])
            word = word[cut:]
        row = word
    if row:
        rows.append(row)
    return rows
