"""E-signatures: re-authentication, separation of duties, binding to content, invalidation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.errors import AuthenticationFailed, Conflict, PermissionDenied
from core.services import audit_trail, batches, recording
from core.services.signing import sign
from core.signatures import SeparationOfDuties
from core.states import StepState
from tests.conftest import USER_PASSWORD as PW
from tests.raw_db import raw_dicts, raw_sql, without_guards

STEP = "CART-S00"


def _record_step0(site, tech, lot):
    recording.record_value(site, tech, lot, "CART-IPC-00-COI", "COI-W123426000042")
    recording.record_value(site, tech, lot, "CART-IPC-00-PATIENT", "pass")
    recording.record_value(site, tech, lot, "CART-IPC-00-SLOT", "SLOT-7")


def _step(site, lot, step_id=STEP):
    return next(s for s in batches.show_batch(site, lot).steps if s.id == step_id)


def test_verification_by_a_second_person_completes_the_step(site, people, lot):
    _record_step0(site, people["tech"], lot)
    assert _step(site, lot).state == StepState.AWAITING_VERIFICATION
    sign(site, people["tech"], PW, lot, "PERFORMED", step_id=STEP)
    sig = sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    step = _step(site, lot)
    assert step.state == "verified" and step.verified
    assert [s.meaning for s in step.signatures] == ["PERFORMED", "VERIFIED"]
    shown = step.signatures[1]
    assert (shown.signer_name, shown.label, shown.state) == ("Vic Verifier", "Verified by", "valid")
    assert shown.signed_at.tzinfo is not None and shown.content_sha256 == sig.content_sha256
    events = audit_trail.events(site, lot=lot, action="signature.sign")
    assert [e.user for e in events] == ["tess", "vic"]
    assert sig.content_sha256 in events[1].new


@pytest.mark.parametrize(
    ("who", "meaning", "error", "message"),
    [
        ("tech", "VERIFIED", SeparationOfDuties, "second person"),  # performer verifies own work
        ("tech2", "PERFORMED", SeparationOfDuties, "recorded none"),  # did not perform it
        ("qa", "VERIFIED", PermissionDenied, "verify steps"),  # QA does not verify bench steps
        ("sup", "APPROVED", PermissionDenied, "approve"),  # approval needs the QA role
        ("tech", "REVIEWED", PermissionDenied, "review"),  # technicians do not review batches
    ],
)
def test_separation_of_duties_matrix(site, people, lot, who, meaning, error, message):
    _record_step0(site, people["tech"], lot)
    kwargs = {"step_id": STEP} if meaning in ("PERFORMED", "VERIFIED") else {}
    if meaning == "APPROVED":
        kwargs = {"disposition": "rejected", "reason": "test of the rules"}
    with pytest.raises(error, match=message):
        sign(site, people[who], PW, lot, meaning, **kwargs)
    assert batches.show_batch(site, lot).signatures == ()


def test_the_performer_signature_holder_cannot_verify(site, people, lot):
    _record_step0(site, people["tech"], lot)
    # vic corrects one value: now vic took part in the step and cannot verify it either
    recording.correct_value(site, people["tech2"], lot, "CART-IPC-00-SLOT", "SLOT-8", "typo")
    with pytest.raises(SeparationOfDuties, match="second person"):
        sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)


def test_a_reviewer_who_recorded_in_the_batch_is_refused(site, people, lot):
    recording.record_value(site, people["sup"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    with pytest.raises(SeparationOfDuties, match="cannot review"):
        sign(site, people["sup"], PW, lot, "REVIEWED")


def test_wrong_password_signs_nothing_and_counts_as_a_failed_login(site, people, lot):
    _record_step0(site, people["tech"], lot)
    with pytest.raises(AuthenticationFailed, match=r"attempts? left"):
        sign(site, people["tech2"], "not-my-password", lot, "VERIFIED", step_id=STEP)
    assert _step(site, lot).signatures == ()
    failed = audit_trail.events(site, action="auth.login_failed")
    assert failed[-1].user == "vic"
    assert not audit_trail.events(site, lot=lot, action="signature.sign")


def test_a_change_after_signing_invalidates_the_signature(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    recording.correct_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-9", "wrong slot")
    step = _step(site, lot)
    (sig,) = step.signatures
    assert sig.state == "invalidated" and not sig.valid
    assert "CART-IPC-00-SLOT" in sig.state_detail
    assert step.state == StepState.SIGNATURE_INVALIDATED and step.awaits_verification
    view = batches.show_batch(site, lot)
    assert view.exceptions["invalidated_signatures"] == 1
    # other steps' signatures are untouched, and a fresh verification is valid again
    again = sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    assert again.valid and _step(site, lot).verified


def test_signing_twice_the_same_unchanged_content_is_refused(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    with pytest.raises(Conflict, match="already signed"):
        sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)


def test_a_signature_copied_to_another_record_is_not_valid_there(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    batches.start_batch(site, people["tech"], "cart-auto-lv", "CT-0200", "COI-W123426000043")
    _record_step0_other = [
        ("CART-IPC-00-COI", "COI-W123426000043"),
        ("CART-IPC-00-PATIENT", "pass"),
        ("CART-IPC-00-SLOT", "SLOT-7"),
    ]
    for check, value in _record_step0_other:
        recording.record_value(site, people["tech"], "CT-0200", check, value)
    cols = [c for c in raw_dicts(site, "SELECT * FROM signature")[0] if c != "id"]
    ((other,),) = raw_sql(site, "SELECT id FROM batch WHERE lot = 'CT-0200'")
    select = ", ".join(":other" if c == "batch_id" else c for c in cols)
    raw_sql(
        site,
        f"INSERT INTO signature ({', '.join(cols)}) SELECT {select} FROM signature",
        {"other": other},
    )
    (copied,) = _step(site, "CT-0200").signatures
    assert copied.state == "broken" and "CT-0100" in copied.state_detail
    assert not _step(site, "CT-0200").verified
    assert _step(site, lot).signatures[0].valid  # the original stays valid


def test_stored_signatures_cannot_be_changed_or_removed(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    for sql in (
        "UPDATE signature SET signer_name = 'Someone Else'",
        "DELETE FROM signature",
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            raw_sql(site, sql)


def test_an_altered_statement_no_longer_verifies(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    # what an attacker with the file, or a superuser of the server, could do
    without_guards(site, "signature", "UPDATE signature SET signed_at = '2026-01-01 00:00:00+00'")
    (sig,) = _step(site, lot).signatures
    assert sig.state == "broken"


def test_refusals_before_the_password_for_both_step_signatures_at_once(site, people, lot):
    from core.services.signing_rules import refusals
    from core.signing_views import Meaning

    both = (Meaning.PERFORMED, Meaning.VERIFIED)
    before = refusals(site, people["tech"], lot, both, STEP)
    assert "recorded none of them" in before[Meaning.PERFORMED]
    assert "no recorded values" in before[Meaning.VERIFIED]
    _record_step0(site, people["tech"], lot)
    tess = refusals(site, people["tech"], lot, both, STEP)
    assert tess[Meaning.PERFORMED] is None
    assert "second person" in tess[Meaning.VERIFIED]
    vic = refusals(site, people["tech2"], lot, (Meaning.VERIFIED,), STEP)
    assert vic == {Meaning.VERIFIED: None}
    denied = audit_trail.events(site, action="auth.denied")
    assert denied == []  # asking before the password writes nothing to the trail


def test_a_typed_or_scanned_lot_or_coi_names_one_batch(site, people, lot):
    from core.services.batches import list_batches, named_exactly

    rows = list_batches(site)
    assert named_exactly(rows, lot.lower()).lot == lot
    coi = batches.show_batch(site, lot).coi_id
    assert named_exactly(rows, f" {coi} ").lot == lot
    assert named_exactly(rows, "CT-9999") is None


def test_an_entry_says_which_signatures_it_changed(site, people, lot):
    """The change notice: an entry in an unsigned step reads no signature (None); a correction
    in a signed step returns every signature of the batch as it stands after the write, the
    same as a fresh read of the batch."""
    first = recording.record_value(
        site, people["tech"], lot, "CART-IPC-00-COI", "COI-W123426000042"
    )
    assert first.signatures is None
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-PATIENT", "pass")
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    elsewhere = recording.record_value(site, people["tech"], lot, "CART-IPC-01-DIN", "W1234")
    assert elsewhere.signatures is None  # step CART-S01 is not signed: nothing to re-evaluate
    fixed = recording.correct_value(
        site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-9", "wrong slot"
    )
    (sig,) = fixed.signatures
    assert sig.state == "invalidated" and "CART-IPC-00-SLOT" in sig.state_detail
    assert fixed.signatures == batches.show_batch(site, lot).signatures


def test_a_verified_step_is_not_verified_again_until_it_changes(site, people, lot):
    """A second verification adds nothing: refused (before the password too) while the first
    holds; once a correction invalidates it, another person may verify again."""
    from core.services.signing_rules import why_not_sign
    from core.signing_views import Meaning

    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    why = why_not_sign(site, people["sup"], lot, Meaning.VERIFIED, STEP)
    assert why == f"Step {STEP} is already verified by Vic Verifier; nothing changed since."
    with pytest.raises(Conflict, match="already verified by Vic Verifier"):
        sign(site, people["sup"], PW, lot, "VERIFIED", step_id=STEP)
    recording.correct_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-9", "wrong slot")
    assert why_not_sign(site, people["sup"], lot, Meaning.VERIFIED, STEP) is None
    assert sign(site, people["sup"], PW, lot, "VERIFIED", step_id=STEP).valid
