"""Assessing a process excursion: a deviation linked to it, or QA's assessment with its reason.

An excursion beyond the template's alarm (action) band blocks the batch review (REVIEWED) until it
is assessed. Anyone who may open deviations may link one; an assessment without a deviation is
QA's (impact on the product, with the reason). One assessment per excursion, append-only, audited.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.auth import Actor, Permission
from core.curve_views import ExcursionView
from core.errors import Conflict, DomainError, NotFound
from core.i18n import N_, SOURCE, _, in_language
from core.models import Deviation, ExcursionAssessment, id_of, table_of
from core.models.batches import BatchStatus
from core.records.batch_record import load_batch
from core.services.excursions import excursion_views
from core.services.users import acting_user
from core.store import Database
from core.text_rules import REASON, optional_text

_LOCKED = (BatchStatus.RELEASED, BatchStatus.REJECTED, BatchStatus.EXCEPTIONAL_RELEASE)
_LOCKED_WORDS = {
    BatchStatus.RELEASED: N_("Lot {lot} is released: it is locked."),
    BatchStatus.REJECTED: N_("Lot {lot} is rejected: it is locked."),
    BatchStatus.EXCEPTIONAL_RELEASE: N_("Lot {lot} is exceptional release: it is locked."),
}


def assess_excursion(
    db: Database,
    actor: Actor,
    lot: str,
    excursion_id: int,
    *,
    deviation: str | None = None,
    reason: str | None = None,
) -> ExcursionView:
    """Record how the excursion ``excursion_id`` of ``lot`` was dealt with."""
    reason = optional_text(reason, REASON)
    deviation = (deviation or "").strip() or None
    if deviation is not None:
        text = f"deviation {deviation}" + (f": {reason}" if reason else "")
    elif reason is not None and len(reason) >= 10:
        text = reason
    else:
        raise DomainError(
            _(
                "Assess the excursion with a deviation reference, or (QA) with the reason it does "
                "not affect the product: what happened, how long, why the product is not affected."
            )
        )
    permission = Permission.OPEN_DEVIATION if deviation else Permission.ASSESS_EXCURSION
    with db.unit_of_work(actor.username) as uow:
        role = acting_user(uow.session, actor, permission)
        batch = load_batch(uow.session, lot, for_update=True)
        if batch.status in _LOCKED:
            raise Conflict(_(_LOCKED_WORDS[BatchStatus(batch.status)]).format(lot=batch.lot))
        views = {v.id: v for v in excursion_views(uow.session, batch)}
        excursion = views.get(excursion_id)
        if excursion is None:
            raise NotFound(
                _(
                    "Lot {lot} has no excursion {id}. See the review for its "
                    "excursions and their numbers."
                ).format(lot=batch.lot, id=excursion_id)
            )
        if excursion.assessed:
            raise Conflict(
                _("Excursion {id} was already assessed by {user}: {assessment}").format(
                    id=excursion_id, user=excursion.assessed_by, assessment=excursion.assessment
                )
            )
        dev_id = None
        if deviation is not None:
            row = uow.connection.execute(
                sa.select(table_of(Deviation).c.id).where(
                    table_of(Deviation).c.ref == deviation,
                    table_of(Deviation).c.batch_id == batch.id,
                )
            ).first()
            if row is None:
                raise NotFound(
                    _("Lot {lot} has no deviation {ref}.").format(lot=batch.lot, ref=deviation)
                )
            dev_id = row[0]
        uow.session.add(
            ExcursionAssessment(
                excursion_id=excursion_id,
                batch_id=id_of(batch),
                deviation_id=dev_id,
                assessment=text,
                assessed_by=actor.username,
                assessed_role=role,
                assessed_at=uow.now,
            )
        )
        uow.flush()
        with in_language(SOURCE):  # kept in the audit trail: the record's language
            described = excursion.describe()
        uow.audit(
            "excursion.assess",
            "excursion",
            str(excursion_id),
            lot=batch.lot,
            new={"assessment": text, "deviation": deviation, "excursion": described},
            reason=reason,
        )
        return next(v for v in excursion_views(uow.session, batch) if v.id == excursion_id)
