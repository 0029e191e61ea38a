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

import sqlalchemy as sa
from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import Conflict, DomainError
from core.models import SigningKey, SiteAuthority, TemplateApproval, TemplateVersion
from core.services.batch_record import spec_text
from core.services.templates import template_def, version_row
from core.services.users import acting_user, authenticate
from core.signatures import canonical, sha256_text
from core.store import Database
from core.templates.model import TemplateDef, example_tags
from core.text_rules import REASON, optional_text

STATEMENT_KIND = "template_approval"


@dataclass(frozen=True)
class ExampleLimit:
    """One example limit of a template, as the approver confirms it."""

    check: str  # the check id as written in the file (one line per repeated check)
    name: str
    limit: str  # the limit in words
    tags: str  # "[P]", "[T][?]" …
    note: str | None

    def line(self) -> str:
        return f"{self.check} {self.name}: {self.limit} {self.tags}"


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


def example_limits(tdef: TemplateDef) -> tuple[ExampleLimit, ...]:
    """Every example limit of the template, once per check as written, and the product figures
    (shelf life, storage) when they are examples."""
    seen: set[str] = set()
    out: list[ExampleLimit] = []
    for check in tdef.example_limits():
        if check.base_id in seen:
            continue
        seen.add(check.base_id)
        out.append(
            ExampleLimit(
                check.base_id,
                check.name,
                spec_text(check),
                "".join(example_tags(check.source)),
                check.note,
            )
        )
    product = tdef.product
    tags = "".join(example_tags(product.source))
    if tags and (product.shelf_life_months or product.storage):
        parts = []
        if product.shelf_life_months:
            parts.append(f"shelf life {product.shelf_life_months} months")
        if product.storage:
            parts.append(f"storage {product.storage}")
        out.append(ExampleLimit("PRODUCT", "Product", "; ".join(parts), tags, product.note))
    return tuple(out)


def _statement(row: TemplateApproval, key: str, version: int) -> str:
    return canonical(
        {
            "v": 1,
            "kind": STATEMENT_KIND,
            "meaning": "APPROVED",
            "template": key,
            "version": version,
            "template_sha256": row.template_sha256,
            "confirmed_sha256": sha256_text(row.confirmed),
            "reason": row.reason,
            "signer": row.signer,
            "signer_name": row.signer_name,
            "signer_role": row.signer_role,
            "signed_at": utc_iso(row.signed_at),
            "certificate_serial": row.certificate_serial,
        }
    )


def approve_template(
    db: Database, actor: Actor, password: str, key: str, version: int, reason: str
) -> TemplateApprovalView:
    """QA approves ``key`` version ``version``: from now on it may start batches."""
    reason = optional_text(reason, REASON) or ""
    if len(reason) < 3:
        raise DomainError(
            "Say what the approval rests on (e.g. the change control and that every example "
            "limit was confirmed for this product)."
        )
    authenticate(db, actor.username, password)
    from core.services import signing_keys
    from core.services.users import full_names

    with db.unit_of_work(actor.username) as uow:
        role = acting_user(uow.session, actor, Permission.APPROVE_TEMPLATE)
        row = version_row(uow.session, key, version)
        tdef = template_def(row)
        if valid_approvals(uow.session, row):
            raise Conflict(f"Template {row.key} version {row.version} is already approved.")
        key_row, private_key = signing_keys.unlock(uow.session, actor.username, password)
        confirmed = [limit.line() for limit in example_limits(tdef)]
        approval = TemplateApproval(
            template_version_id=row.id,
            template_sha256=row.sha256,
            confirmed=canonical(confirmed),
            reason=reason,
            signer=actor.username,
            signer_name=full_names(uow.session).get(actor.username, actor.full_name),
            signer_role=role,
            signed_at=uow.now,
            statement="",
            crypto_signature="",
            signing_key_id=key_row.id,
            certificate_serial=key_row.serial_hex or "",
        )
        approval.statement = _statement(approval, row.key, row.version)
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
            select(TemplateVersion).order_by(TemplateVersion.key, TemplateVersion.version)
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
            _view(a, row, *_check(session, a, row))
            for a in session.exec(
                select(TemplateApproval)
                .where(TemplateApproval.template_version_id == row.id)
                .order_by(TemplateApproval.id)
            ).all()
        ]


def verified_approval(connection: sa.Connection, version_id: int) -> bool:
    """True when the version holds an approval that verifies (used by ``template_approved``)."""
    with Session(bind=connection) as session:
        row = session.get(TemplateVersion, version_id)
        return row is not None and bool(valid_approvals(session, row))


def valid_approvals(session: Session, row: TemplateVersion) -> list[TemplateApproval]:
    found = session.exec(
        select(TemplateApproval).where(TemplateApproval.template_version_id == row.id)
    ).all()
    return [a for a in found if _check(session, a, row)[0]]


def _check(session: Session, approval: TemplateApproval, row: TemplateVersion) -> tuple[bool, str]:
    """(valid, why not): the statement names this version and its content, the signer's
    certificate comes from the site CA, and the signature verifies."""
    if approval.statement != _statement(approval, row.key, row.version):
        return False, "The approval statement does not match the approval as stored."
    if approval.template_sha256 != row.sha256:
        return False, "The approval was signed for other template content."
    from core.crypto.statements import check_certificate, verify_statement

    cert = session.get(SigningKey, approval.signing_key_id)
    authority = session.exec(select(SiteAuthority).order_by(SiteAuthority.id)).first()
    if cert is None or cert.cert_pem is None or authority is None:
        return False, "The approver's certificate or the site CA is missing."
    problem = check_certificate(
        cert.cert_pem.encode("ascii"), authority.cert_pem.encode("ascii"), approval.signed_at
    )
    if problem:
        return False, problem
    try:
        signature = base64.b64decode(approval.crypto_signature, validate=True)
    except ValueError:
        return False, "The approval's cryptographic signature is damaged."
    if not verify_statement(
        cert.cert_pem.encode("ascii"), approval.statement.encode("utf-8"), signature
    ):
        return False, "The approval's cryptographic signature does not verify."
    return True, ""


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
