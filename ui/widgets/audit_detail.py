"""One audit event in full: who, what, when (local time with the zone), the old and new values
pretty-printed, and the two hashes that chain it (selectable, to compare with a report)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from core.audit_text import pretty
from core.readmodels import AuditEventView
from ui import theme
from ui.models.audit_events import local_time
from ui.widgets.common import label


class EventDetail(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setAccessibleName("Event detail")
        self.title = label("", self)
        self.title.setAccessibleName("Selected event")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.old_text = _text_box("Old value", self)
        self.new_text = _text_box("New value", self)
        self.prev_hash = _hash_line("Previous hash", self)
        self.hash = _hash_line("Hash", self)
        row = QHBoxLayout()
        for caption, widget in (("Old", self.old_text), ("New", self.new_text)):
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(label(caption, self, role="subtle"))
            column.addWidget(widget, 1)
            row.addLayout(column, 1)
        hashes = QVBoxLayout()
        hashes.setSpacing(2)
        for caption, widget in (("Previous hash", self.prev_hash), ("Hash", self.hash)):
            hashes.addWidget(label(caption, self, role="subtle"))
            hashes.addWidget(widget)
        hashes.addStretch(1)
        row.addLayout(hashes, 2)  # room for a whole SHA-256 at the base text size
        inner = QVBoxLayout(self)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.setSpacing(6)
        inner.addWidget(self.title)
        inner.addLayout(row, 1)
        self.show_event(None)

    def show_event(self, event: AuditEventView | None) -> None:
        if event is None:
            self.title.setText("No event selected.")
            for box in (self.old_text, self.new_text):
                box.setPlainText("")
            for line in (self.prev_hash, self.hash):
                line.clear()
                line.setToolTip("")
            return
        parts = [f"Event {event.seq}", event.action, f"by {event.user}", local_time(event.at)]
        if event.lot:
            parts.append(f"lot {event.lot}")
        text = " · ".join(parts) + f"\n{event.entity} {event.entity_id}"
        if event.reason:
            text += f" — reason: {event.reason}"
        self.title.setText(text)
        self.old_text.setPlainText(pretty(event.old))
        self.new_text.setPlainText(pretty(event.new))
        self.prev_hash.setText(event.prev_hash)
        self.hash.setText(event.hash)
        for line in (self.prev_hash, self.hash):
            line.setCursorPosition(0)
            line.setToolTip(line.text())


def _mono(widget: QWidget) -> None:
    widget.setStyleSheet(f'font-family: "{theme.MONO}";')  # the size follows the app's text size


def _text_box(name: str, parent: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setReadOnly(True)
    box.setAccessibleName(name)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    box.setMinimumHeight(theme.TOUCH * 2)  # small until dragged larger: the events come first
    box.setSizePolicy(box.sizePolicy().horizontalPolicy(), box.sizePolicy().Policy.Ignored)
    _mono(box)
    return box


def _hash_line(name: str, parent: QWidget) -> QLineEdit:
    """A whole SHA-256 in hex, selectable to copy; scrolls when the pane is narrow."""
    line = QLineEdit(parent)
    line.setReadOnly(True)
    line.setAccessibleName(name)
    line.setMinimumHeight(theme.TOUCH)
    _mono(line)
    return line
