"""Building blocks sized for gloved hands: labelled fields, big buttons, in-place messages."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QWidget,
)

from core.i18n import _
from ui import theme


class BenchButton(QPushButton):
    """A push button that Enter presses when it has the focus, in a screen as in a dialog (Qt
    does it only for Space outside dialogs): a keyboard-only flow never needs the space bar."""

    def keyPressEvent(self, event) -> None:
        from PySide6.QtCore import Qt  # the Qt namespace is costly to load: not at start-up

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            if self.isEnabled():
                self.click()
            event.accept()
            return
        super().keyPressEvent(event)


class TouchCombo(QComboBox):
    """A combo box whose popup rows are fingertip-high: Qt's default popup delegate ignores the
    style sheet's row height, a styled delegate honours it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(QStyledItemDelegate(self))
        self.setMinimumHeight(theme.TOUCH)


def button(
    text: str, parent: QWidget | None = None, *, tip: str = "", default: bool = False
) -> QPushButton:
    b = BenchButton(text, parent)
    b.setMinimumHeight(theme.TOUCH)
    b.setAccessibleName(text.replace("&", ""))
    if tip:
        b.setToolTip(tip)
    if default:
        b.setDefault(True)
        b.setAutoDefault(True)
    return b


def field(
    name: str, parent: QWidget | None = None, *, password: bool = False, placeholder: str = ""
) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setMinimumHeight(theme.TOUCH)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def label(text: str = "", parent: QWidget | None = None, *, role: str = "") -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(True)
    if role:
        lab.setProperty("role", role)
    return lab


class Message(QLabel):
    """A plain message in place, next to what it is about: an error, or a confirmation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName(_("Message"))
        self.hide()

    def error(self, text: str) -> None:
        self._show("error", f"✖ {text}")

    def ok(self, text: str) -> None:
        self._show("ok", f"✔ {text}")

    def info(self, text: str) -> None:
        self._show("subtle", text)

    def clear(self) -> None:
        self.setText("")
        self.hide()

    def _show(self, role: str, text: str) -> None:
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.show()


def form_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A field's label, as tall as the field so the two line up."""
    lab = QLabel(text, parent)
    lab.setMinimumHeight(theme.TOUCH)
    return lab


def panel(parent: QWidget | None = None, role: str = "panel") -> QFrame:
    frame = QFrame(parent)
    frame.setProperty("role", role)
    return frame
