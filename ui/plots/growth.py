"""Growth curves of a batch: one quantity at a time (total viable cells, viability, fold
expansion, population doublings …) by day or passage.

The recorded points are a line with markers; an alert point is a triangle with "Alert" beside it,
an out-of-spec point a cross with "OOS" beside it (shape and word, not colour alone). The spec is
a light band between its action limits (a line when only one is set), alert limits are dashed.
The same template's released batches are a median line in a min–max band. Every verdict, limit and
comparison comes from core (``GrowthView``); this panel only draws them. Its items are made once
and fed with ``setData``/``setValue`` when the view or the chosen quantity changes."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QVBoxLayout, QWidget

from core.i18n import N_, _, first_upper
from core.specs import Verdict
from core.words import Words
from ui import theme
from ui.plots import style
from ui.widgets.common import Message, TouchCombo, label
from ui.widgets.wrap_bar import WrapBar

style.configure()

ORDER = (
    "total_viable_cells",
    "viability",
    "fold_expansion",
    "population_doublings",
    "cumulative_pd",
    "doubling_time",
    "viable_cell_density",
)
# verdict → (symbol, size, colour, word beside the point)
MARKS = {
    "pass": ("o", 10, theme.BLUE, ""),
    "report": ("o", 10, theme.BLUE, ""),
    "alert": ("t", 15, theme.ORANGE, N_("Alert")),
    "oos": ("x", 17, theme.VERMILLION, N_("OOS")),
}
# the x axis, by what the step's instances count (an unknown one: its name, first letter raised)
AXIS_WORDS: Words[str] = Words({"day": N_("Day"), "passage": N_("Passage")})
COMPARE = theme.GREY


class GrowthPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Growth curves"))
        self.view_: Any = None  # the GrowthView shown
        self.series: Any = None  # the GrowthSeries shown
        self.quantity = TouchCombo(self)
        self.quantity.setAccessibleName(_("Quantity"))
        self.quantity.setMinimumHeight(theme.TOUCH)
        self.quantity.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.quantity.setMinimumContentsLength(18)
        self.log = QCheckBox(_("Log axis"), self)
        self.log.setAccessibleName(_("Log axis"))
        self.log.setToolTip(_("Show the values on a logarithmic axis (suits cell numbers)"))
        self.message = Message(self)
        self.empty = label(_("No growth values recorded for this batch yet."), self, role="subtle")

        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setAccessibleName(_("Growth curve plot"))
        self.view.ci.setContentsMargins(10, 4, 16, 4)  # the y label sits 5 px left of its axis
        self.legend = style.legend(3)
        self.view.ci.addItem(self.legend, row=0, col=0)
        self.plot = pg.PlotItem(axisItems={"left": style.NumberAxis(orientation="left")})
        self.view.ci.addItem(self.plot, row=1, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.12)
        style.style_axis(self.plot.getAxis("left"), "")
        style.style_axis(self.plot.getAxis("bottom"), _("Day"))
        self.plot.getAxis("left").setWidth(80)
        self._make_items()

        bar = WrapBar(self)  # one row in a window, two in the narrow column
        bar.add(self.quantity, self.log)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)

        self.quantity.currentIndexChanged.connect(self._chosen)
        self.log.toggled.connect(self._log_toggled)
        self._show_state()

    def _make_items(self) -> None:
        add = self.plot.addItem
        self.spec_band = pg.LinearRegionItem(
            orientation="horizontal",
            movable=False,
            brush=style.brush(theme.GREEN, style.BAND_ALPHA),
            pen=style.pen(theme.GREEN, 1.5),
        )
        self.spec_band.setZValue(-30)
        self.spec_lines = [
            pg.InfiniteLine(angle=0, movable=False, pen=style.pen(theme.GREEN, 2)) for _ in range(2)
        ]
        self.alert_lines = [
            pg.InfiniteLine(angle=0, movable=False, pen=style.pen(theme.ORANGE, 1.5, "dash"))
            for _ in range(2)
        ]
        for item in (self.spec_band, *self.spec_lines, *self.alert_lines):
            item.hide()
            add(item, ignoreBounds=True)
        edge = style.pen(COMPARE, 1, "dot")  # the band's own path needs a drawn curve
        self.low = pg.PlotDataItem(pen=edge)
        self.high = pg.PlotDataItem(pen=edge)
        self.band = pg.FillBetweenItem(self.low, self.high, brush=style.brush(COMPARE, 45))
        self.band.setZValue(-20)
        self.median = pg.PlotDataItem(pen=style.pen(COMPARE, 2, "dash"))
        self.curve = pg.PlotDataItem(pen=style.pen(theme.BLUE, 2.5))
        self.curve.setZValue(10)
        for item in (self.low, self.high, self.band, self.median, self.curve):
            add(item)
        self.words: list[pg.TextItem] = []  # "OOS" / "Alert" beside points, a reused pool

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        style.fit_legend(self.legend, event.size().width())

    # -- data ------------------------------------------------------------------------------------

    def show_growth(self, view: Any) -> None:
        """A GrowthView (core.services.growth); the chosen quantity stays chosen if present."""
        self.view_ = view
        keep = self.quantity.currentData()
        present = sorted(
            view.series, key=lambda s: ORDER.index(s.quantity) if s.quantity in ORDER else 99
        )
        self.quantity.blockSignals(True)
        self.quantity.clear()
        for s in present:
            shown = (
                s.label if s.points else _("{quantity} (no values yet)").format(quantity=s.label)
            )
            self.quantity.addItem(shown, s.quantity)
        index = self.quantity.findData(keep) if keep else -1
        if index < 0:
            index = next((i for i, s in enumerate(present) if s.points), 0)
        self.quantity.setCurrentIndex(index)
        self.quantity.blockSignals(False)
        self._chosen(update_log=keep is None or keep != self.quantity.currentData())

    def select(self, quantity: str) -> None:
        index = self.quantity.findData(quantity)
        if index >= 0:
            self.quantity.setCurrentIndex(index)

    def _chosen(self, *_: Any, update_log: bool = True) -> None:
        quantity = self.quantity.currentData()
        self.series = self.view_.get(quantity) if self.view_ and quantity else None
        if self.series is not None and update_log:
            self.log.blockSignals(True)
            self.log.setChecked(self.series.log_scale)
            self.log.blockSignals(False)
        self._draw()

    def _log_toggled(self, _on: bool) -> None:
        self._draw()

    def _show_state(self) -> None:
        has = self.series is not None and bool(self.series.points or self.series.comparison)
        self.empty.setVisible(not has)
        self.view.setVisible(self.series is not None)
        self.quantity.setEnabled(self.quantity.count() > 0)

    # -- drawing ---------------------------------------------------------------------------------

    def _draw(self) -> None:
        s = self.series
        self._show_state()
        if s is None:
            return
        log = self.log.isChecked()
        self.plot.setLogMode(x=False, y=log)
        unit = f" ({s.unit})" if s.unit else ""
        self.plot.getAxis("left").setLabel(f"{s.label}{unit}", **{"font-size": "10pt"})
        axis = AXIS_WORDS.get(s.axis) or first_upper(s.axis)
        self.plot.getAxis("bottom").setLabel(axis, **{"font-size": "10pt"})

        xs = [p.x for p in s.points]
        ys = [p.value for p in s.points]
        marks = [MARKS.get(p.verdict, MARKS["report"]) for p in s.points]
        self.curve.setData(
            xs,
            ys,
            symbol=[m[0] for m in marks],
            symbolSize=[m[1] for m in marks],
            symbolBrush=[pg.mkBrush(m[2]) for m in marks],
            symbolPen=[pg.mkPen(m[2], width=2) for m in marks],
        )
        self._words(
            [
                (
                    p.x,
                    p.value,
                    _word(m[3], not_final=p.verdict == Verdict.OOS and not p.final),
                    m[2],
                )
                for p, m in zip(s.points, marks, strict=True)
            ]
        )

        c = s.comparison
        if c is not None:
            self.low.setData(c.xs, c.low)
            self.high.setData(c.xs, c.high)
            self.median.setData(c.xs, c.median)

        else:
            for item in (self.low, self.high, self.median):
                item.setData([], [])

        self.band.setVisible(c is not None)
        spec = self._limits(s, log)
        self._fit(s, log)
        self._legend(s, spec, {p.verdict for p in s.points})

    def _legend(self, s: Any, spec: str, verdicts: set[str]) -> None:
        entries = [
            (
                style.Sample(style.pen(theme.BLUE, 2.5), symbol="o", symbol_brush=theme.BLUE),
                _("this batch"),
            )
        ]
        if "alert" in verdicts:
            entries.append((style.Sample(symbol="t", symbol_brush=theme.ORANGE), _("Alert")))
        if "oos" in verdicts:
            entries.append((style.Sample(symbol="x", symbol_brush=theme.VERMILLION), _("OOS")))
        if spec:
            band = s.lower is not None and s.upper is not None
            entries.append(
                (
                    style.Sample(
                        style.pen(theme.GREEN, 2),
                        style.brush(theme.GREEN, style.BAND_ALPHA) if band else None,
                    ),
                    spec,
                )
            )
        if s.alert_lower is not None or s.alert_upper is not None:
            entries.append((style.Sample(style.pen(theme.ORANGE, 1.5, "dash")), _("alert limits")))
        if s.comparison is not None:
            entries.append(
                (
                    style.Sample(style.pen(COMPARE, 2, "dash"), style.brush(COMPARE, 45)),
                    _("released batches ({n}): median, min–max").format(n=s.comparison.batches),
                )
            )
        style.set_legend(self.legend, entries)
        style.fit_legend(self.legend, self.width())

    def _y(self, value: float | None, log: bool) -> float | None:
        """A value where the plot draws it (pyqtgraph's log mode maps data items, not lines)."""
        if value is None:
            return None
        if log:
            return math.log10(value) if value > 0 else None
        return value

    def _limits(self, s: Any, log: bool) -> str:
        """Place the spec band or line and the alert lines; returns the spec in words."""
        low, high = self._y(s.lower, log), self._y(s.upper, log)
        both = low is not None and high is not None
        if both:
            self.spec_band.setRegion((low, high))
        self.spec_band.setVisible(both)
        for line, value in zip(self.spec_lines, (low, high), strict=True):
            line.setVisible(value is not None and not both)
            if value is not None:
                line.setValue(value)
        alerts = (self._y(s.alert_lower, log), self._y(s.alert_upper, log))
        for line, value in zip(self.alert_lines, alerts, strict=True):
            line.setVisible(value is not None)
            if value is not None:
                line.setValue(value)
        parts = []
        unit = f" {s.unit}" if s.unit else ""
        if s.lower is not None:
            parts.append(f"≥ {style.sci(s.lower)}{unit}")
        if s.upper is not None:
            parts.append(f"≤ {style.sci(s.upper)}{unit}")
        if len(parts) == 2:
            return _("spec {lower} and {upper} (action limits)").format(
                lower=parts[0], upper=parts[1]
            )
        return _("spec {limit} (action limits)").format(limit=parts[0]) if parts else ""

    def _words(self, marks: list[tuple[float, float, str, str]]) -> None:
        marked = [m for m in marks if m[2]]
        log = self.log.isChecked()
        while len(self.words) < len(marked):
            word = pg.TextItem("", anchor=(-0.2, 0.5), fill=style.colour(theme.PAPER, 210))
            word.setFont(style.axis_font(10))
            word.setZValue(20)
            self.plot.addItem(word, ignoreBounds=True)
            self.words.append(word)
        for i, word in enumerate(self.words):
            if i < len(marked):
                x, value, text, colour = marked[i]
                y = self._y(value, log)
                word.setText(text, color=colour)
                if y is not None:
                    word.setPos(x, y)
                word.setVisible(y is not None)
            else:
                word.hide()

    def _fit(self, s: Any, log: bool) -> None:
        xs = [p.x for p in s.points] + list(s.comparison.xs if s.comparison else ())
        values = [p.value for p in s.points]
        if s.comparison:
            values += list(s.comparison.low) + list(s.comparison.high)
        values += [v for v in (s.lower, s.upper, s.alert_lower, s.alert_upper) if v is not None]
        ys = [y for v in values if (y := self._y(v, log)) is not None]
        if not xs or not ys:
            return
        x0, x1 = min(xs), max(xs)
        self.plot.setXRange(x0 - 0.5, x1 + 1.0, padding=0)  # room on the right for the words
        y0, y1 = min(ys), max(ys)
        pad = (y1 - y0) * 0.08 or max(abs(y1) * 0.05, 0.5)
        self.plot.setYRange(y0 - pad, y1 + pad, padding=0)


def _word(mark: str, not_final: bool) -> str:
    """The word beside a point (a MARKS word, "" for none), translated; "· not final" added to
    an out-of-spec one whose comment or deviation is still due."""
    if not mark:
        return " · " + _("not final") if not_final else ""
    return _(mark) + (" · " + _("not final") if not_final else "")
