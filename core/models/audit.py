"""The audit trail: append-only, hash-chained events, the chain head, and clock anomalies."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import utc_column


def _computed() -> sa.Column:
    # Computed by the database from `body` (see the first migration); never written directly.
    return sa.Column(sa.String(128), sa.FetchedValue(), nullable=True)


class AuditEvent(SQLModel, table=True):
    """One event. `body` is the canonical JSON exactly as hashed; the other text columns are
    computed from it by the database (generated columns), for searching only."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # UTC instant as canonical ISO-8601 text (2026-11-25T15:12:06.123456+00:00): ordered like the
    # instants it names, identical on every backend.
    at: str | None = Field(default=None, sa_column=_computed())
    username: str | None = Field(default=None, sa_column=_computed())
    action: str | None = Field(default=None, sa_column=_computed())
    entity: str | None = Field(default=None, sa_column=_computed())
    entity_id: str | None = Field(default=None, sa_column=_computed())
    lot: str | None = Field(default=None, sa_column=_computed())

    __table_args__ = (
        sa.Index("ix_audit_event_at", "at"),
        sa.Index("ix_audit_event_username", "username"),
        sa.Index("ix_audit_event_action", "action"),
        sa.Index("ix_audit_event_lot", "lot"),
    )


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


class ClockIncident(SQLModel, table=True):
    """A write found the newest audit events dated ahead of its clock by more than the tolerance.

    The write went on (a clock that ran ahead must not lock out the correct ones); the events
    dated ahead stay flagged on the audit trail and in the review until an administrator clears
    the incident with a reason and an e-signature."""

    __tablename__ = "clock_incident"

    id: int | None = Field(default=None, primary_key=True)
    opened_seq: int  # the event that recorded the incident
    ahead_from_seq: int  # first event dated ahead of the clock that found it
    ahead_to_seq: int  # newest event dated ahead
    ahead_at: str = Field(max_length=32)  # the newest event's time (canonical UTC text)
    clock_read: str = Field(max_length=32)  # what the clock that found it read
    found_by: str = Field(max_length=64)
    cleared_by: str | None = Field(default=None, max_length=64)
    cleared_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    clear_reason: str | None = None
    statement: str | None = None  # what the administrator signed
    crypto_signature: str | None = None
    certificate_serial: str | None = Field(default=None, max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement that the chain held event ``seq`` with hash ``hash`` at ``at``.

    Written at the first log-in of each day by a user with a signing certificate, on every
    backup, and on request. Verify checks each one: a chain cut below it, or rewritten under it,
    no longer holds what was signed."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    hash: str = Field(max_length=64)
    at: datetime = Field(sa_column=utc_column())
    purpose: str = Field(max_length=20)  # "daily" | "backup" | "request"
    signer: str = Field(max_length=64)
    statement: str
    crypto_signature: str
    signing_key_id: int = Field(foreign_key="signing_key.id")
    certificate_serial: str = Field(max_length=64)
