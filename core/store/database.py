"""A Lotbook database and its units of work.

One unit of work per user action: it opens a session, takes the write lock (SQLite BEGIN IMMEDIATE,
PostgreSQL a row lock on the audit chain head), checks the clock against the newest audit event,
lets the service write its records and their audit events, and commits them together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from core import audit
from core.audit import ChainHead
from core.clock import Clock, SystemClock, utc_iso
from core.errors import ClockRollback
from core.models import AuditHead, ClockAnomaly
from core.store.engine import WRITE_OPTION, sqlite_path
from core.version import app_version

SYSTEM_USER = "system"
_HEAD = AuditHead.__table__
# Writers lock the chain head (a no-op on SQLite, where BEGIN IMMEDIATE already holds the lock).
_LOCK_HEAD = (
    sa.select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.at, _HEAD.c.clock_alarm)
    .where(_HEAD.c.id == 1)
    .with_for_update()
)
_SAVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)


class UnitOfWork:
    """One user action's transaction, with the audit trail bound to it.

    ``connection`` is the transaction itself (SQLAlchemy Core, for the hot paths); ``session`` is
    an ORM session joined to it, made on first use.
    """

    def __init__(
        self, connection: sa.Connection, head: ChainHead, now: datetime, username: str
    ) -> None:
        self.connection = connection
        self.now = now
        self.now_text = utc_iso(now)
        self.username = username
        self.head = head
        self._version = app_version()
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joined to the unit of work's transaction: its commit is ours, not the session's.
            self._session = Session(
                bind=self.connection,
                expire_on_commit=False,
                join_transaction_mode="rollback_only",
            )
        return self._session

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: str,
        *,
        lot: str | None = None,
        old: Mapping[str, Any] | None = None,
        new: Mapping[str, Any] | None = None,
        reason: str | None = None,
        user: str | None = None,
    ) -> int:
        """Append an audit event in this transaction; returns its sequence number."""
        seq, _ = audit.append_event(
            self.connection,
            self.head,
            at=self.now_text,
            user=user or self.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            lot=lot,
            old=old,
            new=new,
            reason=reason,
            app_version=self._version,
        )
        return seq

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _save_head(self) -> None:
        if self.head.moved:
            self.connection.execute(
                _SAVE_HEAD,
                {
                    "seq": self.head.seq,
                    "hash": self.head.hash,
                    "at": self.head.at,
                    "clock_alarm": self.head.clock_alarm,
                },
            )


class Database:
    def __init__(self, url: str, engine: sa.Engine, clock: Clock | None = None) -> None:
        self.url = url
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def display_name(self) -> str:
        path = self.path
        return str(path) if path else self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session: nothing it does is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def unit_of_work(self, username: str) -> Iterator[UnitOfWork]:
        """Write records and their audit events in one transaction: commit, or roll back, raise."""
        rollback: ClockRollback | None = None
        with self._writer.connect() as connection:
            transaction = connection.begin()
            uow: UnitOfWork | None = None
            try:
                row = connection.execute(_LOCK_HEAD).one()
                head = ChainHead(row.seq, row.hash, row.at, bool(row.clock_alarm))
                now = self.clock.now()
                if head.at is not None and utc_iso(now) < head.at:
                    raise _clock_rollback(now, head.at)
                uow = UnitOfWork(connection, head, now, username)
                if head.clock_alarm:
                    _record_resolved_rollbacks(uow)
                yield uow
                uow.flush()
                uow._save_head()
                transaction.commit()
            except ClockRollback as error:
                transaction.rollback()
                rollback = error
            except BaseException:
                transaction.rollback()
                raise
            finally:
                if uow is not None:
                    uow._close()
        if rollback is not None:
            self._remember_rollback(rollback, username)
            raise rollback

    def _remember_rollback(self, error: ClockRollback, username: str) -> None:
        """Keep the refused attempt outside the trail until the clock is right again."""
        with Session(self._writer) as session:
            session.add(
                ClockAnomaly(
                    observed_at=error.observed,
                    newest_event_at=error.newest,
                    username=username,
                    resolved=False,
                )
            )
            session.connection().execute(
                _HEAD.update().where(_HEAD.c.id == 1).values(clock_alarm=True)
            )
            session.commit()


def _clock_rollback(now: datetime, newest: str) -> ClockRollback:
    return ClockRollback(
        f"The computer's clock reads {utc_iso(now)[:19]} UTC, earlier than the newest audit-trail "
        f"entry ({newest[:19]} UTC). Nothing was saved. Ask IT to set the system clock right; "
        "Lotbook records the incident in the audit trail once the clock is correct.",
        observed=now,
        newest=datetime.fromisoformat(newest),
    )


def _record_resolved_rollbacks(uow: UnitOfWork) -> None:
    anomalies = uow.session.exec(select(ClockAnomaly).where(ClockAnomaly.resolved == False)).all()  # noqa: E712
    for anomaly in anomalies:
        uow.audit(
            "clock.rollback",
            "clock",
            str(anomaly.id),
            old={
                "clock_read": utc_iso(anomaly.observed_at),
                "newest_event_at": utc_iso(anomaly.newest_event_at),
                "refused_user": anomaly.username,
            },
            new={"clock_correct_again_at": uow.now_text},
            reason="The system clock read earlier than the audit trail; writes were refused.",
            user=SYSTEM_USER,
        )
        anomaly.resolved = True
        uow.session.add(anomaly)
    uow.head.clock_alarm = False
    uow.head.moved = True
