"""Migrations: the schema matches the models; newer schemas are refused; files are backed up."""

from __future__ import annotations

import sqlite3

import pytest

from core.errors import SchemaTooNew, StoreError
from core.store import open_database
from core.store.migrate import backup_before_migration


def test_migrated_schema_matches_the_models(site):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import core.models  # noqa: F401

    with site.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_append_only_triggers_exist(site):
    conn = sqlite3.connect(site.path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    conn.close()
    for table in (
        "audit_event",
        "result",
        "deviation_link",
        "instrument_file",
        "series_channel",
        "series_block",
        "capture_chunk",
        "signature",
        "audit_trail_review",
        "material_lot_decision",
        "attachment",
        "equipment_event",
        "material_use",
        "custody_event",
        "label_print",
    ):
        assert {f"{table}_no_update", f"{table}_no_delete"} <= names


def test_a_newer_schema_is_refused_untouched(site, db_url):
    site.dispose()
    conn = sqlite3.connect(site.path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = site.path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer Lotbook"):
        open_database(db_url)
    assert site.path.read_bytes() == before


def test_missing_database_is_not_created_by_opening(tmp_path):
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    with pytest.raises(StoreError, match="No Lotbook database"):
        open_database(url)
    assert not (tmp_path / "nothing.db").exists()


def test_a_foreign_sqlite_file_is_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Lotbook database"):
        open_database(f"sqlite:///{path}")


NEXT_REVISION = """  # a revision after the newest real one
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("site_setting") as batch:
        batch.add_column(sa.Column("note", sa.String(), nullable=True))


def downgrade():
    with op.batch_alter_table("site_setting") as batch:
        batch.drop_column("note")
"""


def test_an_older_schema_is_backed_up_then_migrated(tmp_path, monkeypatch):
    """A real upgrade: a database at today's head opened by a Lotbook that knows one more."""
    import shutil

    import core.store.migrate as migrate

    head = migrate.head_revision()
    url = f"sqlite:///{tmp_path / 'old.db'}"
    open_database(url, create=True).dispose()
    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "9001_probe.py").write_text(NEXT_REVISION.replace("{head}", head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)

    open_database(url).dispose()

    backups = list(tmp_path.glob(f"old.before-migration-{head}-*.db"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    conn.close()
    conn = sqlite3.connect(tmp_path / "old.db")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9001"
    columns = {r[1] for r in conn.execute("PRAGMA table_info(site_setting)")}
    assert "note" in columns
    conn.close()


def test_backup_copies_a_consistent_file(site):
    target = backup_before_migration(site.url, "0001")
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM audit_event").fetchone()[0] > 0
    conn.close()
