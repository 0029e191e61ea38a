"""The batch record with the keyboard only: F6 reaches the steps and ↑/↓ browse them without
losing the focus, Enter goes to the first open check, F8 to the scan field; Tab and Shift+Tab
visit the same stops in mirror order, each stop shows its focus and takes what is typed; after a
step's last check the focus goes to what comes next, with a line saying so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)

from tests.ui.conftest import settle, shot
from tests.ui.test_batch_record import COI, go_to_step, open_batch, type_and_enter

# a widget the style sheet gives a visible focus (ui/theme.py), and that does something with keys
FOCUSABLE = (QLineEdit, QAbstractButton, QComboBox, QAbstractItemView, QPlainTextEdit)


def test_f6_reaches_the_steps_and_enter_goes_to_the_checks(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert screen.step_list.hasFocus()
    qtbot.keyClick(screen.step_list, Qt.Key.Key_Down)
    assert screen.form.step.id == "CART-S04" and screen.step_list.hasFocus()  # still browsing
    qtbot.keyClick(screen.step_list, Qt.Key.Key_Return)
    first_open = screen.form.row(screen.form.order[0])
    assert QApplication.focusWidget() is first_open.entry


def test_f8_goes_to_the_scan_field(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    screen.form.row("CART-IPC-03-VOL").entry.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8)
    assert QApplication.focusWidget() is screen.form.row("CART-IPC-03-COI").entry


def _walk(qtbot, key, modifier, steps: int) -> list:
    stops = []
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)
        stops.append(QApplication.focusWidget())
    return stops


def test_tab_and_shift_tab_mirror_each_other_and_every_stop_shows_focus(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    start = screen.form.row("CART-IPC-03-COI").entry
    start.setFocus()
    forward = _walk(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, 12)
    backward = _walk(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier, 12)
    assert backward == [*reversed(forward[:-1]), start]
    for widget in forward:
        assert isinstance(widget, FOCUSABLE), f"a focus stop that shows no focus: {widget!r}"


def _finish_step_s00(qtbot, window, site, tech):
    """tess (who can sign) records the three checks of CART-S00 with the keyboard; the focus
    ends on "Sign as performed"."""
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S00")
    type_and_enter(qtbot, screen, "CART-IPC-00-COI", COI)
    type_and_enter(qtbot, screen, "CART-IPC-00-PATIENT", "pass")
    settle(qtbot, screen.context)
    qtbot.waitUntil(lambda: screen.signing.perform.isEnabled(), timeout=10_000)
    type_and_enter(qtbot, screen, "CART-IPC-00-SLOT", "SLOT-7")
    qtbot.waitUntil(lambda: screen.signing.perform.hasFocus(), timeout=10_000)
    return screen


def test_after_the_last_check_the_focus_goes_to_what_comes_next(qtbot, window, signers, site, tech):
    screen = _finish_step_s00(qtbot, window, site, tech)
    assert "Every check of CART-S00 is in. Next: sign it as performed" in screen.message.text()
    shot(window, "batch_step_done_next_action")


def test_after_the_last_check_without_a_signature_to_give_the_next_step_follows(
    qtbot, window, site, tech
):
    """tess has no certificate yet, so she cannot sign: the next step is what comes next."""
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S00")
    type_and_enter(qtbot, screen, "CART-IPC-00-COI", COI)
    type_and_enter(qtbot, screen, "CART-IPC-00-PATIENT", "pass")
    type_and_enter(qtbot, screen, "CART-IPC-00-SLOT", "SLOT-7")
    assert screen.step_list.hasFocus()
    assert "Next: step CART-S01" in screen.message.text()


def test_enter_on_sign_as_performed_opens_the_sign_dialog(qtbot, window, signers, site, tech):
    screen = _finish_step_s00(qtbot, window, site, tech)
    qtbot.keyClick(screen.signing.perform, Qt.Key.Key_Return)
    dialog = screen.signing.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert dialog.focusWidget() is dialog.password
    dialog.reject()


def test_keys_typed_into_a_recorded_value_are_not_lost_silently(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S00")
    row = type_and_enter(qtbot, screen, "CART-IPC-00-COI", COI)
    row.entry.setFocus()
    qtbot.keyClicks(row.entry, "pass")
    assert row.entry.text() == row.check.current.shown_amount  # the recorded value stays
    assert "is recorded: F2 corrects it" in row.message.text()


def test_the_review_opens_on_the_lot_on_screen_and_qc_leads_back(qtbot, window, site, tech, admin):
    from core.services import batches
    from tests.conftest import make_user
    from tests.ui.conftest import login

    batches.start_batch(site, tech, "cart-auto-lv", "CT-0041", "COI-W123426000041")
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0042", COI)
    make_user(site, admin, "sam", "supervisor", "Sam Supervisor")
    login(qtbot, window, "sam")
    window.context.go("batch", lot="CT-0042")
    settle(qtbot, window.context)
    qtbot.mouseClick(window.nav["review"], Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    review = window.screen("review")
    qtbot.waitUntil(lambda: review.lot == "CT-0042", timeout=10_000)
    window.context.go("qc", lot="CT-0042")
    settle(qtbot, window.context)
    qc = window.screen("qc")
    assert qc.header.record.isVisible()
    qtbot.mouseClick(qc.header.record, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    assert window.current == "batch" and window.screen("batch").lot == "CT-0042"
