"""What a lot or an item of equipment scanned at its point of use is, and whether it may be used
now: the reads and the rules, without writing (core/services/point_of_use.py writes).

A lot may be used when it is of the material the check expects, released by QA and not past its
expiry on the batch's current date (its last day of use is the expiry date). An item of equipment
may be used when it is of the type the check expects, in service and no calibration,
qualification or maintenance is past due (core/records/equipment.py says why not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from core.errors import UseRefused
from core.i18n import SOURCE, _, in_language
from core.models import Deviation, Equipment, Material, MaterialLot, MaterialUse, id_of
from core.records.equipment import equipment_refusal
from core.rule_words import USE_ITEM, USE_ITEM_DUE, USE_LOT
from core.states import LotStatus
from core.templates.model import CheckDef
from core.use_views import BatchUseView
from core.words import EQUIPMENT_TYPE_WORDS, LOT_STATUS_WORDS


@dataclass(frozen=True)
class UseAssessment:
    """A scanned lot or asset as found: what it is, its status and due date then, the rule in
    words when it may be used, else the refusal (one line a technician can act on).

    ``rule`` and ``refusal`` are in the canonical language (core.i18n.SOURCE): they are kept (the
    result's rule, the audit trail, an override's deviation); ``shown_rule`` and
    ``shown_refusal`` say the same in the reader's language, for what is shown or raised."""

    scanned: str
    lot_id: int | None
    equipment_id: int | None
    status_at_use: str  # LotStatus or EquipmentStatus value; "unknown" when nothing was found
    due_at_use: date | None  # the lot's expiry, or the item's nearest due date
    rule: str  # why it may be used ("lot 24A117 of IL2, released, expires 2027-03-01")
    refusal: str | None  # why it may not; None: it may
    shown_rule: str = ""  # ``rule`` in the reader's language
    shown_refusal: str | None = None  # ``refusal`` in the reader's language

    def use_refused(self, check: CheckDef) -> UseRefused:
        """The refusal raised for ``check``: in the reader's language, its canonical text kept
        for the record (``record_text``)."""
        error = UseRefused(f"{check.id} {check.name}: {self.shown_refusal or self.refusal}")
        error.canonical = f"{check.id} {check.name}: {self.refusal}"
        return error


Said = Callable[[], tuple[str, str | None]]  # (rule, refusal) in the language of the moment


def _assessment(
    scanned: str,
    lot_id: int | None,
    equipment_id: int | None,
    status: str,
    due: date | None,
    said: Said,
) -> UseAssessment:
    """The assessment with its words twice: kept (canonical) and shown (the reader's)."""
    shown_rule, shown_refusal = said()
    with in_language(SOURCE):
        rule, refusal = said()
    return UseAssessment(
        scanned, lot_id, equipment_id, status, due, rule, refusal, shown_rule, shown_refusal
    )


def assess_use(session: Session, check: CheckDef, scanned: str, today: date) -> UseAssessment:
    """The lot or item ``scanned`` for ``check``, judged on ``today`` (the site's date)."""
    text = " ".join(scanned.split())
    if check.material_code is not None:
        return _lot(session, check.material_code, text, today)
    if check.equipment_type is not None:
        return _item(session, check.equipment_type, text.upper(), today)
    raise ValueError(f"{check.id} is not a point-of-use check")


def _lot(session: Session, code: str, lot_number: str, today: date) -> UseAssessment:
    found = session.exec(
        select(MaterialLot, Material)
        .join(Material, col(Material.id) == col(MaterialLot.material_id))
        .where(col(MaterialLot.lot_number) == lot_number)
    ).all()
    mine = [(lot, material) for lot, material in found if material.code == code]
    if not mine:
        others = ", ".join(sorted(m.code for _m, m in found))

        def unknown() -> tuple[str, str | None]:
            if others:
                return "", _(
                    "Lot {lot} is of material {others}, not {code}: check the label and scan a "
                    "lot of {code}."
                ).format(lot=lot_number, others=others, code=code)
            return "", _(
                "No lot {lot} of {code} has been received: check the label, or have the lot "
                "received first."
            ).format(lot=lot_number, code=code)

        return _assessment(lot_number, None, None, "unknown", None, unknown)
    lot, material = mine[0]
    status = LotStatus(lot.status)
    fields = {
        "lot": lot.lot_number,
        "code": material.code,
        "name": material.name,
        "expiry": lot.expiry.isoformat(),
    }

    def said() -> tuple[str, str | None]:
        refusal: str | None = None
        if status != LotStatus.RELEASED:
            refusal = _(
                "Lot {lot} of {code} ({name}) is {status}, not released by QA: use a released "
                "lot, or ask QA."
            ).format(status=LOT_STATUS_WORDS[status], **fields)
        elif lot.expiry < today:
            refusal = _(
                "Lot {lot} of {code} ({name}) expired on {expiry}: use a lot in date."
            ).format(**fields)
        rule = _(USE_LOT).format(**fields)
        return rule, refusal

    return _assessment(lot_number, id_of(lot), None, status, lot.expiry, said)


def _item(session: Session, wanted: str, code: str, today: date) -> UseAssessment:
    item = session.exec(select(Equipment).where(col(Equipment.code) == code)).first()
    if item is None:

        def unknown() -> tuple[str, str | None]:
            return "", _(
                "No equipment {code} is registered: check the asset label ({kind} expected)."
            ).format(code=code, kind=EQUIPMENT_TYPE_WORDS.get(wanted, wanted))

        return _assessment(code, None, None, "unknown", None, unknown)
    dues = [d for d in (item.calibration_due, item.qualification_due, item.maintenance_due) if d]
    due = min(dues) if dues else None

    def said() -> tuple[str, str | None]:
        kind = EQUIPMENT_TYPE_WORDS.get(wanted, wanted)
        refusal: str | None
        if item.type != wanted:
            refusal = _("{code} is a {theirs}, not a {kind}: scan the {kind} you use.").format(
                code=code, theirs=EQUIPMENT_TYPE_WORDS.get(item.type, item.type), kind=kind
            )
        else:
            refusal = equipment_refusal(item, today)
        if due is None:
            rule = _(USE_ITEM).format(code=code, name=item.name, kind=kind)
        else:
            rule = _(USE_ITEM_DUE).format(code=code, name=item.name, kind=kind, due=due.isoformat())
        return rule, refusal

    return _assessment(code, None, id_of(item), item.status, due, said)


def lot_in_use(
    session: Session, batch_id: int, check_id: str
) -> tuple[MaterialLot, Material] | None:
    """The lot the batch recorded at a material scan (its latest use there), with its material."""
    row = session.exec(
        select(MaterialLot, Material)
        .join(MaterialUse, col(MaterialUse.lot_id) == col(MaterialLot.id))
        .join(Material, col(Material.id) == col(MaterialLot.material_id))
        .where(col(MaterialUse.batch_id) == batch_id, col(MaterialUse.check_id) == check_id)
        .order_by(col(MaterialUse.id).desc())
    ).first()
    return (row[0], row[1]) if row else None


def on_hand(session: Session, lot: MaterialLot) -> Decimal:
    """What is left of a lot: received, less every quantity taken from it."""
    taken = session.exec(
        select(MaterialUse.quantity).where(
            col(MaterialUse.lot_id) == lot.id, col(MaterialUse.quantity).is_not(None)
        )
    ).all()
    return Decimal(lot.quantity_received) - sum((Decimal(q) for q in taken if q), Decimal(0))


def batch_uses(session: Session, batch_id: int) -> tuple[BatchUseView, ...]:
    """Everything the batch used, in the order it was used."""
    rows = session.exec(
        select(MaterialUse, MaterialLot, Material, Equipment)
        .outerjoin(MaterialLot, col(MaterialLot.id) == col(MaterialUse.lot_id))
        .outerjoin(Material, col(Material.id) == col(MaterialLot.material_id))
        .outerjoin(Equipment, col(Equipment.id) == col(MaterialUse.equipment_id))
        .where(col(MaterialUse.batch_id) == batch_id)
        .order_by(col(MaterialUse.id))
    ).all()
    refs = dict(
        session.exec(
            select(Deviation.id, Deviation.ref).where(col(Deviation.batch_id) == batch_id)
        ).all()
    )
    out = []
    for use, lot, material, item in rows:
        if lot is not None and material is not None:
            what, kind, ident = f"{material.code} {material.name}", "material", lot.lot_number
            unit = material.unit
        elif item is not None:
            what, kind, ident, unit = f"{item.code} {item.name}", "equipment", item.code, ""
        else:
            continue
        out.append(
            BatchUseView(
                check_id=use.check_id,
                what=what,
                kind=kind,
                identifier=ident,
                status_at_use=use.status_at_use,
                due_at_use=use.due_at_use,
                quantity=f"{use.quantity} {unit}".strip() if use.quantity else None,
                deviation=refs.get(use.deviation_id) if use.deviation_id else None,
                used_at=use.used_at,
                used_by=use.used_by,
            )
        )
    return tuple(out)
