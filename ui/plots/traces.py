"""The process trace of a batch: one plot per channel, stacked, on one time axis in local time.

Each plot has its setpoint (dashed), its alarm band (light region, dotted limits) and its
excursions (shaded spans, also listed below the plots in words). A crosshair follows the mouse and
a read-out names the nearest recorded point of the plot under it. The mouse pans and zooms;
"Auto-range" shows everything again. ``show_trace`` builds the items of a channel once;
``append`` feeds live points and excursions to those items without rebuilding anything.

While following a live log the time axis moves on by itself only if the newest point was in view
(someone looking at an older stretch is left there); it moves in steps with room to spare, so the
frozen segments of a long trace are not re-drawn on every new point."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from ui import theme
from ui.plots import style
from ui.plots.channel import ChannelPlot, Excursion
from ui.plots.export import ask_png, save_png
from ui.plots.segmented import SEGMENT
from ui.widgets.common import Message, button, label
from ui.widgets.wrap_bar import WrapBar

style.configure()
PLOT_HEIGHT = 170  # px per channel: readable axes; the column scrolls beyond that
COMPACT_WIDTH = 520  # narrower (the side column of the batch record): no legend, no hint,
COMPACT_PLOT_HEIGHT = 125  # lower plots; "Detach" gives the full view
HEADROOM = 0.1  # of the time span: room ahead of a followed live curve
HINT = N_("Local time ({zone}). Point at a curve to read it.")


class TracePanel(QWidget):
    readout_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, segment: int = SEGMENT) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Process trace"))
        self.segment = segment
        self.lot = ""
        self.channels: dict[str, ChannelPlot] = {}
        self.excursions: list[Excursion] = []
        self.dialog: Any = None

        self.auto = button(_("Auto-range"), self, tip=_("Show all points of every channel again"))
        self.export = button(_("Export PNG…"), self, tip=_("Save the plots as a PNG image"))
        self.zone = style.zone_of()
        self.reading = False  # the read-out shows a point (not the hint)
        self.compact = False
        self.readout = QLabel(_(HINT).format(zone=self.zone), self)
        self.readout.setAccessibleName(_("Crosshair read-out"))
        self.readout.setMinimumHeight(theme.TOUCH)
        self.readout.setWordWrap(True)
        self.readout.setToolTip(_("Drag to pan, turn the wheel to zoom, Auto-range to see all"))
        self.message = Message(self)
        self.empty = label(_("No process data recorded for this batch yet."), self, role="subtle")

        body = QWidget(self)  # scrolls as one: the plots, then the excursions in words
        self.view = pg.GraphicsLayoutWidget(body)
        self.view.setAccessibleName(_("Process trace plots"))
        self.view.ci.setContentsMargins(10, 4, 12, 4)  # the y label sits 5 px left of its axis
        self.view.ci.setSpacing(6)
        self.legend = style.legend(5)
        self.view.ci.addItem(self.legend, row=0, col=0)
        self.list = QListWidget(body)
        self.list.setAccessibleName(_("Excursions"))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.installEventFilter(self)  # its height follows its width (wrapped lines)
        self.list_title = label(_("Excursions"), body)
        self.list_title.setStyleSheet("font-weight: bold;")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.view, 1)
        inner.addWidget(self.list_title)
        inner.addWidget(self.list)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        self.scroll.setAccessibleName(_("Process trace"))

        bar = WrapBar(self)  # one row in a window, two in the narrow column
        bar.add(self.auto, self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.readout)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll, 1)

        self.auto.clicked.connect(self.auto_range)
        self.export.clicked.connect(self._ask_export)
        self.view.scene().sigMouseMoved.connect(self.mouse_moved)
        self._show_state()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_compact(self.width() < COMPACT_WIDTH)
        style.fit_legend(self.legend, self.width() - 30)  # the scroll bar, margins

    def _set_compact(self, compact: bool) -> None:
        """In a narrow column the plots get the room: the legend and the hint go (the read-out
        comes back once it reads a point) and each plot is lower."""
        if compact == self.compact:
            return
        self.compact = compact
        if compact:  # out of the layout (a hidden item would keep its row)
            self.view.ci.removeItem(self.legend)
            self.legend.setParentItem(None)
            self.legend.hide()
        else:
            self.view.ci.addItem(self.legend, row=0, col=0)
            self.legend.show()
        self.readout.setVisible(self.reading or not compact)
        self._fit_height()

    def _fit_height(self) -> None:
        per_plot = COMPACT_PLOT_HEIGHT if self.compact else PLOT_HEIGHT
        self.view.setMinimumHeight((20 if self.compact else 60) + per_plot * len(self.channels))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self._fit_list)  # once the items are laid out at that width
        return super().eventFilter(watched, event)

    # -- building --------------------------------------------------------------------------------

    def show_trace(self, view: Any) -> None:
        """A TraceView (core.services.traces): channels are made once, then fed again."""
        self.lot = view.lot
        for channel in view.channels:
            self._fill(self.channels.get(channel.key) or self._add(channel.key), channel)
        self.excursions = [e for channel in view.channels for e in _excursions(channel)]
        self._show_excursions()
        self._show_state()
        self.auto_range()

    def add_channels(self, view: Any) -> None:
        """Channels that a live log brought and the panel does not show yet (already-shown
        channels in ``view`` are left as they are)."""
        for channel in view.channels:
            if channel.key not in self.channels:
                self._fill(self._add(channel.key), channel)
                self.excursions.extend(_excursions(channel))
        self._show_excursions()
        self._show_state()
        self.auto_range()

    @staticmethod
    def _fill(plot: ChannelPlot, channel: Any) -> None:
        plot.describe(
            channel.name,
            channel.unit,
            channel.precision,
            channel.setpoint,
            channel.alarm_low,
            channel.alarm_high,
        )
        plot.set_points(channel.times, channel.values)

    def _add(self, key: str) -> ChannelPlot:
        plot = ChannelPlot(key, self.segment)
        first = next(iter(self.channels.values()), None)
        self.view.ci.addItem(plot.plot, row=len(self.channels) + 1, col=0)
        if first is not None:
            plot.plot.setXLink(first.plot)
        self.channels[key] = plot
        for i, p in enumerate(self.channels.values()):  # the time axis is named on the last
            p.plot.getAxis("bottom").showLabel(i == len(self.channels) - 1)
        self._fit_height()
        return plot

    def _show_legend(self) -> None:
        """Only what the plots show."""
        plots = list(self.channels.values())
        entries = [(style.Sample(style.pen(style.CURVE, 2)), _("measured"))]
        if any(p.setpoint is not None for p in plots):
            entries.append((style.Sample(style.pen(style.SETPOINT, 2, "dash")), _("setpoint")))
        if any(p.band.isVisible() for p in plots):
            band = style.Sample(
                style.pen(style.ALARM, 1), style.brush(theme.GREEN, style.BAND_ALPHA)
            )
            entries.append((band, _("alarm band")))
        if any(line.isVisible() for p in plots for line in p.limits):
            entries.append((style.Sample(style.pen(style.ALARM, 2, "dot")), _("alarm limit")))
        if self.excursions:
            shade = style.Sample(
                style.pen(style.EXCURSION, 1), style.brush(style.EXCURSION, style.EXCURSION_ALPHA)
            )
            entries.append((shade, _("excursion")))
        style.set_legend(self.legend, entries)
        style.fit_legend(self.legend, self.width() - 30)  # the scroll bar, margins

    def _show_state(self) -> None:
        has = bool(self.channels)
        self.empty.setVisible(not has)
        self.scroll.setVisible(has)
        self.auto.setEnabled(has)
        self.export.setEnabled(has)
        self.list_title.setVisible(has)
        self.list.setVisible(has)
        last = self._last_time()
        zone = style.zone_of(last)
        self.zone = zone
        if not self.reading:
            self.readout.setText(_(HINT).format(zone=zone))
        if self.channels:
            bottom = list(self.channels.values())[-1].plot.getAxis("bottom")
            bottom.setLabel(_("Local time ({zone})").format(zone=zone), **{"font-size": "10pt"})
        self._show_legend()

    # -- live ------------------------------------------------------------------------------------

    def append(self, update: Any) -> set[str]:
        """Feed a LiveUpdate (core.services.live): its points to their channels, its excursion
        events to the list and the shading. Returns the channel keys it had points for that the
        panel does not show (the caller loads them with ``add_channels``)."""
        first = self.channels and next(iter(self.channels.values()))
        before = self._last_time()
        missing: set[str] = set()
        for key, (times, values) in update.points.items():
            plot = self.channels.get(key)
            if plot is None:
                if len(times):
                    missing.add(key)
                continue
            if plot.append(np.asarray(times), np.asarray(values)):
                plot.fit_y()
        for key, event in update.excursions:
            self._event(key, event)
        if update.excursions:
            self._show_excursions()
        elif any(e.ended is None for e in self.excursions):
            self._shade()  # open excursions reach the newest point
        if first:
            self._follow(first, before)
        return missing

    def _event(self, key: str, event: Any) -> None:
        open_one = next((e for e in self.excursions if e.channel == key and e.ended is None), None)
        if event.kind == "detected" and open_one is None:
            self.excursions.append(
                Excursion(key, event.side, event.limit, event.extreme, event.started, None)
            )
            return
        target = open_one
        if target is None:  # detected and ended between two looks: shown as over
            target = Excursion(key, event.side, event.limit, event.extreme, event.started, None)
            self.excursions.append(target)
        target.extreme = event.extreme
        if event.kind == "ended":
            target.ended = event.at

    def _follow(self, first: ChannelPlot, before: float | None) -> None:
        """Keep the newest point in view if it was in view, in steps (see the module's note)."""
        last = self._last_time()
        if last is None:
            return
        (x0, x1), _ = first.plot.getViewBox().viewRange()
        if before is not None and before > x1:
            return  # the user is looking elsewhere
        if before is None or last > x1:
            start = self._first_time() if before is None else x0
            span = max(last - start, 60.0)
            first.plot.setXRange(start, last + HEADROOM * span, padding=0)

    # -- ranges ----------------------------------------------------------------------------------

    def _first_time(self) -> float | None:
        times = [t for p in self.channels.values() if (t := p.curve.first_time()) is not None]
        return min(times) if times else None

    def _last_time(self) -> float | None:
        times = [p.curve.last()[0] for p in self.channels.values() if p.curve.last() is not None]
        return max(times) if times else None

    def auto_range(self) -> None:
        if not self.channels:
            return
        for plot in self.channels.values():
            plot.fit_y()
        start, end = self._first_time(), self._last_time()
        if start is None or end is None:
            return
        span = max(end - start, 60.0)
        first = next(iter(self.channels.values()))
        first.plot.setXRange(start - 0.01 * span, end + 0.02 * span, padding=0)

    # -- excursions ------------------------------------------------------------------------------

    def _shade(self) -> None:
        until = self._last_time()
        for key, plot in self.channels.items():
            plot.show_excursions([e for e in self.excursions if e.channel == key], until)

    def _show_excursions(self) -> None:
        """Shaded on the plots and listed in words, in order of start."""
        self.excursions.sort(key=lambda e: e.started)
        self._shade()
        self.list.clear()
        for e in self.excursions:
            self.list.addItem(self.describe(e))
        if not self.excursions:
            self.list.addItem(_("None: every channel stayed in its alarm band."))
        self._fit_list()
        self.list_title.setText(_("Excursions ({n})").format(n=len(self.excursions)))
        self._show_legend()

    def _fit_list(self) -> None:
        """As tall as its lines (the whole column scrolls, not the list)."""
        if not shiboken6.isValid(self.list):
            return
        self.list.doItemsLayout()
        rows = sum(
            self.list.visualItemRect(self.list.item(i)).height() for i in range(self.list.count())
        )
        self.list.setFixedHeight(max(rows, 24) + 2 * self.list.frameWidth() + 4)

    def describe(self, e: Excursion) -> str:
        plot = self.channels.get(e.channel)
        name = plot.name if plot else e.channel
        unit = f" {plot.unit}" if plot and plot.unit else ""
        precision = plot.precision if plot else None
        sentence = (
            _("{channel} below {limit} (extreme {extreme}), {when}")
            if e.side == "low"
            else _("{channel} above {limit} (extreme {extreme}), {when}")
        )
        return "⚠ " + sentence.format(
            channel=name,
            limit=f"{style.number(e.limit, precision)}{unit}",
            extreme=f"{style.number(e.extreme, precision)}{unit}",
            when=style.span_text(e.started, e.ended),
        )

    # -- crosshair -------------------------------------------------------------------------------

    def mouse_moved(self, pos: QPointF) -> None:
        """Scene position of the mouse: crosshair on every plot, read-out of the one under it."""
        hit = None
        for plot in self.channels.values():
            vb = plot.plot.getViewBox()
            if vb.sceneBoundingRect().contains(pos):
                hit = (plot, vb.mapSceneToView(pos))
                break
        if hit is None:
            for plot in self.channels.values():
                plot.cross(None, None)
                plot.readout(None)
            return
        under, point = hit
        for plot in self.channels.values():
            plot.cross(point.x(), point.y() if plot is under else None)
            if plot is not under:
                plot.readout(None)
        text = under.readout(point.x()) or _("{channel}: no points").format(channel=under.name)
        self.reading = True
        self.readout.setText(text)
        self.readout.setVisible(True)
        self.readout_changed.emit(text)

    # -- export ----------------------------------------------------------------------------------

    def _ask_export(self) -> None:
        self.dialog = ask_png(self, f"{self.lot or 'trace'}-process.png", self.export_png)

    def export_png(self, path: str) -> None:
        from core.errors import DomainError

        try:
            saved = save_png(self.view.scene(), path)
        except DomainError as error:  # refused, or a full disk, read-only media ... in one line
            self.message.error(_("The image was not saved: {error}").format(error=error))
            return
        self.message.ok(_("Saved {file}").format(file=saved))


def _excursions(channel: Any) -> list[Excursion]:
    """A ChannelTrace's stored excursions, as shown (times in seconds since the epoch)."""
    return [
        Excursion(
            e.channel,
            e.side,
            float(e.limit),
            float(e.extreme),
            e.started_at.timestamp(),
            e.ended_at.timestamp() if e.ended_at is not None else None,
        )
        for e in channel.excursions
    ]
