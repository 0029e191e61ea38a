"""Signing: re-authenticate, check the rules, bind the signature to the content, chain it.

One unit of work per signature: the signature row, its audit event and (for a QA disposition)
the batch's new status are written together or not at all.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlmodel import select

from core.auth import Actor, Permission
from core.crypto.statements import sign_statement
from core.errors import Conflict, DomainError, NotFound
from core.models import Batch, BatchStatus, Signature, User
from core.readmodels import BatchView, StepView
from core.services import signing_keys
from core.services.batch_record import build_batch_view, load_batch
from core.services.review import build_review
from core.services.signature_states import batch_extras
from core.services.users import acting_user, authenticate
from core.signatures import (
    BATCH_SCOPE,
    StatementFields,
    check_separation,
    content_for,
    sha256_text,
    statement_text,
    step_scope,
)
from core.signing_views import (
    DISPOSITION_LABEL,
    MEANING_LABEL,
    MEANING_STATEMENT,
    Disposition,
    Meaning,
    SignatureState,
    SignatureView,
)
from core.store import Database

PERMISSION = {
    Meaning.PERFORMED: Permission.RECORD,
    Meaning.VERIFIED: Permission.VERIFY_STEP,
    Meaning.REVIEWED: Permission.REVIEW_BATCH,
    Meaning.APPROVED: Permission.APPROVE_BATCH,
}
LOCKED = (BatchStatus.RELEASED, BatchStatus.REJECTED)


def parse_meaning(text: str) -> Meaning:
    try:
        return Meaning(text.strip().upper())
    except ValueError:
        choices = ", ".join(m.value for m in Meaning)
        raise DomainError(
            f"'{text}' is not a signature meaning. Choose one of: {choices}."
        ) from None


def parse_disposition(text: str | None) -> Disposition:
    if not text:
        raise DomainError(
            "A QA approval states the disposition: released, released_pending, quarantined or "
            "rejected."
        )
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Disposition(key)
    except ValueError:
        choices = ", ".join(d.value for d in Disposition)
        raise DomainError(f"'{text}' is not a disposition. Choose one of: {choices}.") from None


def _step(view: BatchView, step_id: str | None) -> StepView:
    if not step_id:
        raise DomainError("Say which step is signed (its id, e.g. CART-S03).")
    for step in view.steps:
        if step.id == step_id.strip():
            return step
    raise NotFound(f"Lot {view.lot} has no step '{step_id}'.")


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


def _check_reviewable(view: BatchView) -> None:
    problems = []
    for step in view.steps:
        for c in step.checks:
            if c.current is not None and not c.current.final:
                problems.append(f"{c.id} needs a comment or deviation")
            elif c.current is None and c.required and not c.derived and not step.is_release:
                problems.append(f"{c.id} is not recorded")
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
) -> SignatureView:
    """Sign a step (PERFORMED, VERIFIED) or the batch (REVIEWED, APPROVED with a disposition)."""
    what = parse_meaning(meaning)
    reason = " ".join((reason or "").split()) or None
    outcome: Disposition | None = None
    if what == Meaning.APPROVED:
        outcome = parse_disposition(disposition)
        if not reason:
            raise DomainError("A QA disposition needs a reason (what it rests on).")
    elif disposition:
        raise DomainError("Only a QA approval (APPROVED) carries a disposition.")
    # Part 11 §11.200: the signer proves who they are again; failures count towards lockout.
    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        session = uow.session
        role = acting_user(session, actor, PERMISSION[what])
        batch = load_batch(session, lot, for_update=True)
        if batch.status in LOCKED:
            raise Conflict(f"Lot {batch.lot} is {batch.status}: its record is locked.")
        view = build_batch_view(session, batch)
        if what in (Meaning.PERFORMED, Meaning.VERIFIED):
            step = _step(view, step_id)
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
                _check_reviewable(view)
            else:
                _check_approvable(session, batch, view, actor, outcome)
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
            },
            reason=reason,
        )
        if outcome is not None:
            _dispose(uow, batch, outcome, reason)
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
        )


def _check_approvable(
    session, batch: Batch, view: BatchView, actor: Actor, outcome: Disposition | None
) -> None:
    from core.services.review import approval_blockers, originators

    if actor.username in originators(session, batch.lot):
        raise Conflict(
            f"You ({actor.username}) wrote data into lot {batch.lot}: its disposition is "
            "approved by someone who took no part in it."
        )
    review = build_review(session, batch, view)
    blockers = approval_blockers(view, review.items, review.audit_review, outcome)
    if blockers:
        raise Conflict(
            f"Lot {batch.lot} cannot be {DISPOSITION_LABEL[outcome].lower()} yet: "
            + " ".join(b if b.endswith(".") else b + "." for b in blockers)
        )


def _dispose(uow, batch: Batch, outcome: Disposition, reason: str | None) -> None:
    old = batch.status
    batch.status = outcome.value
    uow.session.add(batch)
    uow.audit(
        "batch.disposition",
        "batch",
        batch.lot,
        lot=batch.lot,
        old={"status": old},
        new={"status": batch.status},
        reason=reason,
    )


@dataclass(frozen=True)
class SigningPreview:
    """What a signature would cover, shown in the sign dialog before the password is asked."""

    lot: str
    scope: str
    meaning: str
    label: str  # "Verified by"
    statement: str  # what the signature means, in words
    title: str  # "Step CART-S03 Receipt and inspection of starting material"
    lines: tuple[str, ...]  # one line per value signed: "CART-IPC-03-VOL Volume: 250 mL · pass"
    content_sha256: str
    warnings: tuple[str, ...]  # e.g. approval blockers for a release


def preview(
    db: Database,
    lot: str,
    meaning: str,
    *,
    step_id: str | None = None,
    disposition: str | None = None,
) -> SigningPreview:
    from core.services.review import approval_blockers

    what = parse_meaning(meaning)
    with db.read() as session:
        batch = load_batch(session, lot)
        view = build_batch_view(session, batch)
        if what in (Meaning.PERFORMED, Meaning.VERIFIED):
            step = _step(view, step_id)
            scope, steps = step_scope(step.id), [step]
            title = f"Step {step.id} {step.name}"
        else:
            scope, steps = BATCH_SCOPE, list(view.steps)
            title = f"Batch {view.lot} ({view.template_title} v{view.template_version})"
        lines = []
        for step in steps:
            for c in step.checks:
                value = c.current.display if c.current else "— not recorded"
                verdict = f" · {c.current.verdict}" if c.current else ""
                lines.append(f"{c.id} {c.name}: {value}{verdict}")
        content = content_for(view, scope, batch_extras(session, batch.id))
        warnings: tuple[str, ...] = ()
        if what == Meaning.APPROVED:
            review = build_review(session, batch, view)
            outcome = parse_disposition(disposition) if disposition else Disposition.RELEASED
            warnings = approval_blockers(view, review.items, review.audit_review, outcome)
        return SigningPreview(
            lot=view.lot,
            scope=scope,
            meaning=what.value,
            label=MEANING_LABEL[what],
            statement=MEANING_STATEMENT[what],
            title=title,
            lines=tuple(lines),
            content_sha256=sha256_text(content),
            warnings=warnings,
        )
