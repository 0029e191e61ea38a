"""Material lots on screen, on a real database: QA defines a material and receives a lot with its
certificate of analysis through the dialogs, then releases it with an e-signature (a wrong
password first: refused in the dialog, the reason kept); the table shows the status QA decided
and the status today (a released lot past its expiry date is EXPIRED), the lot page shows the
signed decision (verifies), the certificate's SHA-256 and the batches that used it. A technician
sees the lots and may receive, not define or decide."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from core.services import material_lots, materials
from tests.conftest import USER_PASSWORD
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


def lots_tab(qtbot, window, username: str):
    login(qtbot, window, username)
    screen = window.open_screen("materials", {"tab": "lots"})
    settle(qtbot, window.context)
    assert window.nav["materials"].isVisible() and window.nav["materials"].isChecked()
    return screen, screen.lots


def define_il7(site, qa) -> None:
    materials.define_material(site, qa, "IL7", "Interleukin-7", "cytokine", "Acme", "vial")


def expired_lot(site, qa) -> None:
    """IL7 lot IL7-OLD, released by QA's status but past its expiry date (a row, as received
    long ago: core refuses to receive an expired lot)."""
    from core.models import MaterialLot

    define_il7(site, qa)
    with site.unit_of_work("quinn") as uow:
        material = materials.read.find_material(uow.session, "IL7")
        uow.session.add(
            MaterialLot(
                material_id=material.id,
                lot_number="IL7-OLD",
                expiry=date(2026, 11, 2) - timedelta(days=1),
                quantity_received="4",
                received_at=uow.now,
                received_by="quinn",
                status="released",
            )
        )


def test_qa_receives_and_releases_a_lot_through_the_dialogs(qtbot, window, site, people, tmp_path):
    context = window.context
    expired_lot(site, people["qa"])
    _screen, tab = lots_tab(qtbot, window, "quinn")
    for widget in (tab.define, tab.receive, tab.attach, tab.decide):
        assert widget.isVisible() and widget.height() >= 44
    assert tab.model.rowCount() == 1
    cells = _cells(tab.model, 0)
    assert cells[:4] == ["IL7", "Interleukin-7", "IL7-OLD", "2026-11-01"]
    assert cells[4] == "✔ released" and cells[5] == "⊘ EXPIRED"  # QA's status, and today's
    assert cells[6:] == ["4 vial", "4 vial", "— no"]
    tip = tab.model.data(tab.model.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert "past its expiry date" in tip
    assert tab.state.text() == "1 lot · ⊘ 1 past expiry"

    # a material defined through its dialog
    tab.define.click()
    dialog = tab.dialog
    dialog.code.setText("beadx")
    dialog.name.setText("CD3/CD28 beads")
    dialog.kind.setCurrentIndex(dialog.kind.findData("reagent"))
    dialog.supplier.setText("Acme")
    dialog.unit.setText("mL")
    _press(qtbot, context, dialog.unit)
    assert not dialog.isVisible()
    assert [m.code for m in materials.materials(site)] == ["BEADX", "IL7"]
    assert tab.message.text().startswith("✔ Material BEADX (CD3/CD28 beads, counted in mL)")

    # a lot received, its lot number scanned (the scan's Enter moves on, it does not submit)
    coa = tmp_path / "CoA IL7-0042.pdf"
    coa.write_bytes(b"%PDF-1.4 certificate of analysis IL7-0042, conforms")
    tab.material.setCurrentIndex(tab.material.findData("IL7"))
    tab.receive.click()
    dialog = tab.dialog
    assert dialog.material.currentData() == "IL7" and dialog.unit.text() == "vial"
    assert dialog.focusWidget() is dialog.lot_number
    qtbot.keyClicks(dialog.lot_number, "IL7-0042")
    qtbot.keyClick(dialog.lot_number, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.expiry
    dialog.expiry.setText("31/03/2027")  # not a date as Lotbook takes it
    dialog.quantity.setText("12")
    dialog.coa.setText(str(coa))
    _press(qtbot, context, dialog.quantity)
    assert dialog.isVisible() and "YYYY-MM-DD" in dialog.message.text()
    assert dialog.lot_number.text() == "IL7-0042" and dialog.coa.text() == str(coa)  # kept
    shot(dialog, "materials_receive_refused")
    dialog.expiry.setText("2027-03-31")
    _press(qtbot, context, dialog.quantity)
    assert not dialog.isVisible()
    assert tab.message.text() == (
        "✔ IL7 lot IL7-0042 received into quarantine (with its certificate of analysis)."
    )
    lot = tab.selected_lot()
    assert (lot.lot_number, lot.status, lot.has_coa) == ("IL7-0042", "quarantine", True)
    assert _cells(tab.model, tab.table.selected_row())[4:] == [
        "◐ quarantine", "◐ quarantine", "12 vial", "12 vial", "✔ yes",
    ]  # fmt: skip

    # QA's decision: release, a wrong password first
    assert tab.decide.isEnabled()
    tab.decide.click()
    dialog = tab.dialog
    assert dialog.status.currentData() == "released"
    assert dialog.meaning.text() == "QA decision: quarantine → released"
    assert "Quinn Quality" in dialog.signer.text() and "role qa" in dialog.signer.text()
    assert "CoA IL7-0042.pdf" in dialog.explanation.text()
    shot(dialog, "materials_decide")
    large_text_shot(dialog, "materials_decide_large_text")
    reason = "CoA reviewed against the specification: conforms"
    dialog.reason.setPlainText(reason)
    dialog.password.setText("not-the-password")
    _press(qtbot, context, dialog.password)
    assert dialog.isVisible() and "password" in dialog.message.text().lower()
    assert dialog.reason.toPlainText() == reason and dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password
    assert materials.lot(site, "IL7", "IL7-0042").status == "quarantine"
    dialog.password.setText(USER_PASSWORD)
    _press(qtbot, context, dialog.password)
    assert not dialog.isVisible()
    released = materials.lot(site, "IL7", "IL7-0042")
    assert released.status == "released" and released.decisions[0].decided_by == "quinn"
    assert tab.message.text().startswith(
        "✔ IL7 lot IL7-0042: QA decision: quarantine → released, signed by Quinn Quality"
    )
    row = tab.table.selected_row()
    assert _cells(tab.model, row)[2] == "IL7-0042"
    assert _cells(tab.model, row)[4:6] == ["✔ released", "✔ released"]
    shot(window, "materials_lots")
    large_text_shot(window, "materials_lots_large_text")

    # the lot page: the signed decision, the certificate's SHA-256, no use yet
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    page = tab.dialog
    assert page.isVisible() and page.lot.lot_number == "IL7-0042"
    decision = _cells(page.decisions_model, 0)
    assert decision[1:] == [
        "QA decision: quarantine → released", "✔ valid", "Quinn Quality", "quinn", reason,
    ]  # fmt: skip
    attachment = _cells(page.attachments_model, 0)
    assert attachment[:2] == ["CoA IL7-0042.pdf", hashlib.sha256(coa.read_bytes()).hexdigest()]
    assert page.uses_model.rowCount() == 0 and "No batch has used it." in page.summary.text()
    assert page.tabs.tabText(2) == "&Used by (recall) (0)"
    shot(page, "materials_lot_page")
    page.accept()

    # the status filter is on the status today: the expired lot only
    tab.status.setCurrentIndex(tab.status.findData("expired"))
    tab.reload()
    settle(qtbot, context)
    assert [_cells(tab.model, r)[2] for r in range(tab.model.rowCount())] == ["IL7-OLD"]
    assert tab.decide.isEnabled()  # released, expired today: QA may still expire or reject it


def test_a_technician_sees_the_lots_and_may_receive_not_define_or_decide(
    qtbot, window, site, people
):
    define_il7(site, people["qa"])
    material_lots.receive_lot(site, people["tech"], "IL7", "IL7-Q", "2027-02-01", "10")
    _screen, tab = lots_tab(qtbot, window, "tess")
    assert tab.receive.isVisible() and tab.attach.isVisible() and tab.open_page.isVisible()
    assert not tab.define.isVisible() and not tab.decide.isVisible()
    assert _cells(tab.model, 0)[2:6] == ["IL7-Q", "2027-02-01", "◐ quarantine", "◐ quarantine"]
    tab.handle_scan("il7-q")  # a scan on the tab finds its lot
    assert tab.table.selected_row() == 0 and "IL7 lot IL7-Q" in tab.message.text()
    tab.handle_scan("NOPE-1")
    assert tab.message.text().startswith("✖ Scanned NOPE-1: no lot with that number is listed.")


def test_a_final_lot_offers_no_decision(qtbot, window, site, people, tmp_path):
    define_il7(site, people["qa"])
    material_lots.receive_lot(site, people["tech"], "IL7", "IL7-R", "2027-02-01", "10")
    material_lots.decide_lot(
        site, people["qa"], USER_PASSWORD, "IL7", "IL7-R", "rejected", "CoA out of specification"
    )
    _screen, tab = lots_tab(qtbot, window, "quinn")
    assert _cells(tab.model, 0)[4:6] == ["✖ rejected", "✖ rejected"]
    assert not tab.decide.isEnabled()
    assert tab.decide.toolTip() == (
        "IL7 lot IL7-R is rejected, which is final: receive a new lot instead."
    )
