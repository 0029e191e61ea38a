"""A short list of problems, one a line ("• …"), read-only and selectable: as tall as its lines
up to a few (then it scrolls), in the current font, so it takes no more room than it needs from
the table below it, in normal and in large text."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget


class ProblemList(QPlainTextEdit):
    def __init__(self, name: str, parent: QWidget | None = None, most_lines: int = 4) -> None:
        super().__init__(parent)
        self.most_lines = most_lines
        self.setAccessibleName(name)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hide()

    def show_problems(self, problems: Iterable[str]) -> None:
        lines = [f"• {p}" for p in problems]
        self.setPlainText("\n".join(lines))
        self.setVisible(bool(lines))
        self.updateGeometry()

    def problems(self) -> list[str]:
        text = self.toPlainText()
        return [line.removeprefix("• ") for line in text.split("\n")] if text else []

    def sizeHint(self) -> QSize:
        shown = min(max(self.blockCount(), 1), self.most_lines)
        margins = self.contentsMargins()
        frame = margins.top() + margins.bottom() + 2 * round(self.document().documentMargin())
        height = self.fontMetrics().lineSpacing() * shown + frame + 2
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()  # large text: the lines are taller
