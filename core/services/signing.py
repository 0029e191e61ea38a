"""Signing: re-authenticate, check the rules, bind the signature to the content, chain it.

One unit of work per signature: the signature row, its audit event and (for a QA disposition)
the batch's new status are written together or not at all.
"""

from __future__ import annotations

import base64

from sqlmodel import select

from core.auth import Actor
from core.crypto.statements import sign_statement
from core.errors import DomainError
from core.i18n import SOURCE, _, language
from core.models import Signature, User, id_of
from core.records.batch_record import build_batch_view, load_batch
from core.records.signature_states import batch_extras, disposition_details
from core.services import signing_keys
from core.services.dispositions import dispose, parse_disposition, required_details
from core.services.signing_rules import PERMISSION, check_may_sign, parse_meaning
from core.services.users import acting_user, authenticate
from core.signatures import (
    StatementFields,
    canonical,
    content_for,
    sha256_text,
    statement_text,
)
from core.signing_views import (
    MEANING_STATEMENT,
    Disposition,
    Meaning,
    SignatureState,
    SignatureView,
)
from core.store import Database
from core.text_rules import REASON, optional_text


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
            raise DomainError(_("A QA disposition needs a reason (what it rests on)."))
    elif disposition:
        raise DomainError(_("Only a QA approval (APPROVED) carries a disposition."))
    details = required_details(outcome, deviation, physician)
    # Part 11 §11.200: the signer proves who they are again; failures count towards lockout.
    authenticate(db, actor.username, password)
    with db.unit_of_work(actor.username) as uow:
        session = uow.session
        role = acting_user(session, actor, PERMISSION[what])
        batch = load_batch(session, lot, for_update=True)
        view = build_batch_view(session, batch)
        scope = check_may_sign(session, actor, what, batch, view, step_id, outcome, details)
        key_row, key = signing_keys.unlock(session, actor.username, password)
        user = session.exec(select(User).where(User.username == actor.username)).one()
        content = content_for(view, scope, batch_extras(session, id_of(batch)))
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
            # the sentence the signer was shown, in the language they read it in (the dialog and
            # the command line show it in the language of the moment; so it is kept)
            read_text=MEANING_STATEMENT[what],
            read_language=language(),
        )
        statement = statement_text(fields)
        row = Signature(
            batch_id=id_of(batch),
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
            signing_key_id=id_of(key_row),
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
            id=id_of(row),
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
            signed_statement=fields.read_text,
            statement_language=fields.read_language or SOURCE,
        )
