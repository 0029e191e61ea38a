"""The details of the focused check: the full spec (with core's caveat when the limit is an example
QA has not confirmed), method, source of the figure, formula, and when it applies."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from core.readmodels import CheckView


def applies_text(check: CheckView) -> str:
    """When the check applies, and whether it does for this batch (core's ``applies``)."""
    if check.applies is False:
        return f"only when {check.condition} — does not apply to this batch"
    if check.applies is None:
        return f"only when {check.condition} — not known yet: record that check first"
    return f"when {check.condition} — it does for this batch"


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
        ]
        if check.caveat:
            rows.append(("⚠ Example limit", check.caveat))
        rows.append(("Source", check.source))
        if check.condition:
            rows.append(("Applies", applies_text(check)))
        if check.formula:
            rows.append(("Calculated", check.formula))
        flags = [
            text
            for text, on in (
                ("gates release", check.gates_release),
                ("second person verifies", check.verify),
                ("required", check.required),
                ("may follow release (results pending)", check.pending_allowed),
            )
            if on
        ]
        if flags:
            rows.append(("Rules", ", ".join(flags)))
        if check.note:
            rows.append(("Note", check.note))
        body = "".join(f"<p><b>{escape(k)}</b><br>{escape(v)}</p>" for k, v in rows)
        self.text.setText(f"<h3>{escape(check.name)}</h3>{body}")
