"""The point-of-use override on the batch record, end to end on a mini template with a material
scan check: a technician scans a quarantined lot, the row shows core's refusal and offers "QA
override…" (44 px, next after the field in the Tab order; hidden for other refusals and once
another value is typed); the dialog says what will happen, keeps everything typed through core's
refusals (a reason too short, a wrong password, someone who is not QA) and, with QA's password,
records the value on QA's authority: the row shows it as any entry, a major deviation is open,
and the lot's page lists the batch that used it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.services import equipment, material_lots, materials
from core.services.deviations import list_deviations
from tests.conftest import USER_PASSWORD
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot

LOT = "MINI-1"
CHECK = "X-IPC-01-IL7"
USE_CHECKS = """
[[steps.checks]]
id = "X-IPC-01-IL7"
name = "IL-7 lot"
type = "scan"
expect = "material:il7"
source = "[T]"

[[steps.checks]]
id = "X-IPC-01-BSC"
name = "Biosafety cabinet"
type = "scan"
expect = "equipment:biosafety_cabinet"
source = "[T]"
"""


def mini_template() -> str:
    """tests/core/test_templates.py's mini template, its first step ending with a material and a
    cabinet scanned where they are used (not autologous: no chain-of-identity id)."""
    from tests.core.test_templates import BASE

    marker = '[[steps]]\nid = "X-S02"'
    text = BASE.replace(marker, USE_CHECKS.lstrip() + "\n" + marker, 1)
    return text.replace("autologous = true", "autologous = false", 1)


@pytest.fixture
def stock(site, admin, people, tmp_path):
    """Batch MINI-1 started by tess; IL7 with a quarantined lot and a released one; a cabinet."""
    from core.services import batches
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    path = tmp_path / "mini.toml"
    path.write_text(mini_template(), "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], USER_PASSWORD, "mini", 1, "point of use on screen")
    batches.start_batch(site, people["tech"], "mini", LOT)
    qa = people["qa"]
    materials.define_material(site, qa, "IL7", "Interleukin-7", "cytokine", "Acme", "vial")
    material_lots.receive_lot(site, people["tech"], "IL7", "IL7-Q", "2027-02-01", "10")
    coa = tmp_path / "coa.pdf"
    coa.write_bytes(b"%PDF-1.4 CoA IL7-OK")
    material_lots.receive_lot(site, people["tech"], "IL7", "IL7-OK", "2027-02-01", "10", coa=coa)
    material_lots.decide_lot(site, qa, USER_PASSWORD, "IL7", "IL7-OK", "released", "CoA conforms")
    equipment.register_equipment(
        site, people["sup"], "HOOD-01", "biosafety_cabinet", "Cabinet 1", "Room 2",
        calibration_due="2027-01-01",
    )  # fmt: skip
    return people


def batch_screen(qtbot, window):
    login(qtbot, window, "tess")
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    assert screen.form.step.id == "X-S01"
    return screen


def enter(qtbot, screen, check_id: str, text: str):
    row = screen.form.row(check_id)
    row.entry.setFocus()
    row.entry.clear()
    qtbot.keyClicks(row.entry, text)
    qtbot.keyClick(row.entry, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    QApplication.processEvents()
    return row


def test_qa_overrides_a_refused_lot_and_the_value_is_recorded(qtbot, window, site, stock):
    window.resize(1366, 768)
    context = window.context
    screen = batch_screen(qtbot, window)
    row = enter(qtbot, screen, CHECK, "IL7-Q")
    override = screen.overrides.button_of(row)
    assert row.verdict_text == "✖ Mismatch"
    assert "IL7-Q" in row.message.text() and "not released by QA" in row.message.text()
    assert override is not None and override.isVisible() and override.height() >= 44
    assert row.entry.selectedText() == "IL7-Q"  # the next scan replaces it
    assert row.entry.hasFocus() and override.nextInFocusChain() is not None
    qtbot.keyClick(row.entry, Qt.Key.Key_Tab)
    assert override.hasFocus()  # reachable by keyboard: Tab from the refused value
    shot(window, "override_offered")
    large_text_shot(window, "override_offered_large_text")

    qtbot.keyClick(override, Qt.Key.Key_Return)  # Enter presses it
    dialog = screen.overrides.dialog
    assert dialog.isVisible() and dialog.focusWidget() is dialog.qa_username
    assert "not released by QA" in dialog.refusal.text()
    assert dialog.scanned_field.text() == "IL7-Q" and dialog.scanned_field.isReadOnly()
    assert "at least 10 characters" in dialog.form.labelForField(dialog.reason).text()
    assert dialog.deviation.text() == (
        "<b>⚠ A major deviation will be opened and the review will list this use.</b>"
    )
    shot(dialog, "override_dialog")

    def attempt(username: str, password: str, reason: str) -> str:
        dialog.qa_username.setText(username)
        dialog.qa_password.setText(password)
        dialog.reason.setPlainText(reason)
        qtbot.keyClick(dialog.qa_username, Qt.Key.Key_Return)
        settle(qtbot, context)
        assert dialog.isVisible()
        assert dialog.qa_username.text() == username and dialog.reason.toPlainText() == reason
        return dialog.message.text()

    why = "only lot on site; supplier confirmed stability in writing"
    assert "at least 10 characters" in attempt("quinn", USER_PASSWORD, "ok")
    assert dialog.qa_password.text() == USER_PASSWORD  # nothing typed is lost
    shot(dialog, "override_refused")
    assert "password" in attempt("quinn", "not-the-password", why).lower()
    assert dialog.qa_password.text() == "" and dialog.focusWidget() is dialog.qa_password
    refused = attempt("vic", USER_PASSWORD, why)  # a technician cannot override
    assert refused.startswith("✖ ") and "override" in refused
    assert list_deviations(site, LOT) == []
    assert screen.form.row(CHECK).check.current is None

    dialog.qa_username.setText("quinn")
    dialog.qa_password.setText(USER_PASSWORD)
    qtbot.keyClick(dialog.qa_password, Qt.Key.Key_Return)
    settle(qtbot, context)
    qtbot.waitUntil(lambda: screen.form.row(CHECK).check.current is not None, timeout=10_000)
    settle(qtbot, context)
    assert not dialog.isVisible()
    (deviation,) = list_deviations(site, LOT)
    assert deviation.classification == "major" and why in deviation.description
    row = screen.form.row(CHECK)
    current = row.check.current
    assert (current.value, current.recorded_by) == ("IL7-Q", "tess")
    assert current.deviation == deviation.ref
    assert row.entry.text() == "IL7-Q" and row.entry.isReadOnly()
    assert row.verdict_text == "✔ Pass"
    assert f"QA override ({deviation.ref})" in row.who.text()
    button = screen.overrides.button_of(row)
    assert button is None or not button.isVisible()
    assert any(d.ref == deviation.ref for d in screen.view.deviations)  # read again: counted
    assert screen.header.exceptions.text() == "1 open deviation"
    next_check = screen.form.row("X-IPC-01-BSC").entry
    assert window.focusWidget() is next_check  # the next check, as after any entry
    shot(window, "override_recorded")

    row = enter(qtbot, screen, "X-IPC-01-BSC", "hood-01")  # a cabinet in service: recorded
    assert row.check.current.value == "HOOD-01" and screen.overrides.button_of(row) is None

    # the lot's page and the cabinet's page: the batch that used them (recall)
    stores = window.open_screen("materials", {"tab": "lots"})
    settle(qtbot, context)
    lots = stores.lots
    lots.table.select_row(lots.model.row_of("IL7", "IL7-Q"))
    lots.open_page.click()
    page = lots.dialog
    cells = [page.uses_model.data(page.uses_model.index(0, c)) for c in range(8)]
    assert cells[:3] == [LOT, "Mini", CHECK] and cells[4:] == [
        "tess", "—", "◐ quarantine", f"⚠ {deviation.ref} (QA override)",
    ]  # fmt: skip
    assert f"Used by 1 batch: {LOT}." in page.summary.text()
    shot(page, "override_lot_page")
    page.accept()
    stores.tabs.setCurrentWidget(stores.equipment)
    stores.equipment.open_page.click()
    page = stores.equipment.dialog
    settle(qtbot, context)
    cells = [page.uses_model.data(page.uses_model.index(0, c)) for c in range(7)]
    assert cells[:2] == [LOT, "X-IPC-01-BSC"] and cells[3:] == ["tess", "in use", "2027-01-01", ""]


def test_the_override_is_offered_for_a_refused_use_only(qtbot, window, site, stock):
    screen = batch_screen(qtbot, window)
    row = enter(qtbot, screen, "X-IPC-01-BSC", "HOOD-99")  # no such item: refused on use
    override = screen.overrides.button_of(row)
    assert override is not None and override.isVisible()
    qtbot.keyClicks(row.entry, "HOOD-01")  # another value typed: the offer goes
    assert not override.isVisible()
    row = enter(qtbot, screen, "X-IPC-01-LIVE", "abc")  # not a number: no override there
    assert row.message.isVisible() and screen.overrides.button_of(row) is None
    row = enter(qtbot, screen, CHECK, "IL7-OK")  # a released lot: recorded, nothing offered
    assert row.check.current is not None and row.check.current.value == "IL7-OK"
    assert screen.overrides.button_of(row) is None
