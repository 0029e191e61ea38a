"""Reading a batch's process trace for display: each channel's points (numpy, in bulk), its
setpoint and alarm band from the template, and its excursions."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from core.curve_views import ChannelTrace, TraceView
from core.models import SeriesChannel, table_of
from core.records.batch_record import batch_template, load_batch
from core.series.blocks import read_points
from core.services.excursions import list_excursions
from core.store import Database

_CHANNELS = table_of(SeriesChannel)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trace_view(
    db: Database,
    lot: str,
    keys: list[str] | None = None,
    since: float | None = None,
    until: float | None = None,
) -> TraceView:
    excursions = list_excursions(db, lot)
    with db.read() as session:
        batch = load_batch(session, lot)
        _, tdef = batch_template(session, batch)
        conn = session.connection()
        c = _CHANNELS.c
        stored = conn.execute(
            sa.select(c.id, c.key, c.name, c.unit).where(c.batch_id == batch.id)
        ).all()
        defined = {ch.key: ch for ch in tdef.channels}
        order = {key: i for i, key in enumerate(defined)}
        stored = sorted(stored, key=lambda r: (order.get(r.key, len(order)), r.key))
        channels = []
        for row in stored:
            if keys is not None and row.key not in keys:
                continue
            times, values = read_points(conn, row.id, since, until)
            spec = defined.get(row.key)
            channels.append(
                ChannelTrace(
                    key=row.key,
                    name=spec.name if spec else row.name,
                    unit=spec.unit if spec else row.unit,
                    precision=spec.precision if spec else None,
                    setpoint=_f(spec.setpoint) if spec else None,
                    alarm_low=_f(spec.alarm_low) if spec else None,
                    alarm_high=_f(spec.alarm_high) if spec else None,
                    hold_minutes=spec.hold_minutes if spec else 0,
                    note=spec.note if spec else None,
                    times=times,
                    values=values,
                    excursions=tuple(e for e in excursions if e.channel == row.key),
                )
            )
        return TraceView(lot=batch.lot, channels=tuple(channels))
