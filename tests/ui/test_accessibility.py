"""Every screen, as a gloved technician and a screen reader meet it: each input and button has an
accessible name and is at least 44 px tall."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDateEdit, QLineEdit, QWidget

from core.services import batches
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.ui.conftest import login, settle

INPUTS = (QLineEdit, QComboBox, QDateEdit, QAbstractButton)


def _problems(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parent(), QComboBox | QDateEdit):  # their own inner line edit
            continue
        name = widget.accessibleName() or (
            widget.text() if isinstance(widget, QAbstractButton) else ""
        )
        what = f"{type(widget).__name__} {name or widget.objectName() or '(unnamed)'}"
        if not name:
            found.append(f"{what}: no accessible name")
        if widget.height() < 44 and widget.minimumHeight() < 44:
            found.append(f"{what}: {widget.height()} px tall")
    return found


@pytest.mark.parametrize("screen_name", ["batches", "batch", "qc", "audit", "admin"])
def test_inputs_are_named_and_large_enough(qtbot, window, site, admin, screen_name):
    tech = make_user(site, admin, "tess", "technician", "Tess Technician")
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0042", "COI-W123426000042")
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = window.open_screen(screen_name, {"lot": "CT-0042"})
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: screen.isVisible())
    problems = _problems(window)
    assert problems == []


def test_qas_templates_screen_is_named_and_large_enough(qtbot, window, site, admin):
    make_user(site, admin, "quinn", "qa", "Quinn Quality")
    login(qtbot, window, "quinn")
    screen = window.open_screen("templates")
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: screen.isVisible() and screen.templates.model.rowCount() > 0)
    screen.templates.select("cart-auto-lv", 2)
    assert _problems(window) == []


def test_the_check_itself_finds_a_small_unnamed_input(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    small = QLineEdit(root)
    small.setStyleSheet("min-height: 20px; max-height: 20px;")  # beats the app theme's 44 px
    small.setFixedHeight(20)
    root.show()
    problems = _problems(root)
    assert problems[0] == "QLineEdit (unnamed): no accessible name"
    assert problems[1].startswith("QLineEdit (unnamed): 2") and problems[1].endswith(" px tall")
    assert len(problems) == 2
