"""The audit-trail screen on a real database: filters, the detail of one event, the chain check
(intact, then broken by tampering), and export only for roles that may."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, Qt

from core.services import audit_trail
from core.services.batches import start_batch
from tests.conftest import ADMIN_PASSWORD
from tests.ui.conftest import login, settle, shot

COI = "COI-W123426000042"


@pytest.fixture
def berlin():
    """Local time is Central European (UTC+1 in November): local dates differ from UTC ones."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def two_lots(site, tech, clock):
    """CT-0001 started on 2 November (local); MSC-0001 at 00:30 local on 3 November."""
    start_batch(site, tech, "cart-auto-lv", "CT-0001", COI)
    clock.set(datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    start_batch(site, tech, "msc-expanded", "MSC-0001")


def _open(qtbot, window):
    screen = window.open_screen("audit")
    settle(qtbot, window.context)
    return screen


def _show(qtbot, screen):
    qtbot.mouseClick(screen.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, screen.context)
    return screen.model.events()


def _cell(screen, row: int, column: int) -> str:
    return screen.model.data(screen.model.index(row, column))


def _tamper(db, sql: str) -> None:
    conn = sqlite3.connect(db.path)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("DROP TRIGGER audit_event_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_the_trail_is_shown_newest_first_in_local_time(qtbot, window, site, two_lots, berlin):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    everything = audit_trail.events(site)
    assert [e.seq for e in screen.model.events()] == [e.seq for e in reversed(everything)]
    assert screen.count.text().startswith(f"{len(everything)} events, newest first")
    newest = screen.model.events()[0]
    assert newest.action == "batch.start" and newest.lot == "MSC-0001"
    assert _cell(screen, 0, 1) == "2026-11-03 00:30:00 CET"
    tip = screen.model.data(screen.model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert tip == "2026-11-03 00:30:00 CET (UTC+01:00)"
    assert _cell(screen, 0, 4) == "MSC-0001"
    assert "→ coi_id: null" in _cell(screen, 0, 7) and "lot: MSC-0001" in _cell(screen, 0, 7)
    shot(window, "audit_trail")


def test_filter_by_lot_user_action_and_local_dates(qtbot, window, site, two_lots, berlin):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)

    screen.lot.setText("CT-0001")
    qtbot.keyClick(screen.lot, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    shown = screen.model.events()
    assert shown and {e.lot for e in shown} == {"CT-0001"}
    assert [e.seq for e in shown] == [
        e.seq for e in reversed(audit_trail.events(site, lot="CT-0001"))
    ]
    assert "matching the filters" in screen.count.text()
    shot(window, "audit_trail_lot")

    screen.lot.setText("CT-9999")
    assert _show(qtbot, screen) == []
    assert screen.message.isVisible() and "CT-9999" in screen.message.text()
    assert screen.message.text().startswith("✖")
    shot(window, "audit_trail_unknown_lot")

    screen.lot.clear()
    screen.user.setText("ADA")  # usernames are lower case; the filter forgives capitals
    shown = _show(qtbot, screen)
    assert not screen.message.isVisible()
    assert shown and {e.user for e in shown} == {"ada"}
    assert ("user.create", "tess") in {(e.action, e.entity_id) for e in shown}

    screen.action.setCurrentText("batch.")
    assert _show(qtbot, screen) == []  # ada started no batch
    screen.user.clear()
    assert {e.lot for e in _show(qtbot, screen)} == {"CT-0001", "MSC-0001"}

    # 23:30 UTC on 2 November is 00:30 on 3 November in Berlin: the local day decides.
    screen.since.setDate(QDate(2026, 11, 3))
    assert [e.lot for e in _show(qtbot, screen)] == ["MSC-0001"]
    screen.since.clear_date()
    screen.until.setDate(QDate(2026, 11, 2))
    qtbot.keyClick(screen.until, Qt.Key.Key_Return)  # Enter in a date applies the filters
    settle(qtbot, window.context)
    assert [e.lot for e in screen.model.events()] == ["CT-0001"]
    screen.since.setDate(QDate(2026, 11, 3))
    qtbot.mouseClick(screen.apply_button, Qt.MouseButton.LeftButton)
    assert "'From' date is after the 'To' date" in screen.message.text()

    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    assert screen.model.rowCount() == len(audit_trail.events(site))
    assert not screen.since.is_set() and screen.action.currentText() == "All"


def test_an_open_date_filter_steps_from_today(qtbot, window, tech):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    assert screen.since.text() == "any date" and screen.since.local_day_start() is None
    qtbot.keyClick(screen.since, Qt.Key.Key_Up)
    assert screen.since.date() == QDate.currentDate()
    qtbot.keyClick(screen.since, Qt.Key.Key_Up)
    assert screen.since.date() != QDate.currentDate()  # then it steps like any date field


def test_the_detail_pane_shows_the_whole_change_and_the_hashes(qtbot, window, site, tech):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    assert screen.detail.title.text() == "No event selected."
    event = next(e for e in audit_trail.events(site) if e.entity_id == "tess")
    assert event.action == "user.create"
    screen.table.setFocus()
    screen.table.select_row(screen.model.row_of(event.seq))
    assert screen.detail.title.text().startswith(
        f"Event {event.seq} · user added (user.create) · by ada"
    )
    change = screen.detail.change.toPlainText()  # field by field, in words
    assert "full_name\n—\nTess Technician" in change and "{" not in change
    assert screen.detail.tabs.currentWidget() is screen.detail.change
    assert '"full_name": "Tess Technician"' in screen.detail.new_text.toPlainText()
    assert screen.detail.old_text.toPlainText() == "(nothing)"
    assert (
        screen.detail.prev_hash.text() == event.prev_hash
        and screen.detail.hash.text() == event.hash
    )
    shot(window, "audit_trail_detail")


def test_verify_shows_intact_then_names_the_tampered_event(qtbot, window, site, two_lots):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    trail = audit_trail.events(site)
    assert screen.verify_message.text() == (
        f"✔ Audit trail intact: {len(trail)} events, chain head {trail[-1].hash}. "
        f"{audit_trail.verify(site).state_rows} state rows match their seals; 0 anchors hold."
    )
    assert screen.problems.isHidden()
    assert screen.progress.maximum() == screen.progress.value() == len(trail)
    assert screen.verify_button.isEnabled()
    shot(window, "audit_trail_intact")

    target = next(e for e in trail if e.action == "batch.start" and e.lot == "CT-0001")
    _tamper(
        site,
        'UPDATE audit_event SET body = replace(body, \'"user":"tess"\', \'"user":"mallory"\') '
        f"WHERE seq = {target.seq}",
    )
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    text = screen.verify_message.text()
    assert text.startswith(
        f"✖ Audit trail BROKEN at event {target.seq}: its content does not match its hash"
    )
    assert "Report this to QA" in text
    row = screen.model.row_of(target.seq)
    assert screen.table.selected_row() == row
    assert _cell(screen, row, 0) == f"✖ {target.seq}"
    title = screen.detail.title.text()
    assert title.startswith(f"Event {target.seq} · batch started (batch.start)")
    shot(window, "audit_trail_broken")


def test_a_technician_may_not_export(qtbot, window, tech):
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    assert screen.export_button.isHidden()
    screen.choose_export()
    assert screen.export_dialog is None


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_an_admin_exports_the_trail(qtbot, window, site, tmp_path, two_lots, suffix):
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = _open(qtbot, window)
    assert not screen.export_button.isHidden()
    screen.lot.setText("CT-0001")
    _show(qtbot, screen)
    expected = audit_trail.events(site, lot="CT-0001")  # what the file must hold
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    dialog = screen.export_dialog
    assert dialog is not None and dialog.isVisible()
    target = tmp_path / f"trail.{suffix}"
    dialog.selectFile(str(target))
    dialog.accept()
    settle(qtbot, window.context)
    n = len(expected)
    exported = audit_trail.events(site)[-1]  # the export itself is in the trail now
    assert (exported.action, exported.user, exported.lot) == ("audit.export", "ada", "CT-0001")
    assert screen.message.text().startswith(
        f"✔ Exported {n} event{'s' if n != 1 else ''} (the events of lot CT-0001) to {target}"
    )
    if suffix == "json":
        document = json.loads(target.read_text("utf-8"))
        assert document["chain"]["intact"] is True
        assert [e["seq"] for e in document["events"]] == [e.seq for e in expected]
    else:
        lines = target.read_text("utf-8-sig").splitlines()
        assert lines[0].startswith("seq,at,user,action")
        assert len(lines) == len(expected) + 1


def test_a_result_arriving_after_log_out_is_dropped(qtbot, window, site, tech, monkeypatch):
    """The screen is gone (another user, or nobody) when a long chain check ends: no error."""
    from PySide6.QtCore import QCoreApplication, QEvent

    release = threading.Event()
    real_verify = audit_trail.verify

    def slow_verify(db, progress=None):
        assert release.wait(10)
        return real_verify(db, progress)

    monkeypatch.setattr(audit_trail, "verify", slow_verify)
    login(qtbot, window, "tess")
    screen = _open(qtbot, window)
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    window.context.log_out()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert window.screen("audit") is None
    release.set()
    settle(qtbot, window.context)  # pytest-qt fails the test on an exception in a callback
    assert window.stack.currentWidget() is window.login
