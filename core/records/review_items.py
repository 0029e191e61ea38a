"""The items of a review by exception: what in a batch record needs a person, and whether it
blocks the lot's release.

From the batch record as it is now: a result that failed after release (first), out-of-spec
values (blocking release when the check gates it) and their justification, alert limits, open
deviations, corrections, late, out-of-window and out-of-order entries, instrument times accepted
outside their window, edits after signing, signatures no longer valid, process excursions
(blocking until assessed), an autologous lot's custody trail missing a hand-off due before
release or a hand-off's e-signature (blocking), missing required values (a release result that
may follow release is shown as pending), steps waiting for verification, and imported files
with their SHA-256.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session, col, select

from core.clock import local_text
from core.curve_views import ExcursionView
from core.i18n import _, first_upper, ngettext
from core.models import Batch, Deviation, InstrumentFile, MaterialUse, id_of
from core.models.batches import AFTER_RELEASE, BatchStatus
from core.readmodels import BatchView, CheckView, ResultVersionView, StepView
from core.records.batch_record import batch_template
from core.records.custody import build_trail
from core.schedule import timing_findings
from core.signatures import BATCH_SCOPE
from core.signing_views import ItemKind, ReviewItem, SignatureState
from core.specs import Verdict
from core.states import DeviationStatus, EntryKind
from core.words import ENTRY_KIND_WORDS, deviation_class_words, deviation_status_words

LATE_ENTRY = timedelta(hours=24)  # an entry this long after its step's first entry is "late"


def _item(kind: ItemKind, title: str, detail: str, blocking: bool, **where) -> ReviewItem:
    return ReviewItem(kind, title, detail, blocking, **where)


def _at(version: ResultVersionView) -> dict:
    return {"at": version.recorded_at, "by": version.recorded_by}


def _result_items(
    view: BatchView, step: StepView, check: CheckView, released: bool
) -> list[ReviewItem]:
    cur = check.current
    if cur is None:
        return []
    label = f"{check.id} {check.name}"
    where = {"step_id": step.id, "check_id": check.id}
    if cur.verdict == Verdict.OOS:
        if released and check.gates_release:
            return [
                _item(
                    ItemKind.POST_RELEASE_OOS,
                    f"{label}: {cur.display} ({check.spec})",
                    _(
                        "failed after the lot was released: deviation, physician notification and "
                        "QA acknowledgement; deviation {ref}"
                    ).format(ref=cur.deviation)
                    if cur.deviation
                    else _(
                        "failed after the lot was released: deviation, physician notification and "
                        "QA acknowledgement"
                    ),
                    view.status == BatchStatus.POST_RELEASE_OOS,
                    ref=cur.deviation,
                    **where,
                    **_at(cur),
                )
            ]
        if not cur.final:
            return [
                _item(
                    ItemKind.AWAITING_JUSTIFICATION,
                    f"{label}: {cur.display} ({check.spec})",
                    _("Out of specification with no comment or deviation yet."),
                    True,
                    **where,
                    **_at(cur),
                )
            ]
        why = "; ".join(
            p
            for p in (
                _("blocks release (a gating result)") if check.gates_release else "",
                _("deviation {ref}").format(ref=cur.deviation) if cur.deviation else "",
                _("comment: {comment}").format(comment=cur.comment) if cur.comment else "",
            )
            if p
        )
        return [
            _item(
                ItemKind.OUT_OF_SPEC,
                f"{label}: {cur.display} ({check.spec})",
                why,
                check.gates_release,
                ref=cur.deviation,
                **where,
                **_at(cur),
            )
        ]
    if cur.verdict == Verdict.ALERT:
        return [
            _item(
                ItemKind.ALERT,
                f"{label}: {cur.display} ({check.spec})",
                cur.rule,
                False,
                **where,
                **_at(cur),
            )
        ]
    return []


def _history_items(step: StepView, check: CheckView, step_start, signed: list) -> list[ReviewItem]:
    items = []
    label = f"{check.id} {check.name}"
    where = {"step_id": step.id, "check_id": check.id}
    previous = None
    for version in check.history:
        if version.kind == EntryKind.CORRECTION and previous is not None:
            items.append(
                _item(
                    ItemKind.CORRECTION,
                    f"{label}: {previous.display} → {version.display}",
                    _("reason: {reason}").format(reason=version.reason),
                    False,
                    **where,
                    **_at(version),
                )
            )
        if (
            version.kind == EntryKind.ENTRY
            and not step.is_release
            and step_start is not None
            and version.recorded_at - step_start > LATE_ENTRY
        ):
            hours = (version.recorded_at - step_start).total_seconds() / 3600
            items.append(
                _item(
                    ItemKind.LATE_ENTRY,
                    f"{label}: {version.display}",
                    _("recorded {hours:.0f} h after the step's first entry ({start})").format(
                        hours=hours, start=local_text(step_start)
                    ),
                    False,
                    **where,
                    **_at(version),
                )
            )
        if version.timing_reason:
            measured = local_text(version.measured_at) if version.measured_at else "?"
            items.append(
                _item(
                    ItemKind.MEASUREMENT_TIME,
                    f"{label}: {version.display}",
                    _("measured {at} ({zone}); accepted because: {reason}").format(
                        at=measured,
                        zone=version.measured_zone or _("zone not stated"),
                        reason=version.timing_reason,
                    ),
                    False,
                    **where,
                    **_at(version),
                )
            )
        if version.kind != EntryKind.CALCULATION and any(version.recorded_at > t for t in signed):
            followed = step.is_release and check.pending_allowed and version.kind == EntryKind.ENTRY
            items.append(
                _item(
                    ItemKind.EDIT_AFTER_SIGNING,
                    f"{label}: {version.display}",
                    _after_signing(followed, version),
                    False,
                    **where,
                    **_at(version),
                )
            )
        previous = version
    if check.current is None and check.required and not check.derived:
        pending = step.is_release and check.pending_allowed
        items.append(
            _item(
                ItemKind.MISSING_VALUE,
                label,
                (
                    _("pending: may follow release; spec {spec}")
                    if pending
                    else _("required; spec {spec}")
                ).format(spec=check.spec),
                not pending,
                **where,
            )
        )
    return items


def _after_signing(followed: bool, version: ResultVersionView) -> str:
    """Why an edit after signing is listed, with its reason when it has one."""
    if followed and version.reason:
        return _(
            "a result that may follow release, recorded after the signatures; reason: {reason}"
        ).format(reason=version.reason)
    if followed:
        return _("a result that may follow release, recorded after the signatures")
    kind = ENTRY_KIND_WORDS.get(version.kind, version.kind)
    if version.reason:
        return _("{kind} after the step or batch was signed; reason: {reason}").format(
            kind=kind, reason=version.reason
        )
    return _("{kind} after the step or batch was signed").format(kind=kind)


def check_items(view: BatchView) -> list[ReviewItem]:
    items: list[ReviewItem] = []
    signed_at: dict[str, list] = {}
    for sig in view.signatures:
        signed_at.setdefault(sig.scope, []).append(sig.signed_at)
    batch_signed = signed_at.get(BATCH_SCOPE, [])
    released = view.status in AFTER_RELEASE
    for step in view.steps:
        step_signed = signed_at.get(f"step:{step.id}", []) + batch_signed
        first_entries = [c.history[0].recorded_at for c in step.checks if c.history]
        step_start = min(first_entries) if first_entries else None
        for check in step.checks:
            items += _result_items(view, step, check, released)
            items += _history_items(step, check, step_start, step_signed)
        if step.awaits_verification:
            items.append(
                _item(
                    ItemKind.AWAITING_VERIFICATION,
                    f"{step.id} {step.name}",
                    _("a second person must verify this step"),
                    True,
                    step_id=step.id,
                )
            )
    return items


def timing_items(view: BatchView, zone: tzinfo) -> list[ReviewItem]:
    kinds = {"out_of_window": ItemKind.OUT_OF_WINDOW, "out_of_order": ItemKind.OUT_OF_ORDER}
    items = []
    for found in timing_findings(view, zone):
        check = view.check(found.check_id)
        items.append(
            _item(
                kinds[found.kind],
                f"{found.check_id} {check.name}",
                f"{found.detail} ({local_text(found.at)})",
                False,
                step_id=found.step_id,
                check_id=found.check_id,
                at=found.at,
                by=found.by,
            )
        )
    return items


def excursion_items(excursions: list[ExcursionView]) -> list[ReviewItem]:
    items = []
    for exc in excursions:
        end = local_text(exc.ended_at) if exc.ended_at else _("still open")
        state = (
            _("assessed by {user}: {assessment}").format(
                user=exc.assessed_by, assessment=exc.assessment
            )
            if exc.assessed
            else _("not assessed: link a deviation, or QA assesses it with a reason")
        )
        items.append(
            _item(
                ItemKind.EXCURSION,
                f"#{exc.id} {exc.describe()}",
                f"{local_text(exc.started_at)} – {end}; {state}",
                not exc.assessed,
                ref=str(exc.id),
                at=exc.started_at,
                by=exc.source,
            )
        )
    return items


def clock_items(session: Session, lot: str) -> list[ReviewItem]:
    """Open clock incidents over this lot's events: their dates cannot be trusted until an
    administrator has found which clock was wrong and cleared the incident."""
    from core.records.clock_incidents import open_incidents_for_lot

    return [
        _item(
            ItemKind.CLOCK_INCIDENT,
            incident.summary(),
            _(
                "an administrator must find which clock was wrong and clear the incident "
                "(Admin → Clock incidents)"
            ),
            True,
            ref=str(incident.id),
            at=datetime.fromisoformat(incident.clock_read),
            by=incident.found_by,
        )
        for incident in open_incidents_for_lot(session, lot)
    ]


def override_items(session: Session, batch_id: int, view: BatchView) -> list[ReviewItem]:
    """Lots and items of equipment used though refused at their point of use, on QA's override
    (each cites its deviation, which blocks the release while open)."""
    rows = session.exec(
        select(MaterialUse, Deviation)
        .join(Deviation, col(Deviation.id) == col(MaterialUse.deviation_id))
        .where(col(MaterialUse.batch_id) == batch_id)
        .order_by(col(MaterialUse.id))
    ).all()
    checks = {c.id: c for c in view.checks()}
    items = []
    for use, dev in rows:
        check = checks.get(use.check_id)
        shown = check.current.display if check and check.current else "—"
        items.append(
            _item(
                ItemKind.USE_OVERRIDE,
                f"{use.check_id} {check.name if check else ''}: {shown}".strip(),
                _("deviation {ref}: {description}").format(
                    ref=dev.ref, description=dev.description
                ),
                False,
                step_id=check.step_id if check else None,
                check_id=use.check_id,
                ref=dev.ref,
                at=use.used_at,
                by=use.used_by,
            )
        )
    return items


def custody_items(session: Session, batch: Batch, view: BatchView) -> list[ReviewItem]:
    """An autologous lot's custody trail, where it holds up its release: a hand-off the plan
    expects before the release not recorded, or a hand-off's required e-signature that does not
    verify. Both block the release; once released, the product's own hand-offs follow on the
    custody screen."""
    if not view.autologous:
        return []
    _row, tdef = batch_template(session, batch)
    if tdef.custody.empty:
        return []
    trail = build_trail(session, batch, tdef.custody, True)
    items = []
    missing = [] if view.status in AFTER_RELEASE else trail.missing_before_release
    if missing:
        items.append(
            _item(
                ItemKind.CUSTODY_INCOMPLETE,
                _("Not recorded: {kinds}").format(kinds=", ".join(e.label for e in missing)),
                _(
                    "the custody plan expects these hand-offs before the release; record them on "
                    "the batch's Custody screen"
                ),
                True,
            )
        )
    for event in trail.signatures_not_valid:
        items.append(
            _item(
                ItemKind.CUSTODY_INCOMPLETE,
                first_upper(_("{kind}: e-signature not valid").format(kind=event.words)),
                _("the hand-off needs its recorder's e-signature and it does not verify")
                if event.signed
                else _("the hand-off needs its recorder's e-signature and has none"),
                True,
                ref=str(event.id),
                at=event.recorded_at,
                by=event.recorded_by,
            )
        )
    return items


def review_items(
    session: Session,
    batch: Batch,
    view: BatchView,
    excursions: list[ExcursionView],
    zone: tzinfo,
) -> tuple[ReviewItem, ...]:
    items = check_items(view)
    items += timing_items(view, zone)
    items += clock_items(session, batch.lot)
    for dev in view.deviations:
        if dev.status != DeviationStatus.CLOSED:
            items.append(
                _item(
                    ItemKind.OPEN_DEVIATION,
                    f"{dev.ref} ({deviation_class_words(dev.classification)}): {dev.description}",
                    _("status {status}; checks {checks}").format(
                        status=deviation_status_words(dev.status),
                        checks=", ".join(dev.checks) or "—",
                    ),
                    True,
                    check_id=dev.checks[0] if dev.checks else None,
                    ref=dev.ref,
                    at=dev.opened_at,
                    by=dev.opened_by,
                )
            )
    items += excursion_items(excursions)
    items += override_items(session, id_of(batch), view)
    items += custody_items(session, batch, view)
    for f in session.exec(
        select(InstrumentFile)
        .where(InstrumentFile.batch_id == batch.id)
        .order_by(col(InstrumentFile.id))
    ).all():
        items.append(
            _item(
                ItemKind.IMPORTED_FILE,
                ngettext(
                    "{file} ({profile}, {n} rows)", "{file} ({profile}, {n} rows)", f.rows
                ).format(file=f.filename, profile=f.profile, n=f.rows),
                f"SHA-256 {f.sha256}",
                False,
                ref=f.sha256,
                at=f.imported_at,
                by=f.imported_by,
            )
        )
    for sig in view.signatures:
        if sig.state != SignatureState.VALID:
            items.append(
                _item(
                    ItemKind.INVALIDATED_SIGNATURE,
                    f"{sig.label} {sig.signer_name} ({sig.scope})",
                    sig.state_detail,
                    sig.state == SignatureState.BROKEN,
                    step_id=sig.step_id,
                    ref=str(sig.id),
                    at=sig.signed_at,
                    by=sig.signer,
                )
            )
    first = [i for i in items if i.kind == ItemKind.POST_RELEASE_OOS]
    return tuple(first + [i for i in items if i.kind != ItemKind.POST_RELEASE_OOS])
