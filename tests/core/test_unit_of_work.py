"""One unit of work per action: the record and its audit event commit together or not at all."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from core.errors import ClockRollback
from core.models import SiteSetting
from core.services import audit_trail

ROOT = Path(__file__).resolve().parents[2]


def _count(db, table: str) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_sqlite_connections_carry_the_pragmas(site):
    with site.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_error_between_change_and_audit_leaves_neither(site):
    before_events = _count(site, "audit_event")
    with pytest.raises(RuntimeError), site.unit_of_work("ada") as uow:
        uow.session.add(SiteSetting(key="site_name", value="Cleanroom B"))
        uow.flush()
        raise RuntimeError("power cut between the change and its audit event")
    assert _count(site, "site_setting") == 0
    assert _count(site, "audit_event") == before_events


def test_a_write_killed_between_change_and_audit_leaves_neither(site, tmp_path):
    """SIGKILL the process after the change is flushed and before its audit event: nothing stays."""
    before_events = _count(site, "audit_event")
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from core.store import open_database
        from core.models import SiteSetting
        db = open_database({site.url!r})
        with db.unit_of_work("ada") as uow:
            uow.session.add(SiteSetting(key="site_name", value="Cleanroom B"))
            uow.flush()
            os.kill(os.getpid(), signal.SIGKILL)
            uow.audit("setting.change", "setting", "site_name", new={{"value": "Cleanroom B"}})
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert _count(site, "site_setting") == 0
    assert _count(site, "audit_event") == before_events
    assert audit_trail.verify(site).intact
    conn = sqlite3.connect(site.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_clock_rollback_refuses_writes_then_is_recorded_once_resolved(site, clock):
    with site.unit_of_work("ada") as uow:
        uow.audit("test.event", "thing", "1")
    newest = audit_trail.events(site)[-1]
    clock.advance(timedelta(hours=-3))  # someone set the PC clock back
    refused = pytest.raises(ClockRollback, match="earlier than the newest audit-trail entry")
    with refused, site.unit_of_work("tess") as uow:
        uow.session.add(SiteSetting(key="x", value="y"))
        uow.audit("test.event", "thing", "2")
    assert _count(site, "site_setting") == 0
    assert audit_trail.events(site)[-1].seq == newest.seq  # nothing written to the trail yet
    clock.advance(timedelta(hours=4))  # clock set right again
    with site.unit_of_work("tess") as uow:
        uow.audit("test.event", "thing", "3")
    events = audit_trail.events(site)
    rollback = [e for e in events if e.action == "clock.rollback"]
    assert len(rollback) == 1
    assert '"refused_user":"tess"' in rollback[0].old
    assert events[-1].entity_id == "3"
    with site.unit_of_work("tess") as uow:  # recorded once, not again
        uow.audit("test.event", "thing", "4")
    assert len([e for e in audit_trail.events(site) if e.action == "clock.rollback"]) == 1
    assert audit_trail.verify(site).intact


def test_audit_times_are_utc_and_never_go_backwards(site, clock):
    for _ in range(3):
        with site.unit_of_work("ada") as uow:
            uow.audit("test.event", "thing", "x")
    times = [e.at for e in audit_trail.events(site)]
    assert times == sorted(times)
    assert all(t.endswith("+00:00") for t in times)


def test_postgres_url_builds_an_engine_without_sqlite_specifics():
    from core.store.engine import make_engine

    engine = make_engine("postgresql+psycopg://lotbook:secret@localhost/lotbook")
    assert engine.dialect.name == "postgresql"
