"""Review by exception: only what needs a human, and what still blocks the batch's release.

The items (core.records.review_items) come from the batch record as it is now. Approval of a
release waits for the release gate (core.release_rules), the other blocking items, a valid batch
review, and an audit-trail review by someone who took no part in the batch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, tzinfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.auth import Actor, Permission
from core.auth.policy import read_policy
from core.i18n import N_, _
from core.models import AuditEvent, AuditTrailReview, Batch, id_of, table_of
from core.models.batches import BatchStatus
from core.readmodels import BatchView
from core.records.accounts import acting_user, full_names
from core.records.batch_record import build_batch_view, load_batch
from core.records.review_items import review_items
from core.release_rules import gate_refusals, post_release_blockers
from core.services.excursions import excursion_views
from core.signing_views import (
    AuditReviewMark,
    Disposition,
    ItemKind,
    Meaning,
    ReviewItem,
    ReviewView,
)
from core.store import Database
from core.text_rules import COMMENT, optional_text

AWAITING_DISPOSITION = (
    BatchStatus.IN_PROGRESS,
    BatchStatus.AWAITING_REVIEW,
    BatchStatus.QUARANTINED,
)
RELEASES = (
    Disposition.RELEASED,
    Disposition.RELEASED_PENDING,
    Disposition.EXCEPTIONAL_RELEASE,
)
# Audit actions that are QA's and the reviewers' own acts, not the batch's data: signing, the
# audit-trail review, exports, the disposition, and QA's closure of a deviation.
REVIEW_ACTIONS = ("signature.", "audit_trail.", "report.", "batch.disposition", "deviation.close")


def _data_events(lot: str):
    t = table_of(AuditEvent).c
    clause = t.lot == lot
    for prefix in REVIEW_ACTIONS:
        clause = clause & ~t.action.startswith(prefix)
    return clause


def last_data_event(session: Session, lot: str) -> int:
    t = table_of(AuditEvent).c
    return (
        session.connection()
        .execute(sa.select(sa.func.max(t.seq)).where(_data_events(lot)))
        .scalar()
        or 0
    )


def originators(session: Session, lot: str) -> set[str]:
    """Everyone who wrote data into the batch (recorded, corrected, imported, opened deviations)."""
    t = table_of(AuditEvent).c
    rows = session.connection().execute(sa.select(t.username).distinct().where(_data_events(lot)))
    return {r[0] for r in rows if r[0] and r[0] != "system"}


def audit_review_mark(session: Session, batch: Batch) -> AuditReviewMark | None:
    row = session.exec(
        select(AuditTrailReview)
        .where(AuditTrailReview.batch_id == batch.id)
        .order_by(col(AuditTrailReview.id).desc())
    ).first()
    if row is None:
        return None
    names = full_names(session)
    return AuditReviewMark(
        reviewed_by=row.reviewed_by,
        reviewed_by_name=names.get(row.reviewed_by, row.reviewed_by),
        reviewed_at=row.reviewed_at,
        through_seq=row.through_seq,
        current=last_data_event(session, batch.lot) <= row.through_seq,
    )


def approval_blockers(
    view: BatchView,
    items: tuple[ReviewItem, ...],
    mark: AuditReviewMark | None,
    disposition: str = Disposition.RELEASED,
    *,
    autologous: bool = False,
) -> tuple[str, ...]:
    """Why this disposition cannot be approved now (the releases; quarantine and rejection
    wait for nothing). The release gate decides on the gating results; the other blocking items
    (open deviations, unjustified values, steps awaiting verification …) and the batch and
    audit-trail reviews come on top."""
    if disposition not in RELEASES:
        return ()
    gating = {c.id for c in view.checks() if c.gates_release}
    release_steps = {s.id for s in view.steps if s.is_release}
    blockers = list(gate_refusals(view, disposition, autologous=autologous))
    counts: dict[str, int] = {}
    for item in items:
        if not item.blocking:
            continue
        if item.check_id in gating and item.kind in (ItemKind.OUT_OF_SPEC, ItemKind.MISSING_VALUE):
            continue  # the gate above names them
        pending_ok = (
            disposition == Disposition.RELEASED_PENDING
            and item.kind == ItemKind.AWAITING_VERIFICATION
            and item.step_id in release_steps
        )
        if not pending_ok:
            counts[item.kind_label] = counts.get(item.kind_label, 0) + 1
    blockers += [f"{n} × {label}" for label, n in counts.items()]
    if not any(s.meaning == Meaning.REVIEWED and s.valid for s in view.batch_signatures):
        blockers.append(_("No valid batch review (REVIEWED signature)."))
    if mark is None:
        blockers.append(_("The audit trail has not been marked reviewed."))
    elif not mark.current:
        blockers.append(_("The batch changed after its audit trail was reviewed: review it again."))
    return tuple(blockers)


def site_zone(session: Session) -> tzinfo:
    """The site's time zone (settings), else this computer's: days are counted in it."""
    from zoneinfo import ZoneInfo

    name = read_policy(session).time_zone
    if name:
        return ZoneInfo(name)
    return datetime.now().astimezone().tzinfo or UTC


def build_review(session: Session, batch: Batch, view: BatchView | None = None) -> ReviewView:
    view = view or build_batch_view(session, batch)
    names = full_names(session)
    found = review_items(session, batch, view, excursion_views(session, batch), site_zone(session))
    items = tuple(replace(i, by_name=names.get(i.by, i.by)) if i.by else i for i in found)
    mark = audit_review_mark(session, batch)
    return ReviewView(
        lot=batch.lot,
        status=batch.status,
        items=items,
        signatures=view.signatures,
        audit_review=mark,
        approval_blockers=_open_blockers(view, items, mark, batch.status),
    )


def _open_blockers(
    view: BatchView, items: tuple[ReviewItem, ...], mark: AuditReviewMark | None, status: str
) -> tuple[str, ...]:
    """What the decision QA still has to take waits for: the release while the lot awaits its
    disposition, the acknowledgement of a result that failed after release; () otherwise."""
    if status == BatchStatus.POST_RELEASE_OOS:
        return (
            _("QA has not acknowledged the result that failed after release."),
            *post_release_blockers(view, None),
        )
    if status in AWAITING_DISPOSITION:
        return approval_blockers(view, items, mark, autologous=view.autologous)
    return ()


def review_batch(db: Database, lot: str) -> ReviewView:
    with db.read() as session:
        return build_review(session, load_batch(session, lot))


def mark_audit_trail_reviewed(
    db: Database, actor: Actor, password: str, lot: str, comment: str | None = None
) -> AuditReviewMark:
    """Someone who took no part in the batch confirms they reviewed its audit trail."""
    from core.errors import PermissionDenied
    from core.services.users import authenticate

    comment = optional_text(comment, COMMENT)
    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.REVIEW_AUDIT_TRAIL)
        batch = load_batch(uow.session, lot, for_update=True)
        if actor.username in originators(uow.session, batch.lot):
            raise PermissionDenied.said(
                N_(
                    "You ({user}) wrote data into lot {lot}: its audit trail is reviewed by "
                    "someone who took no part in it."
                ),
                user=actor.username,
                lot=batch.lot,
            )
        through = last_data_event(uow.session, batch.lot)
        row = AuditTrailReview(
            batch_id=id_of(batch),
            reviewed_by=actor.username,
            reviewed_at=uow.now,
            through_seq=through,
            comment=comment,
        )
        uow.session.add(row)
        uow.flush()
        uow.audit(
            "audit_trail.review",
            "batch",
            batch.lot,
            lot=batch.lot,
            new={"through_seq": through},
            reason=row.comment,
        )
        return AuditReviewMark(
            reviewed_by=actor.username,
            reviewed_by_name=actor.full_name,
            reviewed_at=uow.now,
            through_seq=through,
            current=True,
        )
