"""How the curves look, shared by the trace and growth panels: pyqtgraph configured once (white
paper, dark ink, no antialiasing: it costs more than it shows on dense traces), pens and brushes
from the theme's colour-blind-safe palette, legend samples that draw bands as bands, axes that
print big numbers in scientific notation, and times in local time with the zone named."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont

from core.i18n import _
from ui import theme

_configured = False

CURVE = theme.BLUE
SETPOINT = theme.GREY
ALARM = theme.ORANGE
EXCURSION = theme.VERMILLION
BAND_ALPHA = 38  # of 255: light enough for the curve to stay readable on top
EXCURSION_ALPHA = 60


def configure() -> None:
    """pyqtgraph's global options, once (it is only imported when curves are first shown)."""
    global _configured
    if _configured:
        return
    pg.setConfigOptions(
        background=theme.PAPER, foreground=theme.INK, antialias=False, useOpenGL=False
    )
    _configured = True


def colour(hex_colour: str, alpha: int = 255) -> QColor:
    c = QColor(hex_colour)
    c.setAlpha(alpha)
    return c


def pen(hex_colour: str, width: float = 1.5, style: str = "solid") -> object:
    styles = {
        "solid": Qt.PenStyle.SolidLine,
        "dash": Qt.PenStyle.DashLine,
        "dot": Qt.PenStyle.DotLine,
    }
    return pg.mkPen(colour(hex_colour), width=width, style=styles[style])


def brush(hex_colour: str, alpha: int = BAND_ALPHA) -> object:
    return pg.mkBrush(colour(hex_colour, alpha))


def axis_font(points: int = 10) -> QFont:
    return QFont(theme.SANS, points)


def style_axis(axis: pg.AxisItem, text: str, points: int = 10) -> None:
    """An axis label in plain words (the unit inside the text: pyqtgraph's own unit handling
    would rescale "cells" into "Mcells")."""
    axis.enableAutoSIPrefix(False)
    axis.setTickFont(axis_font(points))
    axis.setTextPen(pg.mkPen(theme.INK))
    axis.setPen(pg.mkPen(theme.GREY))
    axis.setLabel(text, **{"font-size": f"{points}pt", "color": theme.INK})


_SUPER = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(value: float) -> str:
    """A number as a person writes it: 2.5×10⁹ for cell numbers, plain below 100 000."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(mantissa, 2) == 1:
        return f"10{str(exponent).translate(_SUPER)}"
    return f"{mantissa:.3g}×10{str(exponent).translate(_SUPER)}"


class NumberAxis(pg.AxisItem):
    """Ticks of cell numbers as 2×10⁹ rather than ten digits; on a log axis only the decades
    are labelled (with 2 and 5 between them when less than two decades are in view)."""

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            low, high = self.range
            few = abs(high - low) < 2
            out = []
            for v in values:
                real = 10 ** (v * scale)
                lead = round(real / 10 ** math.floor(v * scale + 1e-9), 6)
                out.append(sci(real) if lead == 1 or (few and lead in (2, 5)) else "")
            return out
        big = max((abs(v * scale) for v in values), default=0.0)
        if big >= 1e5:
            return [sci(v * scale) for v in values]
        return super().tickStrings(values, scale, spacing)


class Sample(pg.ItemSample):
    """A legend entry drawn from a style, not from a plotted item: a line, a band, a symbol.
    Clicking it does nothing (the legend explains the plot; it does not hide parts of it)."""

    def __init__(
        self,
        pen_: object = None,
        brush_: object = None,
        symbol: str | None = None,
        symbol_brush: object = None,
    ) -> None:
        self._pen, self._brush = pen_, brush_
        self._symbol, self._symbol_brush = symbol, symbol_brush
        super().__init__(pg.PlotDataItem())

    def paint(self, p, *args) -> None:
        if self._brush is not None:
            p.setPen(pg.mkPen(None) if self._pen is None else pg.mkPen(self._pen))
            p.setBrush(pg.mkBrush(self._brush))
            p.drawRect(QRectF(1, 4, 18, 13))
        elif self._pen is not None:
            p.setPen(pg.mkPen(self._pen))
            p.drawLine(0, 11, 20, 11)
        if self._symbol is not None:
            from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol

            p.translate(10, 10)
            drawSymbol(p, self._symbol, 10, pg.mkPen(theme.INK), pg.mkBrush(self._symbol_brush))

    def mouseClickEvent(self, event) -> None:
        event.accept()


def legend(columns: int) -> pg.LegendItem:
    """A legend laid out in its own row above the plots, so it never covers data."""
    item = pg.LegendItem(
        colCount=columns,
        labelTextSize="9pt",
        labelTextColor=theme.INK,
        horSpacing=10,
        verSpacing=-4,
        pen=None,
        brush=None,
    )
    return item


def set_legend(item: pg.LegendItem, entries: list[tuple[Sample, str]]) -> None:
    """The legend's entries: only what the plot shows (it is a key, not a catalogue), so a narrow
    column keeps its height for the curves. Cheap: a few labels, no plot items."""
    if [label.text for _, label in item.items] == [text for _, text in entries]:
        return
    item.clear()
    for sample, text in entries:
        item.addItem(sample, text)


def legend_texts(item: pg.LegendItem) -> list[str]:
    return [label.text for _, label in item.items]


def fit_legend(item: pg.LegendItem, width: int) -> None:
    """As many legend columns as the width holds (a narrow column stacks the entries)."""
    if not item.items:
        return
    widest = max(label.item.boundingRect().width() for _, label in item.items)
    per_entry = widest + 20 + 2 * item.layout.horizontalSpacing() + 8  # sample, gaps
    columns = max(1, min(len(item.items), int((width - 20) // per_entry)))
    if columns != item.columnCount:
        item.setColumnCount(columns)


# -- local time --------------------------------------------------------------------------------


def local(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone()


def zone_of(seconds: float | None = None) -> str:
    """The local zone as shown next to times: "CET, UTC+01:00" (or just "UTC")."""
    when = local(seconds) if seconds is not None else datetime.now().astimezone()
    offset = when.strftime("%z")
    shown = f"UTC{offset[:3]}:{offset[3:]}"
    name = when.strftime("%Z")
    if offset == "+0000" and name in ("UTC", "GMT", ""):
        return "UTC"
    if name and name != shown and not name.startswith(("+", "-")):
        return f"{name}, {shown}"
    return shown


def time_text(seconds: float) -> str:
    """An instant in local time with its zone: "2026-11-02 09:15:00 (CET, UTC+01:00)"."""
    return f"{local(seconds):%Y-%m-%d %H:%M:%S} ({zone_of(seconds)})"


def span_text(start: float, end: float | None) -> str:
    """Start–end in local time; the end's date is left out when it is the same day."""
    if end is None:
        return _("from {start}, still open").format(start=time_text(start))
    a, b = local(start), local(end)
    if a.date() == b.date() and zone_of(start) == zone_of(end):
        return f"{a:%Y-%m-%d %H:%M:%S} – {b:%H:%M:%S} ({zone_of(start)})"
    return f"{time_text(start)} – {time_text(end)}"


def number(value: float, precision: int | None = None) -> str:
    if precision is not None and abs(value) < 1e6:
        return f"{value:.{precision}f}"
    return f"{value:.4g}"
