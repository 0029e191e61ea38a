"""Template versions as stored: the parsed definition of a version (cached by its SHA-256, refused
when the stored text no longer matches it), the newest and the approved version of a template,
its summary, and whether QA's approval of it verifies."""

from __future__ import annotations

import base64
import weakref
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utc_iso
from core.errors import Conflict, NotFound, StoreError
from core.i18n import N_, _
from core.models import SigningKey, SiteAuthority, TemplateApproval, TemplateVersion, id_of
from core.readmodels import TemplateSummary
from core.signatures import canonical, sha256_text
from core.signed_reading import read_of
from core.templates.describe import spec_text
from core.templates.loader import parse_template
from core.templates.model import TemplateDef, example_tags
from core.version import command_name

_PARSED: dict[str, TemplateDef] = {}  # by SHA-256 of the text: the same text parses the same


# Versions known to hold a verified approval, per database engine: approvals are append-only, so
# a version once approved stays approved (drafts are checked each time they are asked about).
_APPROVED: weakref.WeakKeyDictionary[sa.Engine, set[int]] = weakref.WeakKeyDictionary()


def template_approved(connection: sa.Connection, version_id: int) -> bool:
    """True when QA approved this template version (its approval verifies)."""
    known = _APPROVED.setdefault(connection.engine, set())
    if version_id in known:
        return True
    if verified_approval(connection, version_id):
        known.add(version_id)
        return True
    return False


def cached_template(sha256: str) -> TemplateDef | None:
    return _PARSED.get(sha256)


def parsed_template(sha256: str, content: str, source_file: str) -> TemplateDef:
    tdef = _PARSED.get(sha256)
    if tdef is None:
        tdef = parse_template(content.encode("utf-8"), source_file)
        if tdef.sha256 != sha256:
            raise StoreError(
                _(
                    "Stored template text does not match its SHA-256 ({sha256}…): the template "
                    "version was altered in the database. Report this to QA."
                ).format(sha256=sha256[:12])
            )
        _PARSED[sha256] = tdef
    return tdef


def template_def(row: TemplateVersion) -> TemplateDef:
    """The parsed definition of a stored version (cached by content hash)."""
    return parsed_template(row.sha256, row.content, row.source_file)


def template_summary(session: Session, row: TemplateVersion) -> TemplateSummary:
    tdef = template_def(row)
    approval = next(iter(valid_approvals(session, row)), None)
    return TemplateSummary(
        key=row.key,
        version=row.version,
        title=row.title,
        product_family=row.product_family,
        autologous=row.autologous,
        sha256=row.sha256,
        steps=len(tdef.all_steps()),
        checks=sum(1 for _check in tdef.checks()),
        loaded_at=row.loaded_at,
        loaded_by=row.loaded_by,
        approved=approval is not None,
        approved_by_name=approval.signer_name if approval else None,
        approved_at=approval.signed_at if approval else None,
        example_limits=len(example_limits(tdef)),
    )


def latest_version(session: Session, key: str) -> TemplateVersion:
    key = key.strip().lower()
    row = session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.key == key)
        .order_by(col(TemplateVersion.version).desc())
        .limit(1)
    ).first()
    if row is None:
        known = ", ".join(sorted(set(session.exec(select(TemplateVersion.key)).all())))
        raise NotFound(
            _("There is no process template '{key}'. Loaded templates: {known}.").format(
                key=key, known=known or _("none")
            )
        )
    return row


def approved_version(session: Session, key: str) -> TemplateVersion:
    """The newest version of ``key`` that QA approved: the one new batches start on."""
    newest = latest_version(session, key)
    rows = session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.key == newest.key)
        .order_by(col(TemplateVersion.version).desc())
    ).all()
    for row in rows:
        if template_approved(session.connection(), id_of(row)):
            return row
    raise Conflict(
        _(
            "No version of template {key} is approved yet: a batch starts only on a version "
            "QA approved. Ask QA to approve version {version} (Templates)."
        ).format(key=newest.key, version=newest.version),
        cli_hint=_(
            "QA runs `{command} template approve {key} --version {version} --user QA`."
        ).format(command=command_name(), key=newest.key, version=newest.version),
    )


def version_row(session: Session, key: str, version: int) -> TemplateVersion:
    row = session.exec(
        select(TemplateVersion).where(
            TemplateVersion.key == key.strip().lower(), TemplateVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(
            _("Template {key} has no version {version}. See the template list.").format(
                key=key, version=version
            )
        )
    return row


STATEMENT_KIND = "template_approval"
# What QA's approval means (21 CFR 11.50), shown in the approval dialog and kept, as the approver
# read it and in their language, inside the signed statement ("read")
APPROVAL_MEANING = N_(
    "I approve this template version for new batches and confirm each example limit it holds "
    "as right for this product at this site."
)


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


def approval_statement(
    row: TemplateApproval, key: str, version: int, read: dict | None = None
) -> str:
    """The statement an approval signs; ``read``: the meaning as the approver read it (given
    when signing, taken from the stored statement when checking: the signature covers it)."""
    read = read if read is not None else read_of(row.statement)
    return canonical(
        {
            **({} if read is None else {"read": read}),
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


def verified_approval(connection: sa.Connection, version_id: int) -> bool:
    """True when the version holds an approval that verifies (used by ``template_approved``)."""
    with Session(bind=connection) as session:
        row = session.get(TemplateVersion, version_id)
        return row is not None and bool(valid_approvals(session, row))


def valid_approvals(session: Session, row: TemplateVersion) -> list[TemplateApproval]:
    found = session.exec(
        select(TemplateApproval).where(TemplateApproval.template_version_id == row.id)
    ).all()
    return [a for a in found if check_approval(session, a, row)[0]]


def check_approval(
    session: Session, approval: TemplateApproval, row: TemplateVersion
) -> tuple[bool, str]:
    """(valid, why not): the statement names this version and its content, the signer's
    certificate comes from the site CA, and the signature verifies."""
    if approval.statement != approval_statement(approval, row.key, row.version):
        return False, _("The approval statement does not match the approval as stored.")
    if approval.template_sha256 != row.sha256:
        return False, _("The approval was signed for other template content.")
    from core.crypto.statements import check_certificate, verify_statement

    cert = session.get(SigningKey, approval.signing_key_id)
    authority = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
    if cert is None or cert.cert_pem is None or authority is None:
        return False, _("The approver's certificate or the site CA is missing.")
    problem = check_certificate(
        cert.cert_pem.encode("ascii"), authority.cert_pem.encode("ascii"), approval.signed_at
    )
    if problem:
        return False, problem
    try:
        signature = base64.b64decode(approval.crypto_signature, validate=True)
    except ValueError:
        return False, _("The approval's cryptographic signature is damaged.")
    if not verify_statement(
        cert.cert_pem.encode("ascii"), approval.statement.encode("utf-8"), signature
    ):
        return False, _("The approval's cryptographic signature does not verify.")
    return True, ""
