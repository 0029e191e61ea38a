"""The audit trail: append-only, hash-chained events, the chain head, and clock anomalies."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    # UTC instant as canonical ISO-8601 text (2026-11-25T15:12:06.123456+00:00): exactly the bytes
    # that were hashed, identical on every backend, and ordered like the instants they name.
    at: str = Field(max_length=32, index=True)
    username: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    lot: str | None = Field(default=None, max_length=40, index=True)
    old: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    new: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    reason: str | None = None
    app_version: str = Field(max_length=32)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row: the newest event of the chain. Writers lock it, so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)
    at: str | None = Field(default=None, max_length=32)
    clock_alarm: bool = (
        False  # a write was refused for a clock rollback not yet recorded in the trail
    )


class ClockAnomaly(SQLModel, table=True):
    """A refused write because the clock read earlier than the newest audit event."""

    __tablename__ = "clock_anomaly"

    id: int | None = Field(default=None, primary_key=True)
    observed_at: datetime = Field(sa_column=utc_column())
    newest_event_at: datetime = Field(sa_column=utc_column())
    username: str = Field(max_length=64)
    resolved: bool = False
