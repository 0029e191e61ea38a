"""A validator with the database file (or a superuser's session) and the triggers out of the way:
each tampering that once passed `audit verify` now fails it, and says what it found."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from core.audit import chain_hash
from core.services import audit_trail, checkpoints, recording
from core.services.signing import sign
from core.services.trail_verification import PdfHead, pdf_head_problem, verify_trail
from tests.conftest import USER_PASSWORD as PW
from tests.raw_db import tamper

STEP = "CART-S00"


@pytest.fixture
def signed(site, people, lot):
    """CT-0100 with step 0 recorded by tess, performed by tess and verified by vic."""
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-COI", "COI-W123426000042")
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-PATIENT", "pass")
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    sign(site, people["tech"], PW, lot, "PERFORMED", step_id=STEP)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    assert audit_trail.verify(site).intact
    return site


def _tamper(db, *statements: str) -> None:
    tamper(db, *statements)


def _events(db) -> list[tuple[int, str, str, str]]:
    with db.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT seq, prev_hash, hash, body FROM audit_event ORDER BY seq"
            )
        ]


def _rewrite_chain(db, events: list[tuple[int, str, str, str]], head_at: str | None = None):
    """Store ``events`` as a consistent chain: every hash recomputed, the head moved."""
    prev = "0" * 64
    statements = ["DELETE FROM audit_event"]
    for seq, _, _, body in events:
        digest = chain_hash(prev, body.encode("utf-8"))
        quoted = body.replace("'", "''")
        statements.append(
            "INSERT INTO audit_event (seq, body, prev_hash, hash) "
            f"VALUES ({seq}, '{quoted}', '{prev}', '{digest}')"
        )
        prev = digest
    last = events[-1]
    at = head_at or json.loads(last[3])["at"]
    statements.append(
        f"UPDATE audit_head SET seq = {last[0]}, hash = '{prev}', at = '{at}' WHERE id = 1"
    )
    _tamper(db, *statements)


def _broken(db, *words: str) -> str:
    report = audit_trail.verify(db)
    assert not report.intact, report.summary()
    text = " | ".join((report.reason, *report.problems))
    for word in words:
        assert word in text, text
    return text


def test_an_untouched_site_verifies_with_its_state_and_anchors(signed):
    report = audit_trail.verify(signed)
    assert report.intact
    assert report.state_rows > 10  # users, settings, templates, the batch, results, signatures
    assert report.anchors == 2  # the two signatures' chain heads
    assert "state rows match their seals" in report.summary()


def test_a_result_changed_in_the_table(signed):
    _tamper(
        signed, "UPDATE result SET value = 'SLOT-9', raw_text = 'SLOT-9' WHERE value = 'SLOT-7'"
    )
    _broken(signed, "row result:", "differs from what the audit trail sealed")


def test_a_users_role_raised(signed):
    _tamper(signed, "UPDATE app_user SET role = 'qa' WHERE username = 'tess'")
    _broken(signed, "row app_user:", "changed")


def test_a_batch_set_to_released(signed):
    _tamper(signed, "UPDATE batch SET status = 'released' WHERE lot = 'CT-0100'")
    _broken(signed, "row batch:", "changed")


def test_a_signature_deleted(signed):
    _tamper(signed, "DELETE FROM signature WHERE meaning = 'VERIFIED'")
    _broken(signed, "row signature:", "missing (removed)")


def test_a_template_approval_deleted(signed):
    _tamper(signed, "DELETE FROM template_approval")
    _broken(signed, "row template_approval:", "missing (removed)")


def test_a_row_added_outside_lotbook(signed):
    _tamper(
        signed,
        "INSERT INTO site_setting (key, value) VALUES ('lockout_attempts', '1000')",
    )
    _broken(signed, "row site_setting:lockout_attempts", "not in the audit trail")


def test_the_tail_cut_and_the_head_moved(signed):
    events = _events(signed)
    _rewrite_chain(signed, events[:-4])  # the last result, its signatures and their seals gone
    _broken(signed, "beyond the trail's end (cut)")


def test_the_chain_rewritten_consistently_under_a_signature(signed):
    events = _events(signed)
    seq, prev, digest, body = events[3]
    forged = body.replace('"user":"ada"', '"user":"mallory"')
    assert forged != body
    events[3] = (seq, prev, digest, forged)
    _rewrite_chain(signed, events)
    _broken(signed, "no longer holds event")


def test_a_forged_event_appended(signed):
    events = _events(signed)
    last = json.loads(events[-1][3])
    forged = dict(last)
    forged.update(
        seq=last["seq"] + 1,
        action="batch.disposition",
        entity="batch",
        entity_id="CT-0100",
        lot="CT-0100",
        old=None,
        new='{"status":"released"}',
        reason="approved",
        user="quinn",
    )
    forged.pop("seals", None)
    body = json.dumps(forged, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = chain_hash(events[-1][2], body.encode("utf-8"))
    quoted = body.replace("'", "''")
    _tamper(
        signed,
        "UPDATE batch SET status = 'released' WHERE lot = 'CT-0100'",
        "INSERT INTO audit_event (seq, body, prev_hash, hash) "
        f"VALUES ({forged['seq']}, '{quoted}', '{events[-1][2]}', '{digest}')",
        f"UPDATE audit_head SET seq = {forged['seq']}, hash = '{digest}' WHERE id = 1",
    )
    _broken(signed, "seals no row: not written by Lotbook", "row batch:")


def test_a_checkpoint_under_a_cut_tail(signed, people):
    checkpoints.write_checkpoint(signed, people["qa"], PW)
    assert audit_trail.verify(signed).anchors == 3
    events = _events(signed)
    _rewrite_chain(signed, events[:-3])
    _broken(signed, "checkpoint")


def test_a_checkpoint_forged_into_the_table_does_not_verify(signed, people):
    view = checkpoints.write_checkpoint(signed, people["qa"], PW)
    _tamper(signed, f"UPDATE audit_checkpoint SET seq = {view.seq - 1} WHERE id = {view.id}")
    _broken(signed, f"checkpoint {view.id}", "does not verify")


def test_a_pdf_head_no_longer_in_the_chain(signed):
    events = _events(signed)
    seq, _, digest, _ = events[-1]
    head = PdfHead("CT-0100.pdf", seq, digest)
    assert pdf_head_problem(signed, head) is None
    assert verify_trail(signed, pdf_heads=[head]).anchors == 3
    seq5, prev5, digest5, body5 = events[4]
    events[4] = (seq5, prev5, digest5, body5.replace('"user":"ada"', '"user":"mallory"'))
    _rewrite_chain(signed, events)
    assert "rewritten or another database" in pdf_head_problem(signed, head)
    report = verify_trail(signed, pdf_heads=[head])
    assert not report.intact
    assert any("the PDF CT-0100.pdf" in p for p in report.problems)


def test_events_of_one_unit_of_work_share_its_seals(signed):
    """Several events written together (a signature and a status change) seal once, in the last;
    verify does not take the earlier ones for forgeries."""
    with signed.engine.connect() as conn:
        unsealed = conn.execute(
            sa.text("SELECT count(*) FROM audit_event WHERE body NOT LIKE '%\"seals\":%'")
        ).scalar_one()
    assert unsealed > 0
    assert audit_trail.verify(signed).intact
