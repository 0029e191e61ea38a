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

from core.words import LOT_STATUS_WORDS
from ui.dialogs.form_dialog import FormDialog, text_box
from ui.models.materials import effective_sentence, lot_title, quantity, status_words
from ui.widgets.common import TouchCombo, field, label, panel

if TYPE_CHECKING:
    from core.records.materials import LotView
    from ui.context import AppContext

EXAMPLE = "e.g. CoA reviewed against the specification: conforms"


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
    return (
        f"{lot_title(lot)} is {LOT_STATUS_WORDS.get(lot.status)}, which is final: receive a new "
        "lot instead."
    )


def facts_text(lot: LotView) -> str:
    coas = "; ".join(f"{a.filename} (SHA-256 {a.sha256[:16]}…)" for a in lot.attachments)
    return (
        f"<b>{lot.material_name}</b>, lot <b>{lot.lot_number}</b>, expiry "
        f"{lot.expiry.isoformat()}, {quantity(lot.on_hand, lot.unit)} on hand.<br>"
        f"Today: {effective_sentence(lot)}<br>"
        f"Certificate of analysis: {coas or '<b>none attached</b>'}"
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
            f"QA decision · {lot_title(lot)}",
            facts_text(lot),
            "Sign decision",
            working="Signing…",
            parent=parent,
        )
        self.setMinimumWidth(860)
        self.lot = lot
        actor = context.actor
        band = panel(self)
        column = QVBoxLayout(band)
        self.meaning = label("", band, role="meaning")
        self.meaning.setAccessibleName("Meaning of the signature")
        self.statement = label(
            "Your e-signature binds this lot (material, lot number, expiry), the move, your "
            "reason and the certificates of analysis kept with it (their SHA-256). It is kept "
            "with the lot and shown on its page.",
            band,
        )
        self.signer = label(
            f"Signed as <b>{actor.full_name}</b> ({actor.username}) · role {actor.role}", band
        )
        self.signer.setAccessibleName("Signer")
        for widget in (self.meaning, self.statement, self.signer):
            column.addWidget(widget)
        self.form.insertRow(0, band)
        self.status = self.row("New &status", TouchCombo(self))
        self.status.setAccessibleName("New status")
        for move in moves_from(lot):
            self.status.addItem(status_words(move), move)
        if status is not None and (index := self.status.findData(status)) >= 0:
            self.status.setCurrentIndex(index)
        self.reason = self.row(
            f"&Reason (at least {MIN_REASON} characters)",
            text_box("Reason for the decision", self, EXAMPLE),
        )
        self.password = self.row("Your &password", field("Your password", self, password=True))
        self.status.currentIndexChanged.connect(self._show_meaning)
        self._show_meaning()
        if refusal := final_text(lot):
            self.message.error(refusal)
            for widget in (self.status, self.reason, self.password, self.submit):
                widget.setEnabled(False)
        (self.reason if status else self.status).setFocus()

    def _show_meaning(self) -> None:
        from core.records.materials import meaning_words

        chosen = self.status.currentData()
        self.meaning.setText(meaning_words(self.lot.status, chosen) if chosen else "")

    def send(self) -> None:
        from core.services.material_lots import decide_lot

        if not self.password.text():
            self.refuse("Type your password to sign the decision.", self.password)
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
