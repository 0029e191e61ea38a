"""What a signature covers, shown before the password is asked: the record signed, what still
blocks it (for a QA disposition), every value covered, and the SHA-256 of that content."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.signing_views import Meaning
from ui.widgets.common import label


def short_hash(sha256: str) -> str:
    """The first 16 hex digits in groups of four: enough to compare by eye with a PDF."""
    head = sha256[:16]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4)) + " …"


class SignPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("What is signed"))
        self.title = label(_("Reading what you sign…"), self)
        self.title.setAccessibleName(_("Record signed"))
        self.warnings = QFrame(self)  # a long list scrolls; the values below keep some room
        self.warnings.setProperty("role", "demand")
        self.warnings_text = label("", self.warnings)
        self.warnings_text.setAccessibleName(_("What blocks it"))
        self.warnings_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.warnings_scroll = QScrollArea(self.warnings)
        self.warnings_scroll.setWidgetResizable(True)
        self.warnings_scroll.setWidget(self.warnings_text)
        self.warnings_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.warnings_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warnings_scroll.setStyleSheet(
            "QScrollArea, QScrollArea QWidget { background: transparent; }"
        )
        box = QVBoxLayout(self.warnings)
        box.setContentsMargins(8, 6, 4, 6)
        box.addWidget(self.warnings_scroll)
        self.warnings.hide()
        self.clear = label("", self, role="ok")
        self.clear.hide()
        self.count = label(_("Values covered"), self, role="subtle")
        self.lines = QStringListModel(self)
        self.list = QListView(self)
        self.list.setModel(self.lines)
        self.list.setAccessibleName(_("Values covered by the signature"))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setMinimumHeight(90)  # three lines or so; it scrolls
        self.hash = QLabel("", self)
        self.hash.setProperty("role", "mono")
        self.hash.setAccessibleName(_("Content SHA-256"))
        self.hash.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.binding = label(
            _(
                "The signature is bound to exactly this content: if any of it changes later, the "
                "signature shows as INVALIDATED."
            ),
            self,
            role="subtle",
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.warnings, 3)
        layout.addWidget(self.clear)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.hash)
        layout.addWidget(self.binding)

    def show_preview(self, preview: Any, disposition_label: str | None = None) -> None:
        """``disposition_label``: the QA disposition chosen (None: not chosen yet, or no
        disposition for this meaning)."""
        self.title.setText(f"<b>{preview.title}</b>")
        self.lines.setStringList(list(preview.lines))
        self.count.setText(_("Values covered ({n}):").format(n=len(preview.lines)))
        self.hash.setText(
            _("Content SHA-256: {sha256}").format(sha256=short_hash(preview.content_sha256))
        )
        self.hash.setToolTip(preview.content_sha256)
        self.hash.setAccessibleDescription(preview.content_sha256)
        if preview.warnings:
            items = "".join(f"<li>{w}</li>" for w in preview.warnings)
            heading = (
                _("<b>✖ What blocks the disposition “{disposition}”:</b>").format(
                    disposition=disposition_label
                )
                if disposition_label
                else _("<b>✖ What blocks a release:</b>")
            )
            self.warnings_text.setText(f"{heading}<ul>{items}</ul>")
            self.warnings.show()
            self.clear.hide()
            self._fit_warnings()
        elif preview.meaning == Meaning.APPROVED:
            self.warnings.hide()
            self.clear.setText(
                "✔ "
                + (
                    _("Nothing blocks the disposition “{disposition}”.").format(
                        disposition=disposition_label
                    )
                    if disposition_label
                    else _("Nothing blocks a release.")
                )
            )
            self.clear.show()
        else:
            self.warnings.hide()
            self.clear.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_warnings()

    def _fit_warnings(self) -> None:
        """The warnings as tall as they need (up to their share; then they scroll)."""
        bar = self.warnings_scroll.verticalScrollBar().sizeHint().width()
        width = max(self.warnings_scroll.width(), self.width() - 20, 200) - bar
        need = self.warnings_text.heightForWidth(width) + 16
        self.warnings.setMaximumHeight(need)
        self.warnings.setMinimumHeight(min(need, self.fontMetrics().lineSpacing() * 3 + 16))

    @property
    def warning_text(self) -> str:
        return self.warnings_text.text() if self.warnings.isVisibleTo(self) else ""
