"""Correct a recorded value: the new value and the reason; the old value stays in the history.

An out-of-spec new value needs a comment or a deviation here too. The correction itself is done
by core (`recording.correct_value`); refusals stay in the dialog so nothing typed is lost."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _
from core.readmodels import CheckView
from ui import theme
from ui.widgets.check_row import entry_hint
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label


class CorrectionDialog(QDialog):
    submitted = Signal(str, str, str, str, str)  # check id, value, reason, comment, deviation

    def __init__(self, check: CheckView, deviations: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.check = check
        self.setWindowTitle(_("Correct {name}").format(name=check.name))
        self.setMinimumWidth(640)
        current = check.current
        intro = label(
            _(
                "<b>{name}</b> ({id})<br>Recorded: <b>{value}</b> by "
                "{person}. The recorded value stays in the history; the correction "
                "is a new version with your name, the time and the reason."
            ).format(
                name=check.name,
                id=check.id,
                value=current.display,
                person=current.recorded_by_name,
            ),
            self,
        )
        self.value = field(_("New value"), self, placeholder=entry_hint(check))
        self.reason = field(
            _("Reason for the correction"),
            self,
            placeholder=_("why the recorded value was wrong"),
        )
        self.comment = field(_("Comment (needed if the new value is out of spec)"), self)
        self.deviation = TouchCombo(self)
        self.deviation.setMinimumHeight(theme.TOUCH)
        self.deviation.setAccessibleName(_("Deviation reference"))
        self.deviation.addItem(_("no deviation"), "")
        for ref in deviations:
            self.deviation.addItem(ref, ref)
        self.message = Message(self)
        self.save = button(_("Save correction"), self, default=True, tip=_("Enter"))
        self.cancel = button(_("Cancel"), self, tip=_("Esc"))

        form = QFormLayout()
        form.addRow(
            form_label(
                _("New value ({unit})").format(unit=check.unit) if check.unit else _("New value"),
                self,
            ),
            self.value,
        )
        form.addRow(form_label(_("Reason"), self), self.reason)
        form.addRow(form_label(_("Comment"), self), self.comment)
        form.addRow(form_label(_("Deviation"), self), self.deviation)
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
            self.message.error(_("Type the correct value."))
            self.value.setFocus()
            return
        if len(self.reason.text().strip()) < 3:
            self.message.error(_("Give the reason for the correction: it is kept with the record."))
            self.reason.setFocus()
            return
        self.save.setEnabled(False)
        self.message.info(_("Saving…"))
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
