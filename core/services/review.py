"""Review by exception: only what needs a human, and what still blocks the batch's release.

The items come from the batch record as it is now: out-of-spec values and their justification,
open deviations, corrections, late entries, edits after signing, signatures no longer valid,
process excursions, missing required values, steps waiting for their second-person verification,
and imported files with their SHA-256. Approval of a release waits for the blocking items, a valid
batch review, and an audit-trail review by someone who took no part in the batch.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.clock import local_text
from core.models import AuditEvent, AuditTrailReview, Batch, InstrumentFile
from core.readmodels import BatchView
from core.services.batch_record import build_batch_view, load_batch
from core.services.excursions import ExcursionView, excursion_views
from core.services.users import acting_user, full_names
from core.signatures import BATCH_SCOPE
from core.signing_views import (
    AuditReviewMark,
    Disposition,
    ItemKind,
    ReviewItem,
    ReviewView,
    SignatureState,
)
from core.store import Database

LATE_ENTRY = timedelta(hours=24)  # an entry this long after its step's first entry is "late"
# Audit actions that are QA's and the reviewers' own acts, not the batch's data: signing, the
# audit-trail review, exports, the disposition, and QA's closure of a deviation.
REVIEW_ACTIONS = ("signature.", "audit_trail.", "report.", "batch.disposition", "deviation.close")


def _data_events(lot: str):
    t = AuditEvent.__table__.c
    clause = t.lot == lot
    for prefix in REVIEW_ACTIONS:
        clause = clause & ~t.action.startswith(prefix)
    return clause


def last_data_event(session: Session, lot: str) -> int:
    t = AuditEvent.__table__.c
    return (
        session.connection()
        .execute(sa.select(sa.func.max(t.seq)).where(_data_events(lot)))
        .scalar()
        or 0
    )


def originators(session: Session, lot: str) -> set[str]:
    """Everyone who wrote data into the batch (recorded, corrected, imported, opened deviations)."""
    t = AuditEvent.__table__.c
    rows = session.connection().execute(sa.select(t.username).distinct().where(_data_events(lot)))
    return {r[0] for r in rows if r[0] and r[0] != "system"}


def audit_review_mark(session: Session, batch: Batch) -> AuditReviewMark | None:
    row = session.exec(
        select(AuditTrailReview)
        .where(AuditTrailReview.batch_id == batch.id)
        .order_by(AuditTrailReview.id.desc())
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


# -- items --------------------------------------------------------------------------------------


def _check_items(view: BatchView) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    signed_at: dict[str, list] = {}
    for sig in view.signatures:
        signed_at.setdefault(sig.scope, []).append(sig.signed_at)
    batch_signed = signed_at.get(BATCH_SCOPE, [])
    for step in view.steps:
        step_signed = signed_at.get(f"step:{step.id}", []) + batch_signed
        first_entries = [c.history[0].recorded_at for c in step.checks if c.history]
        step_start = min(first_entries) if first_entries else None
        for check in step.checks:
            cur = check.current
            label = f"{check.id} {check.name}"
            if cur is not None and cur.verdict == "oos":
                if not cur.final:
                    items.append(
                        ReviewItem(
                            ItemKind.AWAITING_JUSTIFICATION,
                            f"{label}: {cur.display} ({check.spec})",
                            "Out of specification with no comment or deviation yet.",
                            True,
                            step.id,
                            check.id,
                            None,
                            cur.recorded_at,
                            cur.recorded_by,
                        )
                    )
                else:
                    why = "; ".join(
                        p
                        for p in (
                            f"deviation {cur.deviation}" if cur.deviation else "",
                            f"comment: {cur.comment}" if cur.comment else "",
                        )
                        if p
                    )
                    items.append(
                        ReviewItem(
                            ItemKind.OUT_OF_SPEC,
                            f"{label}: {cur.display} ({check.spec})",
                            why,
                            False,
                            step.id,
                            check.id,
                            cur.deviation,
                            cur.recorded_at,
                            cur.recorded_by,
                        )
                    )
            previous = None
            for version in check.history:
                if version.kind == "correction" and previous is not None:
                    items.append(
                        ReviewItem(
                            ItemKind.CORRECTION,
                            f"{label}: {previous.display} → {version.display}",
                            f"reason: {version.reason}",
                            False,
                            step.id,
                            check.id,
                            None,
                            version.recorded_at,
                            version.recorded_by,
                        )
                    )
                if (
                    version.kind == "entry"
                    and not step.is_release
                    and step_start is not None
                    and version.recorded_at - step_start > LATE_ENTRY
                ):
                    hours = (version.recorded_at - step_start).total_seconds() / 3600
                    items.append(
                        ReviewItem(
                            ItemKind.LATE_ENTRY,
                            f"{label}: {version.display}",
                            f"recorded {hours:.0f} h after the step's first entry "
                            f"({local_text(step_start)})",
                            False,
                            step.id,
                            check.id,
                            None,
                            version.recorded_at,
                            version.recorded_by,
                        )
                    )
                if version.kind != "calculation" and any(
                    version.recorded_at > t for t in step_signed
                ):
                    items.append(
                        ReviewItem(
                            ItemKind.EDIT_AFTER_SIGNING,
                            f"{label}: {version.display}",
                            f"{version.kind} after the step or batch was signed"
                            + (f"; reason: {version.reason}" if version.reason else ""),
                            False,
                            step.id,
                            check.id,
                            None,
                            version.recorded_at,
                            version.recorded_by,
                        )
                    )
                previous = version
            if cur is None and check.required and not check.derived:
                items.append(
                    ReviewItem(
                        ItemKind.MISSING_VALUE,
                        label,
                        f"required; spec {check.spec}",
                        True,
                        step.id,
                        check.id,
                    )
                )
        if step.state == "awaiting verification":
            items.append(
                ReviewItem(
                    ItemKind.AWAITING_VERIFICATION,
                    f"{step.id} {step.name}",
                    "a second person must verify this step",
                    True,
                    step.id,
                )
            )
    return items


def review_items(
    session: Session, batch: Batch, view: BatchView, excursions: list[ExcursionView]
) -> tuple[ReviewItem, ...]:
    items = _check_items(view)
    for dev in view.deviations:
        if dev.status != "closed":
            items.append(
                ReviewItem(
                    ItemKind.OPEN_DEVIATION,
                    f"{dev.ref} ({dev.classification}): {dev.description}",
                    f"status {dev.status.replace('_', ' ')}; checks {', '.join(dev.checks) or '—'}",
                    True,
                    None,
                    dev.checks[0] if dev.checks else None,
                    dev.ref,
                    dev.opened_at,
                    dev.opened_by,
                )
            )
    for exc in excursions:
        end = local_text(exc.ended_at) if exc.ended_at else "still open"
        items.append(
            ReviewItem(
                ItemKind.EXCURSION,
                exc.describe(),
                f"{local_text(exc.started_at)} – {end}",
                False,
                None,
                None,
                str(exc.id),
                exc.started_at,
                exc.source,
            )
        )
    for f in session.exec(
        select(InstrumentFile)
        .where(InstrumentFile.batch_id == batch.id)
        .order_by(InstrumentFile.id)
    ).all():
        items.append(
            ReviewItem(
                ItemKind.IMPORTED_FILE,
                f"{f.filename} ({f.profile}, {f.rows} rows)",
                f"SHA-256 {f.sha256}",
                False,
                None,
                None,
                f.sha256,
                f.imported_at,
                f.imported_by,
            )
        )
    for sig in view.signatures:
        if sig.state != SignatureState.VALID:
            items.append(
                ReviewItem(
                    ItemKind.INVALIDATED_SIGNATURE,
                    f"{sig.label} {sig.signer_name} ({sig.scope})",
                    sig.state_detail,
                    sig.state == SignatureState.BROKEN,
                    sig.step_id,
                    None,
                    str(sig.id),
                    sig.signed_at,
                    sig.signer,
                )
            )
    return tuple(items)


def approval_blockers(
    view: BatchView,
    items: tuple[ReviewItem, ...],
    mark: AuditReviewMark | None,
    disposition: str = Disposition.RELEASED,
) -> tuple[str, ...]:
    """Why this disposition cannot be approved now (release and release with results pending)."""
    if disposition not in (Disposition.RELEASED, Disposition.RELEASED_PENDING):
        return ()
    release_steps = {s.id for s in view.steps if s.is_release}
    blockers = []
    counts: dict[str, int] = {}
    for item in items:
        if not item.blocking:
            continue
        pending_ok = (
            disposition == Disposition.RELEASED_PENDING
            and item.kind in (ItemKind.MISSING_VALUE, ItemKind.AWAITING_VERIFICATION)
            and item.step_id in release_steps
        )
        if not pending_ok:
            counts[item.kind_label] = counts.get(item.kind_label, 0) + 1
    blockers += [f"{n} × {label}" for label, n in counts.items()]
    if not any(s.meaning == "REVIEWED" and s.valid for s in view.batch_signatures):
        blockers.append("No valid batch review (REVIEWED signature).")
    if mark is None:
        blockers.append("The audit trail has not been marked reviewed.")
    elif not mark.current:
        blockers.append("The batch changed after its audit trail was reviewed: review it again.")
    return tuple(blockers)


def build_review(session: Session, batch: Batch, view: BatchView | None = None) -> ReviewView:
    view = view or build_batch_view(session, batch)
    names = full_names(session)
    items = tuple(
        replace(i, by_name=names.get(i.by, i.by)) if i.by else i
        for i in review_items(session, batch, view, excursion_views(session, batch))
    )
    mark = audit_review_mark(session, batch)
    return ReviewView(
        lot=batch.lot,
        status=batch.status,
        items=items,
        signatures=view.signatures,
        audit_review=mark,
        approval_blockers=approval_blockers(view, items, mark),
    )


def review_batch(db: Database, lot: str) -> ReviewView:
    with db.read() as session:
        return build_review(session, load_batch(session, lot))


def mark_audit_trail_reviewed(
    db: Database, actor: Actor, password: str, lot: str, comment: str | None = None
) -> AuditReviewMark:
    """Someone who took no part in the batch confirms they reviewed its audit trail."""
    from core.errors import PermissionDenied
    from core.services.users import authenticate

    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        acting_user(uow.session, actor, Permission.REVIEW_AUDIT_TRAIL)
        batch = load_batch(uow.session, lot, for_update=True)
        if actor.username in originators(uow.session, batch.lot):
            raise PermissionDenied(
                f"You ({actor.username}) wrote data into lot {batch.lot}: its audit trail is "
                "reviewed by someone who took no part in it."
            )
        through = last_data_event(uow.session, batch.lot)
        row = AuditTrailReview(
            batch_id=batch.id,
            reviewed_by=actor.username,
            reviewed_at=uow.now,
            through_seq=through,
            comment=(comment or "").strip() or None,
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
