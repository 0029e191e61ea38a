"""A Lotbook database and its units of work.

One unit of work per user action: it opens a session, takes the write lock (SQLite BEGIN IMMEDIATE,
PostgreSQL a row lock on the audit chain head), reads the time (PostgreSQL: the server's clock;
SQLite: this computer's), lets the service write its records and queue their audit events, then
seals the state rows it changed into its last event, appends the events to the chain and commits
them together or not at all.

Time: a clock that reads earlier than the newest event by more than CLOCK_TOLERANCE does not stop
the write. Either that event was dated by a clock running ahead or this clock runs behind; the
write goes on and a clock incident is opened in the same transaction (flagged on the audit trail
and in the review until an administrator clears it with a reason and an e-signature). Smaller
differences between workstations are never an incident.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from core import audit
from core.audit import ChainHead
from core.audit_seals import SEALED, current_seals
from core.clock import Clock, SystemClock, utc_iso
from core.errors import PermissionDenied
from core.models import AuditEvent, AuditHead, ClockIncident, table_of
from core.store.engine import WRITE_OPTION, is_sqlite, sqlite_path
from core.version import app_version

SYSTEM_USER = "system"
CLOCK_TOLERANCE = timedelta(minutes=5)
_HEAD = table_of(AuditHead)
_EVENTS = table_of(AuditEvent)
_SEALED = frozenset(SEALED)
_UOW_KEY = "lotbook_uow"
# Writers lock the chain head (a no-op on SQLite, where BEGIN IMMEDIATE already holds the lock).
_LOCK_HEAD = (
    sa.select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.at).where(_HEAD.c.id == 1).with_for_update()
)
_SAVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1)
_SERVER_NOW = sa.text("SELECT clock_timestamp()")


class UnitOfWork:
    """One user action's transaction, with the audit trail bound to it.

    ``connection`` is the transaction itself (SQLAlchemy Core, for the hot paths); ``session`` is
    an ORM session joined to it, made on first use. ``start_head`` is the chain's head when the
    unit of work began (what a signature made in it binds).
    """

    def __init__(
        self, connection: sa.Connection, head: ChainHead, now: datetime, username: str
    ) -> None:
        self.connection = connection
        self.now = now
        self.now_text = utc_iso(now)
        self.username = username
        self.head = head
        self.start_head = (head.seq, head.hash)
        self._version = app_version()
        self._session: Session | None = None
        self._events: list[dict[str, Any]] = []
        self.touched: dict[str, set[Any]] = {}

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joined to the unit of work's transaction: its commit is ours, not the session's.
            self._session = Session(
                bind=self.connection,
                expire_on_commit=False,
                join_transaction_mode="rollback_only",
            )
            self._session.info[_UOW_KEY] = self
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
        """Queue an audit event of this transaction; returns the sequence number it will have."""
        self._events.append(
            {
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "lot": lot,
                "old": old,
                "new": new,
                "reason": reason,
                "user": user or self.username,
            }
        )
        return self.head.seq + len(self._events)

    def touch(self, table: str, key: Any) -> None:
        """A sealed row this unit of work wrote (the ORM and single-row inserts report theirs)."""
        if table in _SEALED and key is not None:
            self.touched.setdefault(table, set()).add(key)

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _append_events(self) -> None:
        """Seal the changed rows into the last event and append every queued event."""
        seals = current_seals(self.connection, self.touched) if self.touched else None
        if seals and not self._events:
            self.audit("state.seal", "state", str(len(seals)), user=SYSTEM_USER)
        last = len(self._events) - 1
        for i, queued in enumerate(self._events):
            audit.append_event(
                self.connection,
                self.head,
                at=self.now_text,
                app_version=self._version,
                seals=seals if i == last else None,
                **queued,
            )
        self._events.clear()

    def _save_head(self) -> None:
        if self.head.moved:
            self.connection.execute(
                _SAVE_HEAD, {"seq": self.head.seq, "hash": self.head.hash, "at": self.head.at}
            )


@event.listens_for(Session, "after_flush")
def _orm_writes(session: Session, _context: object) -> None:
    uow = session.info.get(_UOW_KEY)
    if uow is None:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _SEALED:
            uow.touch(table, sa.inspect(obj).mapper.primary_key_from_instance(obj)[0])


def _core_inserts(conn: sa.Connection, clause: Any, *args: Any) -> None:
    result = args[-1]
    uow = conn.info.get(_UOW_KEY)
    if uow is None or not isinstance(clause, sa.Insert) or clause.table.name not in _SEALED:
        return
    try:
        key = result.inserted_primary_key
    except sa.exc.InvalidRequestError:  # several rows at once: the ORM reports its own
        return
    if key:
        uow.touch(clause.table.name, key[0])


class Database:
    def __init__(self, url: str, engine: sa.Engine, clock: Clock | None = None) -> None:
        self.url = url
        self.engine = engine
        # PostgreSQL stamps events with the server's clock, so workstations' clocks do not matter
        # (an injected clock, in tests and the demo, is used as given on either engine).
        self.server_time = clock is None and not is_sqlite(url)
        self._clock: Clock = clock or (ServerClock(engine) if self.server_time else SystemClock())
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        event.listen(engine, "after_execute", _core_inserts)

    @property
    def clock(self) -> Clock:
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        """A clock given later is used as given, as one given at the start is."""
        self._clock = clock
        self.server_time = False

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
        denied: PermissionDenied | None = None
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except PermissionDenied as error:
                denied = error
                raise
            finally:
                session.rollback()
                if denied is not None:
                    self._record_denial(denied)

    @contextmanager
    def unit_of_work(self, username: str) -> Iterator[UnitOfWork]:
        """Write records and their audit events in one transaction: commit, or roll back, raise."""
        denied: PermissionDenied | None = None
        with self._writer.connect() as connection:
            transaction = connection.begin()
            uow: UnitOfWork | None = None
            try:
                row = connection.execute(_LOCK_HEAD).one()
                head = ChainHead(row.seq, row.hash, row.at)
                now = self._now(connection)
                uow = UnitOfWork(connection, head, now, username)
                connection.info[_UOW_KEY] = uow
                _check_clock(uow)
                yield uow
                uow.flush()
                uow._append_events()
                uow._save_head()
                transaction.commit()
            except PermissionDenied as error:
                transaction.rollback()
                denied = error
                raise
            except BaseException:
                transaction.rollback()
                raise
            finally:
                connection.info.pop(_UOW_KEY, None)
                if uow is not None:
                    uow._close()
                if denied is not None:
                    self._record_denial(denied, username)

    def _now(self, connection: sa.Connection) -> datetime:
        if self.server_time:
            return connection.execute(_SERVER_NOW).scalar_one().astimezone(UTC)
        return self.clock.now()

    def _record_denial(self, error: PermissionDenied, username: str | None = None) -> None:
        """Every refusal by role or separation of duties leaves its own event (the action it
        refused rolled back). Best effort: a denial that cannot be recorded is still refused."""
        who = getattr(error, "username", None) or username or "?"
        try:
            with self.unit_of_work(SYSTEM_USER) as uow:
                uow.audit(
                    "auth.denied",
                    "user",
                    who[:64],
                    reason=error.record_text[:500],  # the record's language, not the reader's
                    user=who[:64],
                )
        except Exception:  # the refusal stands whatever happens here
            pass


class ServerClock:
    """The database server's clock (PostgreSQL's clock_timestamp()), for reads outside a unit of
    work; inside one, the unit of work asks its own transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def now(self) -> datetime:
        with self._engine.connect() as connection:
            return connection.execute(_SERVER_NOW).scalar_one().astimezone(UTC)


def _check_clock(uow: UnitOfWork) -> None:
    """Open a clock incident when the newest events are dated ahead of this unit's clock."""
    head_at = uow.head.at
    if head_at is None:
        return
    limit = utc_iso(uow.now + CLOCK_TOLERANCE)
    if head_at <= limit:
        return
    t = _EVENTS.c
    first = uow.connection.execute(sa.select(sa.func.min(t.seq)).where(t.at > limit)).scalar_one()
    incident = ClockIncident(
        opened_seq=uow.head.seq + 1,
        ahead_from_seq=first or uow.head.seq,
        ahead_to_seq=uow.head.seq,
        ahead_at=head_at,
        clock_read=uow.now_text,
        found_by=uow.username,
    )
    uow.session.add(incident)
    uow.flush()
    ahead = datetime.fromisoformat(head_at) - uow.now
    uow.audit(
        "clock.incident",
        "clock_incident",
        str(incident.id),
        old={"newest_event": uow.head.seq, "newest_event_at": head_at},
        new={
            "clock_read": uow.now_text,
            "events_dated_ahead": [incident.ahead_from_seq, incident.ahead_to_seq],
            "ahead_by_seconds": round(ahead.total_seconds()),
        },
        reason=(
            "Audit events are dated ahead of this clock by more than "
            f"{int(CLOCK_TOLERANCE.total_seconds() // 60)} minutes: one of the clocks is wrong. "
            "An administrator must find which and clear the incident."
        ),
        user=SYSTEM_USER,
    )
