"""Materials and their lots as read: the catalogue, a lot with its stock, QA's decisions and its
certificate of analysis, and recall (the batches that used a lot). Written by
core/services/materials.py and core/services/material_lots.py; the uses by the point of use.

A lot's stored status is what QA decided; its *effective* status is what it is today: a lot past
its expiry date is EXPIRED whatever the stored status says (only a rejected lot stays rejected).
"""

from __future__ import annotations

import base64
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from core.clock import utc_iso
from core.errors import NotFound
from core.i18n import SOURCE, _
from core.models import (
    Attachment,
    Batch,
    Deviation,
    Material,
    MaterialLot,
    MaterialLotDecision,
    MaterialUse,
    SigningKey,
    SiteAuthority,
    TemplateVersion,
    id_of,
)
from core.signed_reading import as_signed, words_read
from core.states import LotStatus
from core.words import LOT_STATUS_WORDS

COA = "coa"  # Attachment.kind of a lot's certificate of analysis
STATEMENT_KIND = "material_lot_decision"


@dataclass(frozen=True)
class MaterialView:
    code: str
    name: str
    kind: str  # MaterialKind
    supplier: str
    unit: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DecisionView:
    """QA's e-signed decision on a lot: printed name, date-time and meaning (21 CFR 11.50)."""

    old_status: str  # LotStatus
    status: str  # LotStatus
    meaning: str  # as the signer read it: "QA decision: quarantine → released" (their language)
    reason: str
    decided_by: str
    decided_by_name: str
    decided_at: datetime
    certificate_serial: str
    signature_valid: bool  # the statement binds this decision and verifies with the signer's key
    meaning_language: str = SOURCE  # the language the signer read the meaning in

    @property
    def meaning_signed(self) -> str:
        """The meaning as signed, with its translation beside it for a reader of another
        language."""
        translation = meaning_shown(self.old_status, self.status)
        return as_signed(self.meaning, self.meaning_language, translation, quoted=False)


@dataclass(frozen=True)
class AttachmentView:
    kind: str
    filename: str
    sha256: str
    size: int
    attached_at: datetime
    attached_by: str


@dataclass(frozen=True)
class UseView:
    """One use of a lot by a batch, as it was at the time of use (recall reads these)."""

    batch_lot: str
    batch_status: str
    coi_id: str | None
    product: str  # the batch's template title
    check_id: str
    used_at: datetime
    used_by: str
    quantity: Decimal | None  # taken from the lot's stock, in the material's unit
    status_at_use: str
    deviation: str | None  # the deviation of QA's override, when the use was refused first


@dataclass(frozen=True)
class LotView:
    material_code: str
    material_name: str
    unit: str
    lot_number: str
    expiry: date
    quantity_received: Decimal
    quantity_used: Decimal
    on_hand: Decimal
    status: str  # LotStatus, as QA last decided
    effective_status: str  # LotStatus today: EXPIRED past its expiry date
    status_reason: str | None
    status_by: str | None
    status_at: datetime | None
    received_at: datetime
    received_by: str
    decisions: tuple[DecisionView, ...]
    attachments: tuple[AttachmentView, ...]
    uses: tuple[UseView, ...]

    @property
    def has_coa(self) -> bool:
        return any(a.kind == COA for a in self.attachments)


def list_materials(session: Session) -> list[MaterialView]:
    rows = session.exec(select(Material).order_by(col(Material.code))).all()
    return [material_view(r) for r in rows]


def material_view(row: Material) -> MaterialView:
    return MaterialView(
        code=row.code,
        name=row.name,
        kind=row.kind,
        supplier=row.supplier,
        unit=row.unit,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def find_material(session: Session, code: str) -> Material:
    code = code.strip().upper()
    row = session.exec(select(Material).where(Material.code == code)).first()
    if row is None:
        raise NotFound(
            _("There is no material {code}. Define it first, or check the code.").format(code=code)
        )
    return row


def find_lot(session: Session, material: Material, lot_number: str) -> MaterialLot:
    lot_number = " ".join(unicodedata.normalize("NFC", lot_number or "").split())  # as kept
    row = session.exec(
        select(MaterialLot)
        .where(MaterialLot.material_id == id_of(material))
        .where(MaterialLot.lot_number == lot_number)
    ).first()
    if row is None:
        raise NotFound(
            _(
                "There is no lot {lot} of {material}. Receive it first, or check the lot number on "
                "the label."
            ).format(lot=lot_number, material=material.code)
        )
    return row


def effective_status(status: str, expiry: date, today: date) -> LotStatus:
    """What the lot is today: past its expiry date it is expired, unless QA rejected it."""
    stored = LotStatus(status)
    if expiry < today and stored != LotStatus.REJECTED:
        return LotStatus.EXPIRED
    return stored


def lot_view(session: Session, code: str, lot_number: str, today: date) -> LotView:
    material = find_material(session, code)
    return build_lot_view(session, material, find_lot(session, material, lot_number), today)


def lots(
    session: Session,
    material_code: str | None = None,
    status: LotStatus | None = None,
    *,
    today: date,
) -> list[LotView]:
    """Every lot (of one material), by material and lot number; ``status`` filters on the
    effective status (an expired lot is listed as expired whatever QA's last decision)."""
    stmt = select(Material, MaterialLot).join(
        MaterialLot, col(MaterialLot.material_id) == col(Material.id)
    )
    if material_code is not None:
        stmt = stmt.where(Material.code == find_material(session, material_code).code)
    stmt = stmt.order_by(col(Material.code), col(MaterialLot.lot_number))
    views = [build_lot_view(session, m, lot, today) for m, lot in session.exec(stmt).all()]
    if status is None:
        return views
    return [v for v in views if v.effective_status == status]


def lot_uses(session: Session, code: str, lot_number: str) -> list[UseView]:
    """Recall: every use of the lot by a batch, in time order."""
    material = find_material(session, code)
    return list(_uses(session, id_of(find_lot(session, material, lot_number))))


def build_lot_view(session: Session, material: Material, lot: MaterialLot, today: date) -> LotView:
    lot_id = id_of(lot)
    uses = _uses(session, lot_id)
    used = sum((u.quantity for u in uses if u.quantity is not None), Decimal(0))
    received = Decimal(lot.quantity_received)
    attachments = attachment_rows(session, lot_id)
    return LotView(
        material_code=material.code,
        material_name=material.name,
        unit=material.unit,
        lot_number=lot.lot_number,
        expiry=lot.expiry,
        quantity_received=received,
        quantity_used=used,
        on_hand=received - used,
        status=lot.status,
        effective_status=effective_status(lot.status, lot.expiry, today).value,
        status_reason=lot.status_reason,
        status_by=lot.status_by,
        status_at=lot.status_at,
        received_at=lot.received_at,
        received_by=lot.received_by,
        decisions=_decisions(session, material, lot, attachments),
        attachments=tuple(
            AttachmentView(
                kind=a.kind,
                filename=a.filename,
                sha256=a.sha256,
                size=a.size,
                attached_at=a.attached_at,
                attached_by=a.attached_by,
            )
            for a in attachments
        ),
        uses=uses,
    )


def lot_owner(lot_id: int) -> str:
    """The Attachment.owner of a lot's files."""
    return f"material_lot:{lot_id}"


def attachment_rows(session: Session, lot_id: int) -> Sequence[Attachment]:
    return session.exec(
        select(Attachment).where(Attachment.owner == lot_owner(lot_id)).order_by(col(Attachment.id))
    ).all()


def decision_fields(
    decision: MaterialLotDecision, material: Material, lot: MaterialLot
) -> dict[str, Any]:
    """What a decision's signed statement must say about it, from the stored rows (the statement
    adds the signer's role and the CoA files' SHA-256 it rests on)."""
    return {
        "v": 1,
        "kind": STATEMENT_KIND,
        "material": material.code,
        "lot": lot.lot_number,
        "lot_id": lot.id,
        "expiry": lot.expiry.isoformat(),
        "old_status": decision.old_status,
        "status": decision.status,
        "reason": decision.reason,
        "signer": decision.decided_by,
        "signer_name": decision.decided_by_name,
        "signed_at": utc_iso(decision.decided_at),
        "certificate_serial": decision.certificate_serial,
    }


def meaning_words(old_status: str, status: str) -> str:
    """The decision's meaning as its signed statement keeps it: in the canonical language (the
    table's source words), whatever the reader's."""
    words = LOT_STATUS_WORDS.raw
    return f"QA decision: {words.get(old_status, old_status)} → {words.get(status, status)}"


def meaning_shown(old_status: str, status: str) -> str:
    """The decision's meaning in the reader's words (what the signer is shown and reads)."""
    return _("QA decision: {old} → {new}").format(
        old=LOT_STATUS_WORDS.get(old_status, old_status), new=LOT_STATUS_WORDS.get(status, status)
    )


def _decisions(
    session: Session, material: Material, lot: MaterialLot, attachments: Sequence[Attachment]
) -> tuple[DecisionView, ...]:
    rows = session.exec(
        select(MaterialLotDecision)
        .where(MaterialLotDecision.lot_id == id_of(lot))
        .order_by(col(MaterialLotDecision.id))
    ).all()
    if not rows:
        return ()
    # imported here: a lot without decisions never loads the crypto library
    from core.crypto.statements import check_certificate, verify_statement

    authority = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
    serials = {r.certificate_serial for r in rows}
    certs = {
        k.serial_hex: k.cert_pem
        for k in session.exec(select(SigningKey).where(col(SigningKey.serial_hex).in_(serials)))
        if k.cert_pem
    }
    kept = {a.sha256 for a in attachments}
    out = []
    for row in rows:
        cert = certs.get(row.certificate_serial)
        valid = (
            cert is not None
            and authority is not None
            and _binds(row.statement, decision_fields(row, material, lot), kept)
            and check_certificate(
                cert.encode("ascii"), authority.cert_pem.encode("ascii"), row.decided_at
            )
            is None
            and _verifies(verify_statement, cert, row.statement, row.crypto_signature)
        )
        meaning, meaning_language = words_read(
            row.statement, meaning_words(row.old_status, row.status)
        )
        out.append(
            DecisionView(
                old_status=row.old_status,
                status=row.status,
                meaning=meaning,
                meaning_language=meaning_language,
                reason=row.reason,
                decided_by=row.decided_by,
                decided_by_name=row.decided_by_name,
                decided_at=row.decided_at,
                certificate_serial=row.certificate_serial,
                signature_valid=valid,
            )
        )
    return tuple(out)


def _binds(statement: str, expected: dict[str, Any], kept: set[str]) -> bool:
    """The statement says what the decision row says, and the CoA files it rests on are kept."""
    try:
        said = json.loads(statement)
    except ValueError:
        return False
    if not isinstance(said, dict):
        return False
    if any(said.get(key) != value for key, value in expected.items()):
        return False
    coas = said.get("coa_sha256", [])
    return isinstance(coas, list) and set(coas) <= kept


def _verifies(verify, cert: str, statement: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return bool(verify(cert.encode("ascii"), statement.encode("utf-8"), raw))


def _uses(session: Session, lot_id: int) -> tuple[UseView, ...]:
    stmt = (
        select(MaterialUse, Batch, TemplateVersion)
        .join(Batch, col(Batch.id) == col(MaterialUse.batch_id))
        .join(TemplateVersion, col(TemplateVersion.id) == col(Batch.template_version_id))
        .where(MaterialUse.lot_id == lot_id)
        .order_by(col(MaterialUse.used_at), col(MaterialUse.id))
    )
    found = session.exec(stmt).all()
    deviation_ids = {u.deviation_id for u, _batch, _template in found if u.deviation_id is not None}
    refs = (
        {
            d.id: d.ref
            for d in session.exec(select(Deviation).where(col(Deviation.id).in_(deviation_ids)))
        }
        if deviation_ids
        else {}
    )
    return tuple(
        UseView(
            batch_lot=batch.lot,
            batch_status=batch.status,
            coi_id=batch.coi_id,
            product=template.title,
            check_id=use.check_id,
            used_at=use.used_at,
            used_by=use.used_by,
            quantity=Decimal(use.quantity) if use.quantity is not None else None,
            status_at_use=use.status_at_use,
            deviation=refs.get(use.deviation_id) if use.deviation_id is not None else None,
        )
        for use, batch, template in found
    )
