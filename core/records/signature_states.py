"""The signatures of a batch as read models, each with its state evaluated now.

Every read of a batch record re-checks every signature: its statement still names this record,
its stored content still matches its hash, the signer's certificate comes from the site CA, the
cryptographic signature verifies, and the content signed is still the content now.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import cast

from sqlmodel import Session, col, select

from core.clock import utc_iso
from core.i18n import SOURCE, _
from core.models import (
    Batch,
    Deviation,
    Excursion,
    InstrumentFile,
    Signature,
    SigningKey,
    SiteAuthority,
    id_of,
)
from core.readmodels import BatchView
from core.signatures import (
    BatchExtras,
    StatementFields,
    content_for,
    evaluate,
    scope_step,
)
from core.signed_reading import read_of
from core.signing_views import SignatureView


def batch_extras(session: Session, batch_id: int) -> BatchExtras:
    deviations = session.exec(
        select(Deviation.ref, Deviation.classification, Deviation.description)
        .where(Deviation.batch_id == batch_id)
        .order_by(col(Deviation.id))
    ).all()
    files = session.exec(
        select(InstrumentFile.sha256).where(InstrumentFile.batch_id == batch_id)
    ).all()
    excursions = session.exec(
        select(Excursion.id, Excursion.channel, Excursion.side, Excursion.started_at)
        .where(Excursion.batch_id == batch_id)
        .order_by(col(Excursion.id))
    ).all()
    return BatchExtras(
        deviations=tuple((r[0], r[1], r[2]) for r in deviations),
        files=tuple(files),
        # cast: the id of a stored row (its primary key) is never NULL
        excursions=tuple((cast(int, r[0]), r[1], r[2], utc_iso(r[3])) for r in excursions),
    )


def disposition_details(details: str | None) -> dict[str, str | None]:
    """The deviation and the physician's notification a disposition carries (signed with it)."""
    if not details:
        return {}
    import json

    try:
        data = json.loads(details)
    except ValueError:
        return {}
    return {
        "deviation": data.get("deviation"),
        "physician_notification": data.get("physician_notification"),
    }


def stored_fields(row: Signature) -> StatementFields:
    """The fields the stored statement must bind. The words the signer read live only in the
    signed statement itself (the ECDSA signature covers them): taken from there."""
    read = read_of(row.statement) or {}
    return StatementFields(
        lot=row.lot,
        scope=row.scope,
        meaning=row.meaning,
        signer=row.signer,
        signer_name=row.signer_name,
        signer_role=row.signer_role,
        signed_at=row.signed_at,
        content_sha256=row.content_sha256,
        disposition=row.disposition,
        reason=row.reason,
        certificate_serial=row.certificate_serial,
        details=row.details,
        chain_seq=row.chain_seq,
        chain_hash=row.chain_hash,
        read_text=read.get("text"),
        read_language=read.get("language"),
    )


def signature_views(session: Session, batch: Batch, view: BatchView) -> tuple[SignatureView, ...]:
    rows = session.exec(
        select(Signature).where(Signature.batch_id == batch.id).order_by(col(Signature.id))
    ).all()
    if not rows:
        return ()
    # imported here: a batch without signatures (and start-up) never loads the crypto library
    from core.crypto.statements import check_certificate, verify_statement

    authority = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
    ca_pem = authority.cert_pem.encode("ascii") if authority else None
    extras = batch_extras(session, id_of(batch))
    certs = {
        k.id: k.cert_pem
        for k in session.exec(
            select(SigningKey).where(col(SigningKey.id).in_({r.signing_key_id for r in rows}))
        ).all()
    }
    current: dict[str, str] = {}
    # results that may follow a release: their arrival does not invalidate what was signed before
    may_follow = frozenset(c.id for c in view.checks() if c.pending_allowed)
    out = []
    for row in rows:
        if row.scope not in current:
            current[row.scope] = content_for(view, row.scope, extras)
        cert = certs.get(row.signing_key_id)
        problem: str | None
        if cert is None or ca_pem is None:
            problem = _("The signer's certificate or the site CA is missing.")
            crypto_ok = False
        else:
            problem = check_certificate(cert.encode("ascii"), ca_pem, row.signed_at)
            crypto_ok = verify_statement(
                cert.encode("ascii"),
                row.statement.encode("utf-8"),
                base64.b64decode(row.crypto_signature),
            )
        stored = stored_fields(row)
        fields = replace(stored, lot=batch.lot) if row.lot != batch.lot else stored
        state, detail = evaluate(
            fields,
            row.statement,
            row.content,
            current[row.scope],
            crypto_ok,
            problem,
            may_follow,
        )
        out.append(
            SignatureView(
                id=id_of(row),
                lot=batch.lot,
                scope=row.scope,
                step_id=scope_step(row.scope),
                meaning=row.meaning,
                signer=row.signer,
                signer_name=row.signer_name,
                signer_role=row.signer_role,
                signed_at=row.signed_at,
                disposition=row.disposition,
                reason=row.reason,
                content_sha256=row.content_sha256,
                certificate_serial=row.certificate_serial,
                state=state,
                state_detail=detail,
                **disposition_details(row.details),
                signed_statement=stored.read_text,
                statement_language=stored.read_language or SOURCE,
            )
        )
    return tuple(out)


def with_signatures(view: BatchView, signatures: tuple[SignatureView, ...]) -> BatchView:
    if not signatures:
        return view
    steps = tuple(
        replace(step, signatures=tuple(s for s in signatures if s.step_id == step.id))
        for step in view.steps
    )
    return replace(view, steps=steps, signatures=signatures)
