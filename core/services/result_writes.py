"""Writing one version of a check's value with its audit event, and the views of what an entry
changed (built from the rows in hand: the entry, the derived values, the checks whose
applicability it changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import col, select

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import Conflict
from core.i18n import _
from core.models import Deviation, EntryKind, Signature, table_of
from core.readmodels import RecordOutcome
from core.records.batch_record import view_in_batch
from core.records.result_rows import (
    BatchRow,
    ResultRow,
    insert_result,
    unviewed,
    user_names,
    versions,
)
from core.records.template_versions import template_approved
from core.services.entry_rules import Pending
from core.store import UnitOfWork
from core.templates.model import CheckDef, TemplateDef

if TYPE_CHECKING:
    from core.services.point_of_use import UseOverride
    from core.signing_views import SignatureView

Known = dict[str, list[ResultRow]]


@dataclass(frozen=True)
class Entry:
    """What kind of entry a typed value makes: a first entry or a correction."""

    kind: EntryKind
    permission: Permission
    reason: str | None
    source: str


@dataclass(frozen=True)
class Written:
    """How an entry is written: its justification, whether an OOS may wait, where it came from,
    and for an instrument's value its own measurement time and the zone it was read in."""

    comment: str | None
    deviation: str | None
    hold: bool
    source: str
    measured_at: datetime | None = None
    measured_zone: str | None = None
    timing_reason: str | None = None
    override: UseOverride | None = None  # QA's override of a refused lot or equipment


_ACTIONS = {
    EntryKind.ENTRY: "result.record",
    EntryKind.CORRECTION: "result.correct",
    EntryKind.JUSTIFICATION: "result.justify",
    EntryKind.CALCULATION: "result.calculate",
}


def insert(
    uow: UnitOfWork,
    batch: BatchRow,
    pending: Pending,
    known: Known,
    comment: str | None,
    deviation: Deviation | None,
    *,
    final: bool,
    source: str,
    measured: Written | None = None,
) -> ResultRow:
    check = pending.check
    history = known.setdefault(check.id, [])
    previous = history[-1] if history else None
    row = ResultRow(
        check_id=check.id,
        version=previous.version + 1 if previous else 1,
        kind=pending.kind.value,
        raw_text=pending.raw,
        value=pending.value,
        value_number=float(pending.number) if pending.number is not None else None,
        unit=check.unit,
        verdict=pending.evaluation.verdict.value,
        rule=pending.evaluation.rule,
        final=final,
        comment=comment,
        deviation_id=deviation.id if deviation else None,
        reason=pending.reason,
        source=source,
        recorded_by=uow.username,
        recorded_at=uow.now,
        measured_at=measured.measured_at if measured else None,
        measured_zone=measured.measured_zone if measured else None,
        timing_reason=measured.timing_reason if measured else None,
    )
    try:
        insert_result(uow.connection, batch.id, row)
    except sa.exc.IntegrityError:
        if pending.kind == EntryKind.ENTRY:
            raise already_recorded(check, batch) from None
        raise
    history.append(row)
    new = {
        "value": row.value,
        "unit": row.unit,
        "verdict": row.verdict,
        "rule": row.rule,
        "final": row.final,
        "raw": row.raw_text,
        "version": row.version,
        "source": row.source,
    }
    if comment:
        new["comment"] = comment
    if deviation is not None:
        new["deviation"] = deviation.ref
    if row.measured_at is not None:
        new["measured_at"] = utc_iso(row.measured_at)
        new["measured_zone"] = row.measured_zone
    if row.timing_reason:
        new["timing_reason"] = row.timing_reason
    old = None
    if previous is not None:
        old = {
            "value": previous.value,
            "unit": previous.unit,
            "verdict": previous.verdict,
            "final": previous.final,
            "version": previous.version,
        }
    uow.audit(
        _ACTIONS[pending.kind],
        "result",
        f"{batch.lot}/{check.id}/v{row.version}",
        lot=batch.lot,
        old=old,
        new=new,
        reason=pending.reason,
    )
    return row


def changed_views(
    uow: UnitOfWork,
    actor: Actor,
    batch: BatchRow,
    tdef: TemplateDef,
    known: Known,
    changed: list[str],
    notes: list[str],
) -> RecordOutcome:
    """Views of what changed, built from the rows already in hand (checks whose applicability
    changed are read once more)."""
    unread = [cid for cid in changed if cid not in known]
    if unread:
        known.update(versions(uow.connection, batch.id, unread))
    rows = [row for cid in changed for row in unviewed(known.get(cid, []))]
    names = {actor.username: actor.full_name}
    others = {row.recorded_by for row in rows} - names.keys()
    names.update(user_names(uow.connection, others))
    wanted = {row.deviation_id for row in rows if row.deviation_id}
    refs: dict[int, str] = {}
    if wanted:
        found = uow.session.exec(
            select(Deviation.id, Deviation.ref).where(col(Deviation.id).in_(wanted))
        )
        # a stored row's primary key is never NULL; the filter only narrows the type
        refs = {dev_id: ref for dev_id, ref in found.all() if dev_id is not None}
    approved = template_approved(uow.connection, batch.template_version_id)
    views = [view_in_batch(tdef, c, known, names, refs, approved) for c in map(tdef.check, changed)]
    return RecordOutcome(
        lot=batch.lot,
        entry=views[0],
        derived=tuple(views[1:]),
        notes=tuple(notes),
        signatures=signatures_after(uow, batch, {view.step_id for view in views}),
    )


_SIGNED_SCOPES = sa.select(table_of(Signature).c.scope).where(
    table_of(Signature).c.batch_id == sa.bindparam("batch_id")
)


def signatures_after(
    uow: UnitOfWork, batch: BatchRow, steps: set[str]
) -> tuple[SignatureView, ...] | None:
    """Every signature of the batch evaluated after this write, when one may have changed state:
    one that signs a step written in, or the whole batch. None otherwise (the usual case: values
    are recorded before their step is signed), after one small read of the batch's scopes."""
    from core.signatures import BATCH_SCOPE, step_scope

    if not batch.signatures:  # read with the batch: no signature, no state to re-evaluate
        return None
    signed = set(uow.connection.execute(_SIGNED_SCOPES, {"batch_id": batch.id}).scalars())
    if not signed & {BATCH_SCOPE, *map(step_scope, steps)}:
        return None
    from core.records.batch_record import build_batch_view, load_batch

    return build_batch_view(uow.session, load_batch(uow.session, batch.lot)).signatures


def already_recorded(check: CheckDef, batch: BatchRow) -> Conflict:
    return Conflict(
        _(
            "{id} ({name}) already has a value in lot {lot}. To change it, correct it and give a "
            "reason."
        ).format(id=check.id, name=check.name, lot=batch.lot)
    )
