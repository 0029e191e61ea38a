"""Material lots as tables (Materials screen and a lot's page): every lot with its status as QA
decided it and as it is today (a lot past its expiry date is EXPIRED whatever QA's status says),
its stock and whether its certificate of analysis is kept; a lot's e-signed decisions, its files
and the batches that used it (recall). Formatting only: the read models come from core
(core/records/materials.py); the statuses are shown by icon and word, never colour alone."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.clock import local_text
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
PAST_EXPIRY = "⊘ EXPIRED"


def status_words(status: str) -> str:
    """A lot status with its icon: '✔ released', '◐ quarantine'."""
    return f"{LOT_ICONS.get(status, '●')} {LOT_STATUS_WORDS.get(status, status)}"


def past_expiry(lot: LotView) -> bool:
    """Core says the lot is expired today though QA's stored status says otherwise."""
    return lot.effective_status != lot.status


def effective_words(lot: LotView) -> str:
    return PAST_EXPIRY if past_expiry(lot) else status_words(lot.effective_status)


def effective_sentence(lot: LotView) -> str:
    """The lot's status today in one sentence (a tooltip, the lot page)."""
    if past_expiry(lot):
        return (
            f"Expired: past its expiry date ({lot.expiry.isoformat()}), so it may not be used "
            f"whatever QA's status says (QA's status: {LOT_STATUS_WORDS.get(lot.status)})."
        )
    words = LOT_STATUS_WORDS.get(lot.status, lot.status).capitalize()
    if not lot.decisions:
        return f"{words} (as received: QA has not decided yet)."
    return f"{words} (as QA last decided)."


def quantity(value: Decimal | None, unit: str) -> str:
    """An exact quantity with its unit, as stored (never rounded through a float)."""
    return "" if value is None else f"{format(value, 'f')} {unit}"


def lot_title(lot: LotView) -> str:
    return f"{lot.material_code} lot {lot.lot_number}"


class LotsModel(CellsTable):
    columns = (
        "Material",
        "Name",
        "Lot",
        "Expiry",
        "Status (QA)",
        "Status today",
        "Received",
        "On hand",
        "CoA",
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
            "✔ yes" if lot.has_coa else "— no",
        )

    def tip(self, lot: LotView, column: int) -> str | None:
        if column == self.STATUS:
            who = f" by {lot.status_by}, {local_text(lot.status_at)}" if lot.status_at else ""
            reason = f"\nReason: {lot.status_reason}" if lot.status_reason else ""
            return f"QA's status: {LOT_STATUS_WORDS.get(lot.status)}{who}{reason}"
        if column == self.TODAY:
            return effective_sentence(lot)
        if column == self.COA:
            names = ", ".join(a.filename for a in lot.attachments)
            return f"Certificate of analysis: {names}" if names else "No certificate attached"
        return None

    def warning(self, lot: LotView, column: int) -> bool:
        return column == self.TODAY and lot.effective_status in (
            LotStatus.EXPIRED,
            LotStatus.REJECTED,
        )


class DecisionsModel(CellsTable):
    """QA's e-signed decisions on a lot, oldest first: who (and the printed name), when, the
    meaning, the reason, and whether the signature verifies today."""

    columns = ("When", "Meaning", "Signature", "Printed name", "Signed by", "Reason")
    SIGNATURE = 2

    def cells(self, d: DecisionView) -> tuple[str, ...]:
        return (
            local_text(d.decided_at),
            d.meaning,
            "✔ valid" if d.signature_valid else "✖ does not verify",
            d.decided_by_name,
            d.decided_by,
            d.reason,
        )

    def tip(self, d: DecisionView, column: int) -> str | None:
        if column == self.SIGNATURE:
            if d.signature_valid:
                return (
                    f"The signature verifies with certificate {d.certificate_serial}, and its "
                    "statement says what this decision and its certificates of analysis say."
                )
            return (
                "The signature does NOT verify: the decision, its statement or the certificate "
                f"({d.certificate_serial or 'none'}) do not agree. Tell QA."
            )
        return None

    def warning(self, d: DecisionView, column: int) -> bool:
        return column == self.SIGNATURE and not d.signature_valid


class AttachmentsModel(CellsTable):
    columns = ("File", "SHA-256", "Size", "Attached", "By")

    def cells(self, a: AttachmentView) -> tuple[str, ...]:
        return (a.filename, a.sha256, f"{a.size:,} bytes", local_text(a.attached_at), a.attached_by)


class UsesModel(CellsTable):
    """Recall: every use of the lot by a batch, in time order."""

    columns = (
        "Batch",
        "Product",
        "Check",
        "When",
        "By",
        "Quantity",
        "Lot status then",
        "Deviation",
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
            f"⚠ {u.deviation} (QA override)" if u.deviation else "",
        )

    def warning(self, u: UseView, column: int) -> bool:
        return column == self.DEVIATION and u.deviation is not None
