"""A binding act confirmed with the user's own password: says what will happen, asks for a text
(a comment, a conclusion) or a file where needed, then runs one core call on a worker.

Used for marking an audit trail reviewed, closing a deviation, sealing a PDF and issuing
signing certificates. A refusal (a wrong password too) stays in the dialog, in red, with the
password cleared; on success ``result`` holds core's answer, ``finished_with`` is emitted and
the dialog closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.i18n import LANGUAGES, _, language, ngettext
from ui import theme
from ui.widgets.common import Message, TouchCombo, button, field, label

if TYPE_CHECKING:
    from ui.context import AppContext

# (password, text, path) -> core's answer; runs on a worker thread
Action = Callable[[str, str, str], Any]


class ReauthDialog(QDialog):
    finished_with = Signal(object)

    def __init__(
        self,
        context: AppContext,
        title: str,
        explanation: str,
        submit: str,
        action: Action,
        *,
        text: tuple[str, str, int] | None = None,  # (caption, placeholder, least characters)
        path: str | None = None,  # a PDF path to offer (with a "Choose…" button)
        pdf_language: bool = False,  # offer the language the PDF is written in
        working: str | None = None,  # "Working…"
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.action = context, action
        self.working = working if working is not None else _("Working…")
        self.result_value: Any = None
        self.busy = False
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(680)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(label(title, self, role="title"))
        self.explanation = label(explanation, self)
        layout.addWidget(self.explanation)
        self.text: QPlainTextEdit | None = None
        self.least = 0
        if text is not None:
            caption, placeholder, self.least = text
            self.text = QPlainTextEdit(self)
            self.text.setAccessibleName(caption)
            self.text.setPlaceholderText(placeholder)
            self.text.setTabChangesFocus(True)
            self.text.setMinimumHeight(theme.TOUCH * 2)
            layout.addWidget(label(f"<b>{caption}</b>", self))
            layout.addWidget(self.text)
        self.path = None
        if path is not None:
            self.path = field(_("PDF file"), self)
            self.path.setText(path)
            choose = button(_("Choose…"), self, tip=_("Where the sealed PDF is written"))
            choose.setAutoDefault(False)
            choose.clicked.connect(self._choose_path)
            row = QHBoxLayout()
            row.addWidget(self.path, 1)
            row.addWidget(choose)
            layout.addWidget(label(_("<b>File</b>"), self))
            layout.addLayout(row)
        self.language: TouchCombo | None = None
        self.chosen_language = language()  # read by the action (on its worker) once submitted
        if pdf_language:
            self.language = TouchCombo(self)
            self.language.setAccessibleName(_("Language of the PDF"))
            self.language.setToolTip(
                _("The PDF is written in this language; its data stay as recorded")
            )
            for code, name in LANGUAGES.items():
                self.language.addItem(name, code)
            self.language.setCurrentIndex(max(0, self.language.findData(language())))
            layout.addWidget(label(_("<b>Language of the PDF</b>"), self))
            layout.addWidget(self.language)
        layout.addWidget(label(_("<b>Your password</b> (to confirm it is you)"), self))
        self.password = field(_("Your password"), self, password=True)
        layout.addWidget(self.password)
        self.message = Message(self)
        layout.addWidget(self.message)
        self.submit = button(submit, self, default=True, tip=_("Enter"))
        self.submit_text = submit
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without doing anything"))
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        (self.text or self.password).setFocus()

    def _choose_path(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the sealed PDF"), self.path.text(), _("PDF files (*.pdf)")
        )
        if chosen:
            self.path.setText(chosen)

    def _submit(self) -> None:
        if self.busy:
            return
        text = self.text.toPlainText().strip() if self.text is not None else ""
        if self.text is not None and len(text) < self.least:
            self.message.error(
                ngettext(
                    "Write at least {n} character.", "Write at least {n} characters.", self.least
                ).format(n=self.least)
            )
            self.text.setFocus()
            return
        path = self.path.text().strip() if self.path is not None else ""
        if self.path is not None and not path:
            self.message.error(_("Give the file to write."))
            self.path.setFocus()
            return
        if not self.password.text():
            self.message.error(_("Type your password to confirm."))
            self.password.setFocus()
            return
        if self.language is not None:
            self.chosen_language = self.language.currentData()
        self._busy(True)
        self.message.info(self.working)
        self.context.tasks.run(
            self.action,
            self.password.text(),
            text,
            path,
            on_done=self._done,
            on_error=self._refused,
            owner=self,
        )

    def _done(self, result: Any) -> None:
        self.result_value = result
        self._busy(False)
        self.finished_with.emit(result)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        self.password.clear()
        self.password.setFocus()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(self.working if busy else self.submit_text)
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            return
        super().reject()
