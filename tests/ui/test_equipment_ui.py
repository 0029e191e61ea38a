"""Equipment on screen, on a real database: a supervisor registers a cabinet through the dialog,
sees its calibration OVERDUE (by icon and word), records a passing calibration with its
certificate (a refusal first, everything typed kept), then a failed one, which takes the cabinet
out of service; back into service with a reason; the item page lists the events with the
certificate's SHA-256. A technician sees the list and may change nothing."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt

from core.services import equipment
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot


@pytest.fixture(autouse=True)
def _bench_size(window):
    window.resize(1366, 768)


def _press(qtbot, context, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    settle(qtbot, context)


def _cells(model, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def equipment_tab(qtbot, window, username: str):
    login(qtbot, window, username)
    screen = window.open_screen("materials", {"tab": "equipment"})
    settle(qtbot, window.context)
    assert screen.tabs.currentWidget() is screen.equipment
    return screen, screen.equipment


def test_a_supervisor_registers_and_calibrates_a_cabinet(qtbot, window, site, people, tmp_path):
    context = window.context
    equipment.register_equipment(
        site, people["sup"], "CF-09", "centrifuge", "Centrifuge", "Room 2",
        maintenance_due="2026-11-10",
    )  # fmt: skip
    _screen, tab = equipment_tab(qtbot, window, "sam")
    for widget in (tab.register, tab.record, tab.status):
        assert widget.isVisible() and widget.height() >= 44
    assert _cells(tab.model, 0)[7] == "▲ 2026-11-10 due soon"  # the test site's today: 11-02

    tab.register.click()
    dialog = tab.dialog
    qtbot.keyClicks(dialog.code, "bsc-01")  # typed or scanned: Enter moves on
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.type
    dialog.type.setCurrentIndex(dialog.type.findData("biosafety_cabinet"))
    dialog.name.setText("Class II cabinet")
    dialog.location.setText("Cleanroom 2")
    dialog.calibration.setText("2026-10-01")
    _press(qtbot, context, dialog.location)
    assert not dialog.isVisible()
    assert tab.message.text() == (
        "✔ BSC-01 (Class II cabinet, biosafety cabinet) registered, in use."
    )
    item = tab.selected_item()
    assert item.code == "BSC-01"
    cells = _cells(tab.model, tab.table.selected_row())
    assert cells[:4] == ["BSC-01", "biosafety cabinet", "Class II cabinet", "Cleanroom 2"]
    assert cells[4] == "✔ in use"
    assert cells[5:] == ["✖ 2026-10-01 OVERDUE", "—", "—"]
    assert "✖ 1 overdue" in tab.state.text() and "▲ 1 due soon" in tab.state.text()
    shot(window, "equipment_list")
    large_text_shot(window, "equipment_list_large_text")

    # a passing calibration, with its certificate; a refusal first keeps what was typed
    certificate = tmp_path / "CAL-2026-311.pdf"
    certificate.write_bytes(b"%PDF-1.4 calibration certificate BSC-01, passed")
    tab.record.click()
    dialog = tab.dialog
    assert dialog.kind.currentData() == "calibration" and dialog.passed.isVisible()
    dialog.performed.setText("2026-11-01")
    dialog.next_due.setText("2027-11-01")
    dialog.certificate.setText("CAL-2026-311")
    dialog.certificate_file.setText(str(certificate))
    _press(qtbot, context, dialog.certificate)  # passed or failed not chosen
    assert dialog.isVisible()
    assert dialog.message.text() == "✖ Say whether the calibration passed or failed."
    assert dialog.next_due.text() == "2027-11-01" and dialog.certificate_file.text()
    shot(dialog, "equipment_record_refused")
    large_text_shot(dialog, "equipment_record_refused_large_text")
    dialog.passed.setChecked(True)
    _press(qtbot, context, dialog.certificate)
    assert not dialog.isVisible()
    assert tab.message.text() == "✔ BSC-01: calibration recorded."
    assert _cells(tab.model, tab.table.selected_row())[5] == "2027-11-01"
    assert tab.selected_item().calibration_due.isoformat() == "2027-11-01"

    # a failed calibration takes it out of service at once
    tab.record.click()
    dialog = tab.dialog
    dialog.performed.setText("2026-11-02")
    dialog.certificate.setText("CAL-2026-312")
    dialog.failed.setChecked(True)
    assert dialog.failing.isVisible()
    _press(qtbot, context, dialog.certificate)
    assert not dialog.isVisible()
    assert tab.message.text().startswith(
        "✖ BSC-01: calibration recorded. Failed calibration: BSC-01 was taken out of service."
    )
    assert _cells(tab.model, tab.table.selected_row())[4] == "✖ out of service"
    assert tab.status.text() == "Back into service…"

    tab.status.click()
    dialog = tab.dialog
    dialog.reason.setPlainText("repaired and recalibrated, report CAL-2026-313")
    _press(qtbot, context, dialog.submit)
    assert not dialog.isVisible()
    assert tab.message.text() == "✔ BSC-01: now in use."
    assert equipment.show_equipment(site, "BSC-01").item.status == "in_use"

    # the item page: every event, the certificate's SHA-256
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    page = tab.dialog
    settle(qtbot, context)
    assert page.isVisible() and page.events_model.rowCount() == 3, page.message.text()
    first = _cells(page.events_model, 0)
    assert first[:5] == ["2026-11-01", "calibration", "✔ passed", "2027-11-01", "CAL-2026-311"]
    sha = hashlib.sha256(certificate.read_bytes()).hexdigest()
    assert first[5] == f"CAL-2026-311.pdf ({sha[:12]}…)"
    tip = page.events_model.data(page.events_model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert sha in tip
    assert _cells(page.events_model, 1)[2] == "✖ FAILED"
    assert _cells(page.events_model, 2)[1:3] == ["status change", "→ in use"]
    assert page.tabs.tabText(0) == "&Events (3)"
    shot(page, "equipment_page")


def test_a_technician_sees_the_equipment_and_changes_nothing(qtbot, window, site, people):
    equipment.register_equipment(
        site, people["sup"], "HOOD-02", "biosafety_cabinet", "Cabinet 2", "Room 2"
    )
    why = "door seal torn, call 4411"
    equipment.set_status(site, people["sup"], "HOOD-02", "out_of_service", why)
    _screen, tab = equipment_tab(qtbot, window, "tess")
    assert tab.open_page.isVisible()
    assert not (tab.register.isVisible() or tab.record.isVisible() or tab.status.isVisible())
    assert _cells(tab.model, 0)[4] == "✖ out of service"
    assert "May not be used today" in tab.model.data(
        tab.model.index(0, 4), Qt.ItemDataRole.ToolTipRole
    )
    tab.handle_scan("hood-02")
    assert tab.table.selected_row() == 0 and tab.message.text() == "Scanned HOOD-02: Cabinet 2."
