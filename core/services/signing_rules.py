"""Who may sign what, and when: the rules of a signature, checked by ``sign`` after the password
and, without it, by ``why_not_sign`` so a screen can disable an action with its reason before any
password is typed (one set of rules for both)."""

from __future__ import annotations

from sqlmodel import Session

from core.auth import Actor, Permission
from core.errors import Conflict, DomainError, NotFound
from core.i18n import _, ngettext
from core.models import Batch, BatchStatus
from core.readmodels import BatchView, StepView
from core.records.batch_record import build_batch_view, load_batch
from core.services import signing_keys
from core.services.dispositions import (
    DISPOSITIONS_FROM,
    LOCKED,
    check_approvable,
    parse_disposition,
)
from core.services.users import acting_user
from core.signatures import BATCH_SCOPE, check_separation, step_scope
from core.signing_views import Disposition, Meaning
from core.store import Database

PERMISSION = {
    Meaning.PERFORMED: Permission.RECORD,
    Meaning.VERIFIED: Permission.VERIFY_STEP,
    Meaning.REVIEWED: Permission.REVIEW_BATCH,
    Meaning.APPROVED: Permission.APPROVE_BATCH,
}


def parse_meaning(text: str) -> Meaning:
    try:
        return Meaning(text.strip().upper())
    except ValueError:
        choices = ", ".join(m.value for m in Meaning)
        raise DomainError(
            _("'{text}' is not a signature meaning. Choose one of: {choices}.").format(
                text=text, choices=choices
            )
        ) from None


def step_of(view: BatchView, step_id: str | None) -> StepView:
    if not step_id:
        raise DomainError(_("Say which step is signed (its id, e.g. CART-S03)."))
    for step in view.steps:
        if step.id == step_id.strip():
            return step
    raise NotFound(_("Lot {lot} has no step '{step}'.").format(lot=view.lot, step=step_id))


def _check_state(batch: Batch, what: Meaning, outcome: Disposition | None, step) -> None:
    """What may still be signed in the lot's state: after a release with results pending only
    the release step (its pending results) and QA's acknowledgement of a post-release failure."""
    if batch.status in LOCKED:
        raise Conflict(
            _("Lot {lot} is {state}: its record is locked.").format(
                lot=batch.lot, state=batch.status.replace("_", " ")
            )
        )
    allowed = DISPOSITIONS_FROM.get(batch.status)
    if allowed is None:
        if outcome == Disposition.POST_RELEASE_OOS:
            raise Conflict(
                _(
                    "Lot {lot} has no result out of specification after release to acknowledge."
                ).format(lot=batch.lot)
            )
        return
    state = batch.status.replace("_", " ")
    if what == Meaning.APPROVED and outcome in allowed:
        return
    if what in (Meaning.PERFORMED, Meaning.VERIFIED) and step is not None and step.is_release:
        return
    if batch.status == BatchStatus.RELEASED:
        raise Conflict(
            _(
                "Lot {lot} is released: its record is locked (only its release test results "
                "may still be verified)."
            ).format(lot=batch.lot)
        )
    if allowed:
        raise Conflict(
            _(
                "Lot {lot} is {state}: only its pending release results are signed now and QA "
                "acknowledges the failed result."
            ).format(lot=batch.lot, state=state)
        )
    raise Conflict(
        _("Lot {lot} is {state}: only its pending release results are signed now.").format(
            lot=batch.lot, state=state
        )
    )


def _check_step_ready(step: StepView, meaning: Meaning) -> None:
    recorded = [c for c in step.checks if c.current is not None]
    if not recorded:
        raise Conflict(_("Step {step} has no recorded values to sign.").format(step=step.id))
    pending = [c.id for c in step.checks if c.current is not None and not c.current.final]
    if pending:
        raise Conflict(
            _(
                "Out-of-spec values in step {step} still need a comment or deviation: {checks}."
            ).format(step=step.id, checks=", ".join(pending))
        )
    if meaning == Meaning.VERIFIED:
        missing = [c.id for c in step.checks if c.required and c.current is None]
        if missing:
            raise Conflict(
                _("Step {step} is not complete; record first: {checks}.").format(
                    step=step.id, checks=", ".join(missing)
                )
            )


def _check_reviewable(session, batch: Batch, view: BatchView) -> None:
    """REVIEWED says the record is complete: every required value is in (a release result that
    may follow release excepted), every out-of-spec value justified, every step that needs it
    verified, every process excursion assessed."""
    from core.records.clock_incidents import open_incidents_for_lot
    from core.release_rules import review_missing
    from core.services.excursions import excursion_views

    problems = [
        _("clock incident {id} (events dated ahead) is not cleared").format(id=i.id)
        for i in open_incidents_for_lot(session, batch.lot)
    ]
    problems += [
        _("process excursion #{id} ({what}) is not assessed").format(id=exc.id, what=exc.describe())
        for exc in excursion_views(session, batch)
        if not exc.assessed
    ]
    problems += [_("{check} is not recorded").format(check=c) for c in review_missing(view)]
    for step in view.steps:
        for c in step.checks:
            if c.current is not None and not c.current.final:
                problems.append(_("{check} needs a comment or deviation").format(check=c.id))
        incomplete = any(c.required and c.current is None for c in step.checks)
        pending_release = step.is_release and incomplete  # e.g. the 14-day sterility
        started = any(c.current for c in step.checks)
        if step.verify and started and not step.verified and not pending_release:
            problems.append(_("step {step} awaits verification").format(step=step.id))
    if problems:
        shown = "; ".join(problems[:6])
        if len(problems) > 6:
            more = len(problems) - 6
            shown = ngettext("{problems}; and {n} more", "{problems}; and {n} more", more).format(
                problems=shown, n=more
            )
        raise Conflict(
            _("Lot {lot} cannot be reviewed yet: {problems}.").format(lot=view.lot, problems=shown)
        )


def check_may_sign(
    session: Session,
    actor: Actor,
    what: Meaning,
    batch: Batch,
    view: BatchView,
    step_id: str | None,
    outcome: Disposition | None,
    details: dict | None,
    *,
    before_password: bool = False,
) -> str:
    """The signature's scope; raises the rule a signature would break (the role is checked
    first, by ``acting_user``).
    ``before_password``: a disposition's own conditions (typed in its dialog, which lists what
    blocks it) are left to ``sign``."""
    step = step_of(view, step_id) if what in (Meaning.PERFORMED, Meaning.VERIFIED) else None
    if not (before_password and what == Meaning.APPROVED and outcome is None):
        _check_state(batch, what, outcome, step)  # (a disposition not chosen yet: its dialog)
    if step is not None:
        scope = step_scope(step.id)
        performers = [s.signer for s in step.signatures if s.meaning == Meaning.PERFORMED]
        check_separation(what, actor.username, step.checks, performers)
        _check_step_ready(step, what)
    else:
        if step_id:
            raise DomainError(
                _("{meaning} signs the whole batch, not a step.").format(meaning=what.value)
            )
        scope = BATCH_SCOPE
        check_separation(what, actor.username, view.checks())
        if what == Meaning.REVIEWED:
            _check_reviewable(session, batch, view)
        elif not before_password:
            check_approvable(session, batch, view, actor, outcome, details)
    if any(
        s.signer == actor.username
        and s.meaning == what
        and s.scope == scope
        and s.valid
        and (what != Meaning.APPROVED or s.disposition == outcome)
        for s in view.signatures
    ):
        raise Conflict(
            _("You already signed this as {meaning}; nothing changed since.").format(
                meaning=what.value
            )
        )
    if step is not None and what == Meaning.VERIFIED and step.verified:
        by = next(s for s in reversed(step.signatures) if s.meaning == what and s.valid)
        raise Conflict(
            _("Step {step} is already verified by {name}; nothing changed since.").format(
                step=step.id, name=by.signer_name
            )
        )
    return scope


def why_not_sign(
    db: Database,
    actor: Actor,
    lot: str,
    meaning: Meaning,
    step_id: str | None = None,
    disposition: str | None = None,
) -> str | None:
    """Why ``actor`` cannot sign now (the rule, in words), or None when they may: asked before
    the password, so nothing is audited here (``sign`` checks again, and audits a refusal)."""
    return refusals(db, actor, lot, (meaning,), step_id, disposition)[meaning]


def refusals(
    db: Database,
    actor: Actor,
    lot: str,
    meanings: tuple[Meaning, ...],
    step_id: str | None = None,
    disposition: str | None = None,
) -> dict[Meaning, str | None]:
    """``why_not_sign`` for several meanings at once: one read, one batch view."""
    answers: dict[Meaning, str | None] = {}
    with db.read() as session:
        try:
            batch = load_batch(session, lot)
            view = build_batch_view(session, batch)
            outcome = parse_disposition(disposition) if disposition else None
        except DomainError as refusal:
            return dict.fromkeys(meanings, str(refusal))
        for meaning in meanings:
            try:
                acting_user(session, actor, PERMISSION[meaning])
                check_may_sign(
                    session, actor, meaning, batch, view, step_id, outcome, None,
                    before_password=True,
                )  # fmt: skip
                signing_keys.usable_key(session, actor.username)
            except DomainError as refusal:
                answers[meaning] = str(refusal)
            else:
                answers[meaning] = None
    return answers
