"""The read models of process curves, beside the other read models: cell growth per day or
passage with its limits and released batches for comparison, bioreactor traces with their alarm
limits, and the excursions found in them. Built by core/services (growth, traces, excursions);
drawn by the screens and the PDF (core/reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.i18n import N_, _
from core.words import Words

if TYPE_CHECKING:
    import numpy as np

# The growth quantities a check may measure, each marked N_() for the catalogue. A plain dict, so
# that ``measures in QUANTITIES`` narrows an optional str; QUANTITY_WORDS gives them translated.
QUANTITIES: dict[str, str] = {
    "total_viable_cells": N_("Total viable cells"),
    "viability": N_("Viability"),
    "fold_expansion": N_("Fold expansion"),
    "population_doublings": N_("Population doublings"),
    "cumulative_pd": N_("Cumulative population doublings"),
    "doubling_time": N_("Population doubling time"),
    "viable_cell_density": N_("Viable cell density"),
}
QUANTITY_WORDS: Words[str] = Words(QUANTITIES)
LOG_SCALE = {"total_viable_cells", "viable_cell_density", "fold_expansion"}


@dataclass(frozen=True)
class GrowthPoint:
    x: float  # day or passage
    value: float
    verdict: str
    final: bool
    check_id: str


@dataclass(frozen=True)
class Comparison:
    """Released batches of the same template, per day or passage."""

    xs: tuple[float, ...]
    median: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    batches: int


@dataclass(frozen=True)
class GrowthSeries:
    quantity: str
    label: str
    unit: str | None
    axis: str  # "day" | "passage"
    points: tuple[GrowthPoint, ...]
    lower: float | None  # action limits of the check's spec
    upper: float | None
    alert_lower: float | None
    alert_upper: float | None
    log_scale: bool  # a log axis suits it (cell numbers)
    comparison: Comparison | None


@dataclass(frozen=True)
class GrowthView:
    lot: str
    template_key: str
    series: tuple[GrowthSeries, ...]

    def get(self, quantity: str) -> GrowthSeries | None:
        return next((s for s in self.series if s.quantity == quantity), None)


@dataclass(frozen=True)
class ExcursionView:
    id: int
    channel: str
    side: str
    limit: float
    extreme: float
    started_at: datetime
    ended_at: datetime | None
    detected_at: datetime
    source: str
    assessment: str | None = None  # the deviation or QA's assessment that closes it for review
    assessed_by: str | None = None
    assessed_at: datetime | None = None
    deviation: str | None = None

    @property
    def assessed(self) -> bool:
        return self.assessment is not None

    def describe(self, unit: str | None = None) -> str:
        """The excursion in words, in the reader's language (a caller that stores it composes
        it ``in_language(SOURCE)``)."""
        u = f" {unit}" if unit else ""
        said = (
            _("{channel} below {limit:g}{unit} (extreme {extreme:g}{unit})")
            if self.side == "low"
            else _("{channel} above {limit:g}{unit} (extreme {extreme:g}{unit})")
        )
        return said.format(channel=self.channel, limit=self.limit, extreme=self.extreme, unit=u)


@dataclass(frozen=True)
class ChannelTrace:
    key: str
    name: str
    unit: str | None
    precision: int | None
    setpoint: float | None
    alarm_low: float | None
    alarm_high: float | None
    hold_minutes: int
    note: str | None
    times: np.ndarray  # float64 seconds since epoch UTC
    values: np.ndarray  # float64
    excursions: tuple[ExcursionView, ...]


@dataclass(frozen=True)
class TraceView:
    lot: str
    channels: tuple[ChannelTrace, ...]

    @property
    def points(self) -> int:
        return sum(len(c.times) for c in self.channels)

    def channel(self, key: str) -> ChannelTrace | None:
        return next((c for c in self.channels if c.key == key), None)
