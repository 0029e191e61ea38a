"""Process templates in the database: load versions (with their SHA-256), list them, read them back.

A batch pins the template version it started on; the version's text is kept verbatim in the
database, so what a batch was run against never changes when a file on disk does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from core.auth import Actor, Permission
from core.errors import AlreadyExists
from core.i18n import _
from core.models import TemplateVersion
from core.readmodels import TemplateSummary
from core.records.template_versions import (
    latest_version,
    template_def,
    template_summary,
    version_row,
)
from core.services.users import acting_user
from core.store import Database, UnitOfWork
from core.templates.loader import load_builtin_templates, load_template_file
from core.templates.model import TemplateDef


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
            _(
                "Template {key} version {version} is already loaded with different content "
                "(SHA-256 {loaded}…, the file has {file}…). Raise `version` in the file to load "
                "the change as a new version."
            ).format(
                key=tdef.key,
                version=tdef.version,
                loaded=existing.sha256[:12],
                file=tdef.sha256[:12],
            )
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
        return template_summary(uow.session, row) if row is not None else None


def list_templates(db: Database, all_versions: bool = False) -> list[TemplateSummary]:
    with db.read() as session:
        rows = session.exec(
            select(TemplateVersion).order_by(col(TemplateVersion.key), col(TemplateVersion.version))
        ).all()
        if not all_versions:
            newest: dict[str, TemplateVersion] = {}
            for row in rows:
                newest[row.key] = row
            rows = list(newest.values())
        return [template_summary(session, r) for r in rows]


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


def get_template(db: Database, key: str, version: int | None = None) -> TemplateDef:
    with db.read() as session:
        if version is None:
            return template_def(latest_version(session, key))
        return template_def(version_row(session, key, version))
