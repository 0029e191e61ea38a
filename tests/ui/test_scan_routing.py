"""A wedge scanner at the bench: its code reaches the step's scan check wherever the focus is
(a number field, a free-text field, the step list), never lands as a value in a field that did
not ask for it; a mismatch leaves the refused code selected and the message in view, and the
rescan replaces it. A person typing at a person's pace is never taken for a scanner."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.services import audit_trail, batches, recording
from tests.ui.conftest import settle, shot
from tests.ui.test_batch_record import COI, LOT, go_to_step, open_batch


def scan(qtbot, screen, code: str) -> None:
    """What a wedge scanner does: the code's keys a few ms apart, then Enter, into the focus."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)
    settle(qtbot, screen.context)  # the entry (or the batch search) has answered
    QApplication.processEvents()


def test_a_scan_in_a_number_field_reaches_the_scan_check(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    volume = screen.form.row("CART-IPC-03-VOL")
    volume.entry.setFocus()
    scan(qtbot, screen, COI)
    coi = screen.form.row("CART-IPC-03-COI")
    assert coi.verdict_text == "✔ Pass" and coi.check.current.value == COI
    assert volume.entry.text() == "" and volume.check.current is None
    assert "not a number" not in volume.message.text()


def test_a_scan_in_a_text_field_is_not_stored_as_its_text(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S00")
    slot = screen.form.row("CART-IPC-00-SLOT")
    slot.entry.setFocus()
    scan(qtbot, screen, COI)
    assert screen.form.row("CART-IPC-00-COI").check.current.value == COI
    assert slot.check.current is None and slot.entry.text() == ""
    events = audit_trail.events(site, lot=LOT)
    assert not [e for e in events if "CART-IPC-00-SLOT" in (e.entity_id or "")]


def test_a_scan_on_the_step_list_reaches_the_scan_check(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    screen.step_list.setFocus()
    scan(qtbot, screen, COI)
    assert screen.form.row("CART-IPC-03-COI").verdict_text == "✔ Pass"
    assert screen.form.step.id == "CART-S03"  # the list did not jump to a step named like it


def test_a_mismatch_then_a_rescan_records(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    screen.form.row("CART-IPC-03-VOL").entry.setFocus()
    scan(qtbot, screen, "COI-WRONG-1")
    row = screen.form.row("CART-IPC-03-COI")
    assert row.verdict_text == "✖ Mismatch"
    assert f"expected {COI}, scanned COI-WRONG-1" in row.message.text()
    assert row.entry.selectedText() == "COI-WRONG-1"  # the next scan replaces it
    assert "COI-WRONG-1" in row.entry.accessibleDescription()
    assert QApplication.focusWidget() is row.entry
    qtbot.waitUntil(lambda: row.message.visibleRegion().boundingRect().height() > 0)
    shot(window, "batch_scan_mismatch")
    scan(qtbot, screen, COI)  # with the focus on the refused code
    assert row.entry.text() == COI and row.verdict_text == "✔ Pass"
    mismatches = [
        e for e in audit_trail.events(site, lot=LOT) if e.action == "result.scan_mismatch"
    ]
    assert len(mismatches) == 1


def test_a_person_typing_is_not_a_scan(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    volume = screen.form.row("CART-IPC-03-VOL")
    volume.entry.setFocus()
    for key in "86,5":  # a person: far more than the scanner's gap between keys
        qtbot.keyClick(volume.entry, key)
        qtbot.wait(80)
    qtbot.waitUntil(lambda: volume.entry.text() == "86,5")
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000):
        qtbot.keyClick(volume.entry, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    assert volume.check.current is not None
    assert volume.check.current.value == "86.5"
    assert screen.form.row("CART-IPC-03-COI").check.current is None


def test_a_short_fast_burst_reaches_the_field_as_typed(qtbot, window, scanner, site, tech):
    """Fewer keys than a code has (a person's quick "7,2"): typed into the focus, in order."""
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    volume = screen.form.row("CART-IPC-03-VOL")
    volume.entry.setFocus()
    qtbot.keyClicks(volume.entry, "4,1")
    qtbot.waitUntil(lambda: volume.entry.text() == "4,1")


def test_a_scan_of_the_own_lot_records_nothing(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    screen.form.row("CART-IPC-03-VOL").entry.setFocus()
    scan(qtbot, screen, LOT)
    assert "lot number of this batch" in screen.message.text()
    assert screen.form.row("CART-IPC-03-COI").check.current is None


def test_a_label_scan_goes_to_the_check_it_is_compared_with(
    qtbot, window, scanner, site, tech, stocked
):
    screen = open_batch(qtbot, window, site, tech)
    recording.record_value(site, tech, LOT, "CART-IPC-06-LOT", "LV-CD19-0311")
    screen.reload()
    settle(qtbot, screen.context)
    go_to_step(qtbot, screen, "CART-S06")
    screen.form.row("CART-IPC-06-TITER").entry.setFocus()
    scan(qtbot, screen, "LV-CD19-0311")
    vial = screen.form.row("CART-IPC-06-VIAL")
    assert vial.verdict_text == "✔ Pass"
    assert screen.form.row("CART-IPC-06-TITER").check.current is None


def test_a_scan_on_another_batch_s_record_opens_that_batch(qtbot, window, scanner, site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0043", "COI-W123426000043")
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S01")  # a step without a scan check
    screen.step_list.setFocus()
    scan(qtbot, screen, "CT-0043")
    qtbot.waitUntil(lambda: screen.view is not None and screen.view.lot == "CT-0043")


def test_a_scan_on_the_batch_list_opens_the_batch(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    window.context.go("batches")
    listing = window.screen("batches")
    settle(qtbot, window.context)
    listing.table.setFocus()  # not the search field
    qtbot.keyClicks(listing.table, COI)
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current == "batch")
    assert screen.view.lot == LOT


def test_prefix_and_suffix_are_stripped(qtbot, window, scanner, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    scanner.prefix, scanner.suffix = "]C1", "#"
    screen.form.row("CART-IPC-03-VOL").entry.setFocus()
    scan(qtbot, screen, f"]C1{COI}#")
    assert screen.form.row("CART-IPC-03-COI").check.current.value == COI


def test_a_scanner_pressing_shift_for_capitals_is_still_a_scan(qtbot, window, scanner, site, tech):
    """A wedge scanner, like a keyboard, presses Shift before each capital letter."""
    screen = open_batch(qtbot, window, site, tech)
    go_to_step(qtbot, screen, "CART-S03")
    target = screen.form.row("CART-IPC-03-VOL").entry
    target.setFocus()
    with qtbot.waitSignal(screen.entry_applied, timeout=3_000, raising=False):
        for char in COI:
            if char.isupper():
                qtbot.keyPress(target, Qt.Key.Key_Shift)
            qtbot.keyClicks(target, char)
            if char.isupper():
                qtbot.keyRelease(target, Qt.Key.Key_Shift)
        qtbot.keyClick(target, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    assert screen.form.row("CART-IPC-03-COI").check.current.value == COI
    assert target.text() == ""


def test_a_text_check_that_accepts_scans_records_the_scan(
    qtbot, window, scanner, site, admin, tech, tmp_path
):
    """A template may let a barcode fill a free-text check (here the collection DIN read off the
    apheresis bag's ISBT 128 label): focused, it takes the scan; the COI still goes to its own
    check, and a text check that did not ask for scans still never takes one."""
    from core.services import signing_keys
    from core.services.template_approval import approve_template
    from core.services.templates import load_template
    from core.services.users import authenticate
    from core.templates import builtin_template_dir
    from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user

    text = (builtin_template_dir() / "cart-auto-lv.toml").read_text("utf-8")
    text = text.replace("version = 2", "version = 3", 1).replace(
        'id = "CART-IPC-01-DIN"\n', 'id = "CART-IPC-01-DIN"\naccepts_scan = true\n', 1
    )
    (tmp_path / "cart-v3.toml").write_text(text, "utf-8")
    load_template(site, admin, tmp_path / "cart-v3.toml")
    qa = make_user(site, admin, "quinn", "qa", "Quinn Quality")
    signing_keys.issue_certificates(site, authenticate(site, "ada", ADMIN_PASSWORD), ADMIN_PASSWORD)
    approve_template(site, qa, USER_PASSWORD, "cart-auto-lv", 3, "CC-7 DIN scanned at receipt")
    screen = open_batch(qtbot, window, site, tech)  # new batches start on the approved v3
    assert screen.view.template_version == 3
    go_to_step(qtbot, screen, "CART-S01")
    din = screen.form.row("CART-IPC-01-DIN")
    assert din.check.accepts_scan
    din.entry.setFocus()
    scan(qtbot, screen, "W123426000042J")
    assert din.check.current is not None and din.check.current.value == "W123426000042J"
    events = audit_trail.events(site, lot=LOT)
    assert [e for e in events if e.entity_id and "CART-IPC-01-DIN" in e.entity_id]
