"""One audit event in full: who, what (in words, with its code), when (local time with the
zone), the change field by field (changed fields first, in bold), the stored old and new texts on
a second tab, and the two hashes that chain it (selectable, to compare with a report)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.audit_text import action_words, change_rows, pretty
from core.i18n import N_, _
from core.readmodels import AuditEventView
from ui import theme
from ui.models.audit_events import local_time
from ui.widgets.common import label


class EventDetail(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setAccessibleName(_("Event detail"))
        self.title = label("", self)
        self.title.setAccessibleName(_("Selected event"))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Change and stored text"))
        self.change = QTextBrowser(self.tabs)
        self.change.setAccessibleName(_("Change, field by field"))
        self.change.setTabChangesFocus(True)
        self.change.setMinimumHeight(theme.TOUCH * 2)
        stored = QWidget(self.tabs)
        self.old_text = _text_box(_("Old value (stored text)"), stored)
        self.new_text = _text_box(_("New value (stored text)"), stored)
        self.prev_hash = _hash_line(_("Previous hash"), self)
        self.hash = _hash_line(_("Hash"), self)
        texts = QHBoxLayout(stored)
        texts.setContentsMargins(4, 4, 4, 4)
        for caption, widget in ((_("Old"), self.old_text), (_("New"), self.new_text)):
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(label(caption, stored, role="subtle"))
            column.addWidget(widget, 1)
            texts.addLayout(column, 1)
        self.tabs.addTab(self.change, _("Change"))
        self.tabs.addTab(stored, _("Stored text"))
        row = QHBoxLayout()
        row.addWidget(self.tabs, 2)
        hashes = QVBoxLayout()
        hashes.setSpacing(2)
        for caption, widget in ((_("Previous hash"), self.prev_hash), (_("Hash"), self.hash)):
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
            self.title.setText(_("No event selected."))
            self.change.clear()
            for box in (self.old_text, self.new_text):
                box.setPlainText("")
            for line in (self.prev_hash, self.hash):
                line.clear()
                line.setToolTip("")
            return
        what = action_words(event.action)
        what = what if what == event.action else f"{what} ({event.action})"
        parts = [
            _("Event {seq}").format(seq=event.seq),
            what,
            _("by {user}").format(user=event.user),
            local_time(event.at),
        ]
        if event.lot:
            parts.append(_("lot {lot}").format(lot=event.lot))
        text = " · ".join(parts) + f"\n{event.entity} {event.entity_id}"
        if event.reason:
            text += " — " + _("reason: {reason}").format(reason=event.reason)
        self.title.setText(text)
        self.change.setHtml(change_html(event.old, event.new))
        self.old_text.setPlainText(pretty(event.old))
        self.new_text.setPlainText(pretty(event.new))
        self.prev_hash.setText(event.prev_hash)
        self.hash.setText(event.hash)
        for line in (self.prev_hash, self.hash):
            line.setCursorPosition(0)
            line.setToolTip(line.text())


def change_html(old: str | None, new: str | None) -> str:
    """The change as a table: field, before, after; what changed in bold, the rest in grey."""
    from html import escape

    rows = change_rows(old, new)
    if not rows:
        return _("<p>No values recorded with this event.</p>")
    cells = "".join(
        f"<tr style='color:{'#111' if changed else '#5a6068'}'>"
        + "".join(
            f"<td style='padding:2px 12px 2px 0'>{'<b>' if changed else ''}{escape(text)}"
            f"{'</b>' if changed else ''}</td>"
            for text in (field, before, after)
        )
        + "</tr>"
        for field, before, after, changed in rows
    )
    head = "".join(f"<th align='left' style='padding-right:12px'>{_(h)}</th>" for h in HEADS)
    return f"<table cellspacing='0'><tr>{head}</tr>{cells}</table>"


HEADS = (N_("Field"), N_("Before"), N_("After"))


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
