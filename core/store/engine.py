"""Engine factory.

SQLite: WAL, synchronous=FULL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes (retried
with backoff within the busy timeout; then a one-line "database is busy" refusal).
PostgreSQL (postgresql+psycopg://): the same code; writers serialize on a row lock of the audit
chain head (core/store/database.py). A driver message never shows the server password.

This module and the migrations are the only places that may speak a dialect's own SQL.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import event

from core.errors import StoreError
from core.faults import read_only_reason
from core.paths import is_sqlite, sqlite_path
from core.store.faults import DatabaseBusy, busy, is_sqlite_busy, shown_url, without_password

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "lotbook_write"
_FIRST_BACKOFF_S = 0.002
_LONGEST_BACKOFF_S = 0.1


def display_url(url: str) -> str:
    """How to name a database to a person: a SQLite file's path, else the URL without its
    password."""
    path = sqlite_path(url)
    return str(path) if path is not None else shown_url(url)


# Functions called at every begin, commit and rollback of every engine made here. A module
# adds its own with observe_transactions() when it is imported; it never listens on an engine
# itself once threads may be using it (SQLAlchemy's listener lists must not change while
# another thread begins a transaction: "deque mutated during iteration").
_OBSERVERS: dict[str, list[Callable[[sa.Connection], None]]] = {
    "begin": [],
    "commit": [],
    "rollback": [],
}


def observe_transactions(kind: str, observer: Callable[[sa.Connection], None]) -> None:
    """Call ``observer(connection)`` at every ``kind`` ("begin", "commit", "rollback")."""
    if observer not in _OBSERVERS[kind]:
        _OBSERVERS[kind].append(observer)


def _tell_observers(engine: sa.Engine) -> sa.Engine:
    for kind, observers in _OBSERVERS.items():

        def tell(conn: sa.Connection, observers=observers) -> None:
            for observer in tuple(observers):
                observer(conn)

        event.listen(engine, kind, tell)
    return engine


def make_engine(url: str) -> sa.Engine:
    if is_sqlite(url):
        return _tell_observers(_sqlite_engine(url))
    return _tell_observers(_server_engine(url))


def _server_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "handle_error")
    def _hide_password(context: sa.engine.ExceptionContext) -> None:
        # A driver may quote its connection string; the password never leaves this process.
        text = str(context.original_exception)
        hidden = without_password(text, url)
        if hidden != text:
            raise StoreError(
                f"The database server {shown_url(url)} refused the connection: "
                f"{hidden.strip().splitlines()[0]}"
            ) from None

    return engine


def _sqlite_engine(url: str) -> sa.Engine:
    from core import outputs
    from core.store import access

    path = sqlite_path(url)
    read_only = read_only_reason(path) if path is not None else None
    if path is not None:
        outputs.protect_database(path)  # no export may ever replace it
        if read_only is None:  # a new file owner-only; no database readable by everyone
            access.create_private(path)
            access.close_to_others(path)
    if read_only is not None and path is not None:
        # A copy on read-only media or without write permission: read-only commands work on it.
        creator = access.read_only_connector(path, read_only, BUSY_TIMEOUT_MS / 1000)
        engine = sa.create_engine(url, creator=creator)
    else:
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if read_only is None:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        else:
            cur.execute("PRAGMA query_only=ON")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the write lock at once, so the audit chain head cannot move under them.
        if conn.get_execution_options().get(WRITE_OPTION):
            if read_only is not None:
                raise access.write_refused(read_only)
            _begin_immediate(conn)
        else:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "handle_error")
    def _busy(context: sa.engine.ExceptionContext) -> None:
        # "database is locked" after the busy timeout: a refusal a person can act on.
        if is_sqlite_busy(context.original_exception):
            raise busy() from context.original_exception

    return engine


def _begin_immediate(conn: sa.Connection) -> None:
    """BEGIN IMMEDIATE, tried again with growing pauses while the busy timeout lasts: SQLite
    waits for the lock itself, but answers "busy" at once in some WAL states (another connection
    checkpointing or recovering the log)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = _FIRST_BACKOFF_S
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except DatabaseBusy:  # from the handle_error hook below
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            time.sleep(min(left, pause * random.uniform(0.5, 1.5)))
            pause = min(pause * 2, _LONGEST_BACKOFF_S)
