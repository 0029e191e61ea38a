"""Schema 0006 starts sealing state rows: the rows a site already holds are sealed as they stand,
in the chain, so an upgraded site verifies — and a row changed after the upgrade does not."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa

from core.audit import canonical_json, chain_hash, event_bytes
from core.clock import FixedClock
from core.services import audit_trail
from core.store import open_database
from core.store.engine import make_engine
from core.store.migrate import _upgrade


def _site_at_0005(path) -> None:
    """A database at schema 0005 holding a user and a setting, and the event that made them."""
    engine = make_engine(f"sqlite:///{path}")
    _upgrade(engine, "0005")
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO app_user (username, full_name, role, password_hash, must_change_password, "
        "active, failed_attempts, locked, created_at) VALUES ('ada', 'Ada Admin', 'admin', "
        "'$argon2id$x', 0, 1, 0, 0, '2026-11-01 08:00:00.000000')"
    )
    conn.execute("INSERT INTO site_setting (key, value) VALUES ('lockout_attempts', '5')")
    at = "2026-11-01T08:00:00.000000+00:00"
    body = event_bytes(
        seq=1,
        at=at,
        user="ada",
        action="site.create",
        entity="site",
        entity_id="old.db",
        lot=None,
        old=None,
        new=canonical_json({"schema": "0005"}),
        reason=None,
        app_version="0.1.0",
    )
    digest = chain_hash("0" * 64, body)
    conn.execute(
        "INSERT INTO audit_event (seq, body, prev_hash, hash) VALUES (1, ?, ?, ?)",
        (body.decode(), "0" * 64, digest),
    )
    conn.execute("UPDATE audit_head SET seq = 1, hash = ?, at = ?", (digest, at))
    conn.commit()
    conn.close()


def test_an_upgraded_site_is_sealed_as_it_stands(tmp_path):
    path = tmp_path / "old.db"
    _site_at_0005(path)
    clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    db = open_database(f"sqlite:///{path}", clock=clock)
    try:
        (baseline,) = audit_trail.events(db, action="audit.seal_baseline")
        assert set(baseline.seals) == {"app_user:1", "site_setting:lockout_attempts"}
        assert baseline.at.startswith("2026-12-01T09:00")  # dated by the site's clock
        report = audit_trail.verify(db)
        assert report.intact and report.state_rows == 2
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE app_user SET role = 'qa' WHERE username = 'ada'"))
        report = audit_trail.verify(db)
        assert not report.intact and "row app_user:1 differs" in report.reason
    finally:
        db.dispose()
