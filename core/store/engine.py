"""Engine factory.

SQLite: WAL, synchronous=FULL, foreign keys, busy timeout, BEGIN IMMEDIATE for writes.
PostgreSQL (postgresql+psycopg://) works with the same code; nothing here is needed for it.

This module and the migrations are the only places that may speak a dialect's own SQL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "lotbook_write"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> sa.Engine:
    if is_sqlite(url):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> sa.Engine:
    from core import outputs
    from core.store import access

    path = sqlite_path(url)
    read_only = access.read_only_reason(path) if path is not None else None
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
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
