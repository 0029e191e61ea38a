"""Refuse before asking: an action the signer may not take is off, with core's reason in words
on the screen and on hover, before any password is typed; a sign dialog that opens anyway says
at its top why it cannot succeed and asks for no password."""

from __future__ import annotations

from core.demo.sample_batch import fill_batch
from core.services import batches
from core.signing_views import Meaning
from tests.conftest import make_user
from tests.ui.conftest import login, settle, shot
from tests.ui.test_signing_ui import COI, LOT, STEP, _open_record


def test_verify_step_is_off_for_the_person_who_performed_it(qtbot, window, signers, tech):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    fill_batch(signers, tech, LOT)
    screen = _open_record(qtbot, window, "tess")
    panel = screen.signing
    qtbot.waitUntil(lambda: not panel.verify.isEnabled(), timeout=10_000)
    assert "performed" in panel.verify.toolTip().lower()
    assert panel.why.isVisible() and panel.why.text().startswith("Verify step: ")
    assert panel.verify.accessibleDescription() == panel.verify.toolTip()
    shot(window, "verify_step_refused_before_password")


def test_a_step_without_values_cannot_be_signed_yet(qtbot, window, signers, tech):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    screen = _open_record(qtbot, window, "tess")
    panel = screen.signing
    qtbot.waitUntil(lambda: not panel.perform.isEnabled(), timeout=10_000)
    assert f"Step {STEP} has no recorded values to sign." in panel.why.text()


def test_the_other_technician_may_verify(qtbot, window, signers, tech):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    fill_batch(signers, tech, LOT)
    screen = _open_record(qtbot, window, "vic")
    settle(qtbot, window.context)
    assert screen.signing.verify.isEnabled()
    assert "Verify step" not in screen.signing.why.text()


def test_the_sign_dialog_says_why_at_its_top_without_a_certificate(
    qtbot, window, signers, tech, admin
):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    fill_batch(signers, tech, LOT)
    make_user(signers, admin, "nina", "technician", "Nina New")  # no certificate issued
    screen = _open_record(qtbot, window, "nina")
    screen.signing.open_sign(Meaning.VERIFIED)  # as if the button had been left on
    dialog = screen.signing.dialog
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert dialog.refusal.isVisible()
    assert "certificate" in dialog.refusal.text() and "ca issue" not in dialog.refusal.text()
    assert not dialog.password.isEnabled() and not dialog.sign_button.isEnabled()
    shot(dialog, "sign_dialog_refused_without_certificate")


def test_review_batch_is_off_with_its_reason_while_the_lot_is_blocked(qtbot, window, signers, tech):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    fill_batch(signers, tech, LOT)
    login(qtbot, window, "sam")
    window.context.go("review", lot=LOT)
    screen = window.screen("review")
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: screen.review_why.isVisible(), timeout=10_000)
    assert not screen.review_sign.isEnabled()
    assert "cannot be reviewed yet" in screen.review_sign.toolTip()
    assert screen.review_why.text().startswith("Review batch is not possible yet: ")
