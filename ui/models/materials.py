"""Material lots as tables (Materials screen and a lot's page): every lot with its status as QA
decided it and as it is today (a lot past its expiry date is EXPIRED whatever QA's status says),
its stock and whether its certificate of analysis is kept; a lot's e-signed decisions, its files
and the batches that used it (recall). Formatting only: the read models come from core
(core/records/materials.py); the statuses are shown by icon and word, never colour alone."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.clock import local_text
from core.i18n import N_, _, first_upper
from core.states import LotStatus
from core.words import LOT_STATUS_WORDS
from ui.models.cells import CellsTable

if TYPE_CHECKING:
    from core.records.materials import AttachmentView, DecisionView, LotView, UseView

LOT_ICONS = {
    LotStatus.RELEASED: "✔",
    LotStatus.QUARANTINE: "◐",
    LotStatus.REJECTED: "✖",
    LotStatus.EXPIRED: "⊘",
}
PAST_EXPIRY = N_("⊘ EXPIRED")


def status_words(status: str) -> str:
    """A lot status with its icon: '✔ released', '◐ quarantine'."""
    return f"{LOT_ICONS.get(status, '●')} {LOT_STATUS_WORDS.get(status, status)}"


def past_expiry(lot: LotView) -> bool:
    """Core says the lot is expired today though QA's stored status says otherwise."""
    return lot.effective_status != lot.status


def effective_words(lot: LotView) -> str:
    return _(PAST_EXPIRY) if past_expiry(lot) else status_words(lot.effective_status)


def effective_sentence(lot: LotView) -> str:
    """The lot's status today in one sentence (a tooltip, the lot page)."""
    if past_expiry(lot):
        return _(
            "Expired: past its expiry date ({expiry}), so it may not be used "
            "whatever QA's status says (QA's status: {status})."
        ).format(expiry=lot.expiry.isoformat(), status=LOT_STATUS_WORDS.get(lot.status))
    words = first_upper(LOT_STATUS_WORDS.get(lot.status, lot.status))
    if not lot.decisions:
        return _("{Status} (as received: QA has not decided yet).").format(Status=words)
    return _("{Status} (as QA last decided).").format(Status=words)


def quantity(value: Decimal | None, unit: str) -> str:
    """An exact quantity with its unit, as stored (never rounded through a float)."""
    return "" if value is None else f"{format(value, 'f')} {unit}"


def lot_title(lot: LotView) -> str:
    return _("{material} lot {lot}").format(material=lot.material_code, lot=lot.lot_number)


class LotsModel(CellsTable):
    columns = (
        N_("Material"),
        N_("Name"),
        N_("Lot"),
        N_("Expiry"),
        N_("Status (QA)"),
        N_("Status today"),
        N_("Received"),
        N_("On hand"),
        N_("CoA"),
    )
    STATUS, TODAY, COA = 4, 5, 8

    def lot_at(self, row: int) -> LotView | None:
        return self.item_at(row)

    def row_of(self, code: str, lot_number: str) -> int | None:
        return self.row_where(lambda v: (v.material_code, v.lot_number) == (code, lot_number))

    def cells(self, lot: LotView) -> tuple[str, ...]:
        return (
            lot.material_code,
            lot.material_name,
            lot.lot_number,
            lot.expiry.isoformat(),
            status_words(lot.status),
            effective_words(lot),
            quantity(lot.quantity_received, lot.unit),
            quantity(lot.on_hand, lot.unit),
            "✔ " + _("yes") if lot.has_coa else "— " + _("no"),
        )

    def tip(self, lot: LotView, column: int) -> str | None:
        if column == self.STATUS:
            status = LOT_STATUS_WORDS.get(lot.status)
            if lot.status_at:
                tip = _("QA's status: {status} by {by}, {when}").format(
                    status=status, by=lot.status_by, when=local_text(lot.status_at)
                )
            else:
                tip = _("QA's status: {status}").format(status=status)
            if lot.status_reason:
                tip += "\n" + _("Reason: {reason}").format(reason=lot.status_reason)
            return tip
        if column == self.TODAY:
            return effective_sentence(lot)
        if column == self.COA:
            names = ", ".join(a.filename for a in lot.attachments)
            if names:
                return _("Certificate of analysis: {names}").format(names=names)
            return _("No certificate attached")
        return None

    def warning(self, lot: LotView, column: int) -> bool:
        return column == self.TODAY and lot.effective_status in (
            LotStatus.EXPIRED,
            LotStatus.REJECTED,
        )


class DecisionsModel(CellsTable):
    """QA's e-signed decisions on a lot, oldest first: who (and the printed name), when, the
    meaning, the reason, and whether the signature verifies today."""

    columns = (
        N_("When"),
        N_("Meaning"),
        N_("Signature"),
        N_("Printed name"),
        N_("Signed by"),
        N_("Reason"),
    )
    SIGNATURE = 2

    def cells(self, d: DecisionView) -> tuple[str, ...]:
        return (
            local_text(d.decided_at),
            d.meaning_signed,
            "✔ " + _("valid") if d.signature_valid else "✖ " + _("does not verify"),
            d.decided_by_name,
            d.decided_by,
            d.reason,
        )

    def tip(self, d: DecisionView, column: int) -> str | None:
        if column == self.SIGNATURE:
            if d.signature_valid:
                return _(
                    "The signature verifies with certificate {serial}, and its "
                    "statement says what this decision and its certificates of analysis say."
                ).format(serial=d.certificate_serial)
            return _(
                "The signature does NOT verify: the decision, its statement or the certificate "
                "({serial}) do not agree. Tell QA."
            ).format(serial=d.certificate_serial or _("none"))
        return None

    def warning(self, d: DecisionView, column: int) -> bool:
        return column == self.SIGNATURE and not d.signature_valid


class AttachmentsModel(CellsTable):
    columns = (N_("File"), "SHA-256", N_("Size"), N_("Attached"), N_("By"))

    def cells(self, a: AttachmentView) -> tuple[str, ...]:
        return (
            a.filename,
            a.sha256,
            _("{size:,} bytes").format(size=a.size),
            local_text(a.attached_at),
            a.attached_by,
        )


class UsesModel(CellsTable):
    """Recall: every use of the lot by a batch, in time order."""

    columns = (
        N_("Batch"),
        N_("Product"),
        N_("Check"),
        N_("When"),
        N_("By"),
        N_("Quantity"),
        N_("Lot status then"),
        N_("Deviation"),
    )
    DEVIATION = 7

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.unit = ""

    def set_uses(self, uses: tuple[UseView, ...], unit: str) -> None:
        self.unit = unit
        self.set_items(uses)

    def cells(self, u: UseView) -> tuple[str, ...]:
        return (
            u.batch_lot,
            u.product,
            u.check_id,
            local_text(u.used_at),
            u.used_by,
            quantity(u.quantity, self.unit) or "—",
            status_words(u.status_at_use),
            "⚠ " + _("{deviation} (QA override)").format(deviation=u.deviation)
            if u.deviation
            else "",
        )

    def warning(self, u: UseView, column: int) -> bool:
        return column == self.DEVIATION and u.deviation is not None
