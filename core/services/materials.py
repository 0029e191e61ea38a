"""Materials: defined by QA or an administrator (code, name, kind, supplier, unit), and read with
their lots: the catalogue, a lot, the lots by material or status, and recall (the batches that used
a lot). Receiving lots, their certificates of analysis and QA's decisions on them are in
core/services/material_lots.py."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.errors import AlreadyExists, DomainError
from core.i18n import N_, _
from core.models import Material
from core.records import materials as read
from core.records.accounts import acting_user
from core.records.materials import LotView, MaterialView, UseView
from core.states import LotStatus, MaterialKind
from core.store import Database
from core.text_rules import TextKind, clean_text

CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}")
MATERIAL_NAME = TextKind(N_("material name"), 200)
SUPPLIER = TextKind(N_("supplier"), 200)
UNIT = TextKind(N_("unit"), 16)  # the column's length


def define_material(
    db: Database, actor: Actor, code: str, name: str, kind: str, supplier: str, unit: str
) -> MaterialView:
    """A new material that lots can be received of (QA, administrator)."""
    code = material_code(code)
    name = clean_text(name or "", MATERIAL_NAME)
    material_kind = parse_kind(kind)
    supplier = clean_text(supplier or "", SUPPLIER)
    if not (unit or "").strip():
        raise DomainError(
            _(
                "Give the unit its stock is counted in (mL, vial, µg, bag): lots are received "
                "and used in it."
            )
        )
    unit = clean_text(unit, UNIT)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.MANAGE_MATERIALS)
        taken = uow.session.exec(select(Material).where(Material.code == code)).first()
        if taken is not None:
            raise AlreadyExists(
                _(
                    "Material {code} already exists ({name}). Choose another code, or receive a "
                    "lot of it."
                ).format(code=code, name=taken.name)
            )
        row = Material(
            code=code,
            name=name,
            kind=material_kind.value,
            supplier=supplier,
            unit=unit,
            created_at=uow.now,
            created_by=actor.username,
        )
        uow.session.add(row)
        uow.flush()
        uow.audit(
            "material.define",
            "material",
            code,
            new={
                "code": code,
                "name": name,
                "kind": material_kind.value,
                "supplier": supplier,
                "unit": unit,
            },
        )
        return read.material_view(row)


def material_code(code: str) -> str:
    """A material's code as kept: upper case, 1–32 letters, digits, '.', '_' or '-'."""
    kept = (code or "").strip().upper()
    if not CODE.fullmatch(kept):
        raise DomainError(
            _(
                "'{code}' cannot be a material code: 1–32 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit, no spaces (e.g. IL2, TEXMACS, LV-CD19)."
            ).format(code=code)
        )
    return kept


def parse_kind(kind: str) -> MaterialKind:
    try:
        return MaterialKind((kind or "").strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in MaterialKind)
        raise DomainError(
            _("'{kind}' is not a kind of material. Use one of: {choices}.").format(
                kind=kind, choices=choices
            )
        ) from None


def parse_status(status: str | LotStatus) -> LotStatus:
    try:
        return LotStatus((status or "").strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in LotStatus)
        raise DomainError(
            _("'{status}' is not a lot status. Use one of: {choices}.").format(
                status=status, choices=choices
            )
        ) from None


def site_today(session: Session, now: datetime) -> date:
    """The date of ``now`` (a unit of work's time, or the database clock's) in the site's time
    zone: expiry dates are counted in it."""
    from core.services.review import site_zone

    return now.astimezone(site_zone(session)).date()


# -- reads --------------------------------------------------------------------------------------


def materials(db: Database) -> list[MaterialView]:
    with db.read() as session:
        return read.list_materials(session)


def lot(db: Database, code: str, lot_number: str) -> LotView:
    with db.read() as session:
        return read.lot_view(session, code, lot_number, site_today(session, db.clock.now()))


def lots(
    db: Database, material_code: str | None = None, status: str | None = None
) -> list[LotView]:
    """Every lot, or those of one material; ``status`` filters on what the lot is today."""
    wanted = parse_status(status) if status else None
    with db.read() as session:
        return read.lots(session, material_code, wanted, today=site_today(session, db.clock.now()))


def recall(db: Database, code: str, lot_number: str) -> list[UseView]:
    """The batches that used the lot, use by use, in time order."""
    with db.read() as session:
        return read.lot_uses(session, code, lot_number)
