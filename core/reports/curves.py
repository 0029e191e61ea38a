"""Process curves as vector drawings (reportlab graphics): growth curves by day or passage with
their spec lines and every point's verdict, and one small chart per trace channel in local time
with setpoint, alarm band and excursions. Channels of millions of points are thinned to at most
about 1,500 drawn points (min and max per time bucket) and the line breaks where the log paused."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from core.curve_views import ChannelTrace, GrowthSeries
from core.i18n import _
from core.reports.fonts import SANS, SANS_BOLD, register_fonts
from core.reports.styles import ALERT_AMBER, BLACK, GREY_TEXT, OOS_RED, PASS_GREEN, RULE_GREY
from core.words import VERDICT_LEGEND

register_fonts()

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Polygon, Rect, String  # noqa: E402,I001
from reportlab.lib import colors  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402

MAX_POINTS = 1500
LINE_BLUE = colors.Color(0.05, 0.20, 0.50)
GRID = colors.Color(0.90, 0.90, 0.90)
BAND_GREY = colors.Color(0.88, 0.88, 0.88)
MEDIAN_GREY = colors.Color(0.45, 0.45, 0.45)
EXCURSION_FILL = colors.Color(1.0, 0.84, 0.76)
SETPOINT = colors.Color(0.10, 0.45, 0.25)
POINT_COLOUR = {"pass": PASS_GREEN, "alert": ALERT_AMBER, "oos": OOS_RED}
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
LEFT, RIGHT, BOTTOM, TOP = 44.0, 8.0, 24.0, 16.0
_Coord = TypeVar("_Coord", float, np.ndarray)  # one value, or a whole segment at once


def decimate(
    times: np.ndarray, values: np.ndarray, max_points: int = MAX_POINTS
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The line segments to draw: split at every NaN (or missing time), and — when there are
    more than ``max_points`` points — only each time bucket's minimum and maximum, in time order,
    so spikes survive the thinning."""
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.size and np.any(np.diff(t) < 0):
        order = np.argsort(t, kind="stable")
        t, v = t[order], v[order]
    gap = ~(np.isfinite(v) & np.isfinite(t))
    segment = np.cumsum(gap)
    keep = ~gap
    t, v, segment = t[keep], v[keep], segment[keep]
    if t.size == 0:
        return []
    if t.size > max_points:
        buckets = max(1, max_points // 2)
        span = float(t[-1] - t[0]) or 1.0
        bucket = np.minimum(((t - t[0]) / span * buckets).astype(np.int64), buckets - 1)
        key = segment.astype(np.int64) * buckets + bucket
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, v.size]))
        picks = []
        for extreme in (np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts)):
            hits = np.flatnonzero(v == extreme[group])
            first = np.r_[True, group[hits][1:] != group[hits][:-1]]
            picks.append(hits[first])
        pick = np.unique(np.concatenate(picks))  # each bucket's min and max, in time order
        t, v, segment = t[pick], v[pick], segment[pick]
    cuts = np.flatnonzero(np.diff(segment)) + 1
    return list(zip(np.split(t, cuts), np.split(v, cuts), strict=True))


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def number(value: float) -> str:
    """Axis numbers: 37, 7.2, 0.05, 2.5×10⁹."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -2 <= exponent < 5:
        return f"{value:.6g}"
    mantissa = value / 10**exponent
    head = "" if abs(mantissa - 1) < 1e-9 else f"{mantissa:.3g}×"
    return f"{head}10{str(exponent).translate(SUPERSCRIPT)}"


class _Plot:
    """A plot area in a drawing and the mapping of data to points."""

    def __init__(
        self,
        width: float,
        height: float,
        x: tuple[float, float],
        y: tuple[float, float],
        bottom: float = BOTTOM,
    ):
        self.drawing = Drawing(width, height)
        self.x0, self.y0 = LEFT, bottom
        self.w, self.h = width - LEFT - RIGHT, height - bottom - TOP
        self.xr, self.yr = x, y

    def px(self, x: _Coord) -> _Coord:
        lo, hi = self.xr
        return self.x0 + (x - lo) / ((hi - lo) or 1.0) * self.w

    def py(self, y: _Coord) -> _Coord:
        lo, hi = self.yr
        return self.y0 + (y - lo) / ((hi - lo) or 1.0) * self.h

    def add(self, shape) -> None:
        self.drawing.add(shape)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 6.5,
        anchor: str = "start",
        bold: bool = False,
        colour=BLACK,
    ) -> None:
        font = SANS_BOLD if bold else SANS
        self.add(
            String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)
        )

    def hline(self, y: float, colour, dash=None, width: float = 0.7) -> None:
        if self.yr[0] <= y <= self.yr[1]:
            yy = self.py(y)
            self.add(
                Line(
                    self.x0,
                    yy,
                    self.x0 + self.w,
                    yy,
                    strokeColor=colour,
                    strokeWidth=width,
                    strokeDashArray=dash,
                )
            )

    def frame(self, title: str, yticks: list[float], ylabels: list[str]) -> None:
        self.text(self.x0, self.y0 + self.h + 5, title, size=7.5, bold=True)
        for value, label in zip(yticks, ylabels, strict=True):
            y = self.py(value)
            if self.y0 - 0.5 <= y <= self.y0 + self.h + 0.5:
                self.add(Line(self.x0, y, self.x0 + self.w, y, strokeColor=GRID, strokeWidth=0.4))
                self.text(self.x0 - 3, y - 2.2, label, anchor="end")

    def border(self) -> None:
        self.add(
            Rect(
                self.x0,
                self.y0,
                self.w,
                self.h,
                strokeColor=RULE_GREY,
                strokeWidth=0.5,
                fillColor=None,
            )
        )


def _range(values: Sequence[float | None], pad: float = 0.06) -> tuple[float, float]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if hi == lo:
        lo, hi = lo - (abs(lo) * 0.1 or 1.0), hi + (abs(hi) * 0.1 or 1.0)
    margin = (hi - lo) * pad
    return lo - margin, hi + margin


def growth_chart(series: GrowthSeries, width: float = 255.0, height: float = 170.0) -> Drawing:
    """One growth curve: points by verdict, spec (dashed) and alert (dotted) lines, released
    batches' min–max band and median for comparison; log axis where the series asks for it."""
    log = series.log_scale and all(p.value > 0 for p in series.points)

    def f(value: float | None) -> float | None:
        if value is None:
            return None
        if log:
            return math.log10(value) if value > 0 else None
        return value

    limits = [series.lower, series.upper, series.alert_lower, series.alert_upper]
    comparison = series.comparison
    ys = [f(p.value) for p in series.points] + [f(v) for v in limits]
    xs = [p.x for p in series.points]
    if comparison:
        ys += [f(v) for v in comparison.low + comparison.high]
        xs += list(comparison.xs)
    x_range = (min(xs, default=0.0) - 0.5, max(xs, default=1.0) + 0.5)
    y_range = _range(ys)
    plot = _Plot(width, height, x_range, y_range, bottom=34.0)
    if log:
        yticks, labels = _log_ticks(*y_range)
    else:
        yticks = nice_ticks(*y_range)
        labels = [number(v) for v in yticks]
    title = f"{series.label} ({series.unit})" if series.unit else series.label
    if log:
        title = _("{title}, log scale").format(title=title)
    plot.frame(title, yticks, labels)

    if comparison and comparison.xs:

        def path(values: tuple[float, ...]) -> list[tuple[float, float]]:
            pairs = ((x, f(v)) for x, v in zip(comparison.xs, values, strict=True))
            return [(plot.px(x), plot.py(y)) for x, y in pairs if y is not None]

        outline = path(comparison.high) + path(comparison.low)[::-1]
        if len(outline) >= 3:
            flat = [c for p in outline for c in p]
            plot.add(Polygon(flat, fillColor=BAND_GREY, strokeColor=None, strokeWidth=0))
        median = path(comparison.median)
        if len(median) >= 2:
            flat = [c for p in median for c in p]
            plot.add(
                PolyLine(flat, strokeColor=MEDIAN_GREY, strokeWidth=0.6, strokeDashArray=[2, 2])
            )
    for value in (series.lower, series.upper):
        if (limit := f(value)) is not None:
            plot.hline(limit, OOS_RED, dash=[4, 2])
    for value in (series.alert_lower, series.alert_upper):
        if (limit := f(value)) is not None:
            plot.hline(limit, ALERT_AMBER, dash=[1, 2])

    points = [(p, y) for p in series.points if (y := f(p.value)) is not None]
    if len(points) >= 2:
        line = [c for p, y in points for c in (plot.px(p.x), plot.py(y))]
        plot.add(PolyLine(line, strokeColor=BLACK, strokeWidth=0.5))
    for p, y in points:
        colour = POINT_COLOUR.get(p.verdict, BLACK)
        plot.add(
            Circle(
                plot.px(p.x),
                plot.py(y),
                2.2,
                strokeColor=colour,
                strokeWidth=0.8,
                fillColor=colour if p.final else colors.white,
            )
        )

    step = 1 if x_range[1] - x_range[0] <= 16 else math.ceil((x_range[1] - x_range[0]) / 12)
    first = math.ceil(x_range[0])
    for x in range(first, math.floor(x_range[1]) + 1, step):
        plot.add(Line(plot.px(x), plot.y0, plot.px(x), plot.y0 - 2, strokeColor=RULE_GREY))
        # Translators: the x axis of a growth curve: D3 is day 3, P2 is passage 2
        tick = _("D{n}") if series.axis == "day" else _("P{n}")
        plot.text(plot.px(x), plot.y0 - 9, tick.format(n=x), anchor="middle")
    plot.border()
    verdicts = {p.verdict for p in series.points}
    items: list[tuple[str, object, str]] = [
        ("dot", POINT_COLOUR.get(v, BLACK), VERDICT_LEGEND.get(v, v))
        for v in ("pass", "alert", "oos", "report")
        if v in verdicts
    ]
    if any(not p.final for p in series.points):
        items.append(("ring", BLACK, _("not final")))
    if series.lower is not None or series.upper is not None:
        items.append(("dash", OOS_RED, _("spec limit")))
    if series.alert_lower is not None or series.alert_upper is not None:
        items.append(("dots", ALERT_AMBER, _("alert limit")))
    if comparison:
        released = _("released batches (n={n}): min–max").format(n=comparison.batches)
        items.append(("band", BAND_GREY, released))
        items.append(("dash", MEDIAN_GREY, _("median")))
    _legend(plot, items)
    return plot.drawing


def _log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Decades, and 2× and 5× between them when the axis spans less than three decades."""
    ticks = []
    for exponent in range(math.floor(low), math.ceil(high) + 1):
        steps = (1, 2, 5) if high - low < 3 else (1,)
        ticks += [exponent + math.log10(m) for m in steps]
    ticks = [t for t in ticks if low <= t <= high]
    return ticks, [number(round(10**t, 12)) for t in ticks]


def _legend(plot: _Plot, items: list[tuple[str, object, str]]) -> None:
    """Legend entries (marker and words) in rows under the plot, wrapped to its width."""
    size, x, y = 5.8, plot.x0, plot.y0 - 20
    for kind, colour, text in items:
        width = 12 + stringWidth(text, SANS, size) + 8
        if x + width > plot.x0 + plot.w and x > plot.x0:
            x, y = plot.x0, y - 8
        mid = y + 2
        if kind in ("dot", "ring"):
            fill = colour if kind == "dot" else colors.white
            plot.add(Circle(x + 4, mid, 1.8, fillColor=fill, strokeColor=colour, strokeWidth=0.7))
        elif kind == "none":
            width -= 12
            x -= 12
        elif kind == "band":
            plot.add(Rect(x, mid - 2, 9, 4, fillColor=colour, strokeColor=None, strokeWidth=0))
        else:
            dash = [2, 1.5] if kind == "dash" else ([0.8, 1.2] if kind == "dots" else None)
            plot.add(Line(x, mid, x + 9, mid, strokeColor=colour, strokeWidth=0.8,
                          strokeDashArray=dash))  # fmt: skip
        plot.text(x + 12, y, text, size=size, colour=GREY_TEXT)
        x += width


def _day_ticks(t0: float, t1: float, zone: ZoneInfo) -> list[tuple[float, str]]:
    start = datetime.fromtimestamp(t0, UTC).astimezone(zone)
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    days = max(1, math.ceil((t1 - t0) / 86400))
    step = 1 if days <= 12 else math.ceil(days / 10)
    ticks = []
    while day.timestamp() <= t1:
        if day.timestamp() >= t0:
            ticks.append((day.timestamp(), day.strftime("%d %b")))
        # Calendar days in the zone: add a day to the date, keep midnight (DST-safe).
        nxt = (day.replace(tzinfo=None) + timedelta(days=step)).replace(tzinfo=zone)
        day = nxt
    return ticks


def trace_chart(
    channel: ChannelTrace, zone: str, width: float = 515.0, height: float = 108.0
) -> Drawing:
    """One trace channel over time (local days on the axis), with setpoint, alarm band and the
    channel's excursions shaded."""
    tz = ZoneInfo(zone)
    segments = decimate(channel.times, channel.values)
    times = channel.times[np.isfinite(channel.times)] if channel.times.size else channel.times
    t0 = float(times.min()) if times.size else 0.0
    t1 = float(times.max()) if times.size else 1.0
    ys: list[float | None] = [float(np.min(v)) for _, v in segments]
    ys += [float(np.max(v)) for _, v in segments]
    ys += [channel.setpoint, channel.alarm_low, channel.alarm_high]
    plot = _Plot(width, height, (t0, t1 if t1 > t0 else t0 + 1.0), _range(ys, 0.08))
    yticks = nice_ticks(*plot.yr, count=3)
    unit = f" ({channel.unit})" if channel.unit else ""
    plot.frame(f"{channel.name}{unit}", yticks, [number(v) for v in yticks])

    for excursion in channel.excursions:
        start = max(excursion.started_at.timestamp(), t0)
        end = min((excursion.ended_at.timestamp() if excursion.ended_at else t1), t1)
        x1, x2 = plot.px(start), plot.px(end)
        plot.add(
            Rect(
                x1,
                plot.y0,
                max(x2 - x1, 2.0),
                plot.h,
                fillColor=EXCURSION_FILL,
                strokeColor=None,
                strokeWidth=0,
            )
        )
    for value in (channel.alarm_low, channel.alarm_high):
        if value is not None:
            plot.hline(value, OOS_RED, dash=[4, 2])
    if channel.setpoint is not None:
        plot.hline(channel.setpoint, SETPOINT, width=0.6)
    for seg_t, seg_v in segments:
        xs, ys_ = plot.px(seg_t), plot.py(seg_v)
        if seg_t.size == 1:
            plot.add(
                Circle(float(xs[0]), float(ys_[0]), 0.6, fillColor=LINE_BLUE, strokeColor=None)
            )
            continue
        points = np.column_stack([xs, ys_]).ravel().tolist()
        plot.add(PolyLine(points, strokeColor=LINE_BLUE, strokeWidth=0.5))

    for at, label in _day_ticks(t0, t1, tz):
        x = plot.px(at)
        plot.add(Line(x, plot.y0, x, plot.y0 - 2, strokeColor=RULE_GREY, strokeWidth=0.5))
        plot.text(x, plot.y0 - 9, label, anchor="middle", size=6)
    plot.border()
    abbreviation = datetime.fromtimestamp(t0, UTC).astimezone(tz).strftime("%Z")
    items: list[tuple[str, object, str]] = [("line", LINE_BLUE, f"{channel.name}")]
    if channel.setpoint is not None:
        setpoint = _("setpoint {value:g}").format(value=channel.setpoint)
        items.append(("line", SETPOINT, setpoint))
    band = [f"{v:g}" for v in (channel.alarm_low, channel.alarm_high) if v is not None]
    if band:
        items.append(("dash", OOS_RED, _("alarm {band}").format(band=" / ".join(band))))
    if channel.excursions:
        items.append(("band", EXCURSION_FILL, _("excursion")))
    axis = _("time axis: local days ({abbreviation}, {zone})").format(
        abbreviation=abbreviation, zone=zone
    )
    items.append(("none", None, axis))
    _legend(plot, items)
    return plot.drawing
