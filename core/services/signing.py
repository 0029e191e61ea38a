"""Signing: re-authenticate, check the rules, bind the signature to the content, chain it.

One unit of work per signature: the signature row, its audit event and (for a QA disposition)
the batch's new status are written together or not at all.
"""

from __future__ import annotations

import base64

from sqlmodel import select

from core.auth import Actor, Permission
from core.crypto.statements import sign_statement
from core.errors import Conflict, DomainError, NotFound
from core.models import Batch, BatchStatus, Signature, User
from core.readmodels import BatchView, StepView
from core.services import signing_keys
from core.services.batch_record import build_batch_view, load_batch
from core.services.dispositions import (
    DISPOSITIONS_FROM,
    LOCKED,
    check_approvable,
    dispose,
    parse_disposition,
    required_details,
)
from core.services.signature_states import batch_extras, disposition_details
from core.services.users import acting_user, authenticate
from core.signatures import (
    BATCH_SCOPE,
    StatementFields,
    canonical,
    check_separation,
    content_for,
    sha256_text,
    statement_text,
    step_scope,
)
from core.signing_views import (
    Disposition,
    Meaning,
    SignatureState,
    SignatureView,
)
from core.store import Database
from core.text_rules import REASON, optional_text

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
            f"'{text}' is not a signature meaning. Choose one of: {choices}."
        ) from None


def step_of(view: BatchView, step_id: str | None) -> StepView:
    if not step_id:
        raise DomainError("Say which step is signed (its id, e.g. CART-S03).")
    for step in view.steps:
        if step.id == step_id.strip():
            return step
    raise NotFound(f"Lot {view.lot} has no step '{step_id}'.")


def _check_state(batch: Batch, what: Meaning, outcome: Disposition | None, step) -> None:
    """What may still be signed in the lot's state: after a release with results pending only
    the release step (its pending results) and QA's acknowledgement of a post-release failure."""
    if batch.status in LOCKED:
        raise Conflict(
            f"Lot {batch.lot} is {batch.status.replace('_', ' ')}: its record is locked."
        )
    allowed = DISPOSITIONS_FROM.get(batch.status)
    if allowed is None:
        if outcome == Disposition.POST_RELEASE_OOS:
            raise Conflict(
                f"Lot {batch.lot} has no result out of specification after release to acknowledge."
            )
        return
    state = batch.status.replace("_", " ")
    if what == Meaning.APPROVED and outcome in allowed:
        return
    if what in (Meaning.PERFORMED, Meaning.VERIFIED) and step is not None and step.is_release:
        return
    if batch.status == BatchStatus.RELEASED:
        raise Conflict(
            f"Lot {batch.lot} is released: its record is locked (only its release test results "
            "may still be verified)."
        )
    raise Conflict(
        f"Lot {batch.lot} is {state}: only its pending release results are signed now"
        + (" and QA acknowledges the failed result." if allowed else ".")
    )


def _check_step_ready(step: StepView, meaning: Meaning) -> None:
    recorded = [c for c in step.checks if c.current is not None]
    if not recorded:
        raise Conflict(f"Step {step.id} has no recorded values to sign.")
    pending = [c.id for c in recorded if not c.current.final]
    if pending:
        raise Conflict(
            f"Out-of-spec values in step {step.id} still need a comment or deviation: "
            + ", ".join(pending)
            + "."
        )
    if meaning == Meaning.VERIFIED:
        missing = [c.id for c in step.checks if c.required and c.current is None]
        if missing:
            raise Conflict(
                f"Step {step.id} is not complete; record first: " + ", ".join(missing) + "."
            )


def _check_reviewable(session, batch: Batch, view: BatchView) -> None:
    """REVIEWED says the record is complete: every required value is in (a release result that
    may follow release excepted), every out-of-spec value justified, every step that needs it
    verified, every process excursion assessed."""
    from core.release_rules import review_missing
    from core.services.clock_incidents import open_incidents_for_lot
    from core.services.excursions import excursion_views

    problems = [
        f"clock incident {i.id} (events dated ahead) is not cleared"
        for i in open_incidents_for_lot(session, batch.lot)
    ]
    problems += [
        f"process excursion #{exc.id} ({exc.describe()}) is not assessed"
        for exc in excursion_views(session, batch)
        if not exc.assessed
    ]
    problems += [f"{c} is not recorded" for c in review_missing(view)]
    for step in view.steps:
        for c in step.checks:
            if c.current is not None and not c.current.final:
                problems.append(f"{c.id} needs a comment or deviation")
        incomplete = any(c.required and c.current is None for c in step.checks)
        pending_release = step.is_release and incomplete  # e.g. the 14-day sterility
        started = any(c.current for c in step.checks)
        if step.verify and started and not step.verified and not pending_release:
            problems.append(f"step {step.id} awaits verification")
    if problems:
        shown = "; ".join(problems[:6]) + (
            f"; and {len(problems) - 6} more" if len(problems) > 6 else ""
        )
        raise Conflict(f"Lot {view.lot} cannot be reviewed yet: {shown}.")


def sign(
    db: Database,
    actor: Actor,
    password: str,
    lot: str,
    meaning: str,
    *,
    step_id: str | None = None,
    disposition: str | None = None,
    reason: str | None = None,
    deviation: str | None = None,
    physician: str | None = None,
) -> SignatureView:
    """Sign a step (PERFORMED, VERIFIED) or the batch (REVIEWED, APPROVED with a disposition).

    An exceptional release, and QA's acknowledgement of a result that failed after release, also
    name the deviation they rest on and record how the treating physician was notified."""
    what = parse_meaning(meaning)
    reason = optional_text(reason, REASON)
    outcome: Disposition | None = None
    if what == Meaning.APPROVED:
        outcome = parse_disposition(disposition)
        if not reason:
            raise DomainError("A QA disposition needs a reason (what it rests on).")
    elif disposition:
        raise DomainError("Only a QA approval (APPROVED) carries a disposition.")
    details = required_details(outcome, deviation, physician)
    # Part 11 §11.200: the signer proves who they are again; failures count towards lockout.
    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        session = uow.session
        role = acting_user(session, actor, PERMISSION[what])
        batch = load_batch(session, lot, for_update=True)
        view = build_batch_view(session, batch)
        step = step_of(view, step_id) if what in (Meaning.PERFORMED, Meaning.VERIFIED) else None
        _check_state(batch, what, outcome, step)
        if step is not None:
            scope = step_scope(step.id)
            performers = [s.signer for s in step.signatures if s.meaning == Meaning.PERFORMED]
            check_separation(what, actor.username, step.checks, performers)
            _check_step_ready(step, what)
        else:
            if step_id:
                raise DomainError(f"{what.value} signs the whole batch, not a step.")
            scope = BATCH_SCOPE
            check_separation(what, actor.username, view.checks())
            if what == Meaning.REVIEWED:
                _check_reviewable(session, batch, view)
            else:
                check_approvable(session, batch, view, actor, outcome, details)
        if any(
            s.signer == actor.username
            and s.meaning == what
            and s.scope == scope
            and s.valid
            and (what != Meaning.APPROVED or s.disposition == outcome)
            for s in view.signatures
        ):
            raise Conflict(f"You already signed this as {what.value}; nothing changed since.")
        key_row, key = signing_keys.unlock(session, actor.username, password)
        user = session.exec(select(User).where(User.username == actor.username)).one()
        content = content_for(view, scope, batch_extras(session, batch.id))
        fields = StatementFields(
            lot=batch.lot,
            scope=scope,
            meaning=what.value,
            signer=user.username,
            signer_name=user.full_name,
            signer_role=role,
            signed_at=uow.now,
            content_sha256=sha256_text(content),
            disposition=outcome.value if outcome else None,
            reason=reason,
            certificate_serial=key_row.serial_hex or "",
            details=canonical(details) if details else None,
            chain_seq=uow.start_head[0],
            chain_hash=uow.start_head[1],
        )
        statement = statement_text(fields)
        row = Signature(
            batch_id=batch.id,
            lot=batch.lot,
            scope=scope,
            meaning=what.value,
            signer=user.username,
            signer_name=user.full_name,
            signer_role=role,
            signed_at=uow.now,
            disposition=fields.disposition,
            reason=reason,
            content=content,
            content_sha256=fields.content_sha256,
            statement=statement,
            crypto_signature=base64.b64encode(
                sign_statement(key, statement.encode("utf-8"))
            ).decode("ascii"),
            signing_key_id=key_row.id,
            certificate_serial=fields.certificate_serial,
            details=fields.details,
            chain_seq=fields.chain_seq,
            chain_hash=fields.chain_hash,
        )
        session.add(row)
        uow.flush()
        uow.audit(
            "signature.sign",
            "signature",
            str(row.id),
            lot=batch.lot,
            new={
                "meaning": row.meaning,
                "scope": scope,
                "signer_name": row.signer_name,
                "content_sha256": row.content_sha256,
                "certificate_serial": row.certificate_serial,
                "disposition": row.disposition,
                **(details or {}),
            },
            reason=reason,
        )
        if outcome is not None:
            dispose(uow, batch, outcome, reason)
        return SignatureView(
            id=row.id,
            lot=batch.lot,
            scope=scope,
            step_id=step_id.strip() if step_id else None,
            meaning=row.meaning,
            signer=row.signer,
            signer_name=row.signer_name,
            signer_role=role,
            signed_at=row.signed_at,
            disposition=row.disposition,
            reason=reason,
            content_sha256=row.content_sha256,
            certificate_serial=row.certificate_serial,
            state=SignatureState.VALID,
            state_detail="",
            **disposition_details(row.details),
        )
