"""One channel of a process trace in its own plot: the points (segmented), the setpoint as a
dashed line, the alarm band as a light region between its limits (a dotted line for a one-sided
band), and each excursion as a shaded span of time. Every item is made once and kept; new data and
new excursions are fed to the items that exist."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from core.i18n import _
from ui.plots import style
from ui.plots.segmented import SegmentedCurve

AXIS_WIDTH = 96  # every left axis as wide, so the stacked plots line up in time


@dataclass
class Excursion:
    """An excursion as shown: from the stored view or from the live feed's events."""

    channel: str
    side: str  # "low" | "high"
    limit: float
    extreme: float
    started: float  # seconds since epoch (UTC)
    ended: float | None
    region: pg.LinearRegionItem | None = None


def _y_label(name: str, unit: str | None) -> str:
    return f"{name}<br>({unit})" if unit and unit != name else name


class ChannelPlot:
    def __init__(self, key: str, segment: int) -> None:
        self.key = key
        self.name, self.unit, self.precision = key, None, None
        self.setpoint = self.alarm_low = self.alarm_high = None
        axis = pg.DateAxisItem(orientation="bottom")
        left = style.NumberAxis(orientation="left")
        self.plot = pg.PlotItem(axisItems={"bottom": axis, "left": left})
        self.plot.setMenuEnabled(False)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.hideButtons()
        self.plot.getViewBox().setDefaultPadding(0.0)
        self._width = 0.0
        self.plot.getViewBox().sigResized.connect(self._resized)
        left.setWidth(AXIS_WIDTH)
        style.style_axis(left, key)
        style.style_axis(axis, "")
        axis.showLabel(False)
        self.band = pg.LinearRegionItem(
            orientation="horizontal",
            movable=False,
            brush=style.brush(style.theme.GREEN, style.BAND_ALPHA),
            pen=style.pen(style.ALARM, 1),
        )
        self.band.setZValue(-20)
        self.limits = [
            pg.InfiniteLine(angle=0, movable=False, pen=style.pen(style.ALARM, 1, "dot"))
            for _ in range(2)
        ]
        self.setpoint_line = pg.InfiniteLine(
            angle=0, movable=False, pen=style.pen(style.SETPOINT, 1, "dash")
        )
        self.cross_v = pg.InfiniteLine(angle=90, movable=False, pen=style.pen(style.SETPOINT, 1))
        self.cross_h = pg.InfiniteLine(angle=0, movable=False, pen=style.pen(style.SETPOINT, 1))
        self.marker = pg.ScatterPlotItem(
            size=11, symbol="o", pen=style.pen(style.theme.INK, 2), brush=None
        )
        self.marker.setZValue(30)
        for item in (
            self.band,
            *self.limits,
            self.setpoint_line,
            self.cross_v,
            self.cross_h,
            self.marker,
        ):
            item.hide()
            self.plot.addItem(item, ignoreBounds=True)
        self.curve = SegmentedCurve(self.plot, style.pen(style.CURVE, 1), segment)
        self.regions: list[pg.LinearRegionItem] = []  # excursion spans, reused (never removed)
        self.y_low = self.y_high = None  # extent of the values shown

    def _resized(self, vb: pg.ViewBox) -> None:
        """A wider or narrower plot draws its points again at the new number of pixels
        (pyqtgraph redoes its downsampling when the range changes, not when the size does)."""
        width = vb.width()
        if abs(width - self._width) >= 1:
            self._width = width
            for item in self.curve.items:
                item.viewRangeChanged()

    # -- what the channel is --------------------------------------------------------------------

    def describe(
        self,
        name: str,
        unit: str | None,
        precision: int | None,
        setpoint: float | None,
        alarm_low: float | None,
        alarm_high: float | None,
    ) -> None:
        self.name, self.unit, self.precision = name, unit, precision
        self.setpoint, self.alarm_low, self.alarm_high = setpoint, alarm_low, alarm_high
        self.plot.getAxis("left").setLabel(
            _y_label(name, unit), **{"font-size": "10pt", "color": style.theme.INK}
        )
        self._line(self.setpoint_line, setpoint)
        both = alarm_low is not None and alarm_high is not None
        if both:  # a band: its own edges are the limits (solid: dotted lines cost ~1 ms each)
            self.band.setRegion((alarm_low, alarm_high))
        self.band.setVisible(both)
        for line, value in zip(self.limits, (alarm_low, alarm_high), strict=True):
            self._line(line, None if both else value)  # one limit only: a dotted line

    @staticmethod
    def _line(line: pg.InfiniteLine, value: float | None) -> None:
        if value is not None:
            line.setValue(value)
        line.setVisible(value is not None)

    # -- points ----------------------------------------------------------------------------------

    def set_points(self, times: np.ndarray, values: np.ndarray) -> None:
        self.curve.set_points(times, values)
        self.y_low = self.y_high = None
        self._extent(values)

    def append(self, times: np.ndarray, values: np.ndarray) -> bool:
        """Add live points; True if they reach beyond the y range on screen."""
        self.curve.append(times, values)
        self._extent(values)
        if not len(values):
            return False
        (_, _), (y0, y1) = self.plot.getViewBox().viewRange()
        return bool(self.y_low is not None and (self.y_low < y0 or self.y_high > y1))

    def _extent(self, values: np.ndarray) -> None:
        finite = values[np.isfinite(values)] if len(values) else values
        if not len(finite):
            return
        low, high = float(finite.min()), float(finite.max())
        self.y_low = low if self.y_low is None else min(self.y_low, low)
        self.y_high = high if self.y_high is None else max(self.y_high, high)

    def y_range(self) -> tuple[float, float] | None:
        """What should be in view: the values, the setpoint and the alarm limits."""
        known = [
            v
            for v in (self.y_low, self.y_high, self.setpoint, self.alarm_low, self.alarm_high)
            if v is not None
        ]
        if not known:
            return None
        low, high = min(known), max(known)
        pad = (high - low) * 0.08 or max(abs(high) * 0.05, 1.0)
        return low - pad, high + pad

    def fit_y(self) -> None:
        extent = self.y_range()
        if extent is not None:
            self.plot.setYRange(*extent, padding=0)

    # -- excursions ------------------------------------------------------------------------------

    def show_excursions(self, excursions: list[Excursion], until: float | None) -> None:
        """Shade each excursion (an open one up to ``until``, the last point shown)."""
        while len(self.regions) < len(excursions):
            region = pg.LinearRegionItem(
                orientation="vertical",
                movable=False,
                brush=style.brush(style.EXCURSION, style.EXCURSION_ALPHA),
                pen=style.pen(style.EXCURSION, 1),
            )
            region.setZValue(-10)
            self.plot.addItem(region, ignoreBounds=True)
            self.regions.append(region)
        for i, region in enumerate(self.regions):
            if i < len(excursions):
                e = excursions[i]
                end = e.ended if e.ended is not None else max(until or e.started, e.started)
                region.setRegion((e.started, end))
                region.show()
                e.region = region
            else:
                region.hide()

    # -- crosshair -------------------------------------------------------------------------------

    def cross(self, t: float | None, y: float | None) -> None:
        if t is None:
            self.cross_v.hide()
        else:
            self.cross_v.setValue(t)
            self.cross_v.show()
        if y is None:
            self.cross_h.hide()
        else:
            self.cross_h.setValue(y)
            self.cross_h.show()

    def readout(self, t: float | None) -> str | None:
        """Text of the recorded point nearest to ``t``, ringed on the plot (None: ring hidden)."""
        point = self.curve.nearest(t) if t is not None else None
        if point is None:
            self.marker.hide()
            return None
        when, value = point
        self.marker.setData([when], [value])
        self.marker.show()
        unit = f" {self.unit}" if self.unit else ""
        shown = style.number(value, self.precision)
        return _("{channel}: {value} at {when}").format(
            channel=self.name, value=f"{shown}{unit}", when=style.time_text(when)
        )
