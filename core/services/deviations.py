"""Deviations: opened against a batch (optionally for a check), listed, cited by results."""

from __future__ import annotations

from sqlmodel import func, select

from core.auth import Actor, Permission
from core.errors import DomainError
from core.models import Deviation, DeviationClass, DeviationLink, DeviationStatus
from core.readmodels import DeviationView
from core.services.batch_record import batch_template, deviation_views, load_batch
from core.services.users import acting_user
from core.store import Database


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
            f"'{classification}' is not a deviation class. Use minor, major or critical."
        ) from None
    description = " ".join(description.split())
    if len(description) < 10:
        raise DomainError("Describe the deviation: what happened, where and when (10+ characters).")
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.OPEN_DEVIATION)
        batch = load_batch(uow.session, lot)
        if check_id:
            _, tdef = batch_template(uow.session, batch)
            check_id = tdef.check(check_id.strip()).id
        year = uow.now.year
        count = uow.session.exec(
            select(func.count())
            .select_from(Deviation)
            .where(Deviation.ref.startswith(f"DEV-{year}-"))
        ).one()
        ref = f"DEV-{year}-{int(count) + 1:04d}"
        dev = Deviation(
            ref=ref,
            batch_id=batch.id,
            classification=cls.value,
            description=description,
            status=DeviationStatus.OPEN,
            opened_by=actor.username,
            opened_at=uow.now,
        )
        uow.session.add(dev)
        uow.flush()
        uow.audit(
            "deviation.open",
            "deviation",
            ref,
            lot=batch.lot,
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
                    deviation_id=dev.id,
                    batch_id=batch.id,
                    check_id=check_id,
                    linked_by=actor.username,
                    linked_at=uow.now,
                )
            )
        uow.flush()
        return next(v for v in deviation_views(uow.session, batch) if v.ref == ref)


def list_deviations(db: Database, lot: str) -> list[DeviationView]:
    with db.read() as session:
        return list(deviation_views(session, load_batch(session, lot)))
