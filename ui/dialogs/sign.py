"""The sign dialog: exactly what is signed and what the signature means, then the password.

The preview comes from core (`signing_preview.preview`) before any password is asked: the meaning in
large words ("Verified by"), its statement, the signer's printed name and role, the record and
every value covered, the content SHA-256, and for a QA disposition what still blocks it. A QA
approval chooses the disposition (the preview follows the choice) and gives a reason; it may
seal the batch summary in the same act (`reports.approve_and_export`).

Signing runs on a worker (argon2 twice); a refusal (a wrong password included) is shown here in
red, the password is cleared and the dialog stays open. On success ``signature`` holds the
SignatureView (and ``export`` the ExportOutcome when a PDF was sealed too)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.signing_views import DISPOSITION_LABEL, MEANING_LABEL, MEANING_STATEMENT, Meaning
from ui.widgets.common import Message, button, field, label, panel
from ui.widgets.sign_preview import SignPreview

if TYPE_CHECKING:
    from ui.context import AppContext


def default_pdf_path(lot: str, kind: str = "batch summary") -> str:
    """In the user's documents folder when it exists, else in their home folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    where = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    return str(where / f"{lot} {kind}.pdf")


class SignDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        lot: str,
        meaning: str,
        *,
        step_id: str | None = None,
        offer_export: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.lot, self.meaning, self.step_id = context, lot, Meaning(meaning), step_id
        self.signature: Any = None  # SignatureView, once signed
        self.export: Any = None  # ExportOutcome, when the approval sealed a PDF too
        self.preview: Any = None
        self.busy = False
        self._asked = 0  # the latest preview asked for (older answers are dropped)
        what = MEANING_LABEL[self.meaning]
        self.setWindowTitle(f"Sign: {what} · lot {lot}")
        self.setAccessibleName("Sign")
        self.setModal(True)
        self.setMinimumWidth(1000)
        actor = context.actor
        self.meaning_label = label(what, self, role="meaning")
        self.meaning_label.setAccessibleName("Meaning of the signature")
        self.statement = label(MEANING_STATEMENT[self.meaning], self)
        self.statement.setAccessibleName("What the signature means")
        self.signer = label(
            f"Signed as <b>{actor.full_name}</b> ({actor.username}) · role {actor.role} · "
            f"lot <b>{lot}</b>",
            self,
        )
        self.signer.setAccessibleName("Signer")
        self.view = SignPreview(self)

        right = QVBoxLayout()
        right.setSpacing(10)
        self.dispositions = QButtonGroup(self)
        self.reason = self.exporting = self.path = None
        if self.meaning == Meaning.APPROVED:
            right.addWidget(label("<b>Disposition</b>", self))
            grid = QGridLayout()
            for i, (key, text) in enumerate(DISPOSITION_LABEL.items()):
                radio = QRadioButton(text, self)
                radio.setProperty("disposition", str(key))
                radio.setAccessibleName(text)
                self.dispositions.addButton(radio, i)
                grid.addWidget(radio, i // 2, i % 2)
            right.addLayout(grid)
            self.dispositions.buttonToggled.connect(self._disposition_changed)
            self.reason = field("Reason for the disposition", self, placeholder="what it rests on")
            right.addWidget(label("<b>Reason</b> (required; kept with the signature)", self))
            right.addWidget(self.reason)
            if offer_export:
                self.exporting = QCheckBox("Seal the batch summary (PDF) in the same act", self)
                self.path = field("PDF file", self)
                self.path.setText(default_pdf_path(lot))
                choose = button("Choose…", self, tip="Where the sealed PDF is written")
                choose.clicked.connect(self._choose_path)
                for widget in (self.path, choose):
                    widget.setEnabled(False)
                    self.exporting.toggled.connect(widget.setEnabled)
                row = QHBoxLayout()
                row.addWidget(self.path, 1)
                row.addWidget(choose)
                right.addWidget(self.exporting)
                right.addLayout(row)
        right.addStretch(1)
        right.addWidget(label("<b>Your password</b> (signing needs it again)", self))
        self.password = field("Password", self, password=True)
        right.addWidget(self.password)
        self.message = Message(self)
        right.addWidget(self.message)
        self.sign_button = button("Sign", self, default=True, tip="Enter")
        self.sign_button.setMinimumHeight(56)
        self.sign_button.setMinimumWidth(200)
        self.cancel = button("Cancel", self, tip="Esc: close without signing")
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.sign_button)
        right.addLayout(buttons)

        top = panel(self)
        band = QVBoxLayout(top)
        band.addWidget(self.meaning_label)
        band.addWidget(self.statement)
        band.addWidget(self.signer)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addWidget(self.view, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(top)
        layout.addLayout(columns, 1)

        self.sign_button.clicked.connect(self._sign)
        self.cancel.clicked.connect(self.reject)
        self.sign_button.setEnabled(False)
        room = self.screen().availableGeometry()
        self.resize(min(1060, room.width() - 40), min(680, room.height() - 40))
        self.password.setFocus()
        self._load_preview()

    # -- the preview -----------------------------------------------------------------------------

    def disposition(self) -> str | None:
        chosen = self.dispositions.checkedButton()
        return chosen.property("disposition") if chosen is not None else None

    def choose_disposition(self, key: str) -> None:
        for radio in self.dispositions.buttons():
            if radio.property("disposition") == key:
                radio.setChecked(True)

    def _disposition_changed(self, _button: Any, checked: bool) -> None:
        if checked:
            self._load_preview()

    def _load_preview(self) -> None:
        from core.services.signing_preview import preview

        self._asked += 1
        asked = self._asked
        self.context.tasks.run(
            preview,
            self.context.db,
            self.lot,
            self.meaning.value,
            step_id=self.step_id,
            disposition=self.disposition(),
            on_done=lambda p: self._previewed(asked, p),
            on_error=lambda e: asked == self._asked and self._refused(e, keep_password=True),
            owner=self,
        )

    def _previewed(self, asked: int, preview: Any) -> None:
        if asked != self._asked:
            return
        self.preview = preview
        chosen = self.disposition()
        self.view.show_preview(preview, DISPOSITION_LABEL.get(chosen) if chosen else None)
        if not self.busy:
            self.sign_button.setEnabled(True)

    def _choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the sealed batch summary", self.path.text(), "PDF files (*.pdf)"
        )
        if path:
            self.path.setText(path)
            self.exporting.setChecked(True)

    # -- signing ---------------------------------------------------------------------------------

    def _sign(self) -> None:
        if self.busy or self.preview is None:
            return
        if self.reason is not None:
            if self.disposition() is None:
                return self._refuse("Choose the disposition.", self.dispositions.buttons()[0])
            if not self.reason.text().strip():
                return self._refuse("Give the reason for the disposition.", self.reason)
        if not self.password.text():
            return self._refuse("Type your password to sign.", self.password)
        from core.services import reports, signing

        db, actor, password = self.context.db, self.context.actor, self.password.text()
        extra: dict[str, Any] = {}
        if self.reason is not None:
            extra = {"disposition": self.disposition(), "reason": self.reason.text()}
        self._busy(True)
        if self.exporting is not None and self.exporting.isChecked():
            self.message.info("Signing and sealing the PDF…")
            self.context.tasks.run(
                reports.approve_and_export,
                db,
                actor,
                password,
                self.lot,
                Path(self.path.text().strip()),
                on_done=self._exported,
                on_error=self._refused,
                owner=self,
                **extra,
            )
            return
        self.message.info("Signing…")
        self.context.tasks.run(
            signing.sign,
            db,
            actor,
            password,
            self.lot,
            self.meaning.value,
            step_id=self.step_id,
            on_done=self._signed,
            on_error=self._refused,
            owner=self,
            **extra,
        )

    def _exported(self, outcome: Any) -> None:
        self.export = outcome
        self._signed(outcome.approval)

    def _signed(self, signature: Any) -> None:
        self.signature = signature
        self._busy(False)
        self.message.clear()
        self.accept()

    def _refused(self, error: BaseException, keep_password: bool = False) -> None:
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        if not keep_password:
            self.password.clear()
        self.password.setFocus()

    def _refuse(self, text: str, widget: QWidget) -> None:
        self.message.error(text)
        widget.setFocus()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.sign_button.setEnabled(not busy and self.preview is not None)
        self.sign_button.setText("Signing…" if busy else "Sign")
        self.cancel.setEnabled(not busy)
        self.password.setReadOnly(busy)

    def reject(self) -> None:
        if self.busy:
            return  # the signature is being made: its outcome is shown here first
        super().reject()
