"""Excursions of a batch's process trace: recorded once each (row + audit event), closed when the
value is back in band, listed for review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from core.curve_views import ExcursionView
from core.models import Batch, Deviation, Excursion, ExcursionAssessment, table_of
from core.records.batch_record import load_batch
from core.series.excursions import ExcursionEvent
from core.store import Database, UnitOfWork
from core.templates.channels import ChannelDef

_EXCURSIONS = table_of(Excursion)


def when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def record_excursion(
    uow: UnitOfWork,
    batch_id: int,
    lot: str,
    channel: ChannelDef,
    event: ExcursionEvent,
    source: str,
) -> int:
    """One excursion: its row and its one audit event (also for one already over)."""
    ended = when(event.at) if event.kind == "ended" else None
    result = uow.connection.execute(
        _EXCURSIONS.insert().values(
            batch_id=batch_id,
            channel=channel.key,
            side=event.side,
            limit=event.limit,
            extreme=event.extreme,
            started_at=when(event.started),
            ended_at=ended,
            detected_at=uow.now,
            source=source,
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError(f"The excursion of lot {lot} was stored without an id.")
    excursion_id = int(key[0])
    where = "below" if event.side == "low" else "above"
    unit = f" {channel.unit}" if channel.unit else ""
    uow.audit(
        "series.excursion",
        "excursion",
        str(excursion_id),
        lot=lot,
        new={
            "channel": channel.key,
            "side": event.side,
            "limit": event.limit,
            "extreme": event.extreme,
            "started": when(event.started).isoformat(),
            "ended": ended.isoformat() if ended else None,
            "hold_minutes": channel.hold_minutes,
            "source": source,
        },
        reason=f"{channel.name} {where} {event.limit:g}{unit} for longer than "
        f"{channel.hold_minutes} min",
    )
    return excursion_id


def close_excursion(uow: UnitOfWork, excursion_id: int, event: ExcursionEvent) -> None:
    """Back in band: the end time and the extreme are filled in (the data behind them is kept
    as received, so this adds nothing that cannot be recomputed)."""
    uow.connection.execute(
        _EXCURSIONS.update()
        .where(_EXCURSIONS.c.id == excursion_id)
        .values(ended_at=when(event.at), extreme=event.extreme)
    )


def list_excursions(db: Database, lot: str) -> list[ExcursionView]:
    with db.read() as session:
        return excursion_views(session, load_batch(session, lot))


def excursion_views(session: Session, batch: Batch) -> list[ExcursionView]:
    e = _EXCURSIONS.c
    rows = (
        session.connection()
        .execute(
            sa.select(
                e.id,
                e.channel,
                e.side,
                e.limit,
                e.extreme,
                e.started_at,
                e.ended_at,
                e.detected_at,
                e.source,
            )
            .where(e.batch_id == batch.id)
            .order_by(e.started_at)
        )
        .all()
    )
    views = [ExcursionView(*row) for row in rows]
    assessed = _assessments(session, batch) if views else {}
    return [replace(v, **assessed[v.id]) if v.id in assessed else v for v in views]


def _assessments(session: Session, batch: Batch) -> dict[int, dict]:
    a, d = table_of(ExcursionAssessment).c, table_of(Deviation).c
    rows = session.connection().execute(
        sa.select(a.excursion_id, a.assessment, a.assessed_by, a.assessed_at, d.ref)
        .select_from(table_of(ExcursionAssessment))
        .outerjoin(table_of(Deviation), a.deviation_id == d.id)
        .where(a.batch_id == batch.id)
        .order_by(a.id)
    )
    return {
        row[0]: {
            "assessment": row[1],
            "assessed_by": row[2],
            "assessed_at": row[3],
            "deviation": row[4],
        }
        for row in rows
    }
