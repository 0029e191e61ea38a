"""Material lots: received (into quarantine), their certificates of analysis kept as the original
bytes, and QA's decisions on them — release, reject, expire, back to quarantine — each
re-authenticated and e-signed over a statement that names the lot, the move and its reason.

A lot is released only with its certificate of analysis attached and only while in date; a
rejected or expired lot stays so (receive a new lot instead).
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.auth.policy import read_policy
from core.errors import AlreadyExists, Conflict, DomainError, InvalidValue
from core.i18n import N_, _
from core.models import (
    Attachment,
    Material,
    MaterialLot,
    MaterialLotDecision,
    User,
    id_of,
)
from core.records.accounts import acting_user
from core.records.materials import (
    COA,
    LotView,
    attachment_rows,
    build_lot_view,
    decision_fields,
    find_lot,
    find_material,
    lot_owner,
    meaning_shown,
    meaning_words,
)
from core.services.materials import parse_status, site_today
from core.signatures import canonical
from core.signed_reading import as_read
from core.states import LotStatus
from core.store import Database, UnitOfWork
from core.text_rules import REASON, TextKind, clean_text, optional_text
from core.values import parse_number
from core.words import LOT_STATUS_WORDS

LOT_NUMBER = TextKind(N_("lot number"), 64)  # the column's length
QUANTITY_DIGITS = 32  # the column's length
MIN_REASON = 10
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The moves QA may make; a rejected or expired lot is final.
MOVES: dict[LotStatus, frozenset[LotStatus]] = {
    LotStatus.QUARANTINE: frozenset({LotStatus.RELEASED, LotStatus.REJECTED, LotStatus.EXPIRED}),
    LotStatus.RELEASED: frozenset({LotStatus.QUARANTINE, LotStatus.REJECTED, LotStatus.EXPIRED}),
    LotStatus.REJECTED: frozenset(),
    LotStatus.EXPIRED: frozenset(),
}


def receive_lot(
    db: Database,
    actor: Actor,
    material_code: str,
    lot_number: str,
    expiry: str,
    quantity: str,
    *,
    coa: Path | None = None,
) -> LotView:
    """A lot received into quarantine, with its certificate of analysis when it came with one."""
    lot_number = clean_text(lot_number or "", LOT_NUMBER)
    expires = parse_expiry(expiry)
    coa_bytes = read_coa(db, coa) if coa is not None else None  # before any write
    with db.unit_of_work(actor.username) as uow:
        session = uow.session
        acting_user(session, actor, Permission.RECEIVE_MATERIALS)
        material = find_material(session, material_code)
        today = site_today(session, uow.now)
        if expires < today:
            raise Conflict(
                _(
                    "Lot {lot} of {material} expired on {expiry}: expired stock is not received. "
                    "Check the expiry on the label, or return the lot."
                ).format(lot=lot_number, material=material.code, expiry=expires.isoformat())
            )
        amount = parse_quantity(session, quantity, material.unit)
        taken = session.exec(
            select(MaterialLot)
            .where(MaterialLot.material_id == id_of(material))
            .where(MaterialLot.lot_number == lot_number)
        ).first()
        if taken is not None:
            raise AlreadyExists(
                _(
                    "Lot {lot} of {material} was already received (by {user}). A lot is "
                    "received once; check the lot number."
                ).format(lot=lot_number, material=material.code, user=taken.received_by)
            )
        lot = MaterialLot(
            material_id=id_of(material),
            lot_number=lot_number,
            expiry=expires,
            quantity_received=amount,
            received_at=uow.now,
            received_by=actor.username,
            status=LotStatus.QUARANTINE.value,
        )
        session.add(lot)
        uow.flush()
        uow.audit(
            "material_lot.receive",
            "material_lot",
            _entity(material, lot),
            new={
                "material": material.code,
                "lot": lot_number,
                "expiry": expires.isoformat(),
                "quantity": amount,
                "unit": material.unit,
                "status": LotStatus.QUARANTINE.value,
            },
        )
        if coa is not None and coa_bytes is not None:
            _attach(uow, material, lot, coa.name, coa_bytes)
        return build_lot_view(session, material, lot, today)


def attach_coa(
    db: Database, actor: Actor, material_code: str, lot_number: str, path: Path
) -> LotView:
    """Keep a lot's certificate of analysis: its exact bytes and their SHA-256."""
    data = read_coa(db, path)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.RECEIVE_MATERIALS)
        material = find_material(uow.session, material_code)
        lot = find_lot(uow.session, material, lot_number)
        _attach(uow, material, lot, path.name, data)
        return build_lot_view(uow.session, material, lot, site_today(uow.session, uow.now))


def decide_lot(
    db: Database,
    actor: Actor,
    password: str,
    material_code: str,
    lot_number: str,
    status: str | LotStatus,
    reason: str,
) -> LotView:
    """QA moves a lot to another status: re-authenticated, with a reason, e-signed."""
    from core.crypto.statements import sign_statement
    from core.services import signing_keys
    from core.services.users import authenticate

    new = parse_status(status)
    reason = optional_text(reason, REASON) or ""
    if len(reason) < MIN_REASON:
        raise DomainError(
            _(
                "Give the reason for the decision (at least {n} characters), e.g. 'CoA "
                "reviewed against the specification: conforms'."
            ).format(n=MIN_REASON)
        )
    authenticate(db, actor.username, password)  # Part 11 §11.200: the signer proves who they are
    with db.unit_of_work(actor.username) as uow:
        session = uow.session
        role = acting_user(session, actor, Permission.DECIDE_MATERIAL_LOT)
        material = find_material(session, material_code)
        lot = find_lot(session, material, lot_number)
        today = site_today(session, uow.now)
        old = LotStatus(lot.status)
        _check_move(material, lot, old, new, today)
        coas = [a.sha256 for a in attachment_rows(session, id_of(lot)) if a.kind == COA]
        if new == LotStatus.RELEASED and not coas:
            raise Conflict(
                _(
                    "Lot {lot} of {material} has no certificate of analysis: attach its "
                    "certificate of analysis first, then release it."
                ).format(lot=lot.lot_number, material=material.code),
                cli_hint=_("Use: material attach-coa {material} {lot} FILE.").format(
                    material=material.code, lot=lot.lot_number
                ),
            )
        key_row, key = signing_keys.unlock(session, actor.username, password)
        user = session.exec(select(User).where(User.username == actor.username)).one()
        row = MaterialLotDecision(
            lot_id=id_of(lot),
            old_status=old.value,
            status=new.value,
            reason=reason,
            decided_by=user.username,
            decided_by_name=user.full_name,
            decided_at=uow.now,
            statement="",
            crypto_signature="",
            certificate_serial=key_row.serial_hex or "",
        )
        row.statement = canonical(
            {
                **decision_fields(row, material, lot),
                "meaning": meaning_words(old.value, new.value),
                # the meaning in the words the signer was shown, and their language
                "read": as_read(meaning_shown(old.value, new.value)),
                "signer_role": role,
                "coa_sha256": sorted(coas),
            }
        )
        row.crypto_signature = base64.b64encode(
            sign_statement(key, row.statement.encode("utf-8"))
        ).decode("ascii")
        session.add(row)
        lot.status = new.value
        lot.status_reason = reason
        lot.status_by = actor.username
        lot.status_at = uow.now
        session.add(lot)
        uow.flush()
        uow.audit(
            "material_lot.decide",
            "material_lot",
            _entity(material, lot),
            old={"status": old.value},
            new={
                "status": new.value,
                "decision": row.id,
                "signer_name": row.decided_by_name,
                "certificate_serial": row.certificate_serial,
                "coa_sha256": sorted(coas),
            },
            reason=reason,
        )
        return build_lot_view(session, material, lot, today)


def _check_move(
    material: Material, lot: MaterialLot, old: LotStatus, new: LotStatus, today: date
) -> None:
    names = {
        "lot": lot.lot_number,
        "material": material.code,
        "old": LOT_STATUS_WORDS[old],
        "new": LOT_STATUS_WORDS[new],
    }
    if old == new:
        raise Conflict(_("Lot {lot} of {material} is already {new}.").format(**names))
    if not MOVES[old]:
        raise Conflict(
            _(
                "Lot {lot} of {material} is {old}, which is final: it cannot be made {new}. "
                "Receive a new lot instead."
            ).format(**names)
        )
    if new not in MOVES[old]:  # a guard: today every status that is not final may go anywhere
        raise Conflict(_("Lot {lot} of {material} cannot go from {old} to {new}.").format(**names))
    if new == LotStatus.RELEASED and lot.expiry < today:
        raise Conflict(
            _(
                "Lot {lot} of {material} expired on {expiry}: an expired lot cannot be "
                "released. Expire or reject it."
            ).format(expiry=lot.expiry.isoformat(), **names)
        )


def parse_expiry(text: str) -> date:
    """An expiry date typed as YYYY-MM-DD (the only form accepted: 03/04/27 is ambiguous)."""
    typed = (text or "").strip()
    if not _DATE.fullmatch(typed):
        raise InvalidValue(
            _(
                "'{text}' is not a date as Lotbook takes it: type the expiry as YYYY-MM-DD, "
                "e.g. 2027-03-31."
            ).format(text=text)
        )
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise InvalidValue(
            _(
                "'{text}' is not a real date (no such month or day): type the expiry on the "
                "label as YYYY-MM-DD."
            ).format(text=typed)
        ) from None


def parse_quantity(session: Session, raw: str, unit: str) -> str:
    """A quantity received, as exact decimal text in the material's unit (more than 0)."""
    value = parse_number(raw or "", unit, decimal_mark=read_policy(session).decimal_mark)
    if value <= 0:
        raise InvalidValue(
            _(
                "The quantity received must be more than 0 {unit}; '{typed}' is not. Type what "
                "the delivery holds."
            ).format(unit=unit, typed=raw)
        )
    text = format(value, "f")
    if len(text) > QUANTITY_DIGITS:
        raise InvalidValue(
            _("'{typed}' has more than {n} digits as a quantity in {unit}. Check it.").format(
                typed=raw, n=QUANTITY_DIGITS, unit=unit
            )
        )
    return text


def read_coa(db: Database, path: Path) -> bytes:
    """The bytes of a certificate of analysis file: a regular, non-empty file no larger than the
    site's ``import_max_mb``."""
    from core.inputs import MB, InputRefused, read_regular_file
    from core.services.settings import show_policy

    limit = show_policy(db).import_max_mb
    data = read_regular_file(
        path, max_bytes=limit * MB, limit_name="import_max_mb", done=_("nothing was attached")
    )
    if not data:
        raise InputRefused(
            _(
                "{path} is empty; nothing was attached. Choose the certificate of analysis itself."
            ).format(path=path)
        )
    return data


def _attach(
    uow: UnitOfWork, material: Material, lot: MaterialLot, filename: str, data: bytes
) -> None:
    sha = hashlib.sha256(data).hexdigest()
    owner = lot_owner(id_of(lot))
    kept = uow.session.exec(
        select(Attachment).where(Attachment.owner == owner).where(Attachment.sha256 == sha)
    ).first()
    if kept is not None:
        raise AlreadyExists(
            _(
                "This file is already attached to lot {lot} of {material} (as {file}, SHA-256 "
                "{sha}…). Nothing was attached."
            ).format(lot=lot.lot_number, material=material.code, file=kept.filename, sha=sha[:12])
        )
    row = Attachment(
        owner=owner,
        kind=COA,
        filename=filename,
        sha256=sha,
        size=len(data),
        content=data,
        attached_at=uow.now,
        attached_by=uow.username,
    )
    uow.session.add(row)
    uow.flush()
    uow.audit(
        "material_lot.attach_coa",
        "material_lot",
        _entity(material, lot),
        new={
            "material": material.code,
            "lot": lot.lot_number,
            "file": filename,
            "sha256": sha,
            "size": len(data),
            "attachment": row.id,
        },
    )


def _entity(material: Material, lot: MaterialLot) -> str:
    return f"{material.code}/{lot.lot_number}"
