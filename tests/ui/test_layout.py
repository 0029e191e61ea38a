"""The bench screen first: every step of a filled CAR-T batch record, and the batch list, at
1366×768 and 1920×1080, with nothing cut off and nothing outside the window (Qt's own size hints
against the geometry: tests/ui/layout_check.py). The PNGs are saved for a person to look at."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from core.services.sample_batch import fill_batch
from tests.ui.conftest import settle, shot
from tests.ui.layout_check import fit, layout_problems
from tests.ui.test_batch_record import LOT, open_batch
from ui import theme

SIZES = [(1366, 768), (1920, 1080)]
LARGE_TEXT_OPEN = pytest.mark.xfail(
    strict=True,
    reason="large text at 1366×768: the widest steps' checks still need more room than the "
    "form has (issue 13, layouts: not finished)",
)


def _settle_layout() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _batch_record_problems(qtbot, window, site, tech, size, large) -> list[str]:
    screen = open_batch(qtbot, window, site, tech)
    fill_batch(site, tech, LOT)
    screen.reload()
    settle(qtbot, screen.context)
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, *size)
        found: list[str] = []
        for row in range(screen.steps.rowCount()):
            screen.step_list.setCurrentIndex(screen.steps.index(row))
            _settle_layout()
            found += [f"{screen.form.step.id}: {p}" for p in layout_problems(window, *size)]
            if row in (3, screen.steps.rowCount() - 1):
                shot(window, f"layout_batch_{screen.form.step.id}_{size[0]}_{int(large)}")
        return found
    finally:
        theme.apply(QApplication.instance(), large=False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_batch_record_fits_in_normal_text(qtbot, window, site, tech, size):
    assert _batch_record_problems(qtbot, window, site, tech, size, large=False) == []


@LARGE_TEXT_OPEN
def test_the_batch_record_fits_the_bench_screen_in_large_text(qtbot, window, site, tech):
    assert _batch_record_problems(qtbot, window, site, tech, (1366, 768), large=True) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_batch_list_fits(qtbot, window, site, tech, size):
    open_batch(qtbot, window, site, tech)
    window.context.go("batches")
    settle(qtbot, window.context)
    fit(window, *size)
    _settle_layout()
    shot(window, f"layout_batches_{size[0]}")
    assert layout_problems(window, *size) == []


def test_the_check_finds_a_cut_label_and_a_widget_outside_the_window(qtbot):
    from PySide6.QtWidgets import QLabel, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    root.resize(300, 200)
    cut = QLabel("a label far longer than the room it was given", root)
    cut.setGeometry(10, 10, 60, 30)
    outside = QLabel("out", root)
    outside.setGeometry(280, 10, 60, 30)
    root.show()
    found = layout_problems(root, 300, 200)
    assert any("is cut" in p and "far longer" in p for p in found)
    assert any("leaves the window" in p and "«out»" in p for p in found)
