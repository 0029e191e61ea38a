"""PostgreSQL backups with the server's own tools: ``pg_dump --format=custom`` (found on the PATH).

The dump runs on a snapshot exported from a REPEATABLE READ transaction in which the row counts
and the chain head are read, so they are exactly what the archive holds. The password is never
on a command line: it goes to pg_dump in PGPASSWORD when the URL carries one, else libpq reads
the user's ~/.pgpass (or PGPASSFILE). The archive is verified by restoring it into a scratch
database on the same server (CREATE DATABASE lotbook_verify_…, dropped afterwards) when the
role may create one; otherwise by its table of contents (``pg_restore --list``), and the check
says so. A PostgreSQL backup is restored with ``pg_restore`` (README: Backup and restore)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.backup import BackupFailed
from core.backup.sqlite import Snapshot
from core.store import Database
from core.store.engine import make_engine

TIMEOUT_S = 6 * 3600
_TABLES = sa.text(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_type = 'BASE TABLE' ORDER BY table_name"
)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"{name} is not on this computer's PATH. Install the PostgreSQL client tools of the "
            "server's version (Debian: postgresql-client-15), then try again."
        )
    return found


def _libpq(url: str, database: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools, and their environment (password included)."""
    parsed = make_url(url)
    args: list[str] = ["--no-password"]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    for key, value in parsed.query.items():
        if key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
            env["PG" + key.upper()] = str(value)
    return [*args, "--dbname", database or parsed.database or ""], env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupFailed(f"{what} could not run: {error}.") from error
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), "no message")
        raise BackupFailed(f"{what} failed: {first[:200]}")
    return done.stdout


def state(conn: sa.Connection) -> Snapshot:
    tables = [row[0] for row in conn.execute(_TABLES)]
    counts = {
        name: int(conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one())
        for name in tables
    }
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return Snapshot(counts, int(head.seq), str(head.hash), revision)


def dump(db: Database, dest: Path) -> Snapshot:
    """pg_dump the site database into ``dest``; the counts and chain head it holds."""
    pg_dump = tool("pg_dump")
    args, env = _libpq(db.url)
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            held = state(conn)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(dest), *args],
                env,
                "pg_dump",
            )
    return held


def listing(path: Path) -> list[str]:
    """The archive's table of contents (pg_restore --list)."""
    out = _run([tool("pg_restore"), "--list", str(path)], dict(os.environ), "pg_restore --list")
    return [line for line in out.splitlines() if line and not line.startswith(";")]


@contextmanager
def scratch_restore(db: Database, path: Path) -> Iterator[Database | None]:
    """The archive restored into a new scratch database on the site's server (dropped
    afterwards); None when the role may not create a database."""
    name = f"lotbook_verify_{secrets.token_hex(6)}"
    admin = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.ProgrammingError:  # insufficient privilege: no CREATEDB
        yield None
        return
    scratch: Database | None = None
    try:
        args, env = _libpq(db.url, name)
        _run(
            [
                tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env,
            "pg_restore into a scratch database",
        )
        url = make_url(db.url).set(database=name).render_as_string(hide_password=False)
        scratch = Database(url, make_engine(url))
        yield scratch
    finally:
        if scratch is not None:
            scratch.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def scratch_state(scratch: Database) -> Snapshot:
    with scratch.engine.connect() as conn:
        return state(conn)
