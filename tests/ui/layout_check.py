"""What a person at a given screen would find cut off: Qt knows how much room each widget needs
(its size hint, a wrapped label's height for its width) and where it is.

``layout_problems(window)`` lists, for the visible widgets of ``window``:
- a window larger than the screen it is sized for (it needs more than 1366×768);
- a widget that leaves the window (outside a scroll area: scrolling there is the design, but
  what it holds must not be cut);
- a label, button, tab or check box narrower (or a wrapped label lower) than its text needs;
- a read-only field (a recorded value, a chain-of-identity id) too narrow for its text;
- a touch target lower than 44 px.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)

TOUCH = 44
SLACK = 2  # px: rounding in style sheets and fonts


def fit(window: QWidget, width: int, height: int) -> None:
    """The window as the bench screen shows it maximised: ``width`` × ``height``."""
    window.resize(width, height)
    for _ in range(3):
        QApplication.processEvents()


def _scroll_area(widget: QWidget, window: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds ``widget`` (it may scroll there by design)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return grand
        parent = grand
    return None


def _cut_by_viewport(widget: QWidget, area: QAbstractScrollArea) -> bool:
    """Beyond the right edge of a scroll area that does not scroll sideways."""
    if area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        return False
    viewport = area.viewport()
    left = widget.mapTo(viewport, widget.rect().topLeft()).x()
    return left + widget.width() > viewport.width() + SLACK


def _folded(widget: QWidget, window: QWidget) -> bool:
    """Inside a splitter pane folded to nothing: not on screen at all."""
    parent = widget
    while parent is not None and parent is not window:
        if parent.width() <= 0 or parent.height() <= 0:
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
        text = widget.text()
    label = widget.accessibleName() or text or widget.objectName() or "(unnamed)"
    return f"{type(widget).__name__} «{label[:50]}»"


def layout_problems(window: QWidget, width: int, height: int) -> list[str]:
    found: list[str] = []
    if window.width() > width + SLACK or window.height() > height + SLACK:
        found.append(
            f"the window needs {window.width()}×{window.height()}, more than {width}×{height}"
        )
    frame = QRect(0, 0, min(window.width(), width), min(window.height(), height))
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        if isinstance(widget.parentWidget(), QComboBox) or _folded(widget, window):
            continue
        where = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        inside = frame.adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(where)
        area = _scroll_area(widget, window)
        if not inside and area is None:
            found.append(f"{_name(widget)} leaves the window ({where.getRect()})")
            continue
        if area is not None and _cut_by_viewport(widget, area):
            found.append(f"{_name(widget)} is cut at the right edge of {_name(area)}")
            continue
        found += _clipped(widget)
    return found


def _clipped(widget: QWidget) -> list[str]:
    name = _name(widget)
    if isinstance(widget, QLabel) and widget.text():
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            if need > widget.height() + SLACK:
                return [f"{name} is cut: {widget.height()} px tall, its text needs {need}"]
        elif widget.sizeHint().width() > widget.width() + SLACK and widget.minimumWidth() == 0:
            return [f"{name} is cut: {widget.width()} px wide, its text needs "
                    f"{widget.sizeHint().width()}"]  # fmt: skip
        return []
    if isinstance(widget, QAbstractButton | QCheckBox):
        problems = []
        if widget.sizeHint().width() > widget.width() + SLACK:
            problems.append(
                f"{name} is cut: {widget.width()} px wide, needs {widget.sizeHint().width()}"
            )
        if widget.height() < TOUCH - SLACK:
            problems.append(f"{name} is {widget.height()} px tall (touch: {TOUCH})")
        return problems
    if isinstance(widget, QTabBar):
        return [
            f"tab «{widget.tabText(i)}» is cut"
            for i in range(widget.count())
            if widget.tabSizeHint(i).width() > widget.tabRect(i).width() + SLACK
        ]
    if isinstance(widget, QLineEdit) and widget.isReadOnly() and widget.text():
        room = widget.contentsRect().width() - 16  # the style's padding and frame
        need = widget.fontMetrics().horizontalAdvance(widget.text())
        if need > room:
            return [f"{name} shows {widget.text()!r} cut ({room} px for {need})"]
    return []
