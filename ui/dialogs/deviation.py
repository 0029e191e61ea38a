"""Open a deviation for a batch (and the check it concerns); core gives it its reference."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label


class DeviationDialog(QDialog):
    submitted = Signal(str, str, str)  # check id ("" for none), classification, description

    def __init__(self, lot: str, check_id: str, check_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.check_id = check_id
        self.setWindowTitle("Open a deviation")
        self.setMinimumWidth(620)
        self.classification = TouchCombo(self)
        self.classification.setMinimumHeight(theme.TOUCH)
        self.classification.setAccessibleName("Deviation class")
        for cls in ("minor", "major", "critical"):
            self.classification.addItem(cls.capitalize(), cls)
        self.description = field("What happened", self, placeholder="what happened, where and when")
        self.message = Message(self)
        self.save = button("Open deviation", self, default=True, tip="Enter")
        cancel = button("Cancel", self, tip="Esc")
        form = QFormLayout()
        form.addRow(form_label("Class", self), self.classification)
        form.addRow(form_label("Description", self), self.description)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        about = f"for {check_name} ({check_id})" if check_id else ""
        layout.addWidget(label(f"Lot <b>{lot}</b> {about}", self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.save.clicked.connect(self._save)
        self.description.returnPressed.connect(self._save)
        cancel.clicked.connect(self.reject)
        self.description.setFocus()

    def _save(self) -> None:
        self.save.setEnabled(False)
        self.message.info("Opening…")
        self.submitted.emit(
            self.check_id, self.classification.currentData(), self.description.text()
        )

    def refused(self, text: str) -> None:
        self.save.setEnabled(True)
        self.message.error(text)
