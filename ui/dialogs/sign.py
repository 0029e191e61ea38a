"""The sign dialog: exactly what is signed and what the signature means, then the password.

The preview comes from core (`signing_preview.preview`) before any password is asked: the meaning in
large words ("Verified by"), its statement, the signer's printed name and role, the record and
every value covered, the content SHA-256, and for a QA disposition what still blocks it. A QA
approval chooses among the dispositions that fit the lot (ui.dialogs.disposition; the preview
follows the choice), gives a reason, and for an exceptional release or the acknowledgement of a
post-release failure the deviation and the physician's notification; it may seal the batch
summary in the same act (`reports.approve_and_export`). A disposition core's preview says is
blocked cannot be signed: the password field and the Sign button wait until another is chosen.

Signing runs on a worker (argon2 twice); a refusal (a wrong password included) is shown here in
red, the password is cleared and the dialog stays open. On success ``signature`` holds the
SignatureView (and ``export`` the ExportOutcome when a PDF was sealed too)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from core.auth.roles import role_words
from core.i18n import _
from core.signing_views import DISPOSITION_LABEL, MEANING_LABEL, MEANING_STATEMENT, Meaning
from ui import theme
from ui.dialogs.disposition import DispositionForm, default_pdf_path, lot_facts
from ui.widgets.common import Message, button, field, form_label, label, panel
from ui.widgets.sign_preview import SignPreview

if TYPE_CHECKING:
    from ui.context import AppContext

__all__ = ["SignDialog", "default_pdf_path"]


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
        self.choices: tuple[str, ...] | None = None  # the dispositions offered, once read
        self.busy = False
        self._showing_block = False  # the message says the chosen disposition is blocked
        self._asked = 0  # the latest preview asked for (older answers are dropped)
        what = MEANING_LABEL[self.meaning]
        self.setWindowTitle(_("Sign: {meaning} · lot {lot}").format(meaning=what, lot=lot))
        self.setAccessibleName(_("Sign"))
        self.setModal(True)
        self.setMinimumWidth(1000)
        self.setStyleSheet(  # a Sign that cannot be pressed does not look pressable
            f"QPushButton:default:disabled {{ background: {theme.PANEL}; "
            f"border-color: {theme.LINE}; }}"
        )
        actor = context.actor
        self.meaning_label = label(what, self, role="meaning")
        self.meaning_label.setAccessibleName(_("Meaning of the signature"))
        self.statement = label(MEANING_STATEMENT[self.meaning], self)
        self.statement.setAccessibleName(_("What the signature means"))
        self.signer = label(
            _("Signed as <b>{name}</b> ({username}) · role {role} · lot <b>{lot}</b>").format(
                name=actor.full_name, username=actor.username, role=role_words(actor.role), lot=lot
            ),
            self,
        )
        self.signer.setAccessibleName(_("Signer"))
        self.view = SignPreview(self)
        self.form: DispositionForm | None = None
        if self.meaning == Meaning.APPROVED:
            self.form = DispositionForm(lot, offer_export, self)
            self.form.changed.connect(self._load_preview)
            self.form.edited.connect(self._edited)
        self.message = Message(self)
        self.refusal = Message(self)  # at the top: why this person cannot sign this at all
        self.refusal.setAccessibleName(_("Why you cannot sign"))
        self.password = field(_("Password"), self, password=True)
        self.sign_button = button(_("Sign"), self, default=True, tip=_("Enter"))
        self.sign_button.setMinimumHeight(56)
        self.sign_button.setMinimumWidth(200)
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without signing"))
        self.cancel.setAutoDefault(False)
        self._lay_out()

        self._tab_order()
        self.sign_button.clicked.connect(self._sign)
        self.cancel.clicked.connect(self.reject)
        self.sign_button.setEnabled(False)
        self.fit_to(self.screen().availableGeometry())
        (self.form.choice if self.form is not None else self.password).setFocus()
        if self.form is not None:
            self._load_lot()
        self._load_preview()

    def _lay_out(self) -> None:
        top = panel(self)
        band = QVBoxLayout(top)
        band.addWidget(self.meaning_label)
        band.addWidget(self.statement)
        band.addWidget(self.signer)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addWidget(self.view, 5)
        if self.form is not None:  # scrolls only if large text needs more room than there is
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.form)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setStyleSheet(
                "QScrollArea, QWidget#qt_scrollarea_viewport, QWidget#dispositionForm "
                "{ background: transparent; }"
            )
            columns.addWidget(scroll, 6)
        bottom = QHBoxLayout()  # the password last, once the rest is read and chosen
        bottom.setSpacing(10)
        bottom.addWidget(form_label(_("<b>Your password</b>"), self))
        bottom.addWidget(self.password, 1)
        bottom.addSpacing(10)
        bottom.addWidget(self.cancel)
        bottom.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.refusal)
        layout.addWidget(top)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

    def _tab_order(self) -> None:
        """The decision first, then the password and Sign; the preview list is for the eye."""
        chain: list[QWidget] = []
        if self.form is not None:
            chain += self.form.tab_chain()
        chain += [self.password, self.sign_button, self.cancel]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def fit_to(self, room: QRect) -> None:
        """As large as it is useful, inside ``room`` (the screen's available area)."""
        wide = 1240 if self.form is not None else 1060
        self.resize(min(wide, room.width() - 40), min(700, room.height() - 40))

    # -- the lot and the preview -----------------------------------------------------------------

    def _load_lot(self) -> None:
        self.context.tasks.run(
            lot_facts,
            self.context.db,
            self.lot,
            on_done=self._lot_read,
            on_error=lambda e: self._refused(e, keep_password=True),
            owner=self,
        )

    def _lot_read(self, facts: tuple[Any, bool]) -> None:
        view, offered = facts
        self.choices = self.form.show_lot(view, offered)
        if not self.choices:
            from ui.models.batches import status_words

            self.message.error(
                _("Lot {lot} ({status}): no disposition can be approved now.").format(
                    lot=self.lot, status=status_words(view.status)
                )
            )
        self._allow()

    def _edited(self) -> None:
        """A detail changed: an earlier refusal no longer applies."""
        if not self._showing_block and not self.busy:
            self.message.clear()

    def disposition(self) -> str | None:
        return self.form.disposition() if self.form is not None else None

    def choose_disposition(self, key: str) -> None:
        if self.form is not None:
            self.form.choose(key)

    def _load_preview(self) -> None:
        from core.services.signing_preview import preview

        self._asked += 1
        asked = self._asked
        self.preview = None  # until core answered for this choice
        self._allow()
        self.context.tasks.run(
            preview,
            self.context.db,
            self.lot,
            self.meaning.value,
            step_id=self.step_id,
            disposition=self.disposition(),
            actor=self.context.actor,
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
        self._allow()

    def blocked(self) -> bool:
        """A disposition is chosen and core's preview says what still blocks it."""
        return bool(self.disposition() and self.preview is not None and self.preview.warnings)

    def refused_before(self) -> str | None:
        """Core's reason why this person cannot sign this at all (before any password)."""
        return self.preview.refusal if self.preview is not None else None

    def _allow(self) -> None:
        """Refuse before asking: no password for a signature or disposition core refuses."""
        refusal = self.refused_before()
        if refusal:
            self.refusal.error(_("You cannot sign this: {refusal}").format(refusal=refusal))
        else:
            self.refusal.clear()
        refused = bool(refusal) or self.blocked() or (self.form is not None and self.choices == ())
        ready = self.preview is not None and not self.busy and not refused
        self.sign_button.setEnabled(ready)
        self.password.setEnabled(not refused)
        if self.blocked():
            chosen = DISPOSITION_LABEL.get(self.disposition(), self.disposition())
            self.sign_button.setToolTip(
                _("“{disposition}” is blocked: see what blocks it.").format(disposition=chosen)
            )
            self.message.error(
                _(
                    "“{disposition}” cannot be signed now: what blocks it is listed on the left. "
                    "Resolve it first, or choose another disposition."
                ).format(disposition=chosen)
            )
            self._showing_block = True
        else:
            self.sign_button.setToolTip(_("Enter"))
            if self._showing_block:
                self.message.clear()
            self._showing_block = False

    # -- signing ---------------------------------------------------------------------------------

    def _sign(self) -> None:
        if self.busy or self.preview is None or self.blocked() or self.refused_before():
            return
        extra: dict[str, Any] = {}
        if self.form is not None:
            extra = self.form.details()
            if extra["disposition"] is None:
                return self._refuse(_("Choose the disposition."), self.form.choice)
            if not extra["reason"].strip():
                return self._refuse(_("Give the reason for the disposition."), self.form.reason)
            refusal = _details_refusal(extra)
            if refusal:  # core's own words, before the password is checked
                form = self.form
                missing = form.needs_physician() and not extra.get("deviation")
                return self._refuse(refusal, form.deviation if missing else form.physician)
        if not self.password.text():
            return self._refuse(_("Type your password to sign."), self.password)
        from core.services import reports, signing

        db, actor, password = self.context.db, self.context.actor, self.password.text()
        self._busy(True)
        path = self.form.export_path() if self.form is not None else None
        if path is not None:
            self.message.info(_("Signing and sealing the PDF…"))
            self.context.tasks.run(
                reports.approve_and_export,
                db,
                actor,
                password,
                self.lot,
                Path(path),
                force=True,  # the file name is on screen when the user signs
                on_done=self._exported,
                on_error=self._refused,
                owner=self,
                **extra,
            )
            return
        self.message.info(_("Signing…"))
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
        self.sign_button.setText(_("Signing…") if busy else _("Sign"))
        self.cancel.setEnabled(not busy)
        self.password.setReadOnly(busy)
        self._allow()

    def reject(self) -> None:
        if self.busy:
            return  # the signature is being made: its outcome is shown here first
        super().reject()


def _details_refusal(extra: dict[str, Any]) -> str:
    """Core's refusal of the deviation and the physician's notification given, or ""."""
    from core.errors import DomainError
    from core.services.dispositions import parse_disposition, required_details

    try:
        required_details(
            parse_disposition(extra["disposition"]), extra.get("deviation"), extra.get("physician")
        )
    except DomainError as error:
        from ui.errors import message_of

        return message_of(error)
    return ""
