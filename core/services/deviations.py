"""Deviations: opened against a batch (optionally for a check), listed, cited by results."""

from __future__ import annotations

from sqlmodel import Session, func, select

from core.auth import Actor, Permission
from core.errors import Conflict, DomainError, NotFound
from core.i18n import _
from core.models import Batch, Deviation, DeviationClass, DeviationLink, DeviationStatus, id_of
from core.readmodels import DeviationView
from core.records.batch_record import batch_template, deviation_views, load_batch
from core.services.users import acting_user
from core.store import Database, UnitOfWork
from core.text_rules import CONCLUSION, DESCRIPTION, optional_text


def open_deviation(
    db: Database,
    actor: Actor,
    lot: str,
    classification: str,
    description: str,
    check_id: str | None = None,
) -> DeviationView:
    try:
        cls = DeviationClass(classification.strip().lower())
    except ValueError:
        raise DomainError(
            _("'{classification}' is not a deviation class. Use minor, major or critical.").format(
                classification=classification
            )
        ) from None
    description = optional_text(description, DESCRIPTION) or ""
    if len(description) < 10:
        raise DomainError(
            _("Describe the deviation: what happened, where and when (10+ characters).")
        )
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.OPEN_DEVIATION)
        batch = load_batch(uow.session, lot)
        if check_id:
            _version, tdef = batch_template(uow.session, batch)
            check_id = tdef.check(check_id.strip()).id
        ref = open_in(uow, id_of(batch), batch.lot, cls, description, check_id).ref
        return next(v for v in deviation_views(uow.session, batch) if v.ref == ref)


def open_in(
    uow: UnitOfWork,
    batch_id: int,
    lot: str,
    cls: DeviationClass,
    description: str,
    check_id: str | None = None,
) -> Deviation:
    """Open a deviation inside the caller's unit of work (its user opens it), linked to
    ``check_id`` when given; the next reference of the year (DEV-2026-0007)."""
    year = uow.now.year
    count = uow.session.exec(
        select(func.count()).select_from(Deviation).where(Deviation.ref.startswith(f"DEV-{year}-"))
    ).one()
    ref = f"DEV-{year}-{int(count) + 1:04d}"
    dev = Deviation(
        ref=ref,
        batch_id=batch_id,
        classification=cls.value,
        description=description,
        status=DeviationStatus.OPEN,
        opened_by=uow.username,
        opened_at=uow.now,
    )
    uow.session.add(dev)
    uow.flush()
    uow.audit(
        "deviation.open",
        "deviation",
        ref,
        lot=lot,
        new={
            "ref": ref,
            "classification": cls.value,
            "description": description,
            "status": DeviationStatus.OPEN.value,
            "check": check_id,
        },
    )
    if check_id:
        uow.session.add(
            DeviationLink(
                deviation_id=id_of(dev),
                batch_id=batch_id,
                check_id=check_id,
                linked_by=uow.username,
                linked_at=uow.now,
            )
        )
    uow.flush()
    return dev


def deviation_for_result(session: Session, batch_id: int, lot: str, ref: str) -> Deviation:
    """The open deviation a result cites: it must exist, belong to the batch, not be closed."""
    dev = session.exec(select(Deviation).where(Deviation.ref == ref.strip().upper())).first()
    if dev is None:
        raise NotFound(
            _("There is no deviation {ref}. Open one first, then give its reference.").format(
                ref=ref
            )
        )
    if dev.batch_id != batch_id:
        raise Conflict(
            _("Deviation {ref} belongs to another batch, not to lot {lot}.").format(
                ref=dev.ref, lot=lot
            )
        )
    if dev.status == DeviationStatus.CLOSED:
        raise Conflict(
            _("Deviation {ref} is closed; open a new one for this result.").format(ref=dev.ref)
        )
    return dev


def link_check(uow: UnitOfWork, batch_id: int, lot: str, dev: Deviation, check_id: str) -> None:
    """Link a deviation to a check of its batch (once), audited."""
    exists = uow.session.exec(
        select(DeviationLink).where(
            DeviationLink.deviation_id == dev.id, DeviationLink.check_id == check_id
        )
    ).first()
    if exists is not None:
        return
    uow.session.add(
        DeviationLink(
            deviation_id=id_of(dev),
            batch_id=batch_id,
            check_id=check_id,
            linked_by=uow.username,
            linked_at=uow.now,
        )
    )
    uow.audit("deviation.link", "deviation", dev.ref, lot=lot, new={"check": check_id})


def list_deviations(db: Database, lot: str) -> list[DeviationView]:
    with db.read() as session:
        return list(deviation_views(session, load_batch(session, lot)))


def close_deviation(
    db: Database, actor: Actor, password: str, ref: str, conclusion: str
) -> DeviationView:
    """QA closes a deviation with its conclusion (root cause, impact on the batch, CAPA)."""
    from core.services.users import authenticate

    conclusion = optional_text(conclusion, CONCLUSION) or ""
    if len(conclusion) < 10:
        raise DomainError(
            _("State the conclusion: root cause, impact on the batch and CAPA (10+ characters).")
        )
    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.CLOSE_DEVIATION)
        dev = uow.session.exec(
            select(Deviation).where(Deviation.ref == ref.strip().upper())
        ).first()
        if dev is None:
            raise NotFound(_("There is no deviation {ref}.").format(ref=ref))
        if dev.status == DeviationStatus.CLOSED:
            raise Conflict(_("Deviation {ref} is already closed.").format(ref=dev.ref))
        batch = uow.session.get(Batch, dev.batch_id)
        if batch is None:  # deviation.batch_id is a non-null foreign key to batch
            raise RuntimeError(f"Deviation {dev.ref} names batch {dev.batch_id}, which is missing.")
        old = dev.status
        dev.status = DeviationStatus.CLOSED
        dev.closed_by, dev.closed_at, dev.conclusion = actor.username, uow.now, conclusion
        uow.session.add(dev)
        uow.audit(
            "deviation.close",
            "deviation",
            dev.ref,
            lot=batch.lot,
            old={"status": old},
            new={"status": DeviationStatus.CLOSED.value, "conclusion": conclusion},
            reason=conclusion,
        )
        return next(d for d in deviation_views(uow.session, batch) if d.ref == dev.ref)
