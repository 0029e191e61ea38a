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

from core.models import SiteSetting
from core.services import audit_trail, clock_incidents
from core.store.database import CLOCK_TOLERANCE

ROOT = Path(__file__).resolve().parents[2]


def _count(db, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()


@pytest.mark.sqlite_only(reason="SQLite's own pragmas")
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
    if site.path is not None:
        conn = sqlite3.connect(site.path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_a_clock_behind_the_trail_opens_an_incident_and_the_write_goes_on(site, clock):
    with site.unit_of_work("ada") as uow:
        uow.audit("test.event", "thing", "1")
    ahead = audit_trail.events(site)[-1]
    clock.advance(timedelta(hours=-3))  # the trail was written by a clock 3 h ahead of this one
    with site.unit_of_work("tess") as uow:
        uow.session.add(SiteSetting(key="x", value="y"))
        uow.audit("test.event", "thing", "2")
    assert _count(site, "site_setting") == 1  # nothing refused: the site is not locked out
    events = audit_trail.events(site)
    incident = [e for e in events if e.action == "clock.incident"]
    assert len(incident) == 1
    # every event so far (the site's set-up included) is dated ahead of the clock 3 h back
    assert f'"events_dated_ahead":[1,{ahead.seq}]' in incident[0].new
    assert events[-1].entity_id == "2"
    with site.unit_of_work("tess") as uow:  # the next write follows the corrected trail
        uow.audit("test.event", "thing", "3")
    assert len([e for e in audit_trail.events(site) if e.action == "clock.incident"]) == 1
    (open_one,) = clock_incidents.incidents(site, only_open=True)
    assert (open_one.ahead_from_seq, open_one.ahead_to_seq) == (1, ahead.seq)
    assert audit_trail.verify(site).intact


def test_skew_within_the_tolerance_is_never_an_incident(site, clock):
    with site.unit_of_work("ada") as uow:
        uow.audit("test.event", "thing", "1")
    clock.advance(-CLOCK_TOLERANCE + timedelta(seconds=5))  # a workstation a little behind
    with site.unit_of_work("tess") as uow:
        uow.audit("test.event", "thing", "2")
    assert not clock_incidents.incidents(site)
    assert audit_trail.events(site)[-1].entity_id == "2"


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
