"""Synthetic read models for the curve widgets: a CAR-T bioreactor trace (temperature, pH,
dissolved oxygen) with excursions, and a growth view with an out-of-spec point, an alert point,
a spec band and released batches to compare with — built from core's own dataclasses."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from core.curve_views import (
    ChannelTrace,
    Comparison,
    ExcursionView,
    GrowthPoint,
    GrowthSeries,
    GrowthView,
    TraceView,
)
from core.series.excursions import ExcursionEvent
from core.services.live import LiveUpdate

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC).timestamp()


def when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _excursion(i: int, channel: str, side: str, limit: float, extreme: float, a, b):
    return ExcursionView(
        i, channel, side, limit, extreme, when(a), None if b is None else when(b), when(a), "file"
    )


def channel(
    key: str,
    name: str,
    unit: str,
    times: np.ndarray,
    values: np.ndarray,
    *,
    setpoint=None,
    low=None,
    high=None,
    precision=1,
    excursions=(),
) -> ChannelTrace:
    return ChannelTrace(
        key=key,
        name=name,
        unit=unit,
        precision=precision,
        setpoint=setpoint,
        alarm_low=low,
        alarm_high=high,
        hold_minutes=10,
        note=None,
        times=times,
        values=values,
        excursions=tuple(excursions),
    )


def trace_view(points: int = 2_000, step: float = 60.0) -> TraceView:
    """Three channels over ``points`` samples ``step`` seconds apart; a temperature excursion
    (over, 10:00–10:40 after start), an open pH excursion at the end, DO without a band."""
    t = START + np.arange(points, dtype=float) * step
    rng = np.random.default_rng(7)
    span = t[-1] - t[0]
    temp = 37.0 + 0.15 * rng.standard_normal(points)
    hot = (t > START + 0.3 * span) & (t < START + 0.38 * span)
    temp[hot] = 38.6
    ph = 7.25 - 0.3 * (t - START) / span + 0.01 * rng.standard_normal(points)
    do = 45 + 8 * np.sin((t - START) / span * 12) + rng.standard_normal(points)
    hot_t = t[hot]
    low_ph = t[ph < 7.0]
    return TraceView(
        lot="CT-0042",
        channels=(
            channel(
                "temperature",
                "Temperature",
                "°C",
                t,
                temp,
                setpoint=37.0,
                low=36.0,
                high=38.0,
                excursions=[
                    _excursion(1, "temperature", "high", 38.0, 38.6, hot_t[0], hot_t[-1] + step)
                ],
            ),
            channel(
                "ph",
                "pH",
                "pH",
                t,
                ph,
                setpoint=7.2,
                low=7.0,
                high=7.4,
                precision=2,
                excursions=[_excursion(2, "ph", "low", 7.0, float(ph.min()), low_ph[0], None)]
                if len(low_ph)
                else [],
            ),
            channel("do", "Dissolved oxygen", "% air saturation", t, do, setpoint=45, precision=0),
        ),
    )


def live_update(
    view: TraceView, start: float, n: int, step: float = 60.0, excursions=()
) -> LiveUpdate:
    t = start + np.arange(n, dtype=float) * step
    points = {c.key: (t, np.full(n, float(c.values[-1]))) for c in view.channels}
    return LiveUpdate(n, points, tuple(excursions), False)


def event(kind, side, limit, started, at, extreme) -> ExcursionEvent:
    return ExcursionEvent(kind, side, limit, started, at, extreme)


def growth_view() -> GrowthView:
    days = [0, 1, 2, 3, 4, 5, 6]
    tvc = [1.0e8, 1.3e8, 2.4e8, 5.1e8, 1.1e9, 2.3e9, 2.0e9]
    verdicts = ["pass", "pass", "pass", "pass", "alert", "pass", "oos"]
    viab = [95.0, 91.0, 88.0, 74.0, 66.0, 85.0, 90.0]
    viab_v = ["pass", "pass", "pass", "alert", "oos", "pass", "pass"]
    cmp_days = tuple(float(d) for d in range(0, 9))
    med = tuple(1e8 * 2.0 ** (d * 0.75) for d in cmp_days)
    return GrowthView(
        lot="CT-0042",
        template_key="cart-auto-lv",
        series=(
            GrowthSeries(
                quantity="viability",
                label="Viability",
                unit="%",
                axis="day",
                points=tuple(
                    GrowthPoint(float(d), v, vd, True, f"VIAB-D{d}")
                    for d, v, vd in zip(days, viab, viab_v, strict=True)
                ),
                lower=70.0,
                upper=None,
                alert_lower=80.0,
                alert_upper=None,
                log_scale=False,
                comparison=Comparison(
                    cmp_days,
                    tuple(93.0 - d for d in cmp_days),
                    tuple(88.0 - d for d in cmp_days),
                    tuple(97.0 - 0.5 * d for d in cmp_days),
                    4,
                ),
            ),
            GrowthSeries(
                quantity="total_viable_cells",
                label="Total viable cells",
                unit="cells",
                axis="day",
                points=tuple(
                    GrowthPoint(float(d), v, vd, True, f"TVC-D{d}")
                    for d, v, vd in zip(days, tvc, verdicts, strict=True)
                ),
                lower=5.0e7,
                upper=3.0e9,
                alert_lower=8.0e7,
                alert_upper=2.2e9,
                log_scale=True,
                comparison=Comparison(
                    cmp_days,
                    med,
                    tuple(m * 0.6 for m in med),
                    tuple(m * 1.5 for m in med),
                    5,
                ),
            ),
        ),
    )
