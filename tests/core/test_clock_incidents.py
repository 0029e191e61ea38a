"""Time you can trust: a clock that ran ahead is an incident, never a lockout; an administrator
clears it with a reason and an e-signature; PostgreSQL stamps events with the server's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AuthenticationFailed, DomainError, PermissionDenied
from core.services import audit_trail, clock_incidents, recording, review
from core.services.signing import sign
from core.services.users import authenticate
from core.signing_views import ItemKind
from core.store import open_database
from tests.conftest import ADMIN_PASSWORD
from tests.conftest import USER_PASSWORD as PW


def _ahead_then_right(site, clock, people, lot) -> None:
    """One entry from a workstation whose clock ran 30 days ahead, then one from a right clock."""
    right = clock.now()
    clock.set(right + timedelta(days=30))
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-COI", "COI-W123426000042")
    clock.set(right + timedelta(minutes=1))
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-PATIENT", "pass")


def test_one_clock_ahead_does_not_lock_out_the_site(site, clock, people, lot, admin):
    _ahead_then_right(site, clock, people, lot)
    # correct clocks go on writing: a technician, and an administrator
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    from core.services.settings import set_setting

    set_setting(site, admin, "idle_lock_minutes", "10", "shorter idle lock")
    (incident,) = clock_incidents.incidents(site, only_open=True)
    events = audit_trail.events(site)
    ahead = [
        e for e in events if e.seq >= incident.ahead_from_seq and e.seq <= incident.ahead_to_seq
    ]
    assert ahead and all(e.at > datetime.now(UTC).isoformat()[:4] for e in ahead)
    assert [e.action for e in events].count("clock.incident") == 1
    assert audit_trail.verify(site).intact


def test_the_incident_blocks_the_lots_review_until_an_administrator_clears_it(
    site, clock, people, lot, admin
):
    _ahead_then_right(site, clock, people, lot)
    items = review.review_batch(site, lot).items
    (flag,) = [i for i in items if i.kind == ItemKind.CLOCK_INCIDENT]
    assert flag.blocking and "dated" in flag.title
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    with pytest.raises(DomainError, match="clock incident"):
        sign(site, people["sup"], PW, lot, "REVIEWED")
    (incident,) = clock_incidents.incidents(site, only_open=True)
    with pytest.raises(PermissionDenied):
        clock_incidents.clear_incident(site, people["tech"], PW, incident.id, "my PC was wrong")
    with pytest.raises(DomainError, match="which clock was wrong"):
        clock_incidents.clear_incident(site, admin, ADMIN_PASSWORD, incident.id, "ok")
    cleared = clock_incidents.clear_incident(
        site, admin, ADMIN_PASSWORD, incident.id, "PC-07 ran 30 days ahead; NTP restored"
    )
    assert cleared.cleared_by == "ada" and not cleared.open
    assert not clock_incidents.incidents(site, only_open=True)
    assert not [i for i in review.review_batch(site, lot).items if i.kind == "clock_incident"]
    clear = audit_trail.events(site, action="clock.clear")[-1]
    assert clear.user == "ada" and "NTP restored" in clear.reason
    with pytest.raises(DomainError, match="already cleared"):
        clock_incidents.clear_incident(site, admin, ADMIN_PASSWORD, incident.id, "again, twice")
    assert audit_trail.verify(site).intact


def test_every_denial_is_audited(site, clock, people, lot):
    _ahead_then_right(site, clock, people, lot)
    (incident,) = clock_incidents.incidents(site, only_open=True)
    with pytest.raises(PermissionDenied):
        clock_incidents.clear_incident(site, people["tech"], PW, incident.id, "my PC was wrong")
    denied = audit_trail.events(site, action="auth.denied")
    assert denied and denied[-1].user == "tess" and "may not" in denied[-1].reason


def test_failed_log_ins_count_while_the_clock_reads_behind_the_trail(site, clock, people):
    clock.set(clock.now() - timedelta(hours=2))
    with pytest.raises(AuthenticationFailed, match="Wrong password") as wrong:
        authenticate(site, "tess", "not-the-password")
    assert "attempts left" in str(wrong.value) or "attempt left" in str(wrong.value)
    failed = audit_trail.events(site, action="auth.login_failed")
    assert failed[-1].entity_id == "tess" and '"failed_attempts":1' in failed[-1].new
    assert authenticate(site, "tess", PW).username == "tess"  # the right one simply logs in


def test_postgresql_stamps_events_with_the_servers_clock(db_url, monkeypatch):
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no server clock: the workstation's clock with the incident rule")
    from core.clock import SystemClock
    from core.services.site import init_site

    init_site(db_url, "ada", "Ada Admin", ADMIN_PASSWORD).dispose()
    for skew in (timedelta(seconds=4), -timedelta(seconds=4), timedelta(days=30)):
        monkeypatch.setattr(
            SystemClock, "now", lambda self, s=skew: datetime.now(UTC) + s, raising=True
        )
        db = open_database(db_url)  # no clock given: the server's
        try:
            with db.unit_of_work("ada") as uow:
                uow.audit("test.event", "thing", str(skew))
        finally:
            db.dispose()
    db = open_database(db_url)
    try:
        stamps = [datetime.fromisoformat(e.at) for e in audit_trail.events(db)[-3:]]
        assert max(stamps) - min(stamps) < timedelta(minutes=1)  # the 30-day skew did not count
        assert abs(max(stamps) - datetime.now(UTC)) < timedelta(minutes=1)
        assert not clock_incidents.incidents(db)
    finally:
        db.dispose()


def test_the_clearing_keeps_its_meaning_as_the_administrator_read_it(
    site, clock, people, lot, admin
):
    import json

    from core.i18n import _, in_language
    from core.services.clock_incidents import CLEAR_MEANING
    from tests.raw_db import raw_sql

    _ahead_then_right(site, clock, people, lot)
    (incident,) = clock_incidents.incidents(site, only_open=True)
    with in_language("de"):
        german = _(CLEAR_MEANING)
        clock_incidents.clear_incident(
            site, admin, ADMIN_PASSWORD, incident.id, "PC-07 ran 30 days ahead; NTP restored"
        )
    assert german != CLEAR_MEANING
    ((statement,),) = raw_sql(site, "SELECT statement FROM clock_incident")
    said = json.loads(statement)
    assert said["read"] == {"language": "de", "text": german}
    assert said["kind"] == "clock_incident_clear" and said["signer"] == "ada"
