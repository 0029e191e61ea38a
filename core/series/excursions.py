"""Excursions: a channel outside its alarm band for longer than the hold time.

``ExcursionTracker`` is fed points in time order, in as many pieces as they arrive (a whole file
at once, or a live log a line at a time), and reports each excursion exactly once: when it has
lasted longer than the hold time ("detected"), and again when the value is back in band
("ended"). A point exactly on a limit is inside the band. Missing values (NaN) neither start nor
end an excursion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    hold_s: float  # seconds outside the band before it is an excursion


@dataclass(frozen=True)
class ExcursionEvent:
    kind: str  # "detected" | "ended"
    side: str  # "low" | "high"
    limit: float
    started: float  # seconds since epoch (UTC): the first point outside the band
    at: float  # when it was detected (first point past the hold time) or ended (back in band)
    extreme: float  # the farthest value outside the band seen so far


@dataclass
class _Open:
    side: str
    limit: float
    started: float
    extreme: float
    reported: bool = False


class ExcursionTracker:
    def __init__(self, band: Band) -> None:
        self.band = band
        self._open: _Open | None = None

    @property
    def open(self) -> ExcursionEvent | None:
        """The excursion in progress, if it has been reported."""
        o = self._open
        if o is None or not o.reported:
            return None
        return ExcursionEvent("detected", o.side, o.limit, o.started, o.started, o.extreme)

    def feed(self, times: np.ndarray, values: np.ndarray) -> list[ExcursionEvent]:
        """Take the next points (time order); return what they detected or ended."""
        band = self.band
        if (band.low is None and band.high is None) or len(times) == 0:
            return []
        side = np.zeros(len(values), dtype=np.int8)  # -1 low, +1 high, 0 in band, 2 missing
        with np.errstate(invalid="ignore"):
            if band.low is not None:
                side[values < band.low] = -1
            if band.high is not None:
                side[values > band.high] = 1
        side[np.isnan(values)] = 2
        events: list[ExcursionEvent] = []
        # Only where the state changes needs Python; the runs in between are handled whole.
        starts = (np.flatnonzero(np.diff(side)) + 1).tolist()
        for start, end in pairwise([0, *starts, len(side)]):
            state = int(side[start])
            if state == 2:
                continue  # a gap: the excursion (if any) neither ends nor grows
            if state == 0:
                self._close(float(times[start]), events)
                continue
            name = "low" if state < 0 else "high"
            run_values = values[start:end]
            extreme = float(np.nanmin(run_values) if state < 0 else np.nanmax(run_values))
            if self._open is not None and self._open.side != name:  # jumped across the band
                self._close(float(times[start]), events)
            if self._open is None:
                limit = band.low if state < 0 else band.high
                if limit is None:  # side is only set to -1/+1 where that limit exists (above)
                    raise RuntimeError(f"a {name} excursion against a band with no {name} limit")
                self._open = _Open(name, float(limit), float(times[start]), extreme)
            else:
                o = self._open
                o.extreme = min(o.extreme, extreme) if state < 0 else max(o.extreme, extreme)
            o = self._open
            if not o.reported:
                elapsed = times[start:end] - o.started
                # hold 0: at once; otherwise outside for longer than the hold time
                past = np.flatnonzero(elapsed >= 0 if band.hold_s == 0 else elapsed > band.hold_s)
                if len(past):
                    o.reported = True
                    at = float(times[start + int(past[0])])
                    # the extreme up to the moment of detection is known; later points raise it
                    events.append(
                        ExcursionEvent("detected", o.side, o.limit, o.started, at, o.extreme)
                    )
        return events

    def _close(self, at: float, events: list[ExcursionEvent]) -> None:
        """Back in band (or across it) at ``at``: an excursion that was reported has ended."""
        o, self._open = self._open, None
        if o is not None and o.reported:
            events.append(ExcursionEvent("ended", o.side, o.limit, o.started, at, o.extreme))


def find_excursions(times: np.ndarray, values: np.ndarray, band: Band) -> list[ExcursionEvent]:
    """Every excursion in a complete trace, one event each, with its end where it ended (an
    excursion still open at the end of the trace has ``kind == "detected"``)."""
    tracker = ExcursionTracker(band)
    events = tracker.feed(times, values)
    merged: dict[float, ExcursionEvent] = {}
    for event in events:
        if event.kind == "detected":
            merged[event.started] = event
        else:
            merged[event.started] = replace(event, kind="ended")
    return list(merged.values())
