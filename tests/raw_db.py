"""Reading and changing a test's site database behind Lotbook's back, on either engine: a
connection of its own (not a unit of work), SQL with :named parameters."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa


def _url(target) -> str:
    return target if isinstance(target, str) else target.url


def _run(conn: sa.Connection, sql: str, params: dict | None) -> list[tuple]:
    if params is None:  # literal SQL, as typed (JSON colons, LIKE percent signs and all)
        if conn.dialect.name != "sqlite":
            sql = sql.replace("%", "%%")  # psycopg reads % as a placeholder
        result = conn.exec_driver_sql(sql)
    else:
        result = conn.execute(sa.text(sql), params)
    return [tuple(row) for row in result] if result.returns_rows else []


def raw_sql(target, sql: str, params: dict | None = None) -> list[tuple]:
    """Run one statement in its own transaction (committed); its rows, if it returns any.
    ``target``: a Database or a URL; ``params`` bind :names (without them the SQL is literal)."""
    engine = sa.create_engine(_url(target), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            return _run(conn, sql, params)
    finally:
        engine.dispose()


def count(target, table: str) -> int:
    return raw_sql(target, f"SELECT count(*) FROM {table}")[0][0]


def raw_dicts(target, sql: str, params: dict | None = None) -> list[dict]:
    engine = sa.create_engine(_url(target), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text(sql), params or {})]
    finally:
        engine.dispose()


def without_guards(target, table: str, sql: str, params: dict | None = None) -> None:
    """Change an append-only table as someone who can switch its guard off would: SQLite (the
    file's holder) drops the table's triggers; PostgreSQL (a superuser) runs the statement with
    triggers off (session_replication_role = replica) in its own transaction."""
    engine = sa.create_engine(_url(target), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                for verb in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
            else:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            _run(conn, sql, params)
    finally:
        engine.dispose()


# -- every guard off at once (the whole database), or the guards on to see them refuse --------


def tamper(db, *statements: str) -> None:
    if db.path is not None:
        conn = sqlite3.connect(db.path)
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for (name,) in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
        conn.close()
        return
    with db.engine.begin() as conn:
        cursor = conn.connection.cursor()  # the driver's own: no parameters, so '%' is text
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql in statements:
            cursor.execute(sql)


def guarded(db, sql: str) -> Exception | None:
    """Run ``sql`` with the guards in place; the error the database raised, or None."""
    if db.path is not None:
        conn = sqlite3.connect(db.path)
        try:
            conn.execute(sql)
            conn.commit()
        except sqlite3.DatabaseError as error:
            return error
        finally:
            conn.close()
        return None
    try:
        with db.engine.begin() as conn:
            conn.connection.cursor().execute(sql)
    except Exception as error:  # the driver's error, whatever its class
        return error
    return None
