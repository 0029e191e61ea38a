"""A fast table flowable for the long tables of the reports (the steps with their history rows,
the exceptions, the audit-trail extract).

platypus' Table with a Paragraph per cell costs about a millisecond per cell; a batch with
thousands of corrections and audit events has tens of thousands of cells. This table knows only
what those tables need, and does it with plain strings:

- fixed column widths, text at the top of each cell, one font size and leading per table;
- a cell is a string (in the column's font) or a sequence of :class:`Run` (text with its own
  font and colour: a bold first line, a verdict word in dark red); "\\n" breaks a line;
- a row may span the full width (a "detail" row, e.g. a correction under its check), and may
  have a background colour (grey header row, light grey history rows);
- word wrapping with glyph widths cached per font, over-long tokens (hashes, JSON) broken
  anywhere, and an optional cap on the lines of a column (the last line ends in "…");
- ``wrap`` lays the rows out once; ``split`` hands platypus the rows that fit and the rest, the
  header row repeated on every part; ``draw`` fills backgrounds and rules with rectangles and
  lines and writes all text through one text object (real text: it can be searched and
  extracted). Every colour is opaque (PDF/A).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.reports.fonts import SANS, SANS_BOLD, register_fonts, runs
from core.reports.pdf_text import encoder_for, rgb_operands, subset_zero
from core.reports.styles import BLACK, HEADER_GREY, RULE_GREY
from core.reports.text_wrap import (
    Cell,
    Line,
    Run,
    bold,
    bold_first_line,
    text_width,
    truncate,
    truncate_runs,
    wrap_plain,
    wrap_runs,
)

register_fonts()

from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.platypus import Flowable  # noqa: E402

__all__ = ["FastTable", "Row", "Run", "TableLook", "bold", "bold_first_line", "text_width"]

if TYPE_CHECKING:
    from reportlab.lib.colors import Color


@dataclass(frozen=True)
class TableLook:
    """How a fast table looks (the defaults are those of the reports' platypus tables)."""

    font: str = SANS
    header_font: str = SANS_BOLD
    size: float = 6.5
    leading: float = 8.0
    header_size: float | None = None  # None: ``size``
    pad_x: float = 3.0
    pad_top: float = 2.0
    pad_bottom: float = 2.0
    detail_pad_top: float | None = None  # padding of spanning detail rows (None: as others)
    detail_pad_bottom: float | None = None
    detail_size: float | None = None  # font size of spanning detail rows (None: ``size``)
    rule: Color = RULE_GREY
    rule_width: float = 0.25
    box_width: float = 0.5
    header_background: Color = HEADER_GREY
    text: Color = BLACK


class Row:
    """A row of cells (one per column), or one cell spanning the table (``span``)."""

    __slots__ = ("background", "cells", "continues", "height", "keep_with_next", "lines", "span")

    def __init__(
        self,
        cells: Sequence[Cell],
        *,
        background: Color | None = None,
        span: bool = False,
        keep_with_next: bool = False,
        continues: Row | None = None,
    ) -> None:
        self.cells = cells
        self.background = background
        self.span = span
        self.keep_with_next = keep_with_next
        # a row printed above this one when a page starts with it ("CHECK-ID … (continued)")
        self.continues = continues
        self.lines: list[list[Line]] = []  # per cell, its laid-out lines
        self.height = 0.0


class FastTable(Flowable):
    """A table of plain-text cells; see the module docstring."""

    def __init__(
        self,
        widths: Sequence[float],
        header: Row | Sequence[Cell] | None,
        rows: Sequence[Row | Sequence[Cell]],
        *,
        look: TableLook | None = None,
        column_fonts: Sequence[str | None] | None = None,
        max_lines: Sequence[int | None] | None = None,
        _laid_out: bool = False,
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.look = look or TableLook()
        self.column_fonts = list(column_fonts or [None] * len(self.widths))
        self.max_lines = list(max_lines or [None] * len(self.widths))
        self.header = header if header is None or isinstance(header, Row) else Row(header)
        self.rows = [r if isinstance(r, Row) else Row(r) for r in rows]
        self.hAlign = "LEFT"
        self._laid_out = _laid_out
        self._height = 0.0

    # platypus interface

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if not self._laid_out:
            self._layout()
        return sum(self.widths), self._height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if not self._laid_out:
            self._layout()
        head = self.header.height if self.header is not None else 0.0
        room = available_height - head
        fit, used = 0, 0.0
        for row in self.rows:
            if used + row.height > room + 1e-6:
                break
            used += row.height
            fit += 1
        if fit == len(self.rows):
            return [self]
        while fit > 1 and self.rows[fit - 1].keep_with_next:
            fit -= 1
        if fit == 0:
            return []
        rest = self.rows[fit:]
        label = rest[0].continues
        if label is not None:
            if not label.lines:
                self._layout_row(label, self.look.font, self._size(label))
            rest = [label, *rest]
        return [self._part(self.rows[:fit]), self._part(rest)]

    def draw(self) -> None:
        look = self.look
        total = sum(self.widths)
        rows = [self.header, *self.rows] if self.header is not None else list(self.rows)
        tops: list[float] = []
        y = self._height
        for row in rows:
            tops.append(y)
            y -= row.height
        ops = ["q"]
        # backgrounds, one path per colour
        by_colour: dict[str, list[str]] = {}
        for row, top in zip(rows, tops, strict=True):
            colour = look.header_background if row is self.header else row.background
            if colour is not None:
                boxes = by_colour.setdefault(rgb_operands(colour), [])
                boxes.append(f"0 {top - row.height:.2f} {total:.2f} {row.height:.2f} re")
        for rgb, boxes in by_colour.items():
            ops.append(f"{rgb} rg")
            ops += boxes
            ops.append("f")
        # a rule under every row, and the box
        ops.append(f"{rgb_operands(look.rule)} RG {look.rule_width:g} w 0 J")
        ops += [
            f"0 {top - row.height:.2f} m {total:.2f} {top - row.height:.2f} l"
            for row, top in zip(rows, tops, strict=True)
        ]
        ops.append("S")
        ops.append(f"{look.box_width:g} w 0 0 {total:.2f} {self._height:.2f} re S")
        self._text(ops, rows, tops)
        ops.append("Q")
        self.canv._code.append("\n".join(ops))

    # building

    def _part(self, rows: list[Row]) -> FastTable:
        part = FastTable(
            self.widths,
            self.header,
            rows,
            look=self.look,
            column_fonts=self.column_fonts,
            max_lines=self.max_lines,
            _laid_out=True,
        )
        part._height = (self.header.height if self.header is not None else 0.0) + sum(
            r.height for r in rows
        )
        return part

    def _layout(self) -> None:
        look = self.look
        height = 0.0
        if self.header is not None:
            size = look.header_size or look.size
            self._layout_row(self.header, look.header_font, size, header=True)
            height += self.header.height
        for row in self.rows:
            if not row.lines:  # the rows of a part were laid out with the whole table
                self._layout_row(row, look.font, self._size(row))
            height += row.height
        self._height = height
        self._laid_out = True

    def _size(self, row: Row) -> float:
        if row.span and self.look.detail_size:
            return self.look.detail_size
        return self.look.size

    def _layout_row(self, row: Row, font: str, size: float, header: bool = False) -> None:
        look = self.look
        pad = 2 * look.pad_x
        if row.span:
            avail = sum(self.widths) - pad
            row.lines = [self._cell_lines(row.cells[0], font, size, avail, None)]
            top = look.pad_top if look.detail_pad_top is None else look.detail_pad_top
            bottom = look.pad_bottom if look.detail_pad_bottom is None else look.detail_pad_bottom
        else:
            row.lines = [
                self._cell_lines(
                    cell,
                    font if header else (self.column_fonts[i] or font),
                    size,
                    self.widths[i] - pad,
                    None if header else self.max_lines[i],
                )
                for i, cell in enumerate(row.cells)
            ]
            top, bottom = look.pad_top, look.pad_bottom
        count = max((len(lines) for lines in row.lines), default=1) or 1
        leading = look.leading if size == look.size else look.leading * size / look.size
        row.height = top + count * leading + bottom

    @staticmethod
    def _cell_lines(
        cell: Cell, font: str, size: float, avail: float, max_lines: int | None
    ) -> list[Line]:
        if isinstance(cell, str):
            if not cell:
                return []
            texts = wrap_plain(cell, font, size, avail)
            if max_lines and len(texts) > max_lines:
                texts = texts[:max_lines]
                texts[-1] = truncate(texts[-1], font, size, avail)
            return [[(font, None, t)] if t else [] for t in texts]
        lines = wrap_runs(cell, font, size, avail)
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = truncate_runs(lines[-1], size, avail)
        return lines

    # drawing

    def _text(self, ops: list[str], rows: list[Row], tops: list[float]) -> None:
        """All the text of the table in one text object: a text matrix per line, the font and
        the colour set only when they change."""
        look = self.look
        encoder = encoder_for(self.canv)
        lefts = [0.0]
        for w in self.widths[:-1]:
            lefts.append(lefts[-1] + w)
        xs = [f"{left + look.pad_x:.2f}" for left in lefts]
        ops.append("BT 0 Tc 0 Tw 100 Tz 0 Ts 0 Tr")
        current_font: str | None = None
        current_subset = -1
        current_size = 0.0
        current_colour: str | None = None
        default_rgb = rgb_operands(look.text)
        ascents: dict[float, float] = {}
        for row, top in zip(rows, tops, strict=True):
            if row is self.header:
                size = look.header_size or look.size
            elif row.span:
                size = look.detail_size or look.size
            else:
                size = look.size
            leading = look.leading if size == look.size else look.leading * size / look.size
            pad_top = look.pad_top
            if row.span and look.detail_pad_top is not None:
                pad_top = look.detail_pad_top
            ascent = ascents.get(size)
            if ascent is None:
                ascent = ascents[size] = pdfmetrics.getAscent(look.font, size)
            first = top - pad_top - ascent
            for i, lines in enumerate(row.lines):
                x = xs[i]
                y = first
                for line in lines:
                    tm = f"1 0 0 1 {x} {y:.2f} Tm"
                    y -= leading
                    for font, colour, piece in _in_faces(line):
                        rgb = default_rgb if colour is None else rgb_operands(colour)
                        if rgb != current_colour:
                            ops.append(f"{rgb} rg")
                            current_colour = rgb
                        # the common case: every character is in subset 0
                        zero = encoder.zero.get(font)
                        literal = None if zero is None else subset_zero(zero, piece)
                        if literal is not None:
                            if font is not current_font or current_subset or size != current_size:
                                ops.append(f"{encoder.name(font, 0)} {size:g} Tf")
                                current_font, current_subset, current_size = font, 0, size
                            if tm:
                                ops.append(f"{tm} ({literal}) Tj")
                                tm = ""
                            else:
                                ops.append(f"({literal}) Tj")
                            continue
                        if tm:
                            ops.append(tm)
                            tm = ""
                        for subset, literal in encoder.encode(font, piece):
                            if (
                                font is not current_font
                                or subset != current_subset
                                or size != current_size
                            ):
                                ops.append(f"{encoder.name(font, subset)} {size:g} Tf")
                                current_font, current_subset, current_size = font, subset, size
                            ops.append(f"({literal}) Tj")
        ops.append("ET")


def _in_faces(line: Line) -> Line:
    """A laid-out line with its Korean and Chinese runs in the faces that have them."""
    if all(piece.isascii() for _font, _colour, piece in line):
        return line
    return [
        (face, colour, part) for font, colour, piece in line for face, part in runs(piece, font)
    ]
