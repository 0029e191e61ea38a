"""Opening a database: create it, bring its schema to this version (backing the file up first),
or refuse a schema newer than this Lotbook knows."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from core.clock import Clock
from core.errors import SchemaTooNew, StoreError
from core.paths import private_dir
from core.store.access import create_private
from core.store.database import Database
from core.store.engine import display_url, make_engine, sqlite_path
from core.store.faults import without_password
from core.version import command_name

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _alembic_config(connection: sa.Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _script_directory():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    return str(_script_directory().get_current_head())


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(url: str, *, create: bool = False, clock: Clock | None = None) -> Database:
    """Open the database at ``url``; with ``create`` make a new one. Migrates an older schema."""
    path = sqlite_path(url)
    if path is not None:
        if path.exists() and create:
            raise StoreError(
                f"A database already exists at {path}. Open it instead, or choose another file."
            )
        if not path.exists() and not create:
            raise StoreError(
                f"No Lotbook database at {path}. Create one with "
                f'`{command_name()} init --admin NAME --full-name "..."`, or open the demo with '
                f"`{command_name()} --demo`."
            )
        private_dir(path.parent)  # a folder made for a database is owner-only
    engine = make_engine(url)
    try:
        _bring_schema_up_to_date(engine, url, create, clock)
    except BaseException:
        engine.dispose()
        raise
    return Database(url, engine, clock)


def _bring_schema_up_to_date(
    engine: sa.Engine, url: str, create: bool, clock: Clock | None = None
) -> None:
    try:
        current = current_revision(engine)
    except sa.exc.DatabaseError as error:
        shown = without_password(str(error.orig), url)
        raise StoreError(f"Cannot read the database at {display_url(url)}: {shown}") from None
    script = _script_directory()
    head = script.get_current_head()
    if current is None:
        if sa.inspect(engine).get_table_names():
            raise StoreError(
                f"{display_url(url)} holds tables but is not a Lotbook database; Lotbook will "
                "not touch it."
            )
        if not create:
            raise StoreError(
                f"The database at {display_url(url)} is empty. Create it with "
                f"`{command_name()} init`."
            )
        _upgrade(engine, "head", clock)
        return
    if create and _holds_a_site(engine):  # a server database: the file check cannot say so
        raise StoreError(
            f"A Lotbook database already exists at {display_url(url)}. Open it instead, or "
            "choose another database."
        )
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaTooNew(
            f"This database was written by a newer Lotbook (schema {current}; this version knows "
            f"up to {head}). Nothing was changed. Install the newer Lotbook to open it."
        )
    if current != head:
        backup_before_migration(url, current)
        _upgrade(engine, "head", clock)


def _upgrade(engine: sa.Engine, target: str, clock: Clock | None = None) -> None:
    from alembic import command

    from core.store.engine import WRITE_OPTION

    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        config = _alembic_config(conn)
        # a migration that writes audit events (sealing what exists) dates them by this clock
        config.attributes["clock"] = clock
        command.upgrade(config, target)


def _holds_a_site(engine: sa.Engine) -> bool:
    """Whether a database with Lotbook's schema already holds a site (its trail has begun)."""
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT 1 FROM audit_event LIMIT 1").first() is not None


def backup_before_migration(url: str, revision: str) -> Path | None:
    """Copy a SQLite file (consistently, through SQLite's backup API) before its schema changes.

    PostgreSQL site servers are backed up by the site's own database backup, not by Lotbook.
    """
    path = sqlite_path(url)
    if path is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-migration-{revision}-{stamp}{path.suffix}")
    create_private(target)  # a copy of the database is as private as the database
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    if not target.exists() or target.stat().st_size == 0:
        raise StoreError(f"Backup before migration failed: {target} was not written.")
    return target


def copy_database_file(source: Path, target: Path) -> None:
    shutil.copy2(source, target)
