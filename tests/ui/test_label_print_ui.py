"""Printing labels from the batch record, on a real database and the built-in CAR-T template: the
header's "Labels…" opens the print dialog (what was printed so far, the kind's own stock chosen);
a bag label printed through it is written as a PDF whose QR code decodes back to the lot and the
COI, kept and counted into CART-IPC-10-LBL-PRINTED; a second print of the same kind is refused
without a reason (nothing written, everything typed kept) and printed with one, the count then
corrected to the new total; the dialog at 1366×768 in normal and large text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.labels.content import read_payload
from core.services.batches import show_batch
from core.services.labels import labels_printed
from tests.ui.conftest import login, settle, shot
from tests.ui.layout_check import fit, layout_problems
from ui import theme

COUNTED = "CART-IPC-10-LBL-PRINTED"


@pytest.fixture
def batch_screen(qtbot, window, lot):
    window.resize(1366, 768)
    login(qtbot, window, "tess")
    window.context.go("batch", lot=lot)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def _open(qtbot, screen):
    assert screen.header.labels.isVisible()
    before = screen.labels.dialog
    qtbot.mouseClick(screen.header.labels, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.labels.dialog not in (None, before), timeout=10_000)
    dialog = screen.labels.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    return dialog


def _fill(dialog, site, path, count: int = 1) -> None:
    expiry = site.clock.now().date() + timedelta(days=200)
    dialog.count.setValue(count)
    dialog.expiry.setText(expiry.isoformat())
    dialog.storage.setText("Vapour-phase LN₂, at or below −120 °C")
    dialog.path.setText(str(path))


def _counted(site, lot: str) -> str | None:
    check = next(c for c in show_batch(site, lot).checks() if c.id == COUNTED)
    return check.current.display if check.current else None


def test_a_bag_label_printed_from_the_batch_record_is_kept_counted_and_decodes(
    qtbot, batch_screen, site, lot, tmp_path
):
    from tests.core.test_labels import _decoded, _page_image

    dialog = _open(qtbot, batch_screen)
    assert "No labels printed" in dialog.so_far.text()
    assert dialog.stock.currentData() == "100x50"  # a bag label on bag stock
    dialog.kind.setCurrentIndex(dialog.kind.findData("vial"))
    assert dialog.stock.currentData() == "38x13"
    dialog.kind.setCurrentIndex(dialog.kind.findData("bag"))
    target = tmp_path / "bags.pdf"
    _fill(dialog, site, target, count=2)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)

    assert target.read_bytes().startswith(b"%PDF-")
    for page in (1, 2):
        (decoded,) = _decoded(_page_image(target, page, tmp_path))
        fields = read_payload(decoded)
        assert (fields["L"], fields["C"], fields["S"]) == (lot, "COI-W123426000042", f"{page}/2")
    record = labels_printed(site, lot)
    assert record.printed == 2 and record.prints[0].kind == "bag"
    qtbot.waitUntil(lambda: "Printed 2 bag labels" in batch_screen.message.text(), timeout=5_000)
    assert "serials 1–2" in batch_screen.message.text()
    assert _counted(site, lot) == "2 labels"


def test_a_reprint_needs_a_reason_and_keeps_what_was_typed(
    qtbot, batch_screen, site, lot, tmp_path
):
    dialog = _open(qtbot, batch_screen)
    _fill(dialog, site, tmp_path / "first.pdf")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    settle(qtbot, batch_screen.context)

    dialog = _open(qtbot, batch_screen)
    assert "Printed so far: 1 bag" in dialog.so_far.text()
    assert "Required" in dialog.reason.placeholderText()
    _fill(dialog, site, tmp_path / "again.pdf")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "say why" in dialog.message.text()
    assert not (tmp_path / "again.pdf").exists()
    assert dialog.storage.text().startswith("Vapour-phase")  # nothing typed is lost

    dialog.reason.setPlainText("Label torn when the bag was filled, replaced")
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    record = labels_printed(site, lot)
    assert [p.first_serial for p in record.prints] == [1, 2]
    assert record.prints[1].reason.startswith("Label torn")
    assert _counted(site, lot) == "2 labels"


def test_core_refuses_an_expiry_in_the_past_in_the_dialog(qtbot, batch_screen, site, tmp_path):
    dialog = _open(qtbot, batch_screen)
    _fill(dialog, site, tmp_path / "old.pdf")
    dialog.expiry.setText((site.clock.now().date() - timedelta(days=3)).isoformat())
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "in the past" in dialog.message.text(), timeout=10_000)
    assert dialog.isVisible() and not (tmp_path / "old.pdf").exists()
    assert dialog.path.text().endswith("old.pdf")


@pytest.mark.parametrize("large", [False, True])
def test_the_dialog_fits_1366x768_in_normal_and_large_text(qtbot, window, batch_screen, large):
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, 1366, 768)
        assert batch_screen.header.labels.isVisible()
        assert layout_problems(window, 1366, 768) == []
        dialog = _open(qtbot, batch_screen)
        dialog.format.setCurrentIndex(dialog.format.findData("zpl"))  # the dpi shown too
        dialog.message.error("The expiry date 2026-01-01 is in the past: give the product's. " * 3)
        hint = dialog.sizeHint().expandedTo(dialog.minimumSize())
        fit(dialog, min(hint.width(), 1366), min(hint.height(), 768))
        shot(dialog, f"layout_dialog_label_print_1366_{int(large)}")
        assert layout_problems(dialog, 1366, 768) == []
    finally:
        theme.apply(QApplication.instance(), large=False)
