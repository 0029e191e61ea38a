"""Approving a template version: QA confirms its example limits with an e-signature.

A loaded template version is a draft. A QA user approves it with an e-signature (their password
again, their signing key): the statement binds the version's SHA-256 and the list of every
example limit ([P], [T], [?]) they confirm, as they saw it. Only approved versions start batches.
To replace an example limit, the site loads a new version of the file with its own limit and
approves that. An approval is a row of its own (append-only), checked cryptographically each
time it is read, so a row forged into the database does not approve anything.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from core.auth import Actor, Permission
from core.errors import Conflict, DomainError
from core.i18n import SOURCE, _, in_language
from core.models import TemplateApproval, TemplateVersion, id_of
from core.records.template_versions import (
    APPROVAL_MEANING,
    approval_statement,
    check_approval,
    example_limits,
    template_def,
    valid_approvals,
    version_row,
)
from core.services.users import acting_user, authenticate
from core.signatures import canonical
from core.signed_reading import as_read
from core.store import Database
from core.text_rules import REASON, optional_text


@dataclass(frozen=True)
class TemplateApprovalView:
    key: str
    version: int
    template_sha256: str
    signer: str
    signer_name: str
    signer_role: str
    signed_at: datetime
    reason: str
    confirmed: tuple[str, ...]  # each confirmed limit, as a line
    certificate_serial: str
    valid: bool
    problem: str  # why it does not hold; "" when valid


def approve_template(
    db: Database, actor: Actor, password: str, key: str, version: int, reason: str
) -> TemplateApprovalView:
    """QA approves ``key`` version ``version``: from now on it may start batches."""
    reason = optional_text(reason, REASON) or ""
    if len(reason) < 3:
        raise DomainError(
            _(
                "Say what the approval rests on (e.g. the change control and that every example "
                "limit was confirmed for this product)."
            )
        )
    authenticate(db, actor.username, password)
    from core.records.accounts import full_names
    from core.services import signing_keys

    with db.unit_of_work(actor.username) as uow:
        role = acting_user(uow.session, actor, Permission.APPROVE_TEMPLATE)
        row = version_row(uow.session, key, version)
        tdef = template_def(row)
        if valid_approvals(uow.session, row):
            raise Conflict(
                _("Template {key} version {version} is already approved.").format(
                    key=row.key, version=row.version
                )
            )
        key_row, private_key = signing_keys.unlock(uow.session, actor.username, password)
        with in_language(SOURCE):  # signed and kept: the record's language
            confirmed = [limit.line() for limit in example_limits(tdef)]
        approval = TemplateApproval(
            template_version_id=id_of(row),
            template_sha256=row.sha256,
            confirmed=canonical(confirmed),
            reason=reason,
            signer=actor.username,
            signer_name=full_names(uow.session).get(actor.username, actor.full_name),
            signer_role=role,
            signed_at=uow.now,
            statement="",
            crypto_signature="",
            signing_key_id=id_of(key_row),
            certificate_serial=key_row.serial_hex or "",
        )
        approval.statement = approval_statement(
            approval, row.key, row.version, as_read(_(APPROVAL_MEANING))
        )
        from core.crypto.statements import sign_statement

        approval.crypto_signature = base64.b64encode(
            sign_statement(private_key, approval.statement.encode("utf-8"))
        ).decode("ascii")
        uow.session.add(approval)
        uow.flush()
        uow.audit(
            "template.approve",
            "template",
            f"{row.key}/v{row.version}",
            old={"status": "draft"},
            new={
                "status": "approved",
                "sha256": row.sha256,
                "confirmed_limits": confirmed,
                "signer_name": approval.signer_name,
                "certificate_serial": approval.certificate_serial,
            },
            reason=reason,
        )
        return _view(approval, row, True, "")


def approve_drafts(db: Database, actor: Actor, password: str, reason: str) -> list[str]:
    """Approve the newest version of every template that has no approved version yet (a new
    site's built-in templates, once QA has confirmed them; the demo and the scratch sites)."""
    with db.read() as session:
        rows = session.exec(
            select(TemplateVersion).order_by(col(TemplateVersion.key), col(TemplateVersion.version))
        ).all()
        newest: dict[str, TemplateVersion] = {}
        approved: set[str] = set()
        for row in rows:
            newest[row.key] = row
            if valid_approvals(session, row):
                approved.add(row.key)
        todo = [(r.key, r.version) for k, r in newest.items() if k not in approved]
    for key, version in todo:
        approve_template(db, actor, password, key, version, reason)
    return [f"{key} v{version}" for key, version in todo]


def approvals(db: Database, key: str, version: int) -> list[TemplateApprovalView]:
    """Every approval of a template version, each checked now."""
    with db.read() as session:
        row = version_row(session, key, version)
        return [
            _view(a, row, *check_approval(session, a, row))
            for a in session.exec(
                select(TemplateApproval)
                .where(TemplateApproval.template_version_id == row.id)
                .order_by(col(TemplateApproval.id))
            ).all()
        ]


def _view(
    approval: TemplateApproval, row: TemplateVersion, valid: bool, problem: str
) -> TemplateApprovalView:
    import json

    try:
        confirmed = tuple(str(x) for x in json.loads(approval.confirmed))
    except ValueError:
        confirmed = ()
    return TemplateApprovalView(
        key=row.key,
        version=row.version,
        template_sha256=approval.template_sha256,
        signer=approval.signer,
        signer_name=approval.signer_name,
        signer_role=approval.signer_role,
        signed_at=approval.signed_at,
        reason=approval.reason,
        confirmed=confirmed,
        certificate_serial=approval.certificate_serial,
        valid=valid,
        problem=problem,
    )
