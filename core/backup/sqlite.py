"""SQLite backups: a consistent copy of the live file through SQLite's online backup API (what is
still in the -wal file included), and the checks a copy must pass before it counts as a backup.

The copy is taken inside one read transaction of the source: the row counts and the chain head
read in that transaction are exactly what the copy holds, whatever other workstations write
meanwhile. The copy is written in rollback-journal mode, so the backup is one self-contained file.
Copies are checked read-only (``mode=ro&immutable=1``: nothing is written beside them)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from core.backup import BackupFailed
from core.store import Database
from core.store.engine import BUSY_TIMEOUT_MS

_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
MAX_PROBLEMS = 5


@dataclass(frozen=True)
class Snapshot:
    """What a database holds at one moment: rows per table, chain head, schema revision."""

    counts: dict[str, int]
    chain_seq: int
    chain_hash: str
    schema_revision: str | None


def snapshot_copy(source: Path, dest: Path) -> Snapshot:
    """Copy the live database ``source`` into the empty file ``dest``; what the copy holds."""
    src = sqlite3.connect(source, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        src.execute("BEGIN")  # one read snapshot for the counts, the head and the copy
        state = read_state(src)
        out = sqlite3.connect(dest, isolation_level=None)
        try:
            out.execute("PRAGMA synchronous=OFF")  # the finished file is fsynced before use
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        finally:
            out.close()
        src.execute("COMMIT")
    except sqlite3.Error as error:
        raise BackupFailed(f"SQLite could not copy the database: {error}.") from error
    finally:
        src.close()
    return state


def read_state(conn: sqlite3.Connection) -> Snapshot:
    tables = [row[0] for row in conn.execute(_TABLES)]
    counts = {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in tables
    }
    if "audit_head" not in counts:
        raise BackupFailed("The file is not a Lotbook database (it has no audit trail).")
    head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    revision = (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if "alembic_version" in counts
        else None
    )
    return Snapshot(
        counts=counts,
        chain_seq=int(head[0]) if head else 0,
        chain_hash=str(head[1]) if head else "",
        schema_revision=str(revision[0]) if revision else None,
    )


def _uri(path: Path) -> str:
    return f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"


def open_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a copy that nothing else writes."""
    try:
        return sqlite3.connect(_uri(path), uri=True, check_same_thread=False)
    except sqlite3.Error as error:
        raise BackupFailed(f"{path.name} cannot be opened as a database: {error}.") from error


def copy_state(path: Path) -> Snapshot:
    conn = open_copy(path)
    try:
        return read_state(conn)
    except sqlite3.Error as error:
        raise BackupFailed(f"{path.name} cannot be read as a database: {error}.") from error
    finally:
        conn.close()


def integrity(path: Path, quick: bool = False) -> str:
    """'ok', or the first problems PRAGMA integrity_check (with ``quick``, quick_check: every
    page and b-tree, without matching each index to its table) finds, in SQLite's words."""
    pragma = "quick_check" if quick else "integrity_check"
    conn = open_copy(path)
    try:
        rows = conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
    except sqlite3.Error as error:
        return str(error)
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return "ok" if found == ["ok"] else "; ".join(found)


def checkpoint(path: Path, checkpoint_id: int) -> tuple[int, str] | None:
    """(seq, hash) of a signed checkpoint as the copy holds it, or None when it is missing."""
    conn = open_copy(path)
    try:
        row = conn.execute(
            "SELECT seq, hash FROM audit_checkpoint WHERE id = ?", (checkpoint_id,)
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return (int(row[0]), str(row[1])) if row else None


def copy_database(path: Path) -> Database:
    """The copy as a read-only Database, for the audit trail's own verifier."""
    uri = _uri(path)
    engine = sa.create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool,
    )
    return Database(f"sqlite:///{path}", engine)
