"""What a validator with the database does, on either engine: SQL run with the guards off
(SQLite: the triggers dropped; PostgreSQL: triggers disabled for the session, as a superuser), or
with the guards on, to see them refuse."""

from __future__ import annotations

import sqlite3


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
