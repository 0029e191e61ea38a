"""The batch screen, driven with the keyboard as at the bench: record in-spec and out-of-spec
values, answer the out-of-spec demand in place, correct with a reason and find the correction in
the history and the audit trail, and a scan that does not match is blocked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from core.services import audit_trail, batches
from tests.ui.conftest import login, settle, shot

LOT, COI = "CT-0042", "COI-W123426000042"


def open_batch(qtbot, window, site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    login(qtbot, window, "tess")
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def go_to_step(qtbot, screen, step_id):
    row = screen.steps.row_of(step_id)
    screen.step_list.setCurrentIndex(screen.steps.index(row))
    assert screen.form.step.id == step_id


def type_and_enter(qtbot, screen, check_id, text):
    row = screen.form.row(check_id)
    row.entry.setFocus()
    row.entry.clear()
    qtbot.keyClicks(row.entry, text)
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000, raising=False):
        qtbot.keyClick(row.entry, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    return row


def test_record_in_spec_and_out_of_spec_with_the_keyboard(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S04")
    row = type_and_enter(qtbot, screen, "CART-IPC-04-VIAB", "85,5")
    assert row.entry.text() == "85.5" and row.unit.text() == "%"  # the unit once, beside it
    assert row.entry.isReadOnly()
    assert row.verdict_text == "✔ Pass"
    focused = QApplication.focusWidget()
    assert focused is screen.form.row("CART-IPC-04-CD3").entry  # Enter moved on
    shot(window, "batch_step_recorded")

    go_to_step(qtbot, screen, "CART-S03")
    row = type_and_enter(qtbot, screen, "CART-IPC-03-VIAB", "65")
    assert row.verdict_text.startswith("✖ Out of spec")
    assert row.demand.isVisible() and QApplication.focusWidget() is row.comment
    assert "below 70.0 % (action limit)" in row.demand_text.text()
    assert screen.header.exceptions.text().startswith("✖ 1 out of spec")
    qtbot.waitUntil(lambda: not row.demand.visibleRegion().isEmpty())
    shot(window, "batch_oos_demand")
    qtbot.keyClicks(row.comment, "long transport, QA informed")
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000):
        qtbot.keyClick(row.comment, Qt.Key.Key_Return)
    assert not row.demand.isVisible() and row.verdict_text == "✖ Out of spec"
    assert "comment: long transport, QA informed" in row.who.text()


def test_correction_keeps_history_and_is_in_the_audit_trail(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S04")
    row = type_and_enter(qtbot, screen, "CART-IPC-04-VIAB", "58.5")
    qtbot.keyClicks(row.comment, "recount planned")
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000):
        qtbot.keyClick(row.comment, Qt.Key.Key_Return)
    row.entry.setFocus()
    qtbot.keyClick(row.entry, Qt.Key.Key_F2)
    dialog = screen.dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.value, "85,5")
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)  # no reason yet: refused in place
    assert "reason" in dialog.message.text()
    qtbot.keyClicks(dialog.reason, "digits swapped when typing")
    shot(dialog, "correction_dialog")
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert row.entry.text() == "85.5" and row.verdict_text == "✔ Pass"
    window.activateWindow()  # as the window manager does when a dialog closes
    qtbot.waitUntil(lambda: row.entry.hasFocus())  # the focus stays on the corrected value
    qtbot.keyClick(row.entry, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = screen.dialog
    model = history.model
    assert model.rowCount() == 3  # entry, justification, correction
    assert model.data(model.index(0, 1)) == "58.5 %"
    assert model.data(model.index(2, 1)) == "85.5 %"
    assert model.data(model.index(2, 0)) == "v3 · correction"
    assert model.data(model.index(2, 6)) == "digits swapped when typing"
    assert model.data(model.index(2, 5)) == "—"  # typed, not measured by an instrument
    assert history.table.isColumnHidden(5)  # so the reasons have the room
    assert history.table.selected_row() == 2  # the newest, written out in full below
    assert "v3 (correction): 85.5 %" in history.detail.text()
    assert history.detail.text().endswith("digits swapped when typing")
    shot(history, "history_dialog")
    events = audit_trail.events(site, lot=LOT)
    correction = [e for e in events if e.action == "result.correct"]
    assert len(correction) == 1 and correction[0].reason == "digits swapped when typing"


def test_derived_values_appear_with_their_formula(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S07-D0")
    type_and_enter(qtbot, screen, "CART-IPC-07-VCD-D0", "1,0e6")
    type_and_enter(qtbot, screen, "CART-IPC-07-VOL-D0", "100")
    tvc = screen.form.row("CART-IPC-07-TVC-D0")
    assert tvc.entry.text() == "1.00×10⁸" and tvc.unit.text() == "cells"
    assert tvc.toolTip().startswith("Calculated: vcd × volume_ml")
    assert tvc.entry.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_drafts_survive_a_lock(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S04")
    row = screen.form.row("CART-IPC-04-VIAB")
    qtbot.keyClicks(row.entry, "8")
    window.context.lock()
    assert window.stack.currentWidget() is window.login
    login(qtbot, window, "tess")
    assert window.screen("batch").form.row("CART-IPC-04-VIAB").entry.text() == "8"
    assert window.context.drafts.get("tess", LOT, "CART-IPC-04-VIAB") == "8"


def test_qc_results_are_grouped_by_attribute(qtbot, window, site, tech, admin):
    from tests.conftest import make_user

    make_user(site, admin, "cleo", "qc", "Cleo Control")  # release results are QC's
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    login(qtbot, window, "cleo")
    window.context.go("qc", lot=LOT)
    qc = window.screen("qc")
    qtbot.waitUntil(lambda: qc.view is not None and qc.form.step is not None, timeout=10_000)
    assert qc.steps.rowCount() == 1 and qc.form.step.is_release
    headings = [w.text() for w in qc.form.widget().findChildren(QLabel, "attribute-heading")]
    assert headings[:3] == ["<b>Appearance</b>", "<b>Identity</b>", "<b>Strength</b>"]
    row = type_and_enter(qtbot, qc, "CART-REL-05", "78,5")
    assert row.verdict_text == "✖ Out of spec · not final"
    assert "below 80.0 %" in row.demand_text.text()
    shot(window, "qc_results")


def test_an_unexpected_error_is_logged_and_the_entry_kept(qtbot, window, site, tech, monkeypatch):
    import core.services.recording as recording
    from core.paths import log_dir

    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S04")

    def broken(*args, **kwargs):
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(recording, "record_value", broken)
    log = log_dir() / "lotbook.log"
    import logging

    handler = logging.FileHandler(log_dir().mkdir(parents=True, exist_ok=True) or log)
    logging.getLogger("lotbook").addHandler(handler)
    try:
        row = screen.form.row("CART-IPC-04-VIAB")
        row.entry.setFocus()
        qtbot.keyClicks(row.entry, "85,5")
        qtbot.keyClick(row.entry, Qt.Key.Key_Return)
        settle(qtbot, screen.context)
    finally:
        logging.getLogger("lotbook").removeHandler(handler)
        handler.close()
    assert row.entry.text() == "85,5" and not row.entry.isReadOnly()  # nothing lost
    assert "Something unexpected went wrong" in row.message.text()
    assert "Data already saved is safe" in row.message.text()
    assert "disk unplugged" in log.read_text()
    assert window.context.drafts.get("tess", LOT, "CART-IPC-04-VIAB") == "85,5"


def test_large_text_mode_keeps_the_batch_screen_usable(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S04")
    window.large.click()
    try:
        row = screen.form.row("CART-IPC-04-VIAB")
        assert row.entry.height() >= 44 and row.correct.height() >= 44
        assert row.entry.font().pointSize() >= 16 or window.font().pointSize() >= 16
        shot(window, "batch_large_text")
    finally:
        window.large.click()


def test_a_batch_opens_where_work_continues(qtbot, window, tmp_path):
    """The demo CAR-T batch: the day-5 in-process control is the last step in the template with
    entries and it is complete, so the batch opens at the next open step, the day-10 safety IPC,
    on its first check."""
    from core.demo.people import DEMO_PASSWORD
    from tests.core.report_samples import demo_copy

    demo = demo_copy(tmp_path)  # built once per run
    window.context.set_database(demo, 10)
    login(qtbot, window, "tess", DEMO_PASSWORD)
    window.context.go("batch", lot="CT-2026-0042")
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.form.step is not None, timeout=10_000)
    assert screen.form.step.id == "CART-S07B"
    assert QApplication.focusWidget() is screen.form.row("CART-IPC-07B-STER").entry
    demo.dispose()
