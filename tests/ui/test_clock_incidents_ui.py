"""Clock incidents and signed checkpoints on screen, on a real database: the administration tab
lists an incident opened by core (a workstation whose clock ran 30 days ahead), its clearing
dialog refuses a reason too short and keeps what was typed, then clears it with the
administrator's password; a checkpoint is signed on request; the audit trail marks the events
dated ahead; the chain check lists every problem it found; the review shows the incident."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.clock import FixedClock, local_text
from core.services import audit_trail, checkpoints, clock_incidents
from core.store import open_database
from tests.conftest import ADMIN_PASSWORD
from tests.ui.conftest import SHOTS, login, settle, shot
from tests.ui.looks import large_text_shot
from ui import theme

LOOK = Path("/tmp/shots")  # copies of the renders, for a person to look at


@pytest.fixture(autouse=True)
def _bench_size(window):
    window.resize(1366, 768)


@pytest.fixture
def ahead(site, clock):
    """One event written by a workstation whose clock read 30 days ahead, then a normal write
    (which finds it and opens incident 1); the seq of the event dated ahead."""
    fast = open_database(site.url, clock=FixedClock(clock.now() + timedelta(days=30)))
    try:
        with fast.unit_of_work("ada") as uow:
            uow.audit("test.event", "thing", "written-ahead")
    finally:
        fast.dispose()
    with site.unit_of_work("ada") as uow:
        uow.audit("test.event", "thing", "written-right")
    (incident,) = clock_incidents.incidents(site, only_open=True)
    return incident


def _look(widget, name: str, *, large: bool = True) -> None:
    """build/screens/<name>.png (and in large text), copied to /tmp/shots."""
    shot(widget, name)
    if large:
        large_text_shot(widget, f"{name}_large_text")
    LOOK.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "_large_text") if large else ("",):
        made = SHOTS / f"{name}{suffix}.png"
        shutil.copy(made, LOOK / made.name)


def _click(qtbot, context, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    settle(qtbot, context)


def _press(qtbot, context, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    settle(qtbot, context)


def _clock_tab(qtbot, window):
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = window.open_screen("admin", {"tab": "clock"})
    settle(qtbot, window.context)
    assert screen.tabs.currentWidget() is screen.clock
    return screen, screen.clock


def _cells(model, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_the_admin_tab_lists_the_incident_and_clears_it_through_the_dialog(
    qtbot, window, site, ahead
):
    context = window.context
    screen, tab = _clock_tab(qtbot, window)
    index = screen.tabs.indexOf(tab)
    assert screen.tabs.tabText(index) == "⚠ Cl&ock incidents (1 open)"
    assert tab.model.rowCount() == 1
    cells = _cells(tab.model, 0)
    assert cells[0] == str(ahead.id)
    assert cells[1] == f"event {ahead.ahead_from_seq}"  # the one event written ahead
    assert cells[2] == local_text(datetime.fromisoformat(ahead.ahead_at))  # 30 days ahead
    assert cells[3] == local_text(datetime.fromisoformat(ahead.clock_read))
    assert cells[4] == "ada"
    assert cells[5] == "⚠ Open"
    assert tab.state.text().startswith("⚠ 1 clock incident is open")
    warning = window.clock_watch.warning
    assert warning.isVisible() and warning.text() == (
        "⚠ Clock incident open (Admin → Clock incidents)"
    )
    assert tab.table.selected_row() == 0 and tab.clear.isEnabled()
    _look(window, "clock_incidents_open")

    _click(qtbot, context, tab.clear)
    dialog = tab.dialog
    assert dialog.isVisible() and dialog.focusWidget() is dialog.text
    assert f"Clock incident {ahead.id}" in dialog.explanation.text()
    _look(dialog, "clock_clear_dialog")
    # long enough with its spaces, too short as core counts it: refused before it is sent
    dialog.text.setPlainText("PC    is    off")
    dialog.password.setText(ADMIN_PASSWORD)
    _press(qtbot, context, dialog.password)
    assert dialog.isVisible()
    assert dialog.message.text().startswith(
        "✖ Say which clock was wrong and how you established it, in at least 10 characters "
        "(9 so far)"
    )
    assert dialog.focusWidget() is dialog.text
    assert clock_incidents.incidents(site, only_open=True)  # nothing was sent
    for text in (dialog.explanation, dialog.message):  # every line shown, none squeezed
        assert text.height() >= text.heightForWidth(text.width())
    _look(dialog, "clock_clear_too_short")

    reason = "PC-07 ran 30 days ahead; checked against the site time server, corrected"
    dialog.text.setPlainText(reason)
    dialog.password.setText("not-the-password")
    _press(qtbot, context, dialog.password)
    assert dialog.isVisible() and "Wrong password" in dialog.message.text()
    assert dialog.text.toPlainText() == reason  # what was typed is kept
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
    assert clock_incidents.incidents(site, only_open=True)
    _look(dialog, "clock_clear_refused")

    dialog.password.setText(ADMIN_PASSWORD)
    _press(qtbot, context, dialog.password)
    assert not dialog.isVisible()
    assert not clock_incidents.incidents(site, only_open=True)
    (cleared,) = clock_incidents.incidents(site)
    assert cleared.cleared_by == "ada" and cleared.clear_reason == reason
    assert _cells(tab.model, 0)[5].startswith("✔ Cleared by ada, 2026-11-02 ")
    assert reason in tab.model.data(tab.model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert screen.tabs.tabText(index) == "Cl&ock incidents"
    assert tab.state.text() == "✔ No clock incident is open (1 cleared earlier)."
    assert tab.message.text().startswith(f"✔ Clock incident {ahead.id} cleared by ada")
    assert not tab.clear.isEnabled() and "already cleared" in tab.clear.toolTip()
    assert not warning.isVisible()
    assert audit_trail.events(site, action="clock.clear")[-1].reason == reason
    _look(window, "clock_incidents_cleared", large=False)


def test_no_incident_means_nothing_to_clear(qtbot, window, site):
    screen, tab = _clock_tab(qtbot, window)
    assert screen.tabs.tabText(screen.tabs.indexOf(tab)) == "Cl&ock incidents"
    assert tab.model.rowCount() == 0
    assert tab.state.text() == "✔ No clock incident is open."
    assert not tab.clear.isEnabled() and "Select an open incident" in tab.clear.toolTip()
    assert not window.clock_watch.warning.isVisible()


def test_an_administrator_signs_a_checkpoint_now(qtbot, window, site):
    context = window.context
    _screen, tab = _clock_tab(qtbot, window)
    before = checkpoints.checkpoints(site)
    assert tab.checkpoint_model.rowCount() == len(before)
    _click(qtbot, context, tab.sign)
    dialog = tab.dialog
    dialog.password.setText("not-the-password")
    _press(qtbot, context, dialog.password)
    assert dialog.isVisible() and "password" in dialog.message.text()  # core's refusal
    assert dialog.message.text().startswith("✖ ") and dialog.password.text() == ""
    assert len(checkpoints.checkpoints(site)) == len(before)
    _look(dialog, "clock_checkpoint_refused")
    dialog.password.setText(ADMIN_PASSWORD)
    _press(qtbot, context, dialog.password)
    assert not dialog.isVisible()
    after = checkpoints.checkpoints(site)
    assert len(after) == len(before) + 1
    newest = after[-1]
    assert newest.purpose == "request" and newest.signer == "ada"
    row = _cells(tab.checkpoint_model, 0)
    assert row[1:] == ["ada", "on request", f"event {newest.seq}, {newest.hash[:16]}…"]
    assert tab.message.text() == f"✔ Checkpoint signed by ada on event {newest.seq}."
    _look(window, "clock_checkpoint_signed", large=False)


def test_the_audit_trail_marks_the_events_dated_ahead(qtbot, window, site, admin, ahead):
    context = window.context
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = window.open_screen("audit")
    settle(qtbot, context)
    model = screen.model
    row = model.row_of(ahead.ahead_from_seq)
    assert model.data(model.index(row, 0)) == f"⚠ {ahead.ahead_from_seq}"
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Dated ahead of a later clock — clock incident {ahead.id} open.")
    assert model.data(model.index(row, 1), Qt.ItemDataRole.ToolTipRole) == tip
    later = model.row_of(ahead.opened_seq)  # the incident's own event: dated right
    assert model.data(model.index(later, 0)) == str(ahead.opened_seq)
    assert model.dated_ahead() == [ahead.ahead_from_seq]
    assert screen.ahead.isVisible() and screen.ahead.text() == (
        f"⚠ 1 event dated ahead of a later clock: clock incident {ahead.id} open"
    )
    screen.table.select_row(row)
    _look(window, "clock_audit_trail_marked")

    clock_incidents.clear_incident(
        site, admin, ADMIN_PASSWORD, ahead.id, "PC-07 ran 30 days ahead; NTP restored"
    )
    _click(qtbot, context, screen.apply_button)
    row = model.row_of(ahead.ahead_from_seq)
    assert model.data(model.index(row, 0)) == str(ahead.ahead_from_seq)
    assert not model.dated_ahead() and not screen.ahead.isVisible()


def test_verify_lists_every_problem_it_found(qtbot, window, site, tech):
    context = window.context
    login(qtbot, window, "tess")
    screen = window.open_screen("audit")
    settle(qtbot, context)
    _click(qtbot, context, screen.verify_button)
    assert screen.verify_message.text().startswith("✔ Audit trail intact")
    assert "state rows match their seals" in screen.verify_message.text()
    assert screen.problems.isHidden()

    conn = sqlite3.connect(site.path)  # rows changed behind Lotbook's back; the chain untouched
    conn.execute("UPDATE app_user SET full_name = 'Mallory' WHERE username IN ('tess', 'tqa')")
    conn.commit()
    conn.close()
    _click(qtbot, context, screen.verify_button)
    report = audit_trail.verify(site)
    assert len(report.problems) == 2
    text = screen.verify_message.text()
    assert text.startswith(f"✖ {report.summary()}")
    assert "2 problems listed below" in text and "Report this to QA" in text
    assert screen.problems.isVisible()
    assert screen.problems.problems() == list(report.problems)
    assert screen.problems.toPlainText().startswith(f"• {report.problems[0]}\n• ")
    assert screen.table.height() >= 3 * theme.TOUCH  # the events stay in view: two rows at least
    assert screen.splitter.geometry().bottom() < screen.height()  # nothing pushed off the screen
    _look(window, "clock_verify_problems")

    _click(qtbot, context, screen.verify_button)  # checked again: the list is the new one
    assert screen.problems.isVisible()
    assert screen.problems.problems() == list(report.problems)


def test_the_review_shows_the_open_incident_over_the_lot(qtbot, window, site, clock, people, lot):
    from core.services import recording

    right = clock.now()
    clock.set(right + timedelta(days=30))
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-COI", "COI-W123426000042")
    clock.set(right + timedelta(minutes=1))
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-PATIENT", "pass")

    login(qtbot, window, "sam")
    window.context.go("review", lot=lot)
    screen = window.screen("review")
    qtbot.waitUntil(lambda: screen.review is not None and screen.lot == lot, timeout=10_000)
    settle(qtbot, window.context)
    model = screen.model
    rows = [r for r in range(model.rowCount()) if "Clock incident" in model.data(model.index(r, 0))]
    assert len(rows) == 1
    assert model.data(model.index(rows[0], 1)) == "✖ Blocks release"
    assert window.clock_watch.warning.text() == (
        "⚠ Clock incident open (an administrator clears it)"
    )
    screen.table.select_row(rows[0])
    _look(window, "clock_review_item")
