"""Open a deviation for a batch (and the check it concerns); core gives it its reference."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import N_, _
from ui import theme
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label

# The classes a deviation is opened in (the value core stores, the word shown)
CLASS_WORDS = {"minor": N_("Minor"), "major": N_("Major"), "critical": N_("Critical")}


class DeviationDialog(QDialog):
    submitted = Signal(str, str, str)  # check id ("" for none), classification, description

    def __init__(self, lot: str, check_id: str, check_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.check_id = check_id
        self.setWindowTitle(_("Open a deviation"))
        self.setMinimumWidth(620)
        self.classification = TouchCombo(self)
        self.classification.setMinimumHeight(theme.TOUCH)
        self.classification.setAccessibleName(_("Deviation class"))
        for cls, shown in CLASS_WORDS.items():
            self.classification.addItem(_(shown), cls)
        self.description = field(
            _("What happened"), self, placeholder=_("what happened, where and when")
        )
        self.message = Message(self)
        self.save = button(_("Open deviation"), self, default=True, tip=_("Enter"))
        cancel = button(_("Cancel"), self, tip=_("Esc"))
        form = QFormLayout()
        form.addRow(form_label(_("Class"), self), self.classification)
        form.addRow(form_label(_("Description"), self), self.description)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        heading = (
            _("Lot <b>{lot}</b> for {check} ({id})").format(lot=lot, check=check_name, id=check_id)
            if check_id
            else _("Lot <b>{lot}</b>").format(lot=lot) + " "  # (the space as before)
        )
        layout.addWidget(label(heading, self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.save.clicked.connect(self._save)
        self.description.returnPressed.connect(self._save)
        cancel.clicked.connect(self.reject)
        self.description.setFocus()

    def _save(self) -> None:
        self.save.setEnabled(False)
        self.message.info(_("Opening…"))
        self.submitted.emit(
            self.check_id, self.classification.currentData(), self.description.text()
        )

    def refused(self, text: str) -> None:
        self.save.setEnabled(True)
        self.message.error(text)
