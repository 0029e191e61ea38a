"""Ordinary faults said in one line (core/faults.py), the error log that never fails its caller
(core/error_log.py), and database files: owner-only when made, opened read-only when they cannot
be written (core/store/access.py). Real errors from real SQLite, PostgreSQL's driver and the
operating system — nothing mocked."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sqlite3
import stat

import pytest
import sqlalchemy as sa

from core import error_log
from core.errors import DomainError
from core.faults import (
    DiskFull,
    NoPermission,
    ReadOnly,
    ReadOnlyDatabase,
    ServerGone,
    classify,
    os_fault,
    read_only_reason,
    summary,
)
from core.paths import private_dir, private_file_mode
from tests.mounts import fill, mounts_in

pytestmark = pytest.mark.sqlite_only(reason="faults of SQLite files and of the file system")
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture
def tmpfs(tmp_path):
    yield from mounts_in(tmp_path)


def _one_line(text: str) -> None:
    assert "\n" not in text and "Traceback" not in text and "SELECT" not in text.upper()
    assert "INSERT" not in text.upper() and "unexpected" not in text.lower()


# -- operating-system errors ---------------------------------------------------------------------


def test_a_full_disk_read_only_media_and_no_permission_each_name_their_cause(tmp_path):
    target = tmp_path / "out.csv"
    full = os_fault(OSError(errno.ENOSPC, "No space left on device"), target)
    assert isinstance(full, DiskFull) and "is full" in str(full) and str(tmp_path) in str(full)
    media = os_fault(OSError(errno.EROFS, "Read-only file system"), target)
    assert isinstance(media, ReadOnly) and "read-only media" in str(media)
    denied = os_fault(PermissionError(errno.EACCES, "Permission denied"), target)
    assert isinstance(denied, NoPermission) and "No permission to write" in str(denied)
    for fault in (full, media, denied):
        _one_line(str(fault))
        assert "nothing was written" in str(fault)


# -- SQLite --------------------------------------------------------------------------------------


def test_sqlite_database_or_disk_is_full_is_a_full_disk(tmp_path):
    """A real SQLITE_FULL (the page limit reached), through SQLAlchemy as the services meet it."""
    path = tmp_path / "small.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (b BLOB)")
    with pytest.raises(sa.exc.OperationalError) as caught, engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA max_page_count=3")
        conn.execute(sa.text("INSERT INTO t VALUES (:b)"), {"b": b"\x00\xff" * 50_000})
    engine.dispose()
    assert "INSERT" in str(caught.value)  # what used to reach the screen
    fault = classify(caught.value, url=f"sqlite:///{path}")
    assert isinstance(fault, DiskFull)
    assert str(fault) == (
        f"The disk holding the database {path} is full; nothing was saved. Free some space and "
        "try again."
    )


def test_a_write_to_a_read_only_sqlite_connection_is_a_read_only_database(tmp_path):
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    fault = classify(caught.value, url=f"sqlite:///{path}")
    assert isinstance(fault, ReadOnlyDatabase)
    assert str(fault).startswith("This database is read-only here: ")
    assert str(fault).endswith("; nothing was written.")


def test_database_is_locked_is_the_stores_busy_refusal(tmp_path):
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("BEGIN IMMEDIATE")
    holder.rollback()
    holder.close()
    other.close()
    fault = classify(caught.value)
    assert fault is not None and isinstance(fault, DomainError)
    assert str(fault) == (
        "The database is busy: another workstation holds it; nothing was saved, try again."
    )


def test_a_damaged_database_file_says_so(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"not a database at all " * 400)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    fault = classify(caught.value, url=f"sqlite:///{path}")
    assert fault is not None and "damaged or not a Lotbook database" in str(fault)
    assert "backup" in str(fault)


# -- PostgreSQL ----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_does_not_answer_is_named_by_host_and_port_never_its_password():
    pytest.importorskip("psycopg")
    port = _closed_port()
    url = f"postgresql+psycopg://lotbook:s3cret-pw@127.0.0.1:{port}/lotbook"
    engine = sa.create_engine(url, pool_pre_ping=True)
    with pytest.raises(sa.exc.OperationalError) as caught:
        engine.connect()
    engine.dispose()
    fault = classify(caught.value, url=url)
    assert isinstance(fault, ServerGone)
    assert str(fault) == (
        f"The database server at 127.0.0.1:{port} is not answering; nothing was saved. Check "
        "the network, or ask IT whether the server is running, then try again."
    )
    assert "s3cret" not in str(fault) and "lotbook:" not in str(fault)


# -- what an unexpected error may show -----------------------------------------------------------


def test_an_unexpected_errors_summary_carries_no_sql_nor_binary():
    error = sa.exc.IntegrityError(
        "INSERT INTO blob_table (content) VALUES (?)",
        (b"\x00\x01\x02" * 100,),
        sqlite3.IntegrityError("UNIQUE constraint failed: blob_table.sha256"),
    )
    assert "INSERT" in str(error)
    assert summary(error) == "IntegrityError: UNIQUE constraint failed: blob_table.sha256"
    assert summary(RuntimeError("first line\nsecond \x1b[31m line")) == "RuntimeError: first line"
    assert classify(RuntimeError("a defect")) is None  # not an ordinary fault: logged instead


# -- the error log -------------------------------------------------------------------------------


def test_the_error_log_is_written_owner_only(tmp_path):
    try:
        raise ValueError("a defect to log")
    except ValueError as error:
        words = error_log.log_error(error, "in a test")
    log = error_log.log_path()
    assert words == f"details in {log}"
    text = log.read_text()
    assert "a defect to log" in text and "Traceback" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(not ROOT, reason="mounting a small file system needs root")
def test_on_a_full_disk_the_log_is_dropped_and_the_caller_is_told(tmpfs, monkeypatch):
    folder = tmpfs(size="256k")
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(folder / "data"))
    fill(folder)
    words = error_log.log_error(RuntimeError("lost"), "in a test")
    assert words == "the details could not be written to the log (the disk is full)"
    handler = error_log.SafeFileHandler()
    logger = logging.getLogger("lotbook.test-full-disk")
    logger.addHandler(handler)
    try:
        logger.error("not written", exc_info=RuntimeError("x"))  # neither raises nor prints
    finally:
        logger.removeHandler(handler)
    assert error_log.last_problem() == "the disk is full"


@pytest.mark.skipif(not ROOT, reason="mounting a small file system needs root")
def test_on_read_only_media_the_log_is_dropped_and_the_caller_is_told(tmpfs, monkeypatch):
    folder = tmpfs(size="1m")
    (folder / "data").mkdir()
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(folder / "data"))
    tmpfs.read_only(folder)
    words = error_log.log_error(RuntimeError("lost"), "in a test")
    assert words == (
        "the details could not be written to the log (the data folder is on read-only media)"
    )


# -- database files ------------------------------------------------------------------------------


def test_a_new_database_and_its_folder_are_owner_only(tmp_path, clock):
    from core.services.site import init_site
    from tests.conftest import ADMIN_PASSWORD

    folder = tmp_path / "new" / "site"
    db = init_site(
        f"sqlite:///{folder / 'lotbook.db'}", "ada", "Ada A", ADMIN_PASSWORD, clock=clock
    )
    try:
        with db.read() as session:  # a reader makes the -wal and -shm files
            session.connection().exec_driver_sql("SELECT 1")
            for name in ("lotbook.db", "lotbook.db-wal", "lotbook.db-shm"):
                assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    finally:
        db.dispose()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700


def test_a_group_shared_site_folder_keeps_the_group_never_everyone(tmp_path):
    shared = tmp_path / "srv"
    shared.mkdir()
    shared.chmod(0o2770)
    assert private_file_mode(shared) == 0o660
    made = private_dir(shared / "logs")
    assert stat.S_IMODE(made.stat().st_mode) & 0o777 == 0o770
    assert private_file_mode(tmp_path) == 0o600


def test_an_existing_world_readable_database_is_closed_to_others_when_opened(site):
    path = site.path
    site.dispose()
    path.chmod(0o644)
    from core.store import open_database

    db = open_database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            session.connection().exec_driver_sql("SELECT 1")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        db.dispose()


def test_a_writable_database_is_opened_as_usual(tmp_path):
    path = tmp_path / "w.db"
    sqlite3.connect(path).close()
    assert read_only_reason(path) is None
    assert read_only_reason(tmp_path / "not-yet.db") is None


@pytest.mark.skipif(not ROOT, reason="mounting a read-only file system needs root")
def test_a_copy_on_read_only_media_opens_read_only_and_immutable(tmpfs, site):
    folder = tmpfs(size="4m")
    site.dispose()
    copy = folder / "archive.db"
    copy.write_bytes(site.path.read_bytes())
    tmpfs.read_only(folder)
    access = read_only_reason(copy)
    assert access is not None and access.immutable
    assert access.why == f"{folder} is on read-only media"


def test_the_copy_made_before_a_migration_is_as_private_as_the_database(site):
    from core.store.migrate import backup_before_migration

    target = backup_before_migration(site.url, "0001")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
