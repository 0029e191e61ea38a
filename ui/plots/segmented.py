"""One channel's points drawn as a few frozen segments plus one live tail.

A trace of a million points and more cannot be handed to one plot item on every new point: each
``setData`` re-reads (and re-downsamples) the whole array. Here the points live in segments of
~200 000 each, frozen once full (their items keep their data and their cached display), and a
tail buffer that grows by doubling (amortised O(1) per point). An append re-sets only the tail, so
its cost is bounded by the segment size, not by the length of the trace. When the tail passes the
segment size it is frozen in place and a new, empty tail starts. Neighbouring segments share their
boundary point so the line has no gaps.

Every item is made with peak downsampling (extremes survive: an excursion spike never vanishes at
low zoom) to about three samples per pixel column (pyqtgraph's default of ten costs 6 ms more per
frame on four 1.2-million-point channels and looks the same), and clip-to-view (only the visible
part is processed).

Where the log has a gap (no point for more than ten typical intervals, and at least a minute) the
line breaks: a NaN is placed in the gap and the items draw finite runs only, so no line suggests
measurements that were never made. A break is not a point: it is never counted, read or returned."""

from __future__ import annotations

import bisect

import numpy as np
import pyqtgraph as pg

SEGMENT = 200_000
SAMPLES_PER_PIXEL = 1.5  # after peak downsampling (x2: min and max); pyqtgraph's default 5
_FIRST_CAPACITY = 1024
GAP_INTERVALS = 10  # a pause longer than this many typical intervals breaks the line ...
MIN_GAP_S = 60.0  # ... if it is also longer than this


def _add(plot: pg.PlotItem, pen: object) -> pg.PlotDataItem:
    """A curve item in ``plot``, downsampled and clipped (set after ``addItem``: the plot hands
    its own settings to the items added to it)."""
    item = pg.PlotDataItem(
        pen=pen, antialias=False, autoDownsampleFactor=SAMPLES_PER_PIXEL, connect="finite"
    )
    plot.addItem(item)
    item.setDownsampling(auto=True, method="peak")
    item.setClipToView(True)
    return item


class SegmentedCurve:
    """The points of one channel in ``plot``. ``items`` are every item drawn (segments, then the
    tail), kept for the life of the curve; nothing is removed and re-added on update."""

    def __init__(self, plot: pg.PlotItem, pen: object, segment: int = SEGMENT) -> None:
        if segment < 2:
            raise ValueError("a segment holds at least two points")
        self.plot, self.pen, self.segment = plot, pen, segment
        self.segments: list[pg.PlotDataItem] = []
        self._spare: list[pg.PlotDataItem] = []  # emptied by a reload, reused before new ones
        self._starts: list[float] = []  # first time of each segment (for look-ups)
        self._x = np.empty(_FIRST_CAPACITY)
        self._y = np.empty(_FIRST_CAPACITY)
        self._n = 0
        self._frozen_points = 0  # points held by frozen segments (boundary copies not counted)
        self._breaks = 0  # NaN breaks placed in gaps (not points)
        self._gap = np.inf  # seconds without a point that break the line (from the data)
        self.tail = _add(plot, pen)

    # -- reading -----------------------------------------------------------------------------------

    @property
    def items(self) -> list[pg.PlotDataItem]:
        """Every item this curve made, in the plot for good (spare ones are empty)."""
        return [*self.segments, *self._spare, self.tail]

    def __len__(self) -> int:
        shared = 1 if self.segments and self._n else 0
        return self._frozen_points + self._n - shared - self._breaks

    def last(self) -> tuple[float, float] | None:
        if self._n:
            return float(self._x[self._n - 1]), float(self._y[self._n - 1])
        if self.segments:
            x, y = self.segments[-1].getOriginalDataset()
            return float(x[-1]), float(y[-1])
        return None

    def first_time(self) -> float | None:
        if self.segments:
            return self._starts[0]
        return float(self._x[0]) if self._n else None

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point once, in order (the shared boundary points are not repeated)."""
        xs, ys = [], []
        for i, item in enumerate(self.segments):
            x, y = item.getOriginalDataset()
            skip = 1 if i else 0
            xs.append(x[skip:])
            ys.append(y[skip:])
        skip = 1 if self.segments and self._n else 0
        xs.append(self._x[skip : self._n])
        ys.append(self._y[skip : self._n])
        x, y = np.concatenate(xs), np.concatenate(ys)
        real = ~np.isnan(y)  # values are never NaN (the parsers refuse it): these are the breaks
        return x[real], y[real]

    def nearest(self, t: float) -> tuple[float, float] | None:
        """The recorded point nearest to time ``t`` (for the crosshair read-out)."""
        candidates: list[tuple[float, float]] = []
        arrays = [item.getOriginalDataset() for item in self._around(t)]
        if self._n:
            arrays.append((self._x[: self._n], self._y[: self._n]))
        for x, y in arrays:
            if x is None or len(x) == 0:
                continue
            i = int(np.searchsorted(x, t))
            for j in (i - 1, i):
                if 0 <= j < len(x) and not np.isnan(y[j]):
                    candidates.append((float(x[j]), float(y[j])))
        if not candidates:
            return None
        return min(candidates, key=lambda p: abs(p[0] - t))

    def _around(self, t: float) -> list[pg.PlotDataItem]:
        if not self.segments:
            return []
        i = bisect.bisect_right(self._starts, t) - 1
        return self.segments[max(i, 0) : i + 2]

    # -- writing -----------------------------------------------------------------------------------

    def set_points(self, times: np.ndarray, values: np.ndarray) -> None:
        """All the points (a load or a reload): full segments frozen at once, the rest in the
        tail. A reload feeds the items already made; later points come through ``append``."""
        for item in reversed(self.segments):
            item.setData([], [])
            self._spare.insert(0, item)
        self.segments, self._starts, self._frozen_points, self._breaks = [], [], 0, 0
        times = np.asarray(times, dtype=float)
        values = np.asarray(values, dtype=float)
        if len(times) > 1:
            typical = float(np.median(np.diff(times)))
            self._gap = max(GAP_INTERVALS * typical, MIN_GAP_S)
        times, values = self._with_breaks(None, times, values)
        n, size = len(times), self.segment
        start = 0
        while n - start > size:
            end = start + size  # the next segment starts at this segment's last point
            self._freeze(times[start:end], values[start:end])
            start = end - 1
        self._n = 0
        self._put(times[start:], values[start:])
        self._show_tail()

    def append(self, times: np.ndarray, values: np.ndarray) -> None:
        """Live points (time order, after what is shown)."""
        times = np.asarray(times, dtype=float)
        values = np.asarray(values, dtype=float)
        if len(times) == 0:
            return
        if not np.isfinite(self._gap) and len(times) > 1:  # a log that started empty
            self._gap = max(GAP_INTERVALS * float(np.median(np.diff(times))), MIN_GAP_S)
        last = self.last()
        times, values = self._with_breaks(last[0] if last else None, times, values)
        if self._n == 0 and self.segments:  # continue the line from the last frozen point
            x, y = self.segments[-1].getOriginalDataset()
            self._put(x[-1:], y[-1:])
        self._put(times, values)
        while self._n > self.segment:
            keep_x, keep_y = self._x[: self.segment], self._y[: self.segment]
            rest_x = self._x[self.segment - 1 : self._n].copy()
            rest_y = self._y[self.segment - 1 : self._n].copy()
            self._freeze(keep_x, keep_y)  # the old buffer now belongs to the segment
            self._x = np.empty(max(_FIRST_CAPACITY, 2 * len(rest_x)))
            self._y = np.empty_like(self._x)
            self._n = 0
            self._put(rest_x, rest_y)
        self._show_tail()

    def _with_breaks(
        self, before: float | None, times: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``times``/``values`` with a NaN in each gap (after ``before``, the last time shown)."""
        if len(times) == 0 or not np.isfinite(self._gap):
            return times, values
        steps = np.diff(times, prepend=times[0] if before is None else before)
        at = np.flatnonzero(steps > self._gap)
        if len(at) == 0:
            return times, values
        self._breaks += len(at)
        middle = times[at] - steps[at] / 2
        return np.insert(times, at, middle), np.insert(values, at, np.nan)

    def _put(self, times: np.ndarray, values: np.ndarray) -> None:
        need = self._n + len(times)
        if need > len(self._x):
            capacity = max(need, 2 * len(self._x))
            x, y = np.empty(capacity), np.empty(capacity)
            x[: self._n], y[: self._n] = self._x[: self._n], self._y[: self._n]
            self._x, self._y = x, y
        self._x[self._n : need] = times
        self._y[self._n : need] = values
        self._n = need

    def _freeze(self, times: np.ndarray, values: np.ndarray) -> None:
        item = self._spare.pop(0) if self._spare else _add(self.plot, self.pen)
        item.setData(times, values)
        self.segments.append(item)
        self._starts.append(float(times[0]))
        self._frozen_points += len(times) - (1 if len(self.segments) > 1 else 0)

    def _show_tail(self) -> None:
        if self._n:
            self.tail.setData(self._x[: self._n], self._y[: self._n])
        else:
            self.tail.setData([], [])
