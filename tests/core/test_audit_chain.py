"""The audit trail: hash chain, append-only triggers, verification naming the first broken event."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.audit import GENESIS_HASH, canonical_json, event_bytes
from core.services import audit_trail
from tests.raw_db import guarded, tamper


def _write_events(db, n: int) -> None:
    for i in range(n):
        with db.unit_of_work("tess") as uow:
            uow.audit("test.event", "thing", str(i), lot="LOT-1", new={"i": i, "text": "é = x"})


def test_chain_hashes_follow_the_documented_rule(site):
    _write_events(site, 3)
    events = audit_trail.events(site)
    prev = GENESIS_HASH
    for e in events:
        body = json.dumps(
            {
                "seq": e.seq,
                "at": e.at,
                "user": e.user,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "lot": e.lot,
                "old": e.old,
                "new": e.new,
                "reason": e.reason,
                "app_version": e.app_version,
                **({"seals": e.seals} if e.seals is not None else {}),
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        assert e.prev_hash == prev
        assert e.hash == hashlib.sha256(prev.encode() + body).hexdigest()
        prev = e.hash
    assert audit_trail.verify(site).intact


@given(
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.text(), st.integers(-(10**6), 10**6), st.none(), st.booleans()),
        max_size=5,
    )
)
@settings(max_examples=200, deadline=None)
def test_canonical_form_equals_python_json(value):
    """Anyone can re-verify an export with Python's json module: the two agree byte for byte."""
    assert canonical_json(value) == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    body = event_bytes(
        seq=1,
        at="2026-01-01T00:00:00.000000+00:00",
        user="u",
        action="a",
        entity="e",
        entity_id=json.dumps(value),
        lot=None,
        old=None,
        new=canonical_json(value),
        reason=None,
        app_version="1",
    )
    assert json.loads(body)["new"] == canonical_json(value)


@pytest.mark.parametrize(
    "verb",
    [
        "UPDATE audit_event SET body = replace(body, 'tess', 'mallory') WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 2",
    ],
)
def test_database_refuses_update_and_delete(site, verb):
    _write_events(site, 2)
    error = guarded(site, verb)
    assert error is not None and "append-only" in str(error)


def _tamper(db, sql: str) -> None:
    tamper(db, sql)


def test_an_edited_event_is_named(site):
    _write_events(site, 5)
    seq = audit_trail.events(site)[-3].seq
    _tamper(
        site, f"UPDATE audit_event SET body = replace(body, 'thing', 'thang') WHERE seq = {seq}"
    )
    report = audit_trail.verify(site)
    assert not report.intact
    assert report.first_broken == seq
    assert "content does not match" in report.reason


def test_a_deleted_event_is_named(site):
    _write_events(site, 5)
    seq = audit_trail.events(site)[-3].seq
    _tamper(site, f"DELETE FROM audit_event WHERE seq = {seq}")
    report = audit_trail.verify(site)
    assert not report.intact and report.first_broken == seq
    assert "removed" in report.reason


def test_a_removed_tail_is_caught_by_the_chain_head(site):
    _write_events(site, 5)
    last = audit_trail.events(site)[-1].seq
    _tamper(site, f"DELETE FROM audit_event WHERE seq >= {last - 1}")
    report = audit_trail.verify(site)
    assert not report.intact
    assert report.first_broken == last - 1
    assert "chain head" in report.reason


def test_a_rehashed_forgery_breaks_the_link_to_the_next_event(site):
    """Recomputing the hash of an edited event is not enough: the next event's link breaks."""
    _write_events(site, 4)
    events = audit_trail.events(site)
    target = events[-2]
    body = event_bytes(
        seq=target.seq,
        at=target.at,
        user="mallory",
        action=target.action,
        entity=target.entity,
        entity_id=target.entity_id,
        lot=target.lot,
        old=target.old,
        new=target.new,
        reason=target.reason,
        app_version=target.app_version,
    )
    forged = hashlib.sha256(target.prev_hash.encode() + body).hexdigest()
    _tamper(
        site,
        f"UPDATE audit_event SET body = '{body.decode()}', hash = '{forged}' "
        f"WHERE seq = {target.seq}",
    )
    report = audit_trail.verify(site)
    assert not report.intact and report.first_broken == target.seq + 1
    assert "link" in report.reason


def test_verify_reports_progress(site):
    _write_events(site, 3)
    seen = []
    report = audit_trail.verify(site, lambda done, total: seen.append((done, total)))
    assert report.intact
    assert seen[-1][0] == seen[-1][1] == report.events
