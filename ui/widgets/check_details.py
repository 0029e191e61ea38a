"""The details of the focused check: the full spec (with core's caveat when the limit is an example
QA has not confirmed), method, source of the figure, formula, and when it applies."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from core.i18n import _
from core.readmodels import CheckView


def applies_text(check: CheckView) -> str:
    """When the check applies, and whether it does for this batch (core's ``applies``)."""
    if check.applies is False:
        return _("only when {condition} — does not apply to this batch").format(
            condition=check.condition
        )
    if check.applies is None:
        return _("only when {condition} — not known yet: record that check first").format(
            condition=check.condition
        )
    return _("when {condition} — it does for this batch").format(condition=check.condition)


class CheckDetails(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumWidth(200)
        self.text = QLabel(_("Focus a check to see its details."), self)
        self.text.setWordWrap(True)
        self.text.setAccessibleName(_("Check details"))
        self.text.setContentsMargins(10, 10, 10, 10)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self.text)

    def show_check(self, check: CheckView) -> None:
        from core.check_kinds import type_words

        words = type_words(check.type)
        kind = _("{type}, unit {unit}").format(type=words, unit=check.unit) if check.unit else words
        rows = [
            (_("Check"), check.id),
            (_("Type"), kind),
            (_("Method"), check.method or "—"),
            (_("Specification"), check.spec),
        ]
        if check.caveat:
            rows.append(("⚠ " + _("Example limit"), check.caveat))
        rows.append((_("Source"), check.source))
        if check.condition:
            rows.append((_("Applies"), applies_text(check)))
        if check.formula:
            rows.append((_("Calculated"), check.formula))
        flags = [
            text
            for text, on in (
                (_("gates release"), check.gates_release),
                (_("second person verifies"), check.verify),
                (_("required"), check.required),
                (_("may follow release (results pending)"), check.pending_allowed),
            )
            if on
        ]
        if flags:
            rows.append((_("Rules"), ", ".join(flags)))
        if check.note:
            rows.append((_("Note"), check.note))
        body = "".join(f"<p><b>{escape(k)}</b><br>{escape(v)}</p>" for k, v in rows)
        self.text.setText(f"<h3>{escape(check.name)}</h3>{body}")
