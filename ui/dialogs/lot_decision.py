"""QA's decision on a material lot — release, reject, back to quarantine, expire — as an
e-signature: before any password, the lot as it stands (its status today, its certificates of
analysis and their SHA-256), the meaning of the signature in large words ("QA decision:
quarantine → released"), what the signature binds, and the signer's printed name and role; then
the reason and the password. Only the moves core allows from the lot's status are offered
(core/services/material_lots.py MOVES); core re-authenticates, decides and signs, on a worker.
A refusal (a wrong password, no certificate to release on, an expired lot) stays here in words;
the reason typed is kept, a wrong password is cleared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.auth.roles import role_words
from core.i18n import N_, _, ngettext
from core.words import LOT_STATUS_WORDS
from ui.dialogs.form_dialog import FormDialog, text_box
from ui.models.materials import effective_sentence, lot_title, quantity, status_words
from ui.widgets.common import TouchCombo, field, label, panel

if TYPE_CHECKING:
    from core.records.materials import LotView
    from ui.context import AppContext

EXAMPLE = N_("e.g. CoA reviewed against the specification: conforms")


def moves_from(lot: LotView) -> list[str]:
    """The statuses core lets QA move this lot to, in the order of core's enum."""
    from core.services.material_lots import MOVES
    from core.states import LotStatus

    allowed = MOVES[LotStatus(lot.status)]
    return [s.value for s in LotStatus if s in allowed]


def final_text(lot: LotView) -> str:
    """Why no decision can be made on the lot (its status is final), or ""."""
    if moves_from(lot):
        return ""
    return _("{lot} is {status}, which is final: receive a new lot instead.").format(
        lot=lot_title(lot), status=LOT_STATUS_WORDS.get(lot.status)
    )


def facts_text(lot: LotView) -> str:
    coas = "; ".join(f"{a.filename} (SHA-256 {a.sha256[:16]}…)" for a in lot.attachments)
    return _(
        "<b>{material}</b>, lot <b>{lot}</b>, expiry {expiry}, {on_hand} on hand.<br>"
        "Today: {today}<br>"
        "Certificate of analysis: {coas}"
    ).format(
        material=lot.material_name,
        lot=lot.lot_number,
        expiry=lot.expiry.isoformat(),
        on_hand=quantity(lot.on_hand, lot.unit),
        today=effective_sentence(lot),
        coas=coas or _("<b>none attached</b>"),
    )


class DecideLotDialog(FormDialog):
    def __init__(
        self,
        context: AppContext,
        lot: LotView,
        status: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        from core.services.material_lots import MIN_REASON

        super().__init__(
            context,
            _("QA decision · {lot}").format(lot=lot_title(lot)),
            facts_text(lot),
            _("Sign decision"),
            working=_("Signing…"),
            parent=parent,
        )
        self.setMinimumWidth(860)
        self.lot = lot
        actor = context.actor
        band = panel(self)
        column = QVBoxLayout(band)
        self.meaning = label("", band, role="meaning")
        self.meaning.setAccessibleName(_("Meaning of the signature"))
        self.statement = label(
            _(
                "Your e-signature binds this lot (material, lot number, expiry), the move, your "
                "reason and the certificates of analysis kept with it (their SHA-256). It is kept "
                "with the lot and shown on its page."
            ),
            band,
        )
        self.signer = label(
            _("Signed as <b>{name}</b> ({username}) · role {role}").format(
                name=actor.full_name, username=actor.username, role=role_words(actor.role)
            ),
            band,
        )
        self.signer.setAccessibleName(_("Signer"))
        for widget in (self.meaning, self.statement, self.signer):
            column.addWidget(widget)
        self.form.insertRow(0, band)
        self.status = self.row(_("New &status"), TouchCombo(self))
        self.status.setAccessibleName(_("New status"))
        for move in moves_from(lot):
            self.status.addItem(status_words(move), move)
        if status is not None and (index := self.status.findData(status)) >= 0:
            self.status.setCurrentIndex(index)
        self.reason = self.row(
            ngettext(
                "&Reason (at least {n} character)", "&Reason (at least {n} characters)", MIN_REASON
            ).format(n=MIN_REASON),
            text_box(_("Reason for the decision"), self, _(EXAMPLE)),
        )
        self.password = self.row(
            _("Your &password"), field(_("Your password"), self, password=True)
        )
        self.status.currentIndexChanged.connect(self._show_meaning)
        self._show_meaning()
        if refusal := final_text(lot):
            self.message.error(refusal)
            for widget in (self.status, self.reason, self.password, self.submit):
                widget.setEnabled(False)
        (self.reason if status else self.status).setFocus()

    def _show_meaning(self) -> None:
        from core.records.materials import meaning_shown

        chosen = self.status.currentData()
        self.meaning.setText(meaning_shown(self.lot.status, chosen) if chosen else "")

    def send(self) -> None:
        from core.services.material_lots import decide_lot

        if not self.password.text():
            self.refuse(_("Type your password to sign the decision."), self.password)
            return
        self.run(
            decide_lot,
            self.context.db,
            self.context.actor,
            self.password.text(),
            self.lot.material_code,
            self.lot.lot_number,
            self.status.currentData(),
            self.reason.toPlainText(),
        )

    def after_refusal(self, error: BaseException) -> None:
        from core.errors import AuthenticationFailed

        if isinstance(error, AuthenticationFailed):
            self.password.clear()
            self.password.setFocus()
        else:
            self.reason.setFocus()
