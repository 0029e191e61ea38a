"""Correct a recorded value: the new value and the reason; the old value stays in the history.

An out-of-spec new value needs a comment or a deviation here too. The correction itself is done
by core (`recording.correct_value`); refusals stay in the dialog so nothing typed is lost."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.readmodels import CheckView
from ui import theme
from ui.widgets.check_row import entry_hint
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label


class CorrectionDialog(QDialog):
    submitted = Signal(str, str, str, str, str)  # check id, value, reason, comment, deviation

    def __init__(self, check: CheckView, deviations: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.check = check
        self.setWindowTitle(f"Correct {check.name}")
        self.setMinimumWidth(640)
        current = check.current
        intro = label(
            f"<b>{check.name}</b> ({check.id})<br>Recorded: <b>{current.display}</b> by "
            f"{current.recorded_by_name}. The recorded value stays in the history; the correction "
            "is a new version with your name, the time and the reason.",
            self,
        )
        self.value = field("New value", self, placeholder=entry_hint(check))
        self.reason = field(
            "Reason for the correction", self, placeholder="why the recorded value was wrong"
        )
        self.comment = field("Comment (needed if the new value is out of spec)", self)
        self.deviation = TouchCombo(self)
        self.deviation.setMinimumHeight(theme.TOUCH)
        self.deviation.setAccessibleName("Deviation reference")
        self.deviation.addItem("no deviation", "")
        for ref in deviations:
            self.deviation.addItem(ref, ref)
        self.message = Message(self)
        self.save = button("Save correction", self, default=True, tip="Enter")
        self.cancel = button("Cancel", self, tip="Esc")

        form = QFormLayout()
        form.addRow(
            form_label(f"New value ({check.unit})" if check.unit else "New value", self), self.value
        )
        form.addRow(form_label("Reason", self), self.reason)
        form.addRow(form_label("Comment", self), self.comment)
        form.addRow(form_label("Deviation", self), self.deviation)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.save.clicked.connect(self._save)
        self.cancel.clicked.connect(self.reject)
        for edit in (self.value, self.reason, self.comment):
            edit.returnPressed.connect(self._save)
        self.value.setFocus()

    def _save(self) -> None:
        if not self.value.text().strip():
            self.message.error("Type the correct value.")
            self.value.setFocus()
            return
        if len(self.reason.text().strip()) < 3:
            self.message.error("Give the reason for the correction: it is kept with the record.")
            self.reason.setFocus()
            return
        self.save.setEnabled(False)
        self.message.info("Saving…")
        self.submitted.emit(
            self.check.id,
            self.value.text(),
            self.reason.text(),
            self.comment.text(),
            self.deviation.currentData() or "",
        )

    def refused(self, text: str) -> None:
        self.save.setEnabled(True)
        self.message.error(text)
