"""Record a hand-off of an autologous patient's material (batch record → Custody → Record
hand-off…): which hand-off, the chain-of-identity id scanned on the bag, cassette or shipper (a
wedge scanner types it and Enter, which moves on), when (site time, now by default), where, the
container or shipper, the temperature logger and its summary, a note — and the password when the
template's plan has the recorder e-sign this kind (printed name and meaning shown first).

Core records it (`custody.record_custody`) on a worker and returns the trail as it now stands. A
scanned id that is not the batch's is refused by core (and audited there): the message stays in
the dialog, the scanned text is selected so the next scan replaces it. The idle lock hides the
dialog (a patient's id is on it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.states import CustodyKind
from core.words import CUSTODY_KIND_WORDS
from ui import theme
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label

if TYPE_CHECKING:
    from core.records.custody import CustodyTrail
    from ui.context import AppContext

MONO_STYLE = f'font-family: "{theme.MONO}";'


def now_typed(zone: str) -> str:
    """The time now in the site's zone, as the field takes it."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    return datetime.now(tz).strftime("%Y-%m-%d %H:%M")


class CustodyEventDialog(QDialog):
    finished_with = Signal(object)  # the CustodyTrail core returned

    def __init__(self, context: AppContext, trail: CustodyTrail, parent: QWidget | None = None):
        super().__init__(parent)
        from core.records.custody import MEANING

        self.context, self.trail = context, trail
        self._owner = context.actor.username if context.actor else None
        self._hidden_by_lock = False
        self.busy = False
        self.result_value: Any = None
        self.setWindowTitle(_("Record a hand-off — lot {lot}").format(lot=trail.lot))
        self.setAccessibleName(_("Record a hand-off"))
        self.setModal(True)
        self.setMinimumWidth(760)

        self.kind = TouchCombo(self)
        self.kind.setAccessibleName(_("Hand-off"))
        planned = [CustodyKind(e.kind) for e in trail.expected]
        for kind in dict.fromkeys(planned) if trail.planned else CustodyKind:
            self.kind.addItem(CUSTODY_KIND_WORDS[kind], kind.value)
        first = trail.missing[0].kind if trail.missing else None
        self.kind.setCurrentIndex(max(0, self.kind.findData(first)) if first else 0)
        self.coi = field(_("Chain of identity scanned"), self, placeholder=_("Scan the label"))
        self.coi.setMaxLength(64)
        self.coi.setStyleSheet(MONO_STYLE)
        self.when = field(_("When"), self, placeholder=_("YYYY-MM-DD HH:MM"))
        self.when.setText(now_typed(trail.time_zone))
        self.location = field(_("Where"), self, placeholder=_("Room, site or courier"))
        self.container = field(_("Container or shipper"), self, placeholder=_("Optional"))
        self.logger = field(_("Temperature logger"), self, placeholder=_("Optional"))
        for edit in (self.container, self.logger):
            edit.setMaxLength(64)
            edit.setStyleSheet(MONO_STYLE)
        self.temperature = field(
            _("Temperature summary"), self, placeholder=_("Optional, e.g. ≤ −150 °C throughout")
        )
        self.note = field(_("Note"), self, placeholder=_("Optional"))
        self.password = field(_("Your password"), self, password=True)
        self.signing = label("", self, role="subtle")
        self.signing.setAccessibleName(_("What the e-signature means"))
        self.meaning = _(MEANING)  # the words kept in the signed statement, as read
        self.message = Message(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Working"))
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.cancel = button(_("Cancel"), self, tip=_("Close without recording (Esc)"))
        self.cancel.setAutoDefault(False)
        self.submit = button(_("Record hand-off"), self, tip=_("Record it (Enter)"), default=True)

        form = QFormLayout()
        form.setVerticalSpacing(6)
        form.addRow(form_label(_("Hand-off"), self), self.kind)
        form.addRow(form_label(_("Chain of identity"), self), self.coi)
        form.addRow(form_label(_("When ({zone})").format(zone=trail.time_zone), self), self.when)
        form.addRow(form_label(_("Where"), self), self.location)
        ids = QHBoxLayout()
        ids.addWidget(self.container, 1)
        ids.addWidget(form_label(_("Logger"), self))
        ids.addWidget(self.logger, 1)
        form.addRow(form_label(_("Container / shipper"), self), ids)
        form.addRow(form_label(_("Temperature"), self), self.temperature)
        form.addRow(form_label(_("Note"), self), self.note)
        form.addRow(self.signing)  # the e-signature: what it means, then the password
        form.addRow(form_label(_("Your password"), self), self.password)
        self._form = form
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(
            label(_("Record a hand-off of lot {lot}").format(lot=trail.lot), self, role="title")
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.cancel.clicked.connect(self.reject)
        self.submit.clicked.connect(self.record)
        context.locked_changed.connect(self._locked)
        self._kind_chosen()
        self.coi.setFocus()

    # -- the hand-off chosen ---------------------------------------------------------------------

    def chosen(self) -> str:
        return str(self.kind.currentData())

    def needs_signature(self) -> bool:
        return self.chosen() in self.trail.sign

    def _kind_chosen(self) -> None:
        signed = self.needs_signature()
        self._form.setRowVisible(self.password, signed)
        self._form.setRowVisible(self.signing, signed)
        if signed:
            actor = self.context.actor
            who = actor.full_name if actor else ""
            self.signing.setText(
                _(
                    "This hand-off is e-signed: your password signs it as <b>{who}</b>, now, "
                    "meaning “{meaning}”."
                ).format(who=who, meaning=self.meaning)
            )
        self.password.clear()

    def _fields(self) -> list[QLineEdit]:
        shown = [
            self.coi,
            self.when,
            self.location,
            self.container,
            self.logger,
            self.temperature,
            self.note,
        ]
        return [*shown, self.password] if self.needs_signature() else shown

    # -- keys: Enter moves on (a scan ends with Enter); on the last field, records ---------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        focus = self.focusWidget()
        if focus in (self.cancel, self.submit):
            focus.click()
            return
        fields = self._fields()
        if focus is self.kind:
            fields[0].setFocus()
            return
        if focus in fields and focus is not fields[-1]:
            fields[fields.index(focus) + 1].setFocus()
            return
        self.record()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._grow()  # a message or the password row appears: the dialog shows it whole
        return handled

    def _grow(self) -> None:
        layout = self.layout()
        width = max(self.width(), layout.totalSizeHint().width())
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        height = max(self.height(), height, layout.totalSizeHint().height())
        screen = self.screen()
        if screen is not None:
            height = min(height, screen.availableGeometry().height() - 40)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)

    # -- recording -------------------------------------------------------------------------------

    def record(self) -> None:
        if self.busy:
            return
        coi = self.coi.text().strip()
        if not coi:
            return self._ask(self.coi, _("Scan the chain-of-identity id on the label first."))
        if not self.location.text().strip():
            return self._ask(self.location, _("Say where the hand-off happened."))
        if self.needs_signature() and not self.password.text():
            return self._ask(self.password, _("Type your password: this hand-off is e-signed."))
        from core.services.custody import record_custody

        self._busy(True)
        self.message.info(_("Recording…"))
        self.context.tasks.run(
            record_custody,
            self.context.db,
            self.context.actor,
            self.trail.lot,
            self.chosen(),
            coi_scanned=coi,
            occurred_at=self.when.text(),
            location=self.location.text(),
            container_id=self.container.text() or None,
            logger_id=self.logger.text() or None,
            temperature=self.temperature.text() or None,
            note=self.note.text() or None,
            password=self.password.text() if self.needs_signature() else None,
            on_done=self._done,
            on_error=self._refused,
            owner=self,
        )

    def _ask(self, edit: QLineEdit, text: str) -> None:
        self.message.error(text)
        edit.setFocus()

    def _done(self, trail: CustodyTrail) -> None:
        self._busy(False)
        self.result_value = trail
        self.finished_with.emit(trail)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        """Core's refusal in the dialog; the input it names (its ``field``, the same in every
        language) gets the focus, its text selected so the next scan or typing replaces it."""
        from core.errors import ScanMismatch
        from core.fields import Field
        from ui.errors import message_of

        self._busy(False)
        text = message_of(error)
        self.message.error(text)
        self.password.clear()
        if isinstance(error, ScanMismatch):
            self.coi.setAccessibleDescription(text)
        field = getattr(error, "field", None)
        if field == Field.PASSWORD and not self.needs_signature():
            return  # no password row to go to
        edit = {
            Field.COI_ID: self.coi,
            Field.OCCURRED_AT: self.when,
            Field.LOCATION: self.location,
            Field.PASSWORD: self.password,
        }.get(field)
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        for widget in (self.kind, *self._fields(), self.submit, self.cancel):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            return
        super().reject()

    def _locked(self, locked: bool) -> None:
        """The idle lock hides the dialog; the same user gets it back as it was, another user
        never sees it."""
        if locked and self.isVisible():
            self._hidden_by_lock = True
            self.password.clear()
            self.hide()
        elif not locked and self._hidden_by_lock:
            self._hidden_by_lock = False
            actor = self.context.actor
            if actor is not None and actor.username == self._owner:
                self.open()
            else:
                self.reject()
