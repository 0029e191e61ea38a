"""A bioreactor log simulator, for demos and tests: writes the ``bioreactor-log`` format.

A CAR-T stirred-tank run after the domain reference (cgt-processes.md §1.3 B/C): temperature
37.0 °C; DO about 45 % air saturation under control; glucose topped up to 20 mmol/L by a daily
feed and consumed ever faster as the cells grow; lactate rising with it and halved by each feed;
pH 7.3 drifting down as lactate builds and recovering at the feeds; agitation stepped up every
three days. Gaussian noise on every channel; with ``excursion``, exactly one temperature
excursion (+1.5 °C for 20 minutes, on day 2 when the run is that long). The same seed writes the
same file. Without ``speed`` it writes as fast as it can; with it, paced in simulated time
divided by ``speed``, flushing each line, for live demos.

    python -m core.instruments.simulator out.csv --days 14 --rate 1 [--speed 60]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import overload

import numpy as np

from core.i18n import _, ngettext

HEADER = "timestamp,pH,DO (%),temperature (°C),glucose (mmol/L),lactate (mmol/L),agitation (rpm)"
ROW_FORMAT = ",%.3f,%.1f,%.2f,%.2f,%.2f,%.0f"
CHUNK = 65_536  # rows generated and written at a time
DAY = 86_400
EXCURSION_RISE = 1.5  # °C
EXCURSION_SECONDS = 20 * 60
_US = 1_000_000


@dataclass(frozen=True)
class Simulation:
    path: Path
    rows: int
    excursion: tuple[datetime, datetime] | None  # start (inclusive), end (exclusive), UTC


def simulate(
    out: Path,
    days: float,
    rate_hz: float,
    start: datetime,
    seed: int = 1,
    speed: float | None = None,
    excursion: bool = True,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Simulation:
    """Write ``days`` of readings at ``rate_hz`` from ``start`` (aware) to ``out``."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime (e.g. with tzinfo=UTC)")
    if not days > 0 or not rate_hz > 0 or (speed is not None and not speed > 0):
        raise ValueError("days, rate_hz and speed must be positive")
    start = start.astimezone(UTC)
    rows = max(1, int(days * DAY * rate_hz + 1e-9))
    window = _excursion_window(rows / rate_hz) if excursion else None
    model = _Model(days, rate_hz, start, np.random.default_rng(seed), window)
    out = Path(out)
    with out.open("wb") as fh:
        fh.write(f"# instrument: Lotbook simulator\n# seed: {seed}\n{HEADER}\n".encode())
        fh.flush()
        began = clock()
        for first in range(0, rows, CHUNK):
            index = np.arange(first, min(first + CHUNK, rows), dtype=np.int64)
            lines = model.lines(index)
            if speed is None:
                fh.write(("\n".join(lines) + "\n").encode())
                continue
            for i, line in zip(index.tolist(), lines, strict=True):
                wait = began + i / rate_hz / speed - clock()
                if wait > 0:
                    sleep(wait)
                fh.write((line + "\n").encode())
                fh.flush()
    moments = None
    if window is not None:
        moments = (start + timedelta(seconds=window[0]), start + timedelta(seconds=window[1]))
    return Simulation(out, rows, moments)


def _excursion_window(duration: float) -> tuple[float, float]:
    """Seconds from the start: day 2 at 10:00 run time when the run is long enough, else at 40 %
    of the run; 20 minutes long, or a fifth of a short run."""
    length = min(EXCURSION_SECONDS, duration / 5)
    begin: float = 2 * DAY + 10 * 3600
    if begin + length > duration:
        begin = 0.4 * duration
    return begin, begin + length


class _Model:
    """The process curves, evaluated for row indexes (vectorised)."""

    def __init__(
        self,
        days: float,
        rate_hz: float,
        start: datetime,
        rng: np.random.Generator,
        window: tuple[float, float] | None,
    ) -> None:
        self.rate_hz = rate_hz
        self.rng = rng
        self.window = window
        self.start_us = (start - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        step_us = _US / rate_hz
        whole = step_us == int(step_us) and self.start_us % _US == 0 and step_us % _US == 0
        self.places = 0 if whole else 3 if step_us % 1000 == 0 and self.start_us % 1000 == 0 else 6
        # lactate at the start of each day: halved by the daily feed, then built up again
        self.lactate_at_day = [1.0]
        for day in range(int(days) + 2):
            grown = self.lactate_at_day[-1] + 0.8 * _consumed(day, day + 1.0)
            self.lactate_at_day.append(0.5 * grown)
        self._dates: dict[int, str] = {}
        self._clock = np.array(
            [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)], dtype=object
        )

    def lines(self, index: np.ndarray) -> list[str]:
        n = len(index)
        seconds = index / self.rate_hz
        day = seconds / DAY
        whole_day = np.floor(day)
        consumed = _consumed(whole_day, day)
        glucose = 20.0 - consumed + self.rng.normal(0, 0.05, n)
        lactate = np.take(self.lactate_at_day, whole_day.astype(np.int64)) + 0.8 * consumed
        lactate += self.rng.normal(0, 0.05, n)
        ph = 7.30 - 0.012 * lactate + self.rng.normal(0, 0.01, n)
        do = 45.0 + 3.0 * np.sin(2 * np.pi * seconds / 5400) + self.rng.normal(0, 0.5, n)
        temperature = 37.0 + self.rng.normal(0, 0.03, n)
        if self.window is not None:
            inside = (seconds >= self.window[0]) & (seconds < self.window[1])
            temperature[inside] += EXCURSION_RISE
        agitation = 100.0 + 10.0 * np.floor(day / 3) + self.rng.normal(0, 0.3, n)
        columns = [c.tolist() for c in (ph, do, temperature, glucose, np.maximum(lactate, 0))]
        columns.append(agitation.tolist())
        stamps = self._stamps(index)
        return [
            stamp + ROW_FORMAT % values
            for stamp, values in zip(stamps, zip(*columns, strict=True), strict=True)
        ]

    def _stamps(self, index: np.ndarray) -> list[str]:
        micros = self.start_us + np.rint(index * (_US / self.rate_hz)).astype(np.int64)
        days, within = np.divmod(micros, DAY * _US)
        for value in np.unique(days).tolist():
            if value not in self._dates:
                self._dates[value] = f"{datetime(1970, 1, 1) + timedelta(days=value):%Y-%m-%d}T"
        dates = np.array([self._dates[d] for d in range(int(days[0]), int(days[-1]) + 1)])
        prefix = dates.astype(object)[days - days[0]]
        clock = self._clock[within // _US]
        stamps = (prefix + clock).tolist()
        if self.places:
            fraction = (within % _US) // 10 ** (6 - self.places)
            fmt = f".%0{self.places}dZ"
            return [s + fmt % f for s, f in zip(stamps, fraction.tolist(), strict=True)]
        return [s + "Z" for s in stamps]


@overload
def _consumed(day_start: float, day: float) -> float: ...
@overload
def _consumed(day_start: np.ndarray, day: np.ndarray) -> np.ndarray: ...
def _consumed(day_start: np.ndarray | float, day: np.ndarray | float) -> np.ndarray | float:
    """Glucose used (mmol/L) since the day's feed: 2.5 + 0.9·day mmol/L per day, integrated."""
    return 2.5 * (day - day_start) + 0.45 * (day * day - day_start * day_start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=_("Write a simulated bioreactor log."))
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=float, default=14.0)
    parser.add_argument("--rate", type=float, default=1.0, help=_("readings per second"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--speed", type=float, default=None, help=_("simulated seconds per second"))
    parser.add_argument("--no-excursion", action="store_true")
    args = parser.parse_args(argv)
    result = simulate(
        args.out,
        args.days,
        args.rate,
        datetime.now(UTC).replace(microsecond=0),
        seed=args.seed,
        speed=args.speed,
        excursion=not args.no_excursion,
    )
    written = ngettext(
        "{n} rows written to {file}", "{n} rows written to {file}", result.rows
    )  # the same English for one and many (as before); translators give each form its words
    print(written.format(n=result.rows, file=result.path))


if __name__ == "__main__":
    main()
