"""The read models of process curves, beside the other read models: cell growth per day or
passage with its limits and released batches for comparison, bioreactor traces with their alarm
limits, and the excursions found in them. Built by core/services (growth, traces, excursions);
drawn by the screens and the PDF (core/reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

QUANTITIES = {
    "total_viable_cells": "Total viable cells",
    "viability": "Viability",
    "fold_expansion": "Fold expansion",
    "population_doublings": "Population doublings",
    "cumulative_pd": "Cumulative population doublings",
    "doubling_time": "Population doubling time",
    "viable_cell_density": "Viable cell density",
}
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
        u = f" {unit}" if unit else ""
        where = "below" if self.side == "low" else "above"
        return f"{self.channel} {where} {self.limit:g}{u} (extreme {self.extreme:g}{u})"


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
