"""Batch verbs: start a batch on the newest version of a template, list batches, show a batch."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from core.auth import Actor, Permission
from core.errors import AlreadyExists, DomainError
from core.fields import Field
from core.i18n import _
from core.models import Batch, BatchStatus, TemplateVersion, id_of
from core.models.batches import ATTENTION
from core.readmodels import BatchSummary, BatchView
from core.records.batch_record import build_batch_view, load_batch
from core.records.template_versions import approved_version
from core.services.users import acting_user
from core.store import Database

LOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
COI = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$")


def start_batch(
    db: Database, actor: Actor, template_key: str, lot: str, coi_id: str | None = None
) -> BatchView:
    lot = lot.strip()
    if not LOT.match(lot):
        raise DomainError(
            _(
                "'{lot}' cannot be a lot number: 2–40 letters, digits, '.', '_' or '-', no spaces."
            ).format(lot=lot),
            field=Field.LOT,
        )
    coi_id = coi_id.strip() if coi_id else None
    if coi_id and not COI.match(coi_id):
        raise DomainError(
            _(
                "'{coi}' is not a chain-of-identity id: 3–64 letters, digits, '.', '_', '/' or '-'."
            ).format(coi=coi_id),
            field=Field.COI_ID,
        )
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.START_BATCH)
        template = approved_version(uow.session, template_key)
        if template.autologous and not coi_id:
            raise DomainError(
                _(
                    "{title} is autologous: give the patient's chain-of-identity id "
                    "(from the apheresis label) to start the batch."
                ).format(title=template.title),
                field=Field.COI_ID,
            )
        if uow.session.exec(select(Batch).where(Batch.lot == lot)).first() is not None:
            raise AlreadyExists(
                _("Lot {lot} already exists: open it from the batch list.").format(lot=lot),
                field=Field.LOT,
            )
        batch = Batch(
            lot=lot,
            template_version_id=id_of(template),
            product_family=template.product_family,
            coi_id=coi_id,
            status=BatchStatus.IN_PROGRESS,
            started_at=uow.now,
            started_by=actor.username,
        )
        uow.session.add(batch)
        uow.audit(
            "batch.start",
            "batch",
            lot,
            lot=lot,
            new={
                "lot": lot,
                "template": template.key,
                "template_version": template.version,
                "template_sha256": template.sha256,
                "product_family": template.product_family,
                "coi_id": coi_id,
                "status": BatchStatus.IN_PROGRESS.value,
            },
        )
        uow.flush()
        return build_batch_view(uow.session, batch)


def show_batch(db: Database, lot: str) -> BatchView:
    with db.read() as session:
        return build_batch_view(session, load_batch(session, lot))


def named_exactly(rows: list[BatchSummary], text: str) -> BatchSummary | None:
    """The one batch whose lot or chain-of-identity id is ``text`` (any case), if exactly one:
    what a typed or scanned lot or COI opens."""
    wanted = text.strip().casefold()
    matches = [r for r in rows if wanted in (r.lot.casefold(), (r.coi_id or "").casefold())]
    return matches[0] if len(matches) == 1 else None


def list_batches(
    db: Database,
    *,
    text: str | None = None,
    product_family: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[BatchSummary]:
    with db.read() as session:
        attention = sa.case((col(Batch.status).in_(ATTENTION), 0), else_=1)
        stmt = (
            select(Batch, TemplateVersion)
            .join(TemplateVersion, col(Batch.template_version_id) == TemplateVersion.id)
            .order_by(attention, col(Batch.started_at).desc())  # a failure after release first
        )
        if text:
            stmt = stmt.where(
                col(Batch.lot).contains(text.strip()) | col(Batch.coi_id).contains(text.strip())
            )
        if product_family:
            stmt = stmt.where(Batch.product_family == product_family)
        if status:
            stmt = stmt.where(Batch.status == status)
        if since:
            stmt = stmt.where(Batch.started_at >= since)
        if until:
            stmt = stmt.where(Batch.started_at < until)
        return [
            BatchSummary(
                lot=b.lot,
                template_key=t.key,
                template_version=t.version,
                product_family=b.product_family,
                coi_id=b.coi_id,
                status=b.status,
                started_at=b.started_at,
                started_by=b.started_by,
            )
            for b, t in session.exec(stmt).all()
        ]
