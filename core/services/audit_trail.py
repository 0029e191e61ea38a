"""Audit-trail verbs: verify the chain, list events, export them (CSV or JSON) for review."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from core.audit import ChainReport, canonical_json, iter_events
from core.auth import Actor, Permission
from core.clock import utc_iso
from core.errors import DomainError
from core.i18n import SOURCE, _, in_language
from core.readmodels import AuditEventView
from core.records.batch_record import load_batch
from core.services.users import acting_user
from core.store import Database
from core.version import app_version

FIELDS = (
    "seq",
    "at",
    "user",
    "action",
    "entity",
    "entity_id",
    "lot",
    "old",
    "new",
    "reason",
    "app_version",
    "prev_hash",
    "hash",
    "seals",
)
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def verify(db: Database, progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """The chain, the state rows against their seals, and every anchor (core/services/
    trail_verification.py)."""
    from core.services.trail_verification import verify_trail

    return verify_trail(db, progress)


def events(
    db: Database,
    *,
    lot: str | None = None,
    user: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[AuditEventView]:
    with db.read() as session:
        if lot is not None:
            lot = load_batch(session, lot).lot
        return [
            AuditEventView(
                seq=e.seq,
                at=e.fields["at"],
                user=e.fields["user"],
                action=e.fields["action"],
                entity=e.fields["entity"],
                entity_id=e.fields["entity_id"],
                lot=e.fields["lot"],
                old=e.fields["old"],
                new=e.fields["new"],
                reason=e.fields["reason"],
                app_version=e.fields["app_version"],
                prev_hash=e.prev_hash,
                hash=e.hash,
                seals=e.fields.get("seals"),
            )
            for e in iter_events(
                session, lot=lot, user=user, action=action, since=since, until=until
            )
        ]


def _text(value: object) -> object:
    """Seals (a mapping) as the canonical JSON the chain hashed; other fields as they are."""
    return canonical_json(value) if isinstance(value, dict) else value


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula; numbers stay numbers."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def export(
    db: Database,
    path: Path,
    fmt: str,
    *,
    lot: str | None = None,
    actor: Actor | None = None,
    force: bool = False,
) -> int:
    """Write the events (all, or one batch's) to ``path``; returns how many were written.
    ``force`` replaces an existing file (never a database, a folder or a device: core/outputs).

    From the app (``actor`` given) the role must allow it and the export itself is audited; the
    command line exports for whoever can read the database file, as the database tools could."""
    from core import outputs

    fmt = fmt.lower()
    if fmt not in ("csv", "json"):
        raise DomainError(_("'{fmt}' is not an export format. Use csv or json.").format(fmt=fmt))
    outputs.check_target(path, force=force)  # refused before the work, and again when written
    if actor is not None:
        with db.read() as session:
            acting_user(session, actor, Permission.EXPORT_AUDIT)
    rows = events(db, lot=lot)
    with in_language(SOURCE):  # the export's chain report is in the record's language
        report = verify(db)
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(FIELDS)
        for e in rows:
            writer.writerow([safe_cell(_text(getattr(e, name))) for name in FIELDS])
        data = buffer.getvalue().encode("utf-8-sig")  # BOM: spreadsheets then read UTF-8 right
    else:
        document = {
            "lotbook_audit_export": 1,
            "app_version": app_version(),
            "exported_at": utc_iso(db.clock.now()),
            "database": db.display_name,
            "batch": lot,
            "chain": {
                "intact": report.intact,
                "events": report.events,
                "head": report.head_hash,
                "first_broken": report.first_broken,
                "reason": report.reason,
            },
            "hash_rule": "hash = SHA-256(prev_hash + canonical JSON of the event's fields seq, at, "
            "user, action, entity, entity_id, lot, old, new, reason, app_version, and seals when "
            "the event has them; keys sorted, no whitespace, UTF-8, non-ASCII unescaped)",
            "events": [{name: getattr(e, name) for name in FIELDS} for e in rows],
        }
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    outputs.write_bytes(path, data, force=force)
    if actor is not None:
        with db.unit_of_work(actor.username) as uow:
            uow.audit(
                "audit.export",
                "audit",
                str(path.name),
                lot=lot,
                new={"format": fmt, "events": len(rows), "file_sha256": _sha256(data)},
            )
    return len(rows)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
