"""Check rows that follow core's rules, at the bench: the patient's weight switches the dose rows
(per kg at 50 kg and below, total above); a check that does not apply says why and takes no
entry; one whose applicability is not known yet names the check to record first; an impossible
value is refused with core's reason, the typed text kept and selected; an instrument value shows
when the instrument measured it (and in which zone) beside when it was entered."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.clock import local_text
from core.services import audit_trail, batches, imports, recording
from tests.data import INSTRUMENT_SAMPLES
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot
from tests.ui.test_batch_record import LOT, go_to_step, open_batch, type_and_enter

WEIGHT, DOSE, TOTAL = "CART-IPC-10-WEIGHT", "CART-IPC-10-DOSE", "CART-IPC-10-DOSE-TOTAL"
PER_KG = "CART-IPC-10-WEIGHT (Patient body weight) ≤ 50 kg"
FRESH = "CART-IPC-02-FORM (Starting material shipped) is Fresh (2–8 °C)"


def _cells(site, tech) -> None:
    for check, value in (
        ("CART-IPC-10-VCD", "3.0e6"),
        ("CART-IPC-10-FILL", "50"),
        ("CART-IPC-10-CD3", "97"),
        ("CART-IPC-10-CAR", "35"),
    ):
        recording.record_value(site, tech, LOT, check, value)


def test_the_weight_entry_switches_the_dose_rows(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    _cells(site, tech)
    screen.reload()
    qtbot.waitUntil(lambda: screen.view.check("CART-IPC-10-VCD").current is not None)
    go_to_step(qtbot, screen, "CART-S10")
    dose, total = screen.form.row(DOSE), screen.form.row(TOTAL)
    for row in (dose, total):  # not known until the weight is recorded: it says which first
        assert row.verdict_text == "? Not known yet" and row.entry.isReadOnly()
        assert "record that check first" in row.who.text()
    assert dose.who.text() == f"not known yet — applies only when {PER_KG}: record that check first"
    screen.form.ensureWidgetVisible(total)
    shot(window, "check_rows_dose_unknown")

    type_and_enter(qtbot, screen, WEIGHT, "68")
    assert screen.form.row(WEIGHT).entry.text() == "68.0"
    assert dose.verdict_text == "– Does not apply" and dose.entry.text() == ""
    assert dose.who.text() == f"does not apply — applies only when {PER_KG}"
    assert dose.entry.placeholderText() == "does not apply" and not dose.open
    assert total.entry.text() == "5.09×10⁷" and total.verdict_text == "✔ Pass"
    assert "Tess Technician" in total.who.text()
    rows = [screen.steps.step(r) for r in range(screen.steps.rowCount())]
    step = next(s for s in rows if s.id == "CART-S10")
    assert not next(c for c in step.checks if c.id == DOSE).required
    screen.form.ensureWidgetVisible(total)
    shot(window, "check_rows_dose_switched")
    large_text_shot(dose, "check_row_not_applicable_large_text")
    window.large.click()  # the whole screen in large text, the switched rows in view
    try:
        screen.form.ensureWidgetVisible(total)
        assert dose.who.height() >= dose.who.heightForWidth(dose.who.width())  # not clipped
        shot(window, "check_rows_dose_switched_large_text")
    finally:
        window.large.click()


def test_a_check_that_does_not_apply_shows_why_and_takes_no_entry(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    temp = screen.form.row("CART-IPC-03-TEMP")
    assert temp.verdict_text == "? Not known yet"
    assert temp.who.text() == (
        f"not known yet — applies only when {FRESH}: record that check first"
    )
    go_to_step(qtbot, screen, "CART-S02")
    type_and_enter(qtbot, screen, "CART-IPC-02-FORM", "Cryopreserved")
    go_to_step(qtbot, screen, "CART-S03")
    temp, cryo = screen.form.row("CART-IPC-03-TEMP"), screen.form.row("CART-IPC-03-TEMP-CRYO")
    assert temp.verdict_text == "– Does not apply"
    assert temp.who.text() == f"does not apply — applies only when {FRESH}"
    assert temp.entry.accessibleDescription() == temp.who.text()  # read out by a screen reader
    assert cryo.verdict_text == "○ Not recorded" and not cryo.entry.isReadOnly()
    assert temp.entry.focusPolicy() == Qt.FocusPolicy.NoFocus  # Tab and Enter pass it by
    before = len(audit_trail.events(site, lot=LOT))
    temp.entry.setFocus()
    qtbot.keyClicks(temp.entry, "5")
    qtbot.keyClick(temp.entry, Qt.Key.Key_Return)
    assert temp.entry.text() == "" and temp.check.current is None
    assert len(audit_trail.events(site, lot=LOT)) == before  # nothing was sent, nothing kept

    screen.form.row("CART-IPC-03-COI").entry.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is cryo.entry  # BAG, then past TEMP to TEMP-CRYO
    type_and_enter(qtbot, screen, "CART-IPC-03-TEMP-CRYO", "-150")
    assert cryo.verdict_text == "✔ Pass"
    assert QApplication.focusWidget() is screen.form.row("CART-IPC-03-VOL").entry
    screen.form.ensureWidgetVisible(temp)
    shot(window, "check_row_not_applicable")


def test_an_impossible_value_is_refused_and_the_text_kept_selected(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S10")
    row = screen.form.row(WEIGHT)
    row.entry.setFocus()
    qtbot.keyClicks(row.entry, "-70")
    qtbot.keyClick(row.entry, Qt.Key.Key_Return)  # refused: no entry_applied to wait for
    settle(qtbot, screen.context)
    qtbot.waitUntil(lambda: "700 kg" in row.message.text())
    assert "body weight lies between 0.2 and 700 kg" in row.message.text()
    assert "nothing was recorded" in row.message.text()
    assert row.entry.text() == "-70" and row.entry.selectedText() == "-70"
    assert row.entry.hasFocus() and not row.entry.isReadOnly()
    assert row.check.current is None and screen.view.check(WEIGHT).current is None
    assert batches.show_batch(site, LOT).check(WEIGHT).current is None
    shot(window, "check_row_impossible_value")
    qtbot.keyClicks(row.entry, "68")  # the next try replaces the refused text
    qtbot.keyClick(row.entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row.check.current is not None)
    assert row.entry.text() == "68.0"


def _vicell(tmp_path: Path) -> Path:
    """A Vi-CELL BLU export of one D0 sample, re-dated to the tests' morning (Berlin time)."""
    lines = (INSTRUMENT_SAMPLES / "vi-cell-blu-export.csv").read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    cells[0], cells[lines[0].split(",").index("Analysis date/time")] = "D0", "11/2/2026 9:05"
    path = tmp_path / "counts.csv"
    path.write_text(f"{lines[0]}\n{','.join(cells)}\n", "utf-8")
    return path


def test_an_instrument_value_shows_when_it_was_measured(qtbot, window, site, tech, tmp_path):
    screen = open_batch(qtbot, window, site, tech)
    imports.import_file(site, tech, LOT, _vicell(tmp_path), timezone="Europe/Berlin")
    screen.reload()
    qtbot.waitUntil(lambda: screen.view.check("CART-IPC-07-VCD-D0").current is not None)
    go_to_step(qtbot, screen, "CART-S07-D0")
    row = screen.form.row("CART-IPC-07-VCD-D0")
    current = row.check.current
    assert current.measured_zone == "Europe/Berlin"
    entered, measured = local_text(current.recorded_at), local_text(current.measured_at)
    assert f"Tess Technician, entered {entered}" in row.who.text()
    assert f"measured {measured} (instrument: Europe/Berlin)" in row.who.text()
    shot(window, "check_row_instrument_value")
    window.large.click()
    try:
        screen.form.ensureWidgetVisible(row)
        assert row.unit.width() >= row.unit.sizeHint().width()  # "cells/mL" whole
        shot(window, "check_row_instrument_value_large_text")
    finally:
        window.large.click()
    row.entry.setFocus()
    qtbot.keyClick(row.entry, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = screen.dialog
    model = history.model
    assert model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Entered"
    )
    assert model.data(model.index(0, 4)) == entered
    assert model.data(model.index(0, 5)) == f"{measured} (instrument: Europe/Berlin)"
    shot(history, "history_instrument_value")


def test_an_unconfirmed_example_limit_carries_its_caveat(qtbot, window, site, tech):
    """A batch whose template version holds no valid approval (an older site's batch, started
    before approvals existed): every example limit says it is not confirmed, wherever it shows."""
    import sqlite3

    from core.records import template_versions as templates

    batches.start_batch(site, tech, "cart-auto-lv", LOT, "COI-W123426000042")
    conn = sqlite3.connect(site.path)
    conn.execute("DROP TRIGGER template_approval_no_delete")
    conn.execute("DELETE FROM template_approval")
    conn.commit()
    conn.close()
    templates._APPROVED.clear()  # a new process would not have it cached
    login(qtbot, window, "tess")
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    go_to_step(qtbot, screen, "CART-S04")
    row = screen.form.row("CART-IPC-04-VIAB")
    caveat = row.check.caveat
    assert caveat and "not yet confirmed by the site's QA" in caveat
    assert row.meta.text().endswith("spec: ≥ 70.0 %; alert below 80.0 % ⚠")
    assert row.who.text() == f"⚠ {caveat}"  # in full, where the row has the room
    assert row.verdict.toolTip().endswith(f"⚠ {caveat}")
    window.activateWindow()
    screen.form.row("CART-IPC-04-CD3").entry.setFocus()
    row.entry.setFocus()  # the details beside the form follow the focus
    qtbot.waitUntil(lambda: escape(caveat) in screen.details.text.text())
    screen.form.ensureWidgetVisible(row)
    shot(window, "check_row_example_limit_caveat")
    row = type_and_enter(qtbot, screen, "CART-IPC-04-VIAB", "85")
    row.entry.setFocus()
    qtbot.keyClick(row.entry, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert row.who.text().endswith(f"· ⚠ {caveat}")  # still there beside who recorded it
    assert escape(caveat) in screen.dialog.heading.text()
