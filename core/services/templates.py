"""Process templates in the database: load versions (with their SHA-256), list them, read them back.

A batch pins the template version it started on; the version's text is kept verbatim in the
database, so what a batch was run against never changes when a file on disk does.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.errors import AlreadyExists, Conflict, NotFound, StoreError
from core.models import TemplateVersion
from core.readmodels import TemplateSummary
from core.services.users import acting_user
from core.store import Database, UnitOfWork
from core.templates.loader import load_builtin_templates, load_template_file, parse_template
from core.templates.model import TemplateDef
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
    from core.services.template_approval import verified_approval

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
                f"Stored template text does not match its SHA-256 ({sha256[:12]}…): the template "
                "version was altered in the database. Report this to QA."
            )
        _PARSED[sha256] = tdef
    return tdef


def template_def(row: TemplateVersion) -> TemplateDef:
    """The parsed definition of a stored version (cached by content hash)."""
    return parsed_template(row.sha256, row.content, row.source_file)


def _summary(session: Session, row: TemplateVersion) -> TemplateSummary:
    from core.services.template_approval import example_limits, valid_approvals

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
        checks=sum(1 for _ in tdef.checks()),
        loaded_at=row.loaded_at,
        loaded_by=row.loaded_by,
        approved=approval is not None,
        approved_by_name=approval.signer_name if approval else None,
        approved_at=approval.signed_at if approval else None,
        example_limits=len(example_limits(tdef)),
    )


def store_template(uow: UnitOfWork, tdef: TemplateDef, content: bytes) -> TemplateVersion | None:
    """Add a template version; None when exactly this version is already loaded."""
    existing = uow.session.exec(
        select(TemplateVersion).where(
            TemplateVersion.key == tdef.key, TemplateVersion.version == tdef.version
        )
    ).first()
    if existing is not None:
        if existing.sha256 == tdef.sha256:
            return None
        raise AlreadyExists(
            f"Template {tdef.key} version {tdef.version} is already loaded with different content "
            f"(SHA-256 {existing.sha256[:12]}…, the file has {tdef.sha256[:12]}…). Raise `version` "
            "in the file to load the change as a new version."
        )
    row = TemplateVersion(
        key=tdef.key,
        version=tdef.version,
        title=tdef.title,
        product_family=tdef.product_family,
        autologous=tdef.autologous,
        sha256=tdef.sha256,
        source_file=Path(tdef.source_file).name,
        content=content.decode("utf-8"),
        loaded_at=uow.now,
        loaded_by=uow.username,
    )
    uow.session.add(row)
    uow.audit(
        "template.load",
        "template",
        f"{tdef.key}/v{tdef.version}",
        new={
            "key": tdef.key,
            "version": tdef.version,
            "title": tdef.title,
            "sha256": tdef.sha256,
            "file": Path(tdef.source_file).name,
        },
    )
    return row


def install_builtin_templates(uow: UnitOfWork) -> list[TemplateVersion]:
    loaded = []
    for tdef in load_builtin_templates():
        row = store_template(uow, tdef, Path(tdef.source_file).read_bytes())
        if row is not None:
            loaded.append(row)
    return loaded


def load_template(db: Database, admin: Actor, path: Path) -> TemplateSummary | None:
    """Validate a template file and load it as a new version (None: this version is loaded)."""
    tdef = load_template_file(path)
    content = path.read_bytes()
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_TEMPLATES)
        row = store_template(uow, tdef, content)
        uow.flush()
        return _summary(uow.session, row) if row is not None else None


def list_templates(db: Database, all_versions: bool = False) -> list[TemplateSummary]:
    with db.read() as session:
        rows = session.exec(
            select(TemplateVersion).order_by(TemplateVersion.key, TemplateVersion.version)
        ).all()
        if not all_versions:
            newest: dict[str, TemplateVersion] = {}
            for row in rows:
                newest[row.key] = row
            rows = list(newest.values())
        return [_summary(session, r) for r in rows]


@dataclass(frozen=True)
class StartChoice:
    """A template as the start-batch choice shows it: the version a batch starts on (the newest
    approved), or the newest draft when none is approved (shown, not startable)."""

    template: TemplateSummary
    startable: bool
    newer_draft: int | None  # a newer version waiting for QA approval


def start_choices(db: Database) -> list[StartChoice]:
    """One choice per template key, startable ones first, by product family and title."""
    by_key: dict[str, list[TemplateSummary]] = {}
    for t in list_templates(db, all_versions=True):
        by_key.setdefault(t.key, []).append(t)
    out = []
    for rows in by_key.values():
        rows.sort(key=lambda t: t.version)
        approved = [t for t in rows if t.approved]
        chosen = approved[-1] if approved else rows[-1]
        newer = rows[-1].version if approved and rows[-1].version > chosen.version else None
        out.append(StartChoice(chosen, bool(approved), newer))
    return sorted(out, key=lambda c: (not c.startable, c.template.product_family, c.template.title))


def latest_version(session: Session, key: str) -> TemplateVersion:
    key = key.strip().lower()
    row = session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.key == key)
        .order_by(sa.desc(TemplateVersion.version))
        .limit(1)
    ).first()
    if row is None:
        known = ", ".join(sorted(set(session.exec(select(TemplateVersion.key)).all()))) or "none"
        raise NotFound(f"There is no process template '{key}'. Loaded templates: {known}.")
    return row


def approved_version(session: Session, key: str) -> TemplateVersion:
    """The newest version of ``key`` that QA approved: the one new batches start on."""
    newest = latest_version(session, key)
    rows = session.exec(
        select(TemplateVersion)
        .where(TemplateVersion.key == newest.key)
        .order_by(sa.desc(TemplateVersion.version))
    ).all()
    for row in rows:
        if template_approved(session.connection(), row.id):
            return row
    raise Conflict(
        f"No version of template {newest.key} is approved yet: a batch starts only on a version "
        f"QA approved. Ask QA to approve version {newest.version} (Templates).",
        cli_hint=(
            f"QA runs `{command_name()} template approve {newest.key} --version "
            f"{newest.version} --user QA`."
        ),
    )


def version_row(session: Session, key: str, version: int) -> TemplateVersion:
    row = session.exec(
        select(TemplateVersion).where(
            TemplateVersion.key == key.strip().lower(), TemplateVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"Template {key} has no version {version}. See the template list.")
    return row


def get_template(db: Database, key: str, version: int | None = None) -> TemplateDef:
    with db.read() as session:
        if version is None:
            return template_def(latest_version(session, key))
        return template_def(version_row(session, key, version))
