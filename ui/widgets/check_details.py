"""The details of the focused check: the full spec, method, source of the figure, formula."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from core.readmodels import CheckView


class CheckDetails(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumWidth(200)
        self.text = QLabel("Focus a check to see its details.", self)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("Check details")
        self.text.setContentsMargins(10, 10, 10, 10)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self.text)

    def show_check(self, check: CheckView) -> None:
        rows = [
            ("Check", check.id),
            ("Type", check.type + (f", unit {check.unit}" if check.unit else "")),
            ("Method", check.method or "—"),
            ("Specification", check.spec),
            ("Source", check.source),
        ]
        if check.formula:
            rows.append(("Calculated", check.formula))
        flags = [
            text
            for text, on in (
                ("gates release", check.gates_release),
                ("second person verifies", check.verify),
                ("required", check.required),
            )
            if on
        ]
        if flags:
            rows.append(("Rules", ", ".join(flags)))
        if check.note:
            rows.append(("Note", check.note))
        body = "".join(f"<p><b>{escape(k)}</b><br>{escape(v)}</p>" for k, v in rows)
        self.text.setText(f"<h3>{escape(check.name)}</h3>{body}")
