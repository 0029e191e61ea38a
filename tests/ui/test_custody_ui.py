"""Custody on screen, on a real database: from the batch record's header to the custody screen,
a hand-off recorded through the dialog (the scan moves on with Enter) and shown in the table, a
wrong chain-of-identity id refused in the dialog (the scan selected for the next one, nothing
recorded, the refusal audited), a signed hand-off asking the password, the trail COMPLETE or
INCOMPLETE in icon and words, "no custody plan" and "not autologous" said plainly; the screen and
the dialog at 1366×768 in normal and large text, nothing cut off."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.services import audit_trail, batches
from tests.conftest import USER_PASSWORD
from tests.raw_db import count
from tests.ui.conftest import SHOTS, login, settle, shot
from tests.ui.layout_check import fit, layout_problems
from tests.ui.looks import large_text_shot
from ui import theme

COI = "COI-W123426000042"
LOT = "AUTO-1"
PLAN = """
[custody]
events = ["collected", "shipped", "received", "handoff", "qc_sample", "stored", "infused"]
sign = ["received", "infused"]
"""
LOOK = Path("/tmp/shots")  # copies of the renders, for a person to look at


def _template(tmp_path, site, admin, qa, plan: str = PLAN) -> None:
    from core.services.settings import set_setting
    from core.services.template_approval import approve_template
    from core.services.templates import load_template
    from tests.core.test_templates import BASE

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site is in Berlin (CC-TEST-2)")
    path = tmp_path / "mini.toml"
    path.write_text(BASE + plan, "utf-8")
    load_template(site, admin, path)
    approve_template(site, qa, USER_PASSWORD, "mini", 1, "CC-15 custody plan")


@pytest.fixture
def auto(qtbot, window, site, admin, people, tmp_path):
    """Lot AUTO-1 of a mini template with a custody plan, started by tess; the site's clock then
    reads the time now (the dialog offers it); tess logged in on its batch record."""
    _template(tmp_path, site, admin, people["qa"])
    batches.start_batch(site, people["tech"], "mini", LOT, COI)
    site.clock.set(datetime.now(UTC))
    window.resize(1366, 768)
    login(qtbot, window, "tess")
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def _look(widget, name: str) -> None:
    """build/screens/<name>.png and <name>_large_text.png, copied to /tmp/shots."""
    shot(widget, name)
    large_text_shot(widget, f"{name}_large_text")
    LOOK.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "_large_text"):
        made = SHOTS / f"{name}{suffix}.png"
        shutil.copy(made, LOOK / made.name)


def _open_custody(qtbot, window, batch_screen):
    assert batch_screen.header.custody.isVisible()
    qtbot.mouseClick(batch_screen.header.custody, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    screen = window.screen("custody")
    assert window.stack.currentWidget() is screen and screen.trail is not None
    return screen


def _open_dialog(qtbot, window, screen):
    qtbot.mouseClick(screen.record, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _record(qtbot, window, dialog) -> None:
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)


def _cells(model, row: int) -> list[str]:
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_record_a_hand_off_through_the_dialog_and_see_it_in_the_table(qtbot, window, auto):
    screen = _open_custody(qtbot, window, auto)
    assert screen.heading.text() == f"Custody · lot {LOT}" and screen.coi.text() == f"COI {COI}"
    assert screen.state.text().startswith("⚠ INCOMPLETE: missing collected, shipped to")
    assert screen.state.property("role") == "error"
    assert screen.plan.text().startswith("Plan: ○ collected · ○ shipped to manufacturing")
    assert screen.model.rowCount() == 0 and screen.record.isEnabled()

    dialog = _open_dialog(qtbot, window, screen)
    assert dialog.chosen() == "collected"  # the first hand-off the plan still expects
    assert dialog.focusWidget() is dialog.coi
    assert not dialog.password.isVisibleTo(dialog)  # collected is not e-signed
    qtbot.keyClicks(dialog.coi, COI)
    qtbot.keyClick(dialog.coi, Qt.Key.Key_Return)  # as a scanner ends: moves on, records nothing
    assert dialog.focusWidget() is dialog.when and dialog.isVisible()
    # the time now, in the site's zone (the minute may have turned since the dialog opened)
    assert dialog.when.text() in (_typed(timedelta(0)), _typed(timedelta(minutes=-1)))
    dialog.when.setText(_typed(timedelta(hours=-1)))
    dialog.location.setText("Apheresis unit, City Hospital")
    dialog.container.setText("BAG-7731")
    dialog.logger.setText("TL-0042")
    dialog.temperature.setText("2–8 °C throughout")
    _record(qtbot, window, dialog)
    assert not dialog.isVisible()
    assert screen.message.text() == "✔ Collected recorded."
    assert screen.model.rowCount() == 1
    cells = _cells(screen.model, 0)
    assert cells[1:4] == ["collected", "Tess Technician", "—"]
    assert cells[4:8] == [
        "Apheresis unit, City Hospital",
        "BAG-7731",
        "TL-0042",
        "2–8 °C throughout",
    ]
    assert f"chain of identity {COI} scanned, matched" in screen.details.text()
    assert screen.plan.text().startswith("Plan: ✔ collected · ○ shipped")
    assert screen.state.text().startswith("⚠ INCOMPLETE: missing shipped to manufacturing,")
    assert count(window.context.db, "custody_event") == 1

    # a signed hand-off: the password row, with the printed name and meaning, before recording
    dialog = _open_dialog(qtbot, window, screen)
    dialog.kind.setCurrentIndex(dialog.kind.findData("received"))
    assert dialog.password.isVisibleTo(dialog)
    assert "as <b>Tess Technician</b>" in dialog.signing.text()
    assert "chain of custody" in dialog.signing.text()
    dialog.coi.setText(COI)
    dialog.when.setText(_typed(timedelta(minutes=-30)))
    dialog.location.setText("Suite B")
    _look(dialog, "custody_dialog_signed")
    _record(qtbot, window, dialog)
    assert dialog.isVisible() and dialog.message.text() == (
        "✖ Type your password: this hand-off is e-signed."
    )
    assert dialog.focusWidget() is dialog.password
    dialog.password.setText(USER_PASSWORD)
    _record(qtbot, window, dialog)
    assert not dialog.isVisible()
    assert (
        screen.message.text()
        == "✔ Received at manufacturing recorded, e-signed by Tess Technician."
    )
    assert _cells(screen.model, 1)[3] == "✔ e-signed"
    _look(window, "custody_screen")


def test_a_wrong_coi_is_refused_in_the_dialog(qtbot, window, auto):
    screen = _open_custody(qtbot, window, auto)
    dialog = _open_dialog(qtbot, window, screen)
    qtbot.keyClicks(dialog.coi, "COI-W999999000001")
    dialog.location.setText("Suite B")
    _record(qtbot, window, dialog)
    assert dialog.isVisible()
    text = dialog.message.text()
    assert text.startswith(f"✖ Mismatch: expected {COI}, scanned COI-W999999000001.")
    assert "report a mix-up to QA" in text
    assert dialog.focusWidget() is dialog.coi
    assert dialog.coi.selectedText() == "COI-W999999000001"  # the next scan replaces it
    assert "Mismatch" in dialog.coi.accessibleDescription()
    _look(dialog, "custody_dialog_mismatch")
    assert count(window.context.db, "custody_event") == 0
    (event,) = audit_trail.events(window.context.db, action="custody.coi_mismatch")
    assert event.user == "tess" and event.lot == LOT
    # the right label scanned over it is recorded
    dialog.coi.setText(COI)
    _record(qtbot, window, dialog)
    assert not dialog.isVisible() and screen.model.rowCount() == 1


def test_a_scan_on_the_custody_screen_opens_the_dialog_with_it(qtbot, window, auto, scanner):
    screen = _open_custody(qtbot, window, auto)
    screen.table.setFocus()
    qtbot.keyClicks(screen.table, COI)
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible())
    assert screen.dialog.coi.text() == COI
    assert screen.dialog.focusWidget() is screen.dialog.when


def test_a_refusal_focuses_the_field_it_names_in_any_language(qtbot, window, auto):
    """The input core refuses gets the focus by the field core names, not by the words of the
    message: in the pseudo-language no English word is left to find."""
    from core.i18n import set_language

    screen = _open_custody(qtbot, window, auto)
    dialog = _open_dialog(qtbot, window, screen)
    set_language("pseudo")
    try:
        for kind, when, location, password, refused, english in (
            ("collected", _typed(timedelta(hours=2)), "Suite B", "", dialog.when, "time"),
            ("collected", "3/11/2026 10:00", "Suite B", "", dialog.when, "time"),
            ("collected", _typed(timedelta(hours=-1)), "Suite\x1bB", "", dialog.location, "loc"),
            (
                "received",
                _typed(timedelta(hours=-1)),
                "Suite B",
                "wrong-pass-1",
                dialog.password,
                "password",
            ),
        ):
            dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
            dialog.coi.setText(COI)
            dialog.when.setText(when)
            dialog.location.setText(location)
            dialog.password.setText(password)
            dialog.note.setFocus()
            _record(qtbot, window, dialog)
            text = dialog.message.text()
            assert dialog.isVisible() and text.startswith("✖ [") and english not in text, text
            assert dialog.focusWidget() is refused, text
            assert refused.selectedText() == refused.text()  # typing replaces it
    finally:
        set_language("en")
    assert count(window.context.db, "custody_event") == 0


def test_no_plan_and_not_autologous_are_said_plainly(qtbot, window, site, admin, people, tmp_path):
    _template(tmp_path, site, admin, people["qa"], plan="")
    batches.start_batch(site, people["tech"], "mini", LOT, COI)
    batches.start_batch(site, people["tech"], "msc-expanded", "M-1")
    window.resize(1366, 768)
    login(qtbot, window, "tess")
    window.context.go("custody", lot=LOT)
    settle(qtbot, window.context)
    screen = window.screen("custody")
    assert screen.state.text().startswith("ℹ No custody plan: the template expects no hand-offs")
    assert not screen.plan.isVisible() and screen.record.isEnabled()
    _look(window, "custody_screen_no_plan")
    window.context.go("batch", lot="M-1")
    batch = window.screen("batch")
    qtbot.waitUntil(lambda: batch.view is not None and batch.view.lot == "M-1", timeout=10_000)
    settle(qtbot, window.context)
    assert not batch.header.custody.isVisible()  # not autologous: no custody button
    window.context.go("custody", lot="M-1")
    settle(qtbot, window.context)
    assert screen.state.text() == "ℹ Lot M-1 is not autologous: no custody trail is kept."
    assert not screen.record.isEnabled() and "not autologous" in screen.record.toolTip()


@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
def test_the_screen_and_the_dialog_fit_the_bench_screen(qtbot, window, auto, large):
    from core.services.custody import record_custody

    tech = window.context.actor
    for kind, hours in (("collected", -30), ("shipped", -20), ("received", -3)):
        record_custody(
            window.context.db,
            tech,
            LOT,
            kind,
            coi_scanned=COI,
            occurred_at=_typed(timedelta(hours=hours)),
            location="Suite B, cleanroom 2",
            container_id="DS-0042",
            logger_id="TL-7781",
            temperature="≤ −150 °C throughout",
            password=USER_PASSWORD,
        )
    screen = _open_custody(qtbot, window, auto)
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, 1366, 768)
        shot(window, f"layout_custody_1366_{int(large)}")
        assert layout_problems(window, 1366, 768) == []
        dialog = _open_dialog(qtbot, window, screen)
        dialog.kind.setCurrentIndex(dialog.kind.findData("infused"))  # the password row shown
        dialog.message.error("Mismatch: expected COI-W123426000042, scanned COI-W9. " * 3)
        hint = dialog.sizeHint().expandedTo(dialog.minimumSize())
        fit(dialog, min(hint.width(), 1366), min(hint.height(), 768))
        shot(dialog, f"layout_dialog_custody_1366_{int(large)}")
        assert layout_problems(dialog, 1366, 768) == []
    finally:
        theme.apply(QApplication.instance(), large=False)


def _typed(delta: timedelta) -> str:
    from zoneinfo import ZoneInfo

    return (
        (datetime.now(UTC) + delta).astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")
    )
