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
from core.clock import Clock, SystemClock, utc_iso
from core.errors import ClockRollback
from core.models import AuditEvent, AuditHead, ClockAnomaly
from core.store.engine import WRITE_OPTION, sqlite_path
from core.version import app_version

SYSTEM_USER = "system"


class UnitOfWork:
    """The session of one user action, with the audit trail bound to it."""

    def __init__(self, session: Session, head: AuditHead, now: datetime, username: str) -> None:
        self.session = session
        self.now = now
        self.now_text = utc_iso(now)
        self.username = username
        self._head = head
        self._version = app_version()

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
    ) -> AuditEvent:
        return audit.append_event(
            self.session,
            self._head,
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

    def flush(self) -> None:
        self.session.flush()


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
        with Session(self._writer, expire_on_commit=False) as session:
            try:
                head = session.exec(
                    select(AuditHead).where(AuditHead.id == 1).with_for_update()
                ).one()
                now = self.clock.now()
                if head.at is not None and utc_iso(now) < head.at:
                    raise _clock_rollback(now, head.at)
                uow = UnitOfWork(session, head, now, username)
                if head.clock_alarm:
                    _record_resolved_rollbacks(uow)
                yield uow
                session.commit()
            except ClockRollback as error:
                session.rollback()
                rollback = error
            except BaseException:
                session.rollback()
                raise
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
            head = session.get(AuditHead, 1)
            if head is not None:
                head.clock_alarm = True
                session.add(head)
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
    uow._head.clock_alarm = False
