"""Materials and equipment at the point of use: a lot or an asset scanned into a batch record is
checked against the site's records when it is used, refused (on the record) when it may not be
used, and kept with the batch as it was then (``material_use``).

Only QA may override a refusal, re-authenticated, with a reason, and never for their own entry:
the override opens a deviation linked to the check, the value is recorded citing it, and the
review by exception lists it until QA closes the deviation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.auth import Actor
from core.errors import Conflict, DomainError, UseRefused
from core.i18n import _
from core.models import DeviationClass, MaterialUse, id_of
from core.records.point_of_use import UseAssessment, assess_use, lot_in_use, on_hand
from core.records.result_rows import BatchRow
from core.services.review import site_zone
from core.store import UnitOfWork
from core.templates.model import CheckDef
from core.text_rules import REASON, optional_text

MIN_REASON = 10


@dataclass(frozen=True)
class UseOverride:
    """QA's authority to use what was refused: who (re-authenticated) and why."""

    qa: Actor
    reason: str


def override_reason(reason: str | None) -> str:
    text = optional_text(reason, REASON) or ""
    if len(text) < MIN_REASON:
        raise DomainError(
            _(
                "Say why the refused lot or equipment may be used here (at least {n} "
                "characters): the deviation opened for it starts from this reason."
            ).format(n=MIN_REASON)
        )
    return text


def site_today(uow: UnitOfWork) -> date:
    """The batch's current date: today in the site's zone, by the unit of work's clock."""
    return uow.now.astimezone(site_zone(uow.session)).date()


def assess(uow: UnitOfWork, check: CheckDef, scanned: str) -> UseAssessment:
    return assess_use(uow.session, check, scanned, site_today(uow))


def refused(uow: UnitOfWork, batch: BatchRow, check: CheckDef, found: UseAssessment) -> UseRefused:
    """The refusal, audited in the caller's unit of work (a refused use is on the record); the
    caller raises it once that unit of work has committed."""
    uow.audit(
        "result.use_refused",
        "result",
        f"{batch.lot}/{check.id}",
        lot=batch.lot,
        new={"scanned": found.scanned, "expected": check.expect, "status": found.status_at_use},
        reason=found.refusal,
    )
    return found.use_refused(check)  # shown in the reader's language, kept in the record's


def open_override(
    uow: UnitOfWork,
    batch: BatchRow,
    check: CheckDef,
    found: UseAssessment,
    override: UseOverride,
) -> str:
    """QA's override in the caller's unit of work: audited under QA's name, with a deviation
    opened and linked to the check. Returns the deviation's reference."""
    from core.services.deviations import open_in

    dev = open_in(
        uow,
        batch.id,
        batch.lot,
        DeviationClass.MAJOR,
        f"Used at {check.id} ({check.name}) though refused: {found.refusal} "
        f"QA override by {override.qa.full_name}: {override.reason}",
        check.id,
    )
    uow.audit(
        "result.use_override",
        "result",
        f"{batch.lot}/{check.id}",
        lot=batch.lot,
        new={"scanned": found.scanned, "refusal": found.refusal, "deviation": dev.ref},
        reason=override.reason,
        user=override.qa.username,
    )
    return dev.ref


def keep_use(
    uow: UnitOfWork,
    batch: BatchRow,
    check: CheckDef,
    found: UseAssessment,
    deviation_id: int | None,
) -> None:
    """What the batch used, as it was when used."""
    uow.session.add(
        MaterialUse(
            batch_id=batch.id,
            check_id=check.id,
            lot_id=found.lot_id,
            equipment_id=found.equipment_id,
            status_at_use=found.status_at_use,
            due_at_use=found.due_at_use,
            deviation_id=deviation_id,
            used_at=uow.now,
            used_by=uow.username,
        )
    )
    uow.flush()


def take_quantity(
    uow: UnitOfWork,
    batch: BatchRow,
    check: CheckDef,
    quantity: Decimal | None,
    previous: Decimal | None,
) -> None:
    """A quantity recorded at ``check`` is taken from the stock of the lot recorded at the
    material scan it ``consumes`` (a correction takes or gives back the difference)."""
    if check.consumes is None or quantity is None:
        return
    if quantity <= 0:
        raise DomainError(
            _("{id} {name}: a quantity taken is more than zero.").format(
                id=check.id, name=check.name
            )
        )
    found = lot_in_use(uow.session, batch.id, check.consumes)
    if found is None:
        raise Conflict(
            _("Record the lot at {scan} first: {id} is taken from its stock.").format(
                scan=check.consumes, id=check.id
            )
        )
    lot, material = found
    if (check.unit or "").strip() != material.unit.strip():
        raise Conflict(
            _(
                "{material} is counted in {unit}, but {id} records {check_unit}: the template "
                "and the material must count in the same unit."
            ).format(material=material.code, unit=material.unit, id=check.id, check_unit=check.unit)
        )
    delta = quantity - (previous or Decimal(0))
    left = on_hand(uow.session, lot)
    if delta > left:
        raise Conflict(
            _(
                "Lot {lot} of {material} has {left} {unit} left; {delta} {unit} cannot be taken "
                "from it. Check the quantity, or use another lot."
            ).format(
                lot=lot.lot_number,
                material=material.code,
                left=left,
                unit=material.unit,
                delta=delta,
            )
        )
    if delta == 0:
        return
    uow.session.add(
        MaterialUse(
            batch_id=batch.id,
            check_id=check.id,
            lot_id=id_of(lot),
            quantity=str(delta),
            status_at_use=lot.status,
            due_at_use=lot.expiry,
            used_at=uow.now,
            used_by=uow.username,
        )
    )
    uow.flush()
