"""The history of backups in the site database: one append-only row per attempt, written with its
audit event in one unit of work (``backup.create`` by an administrator, ``backup.scheduled`` by
the system account, ``backup.failed`` for either when the attempt failed), and when the next
scheduled backup is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.backup.views import BackupView
from core.models import BackupRecord
from core.store import UnitOfWork


@dataclass(frozen=True)
class Attempt:
    """A backup attempt to record (a good one carries its hash and chain head)."""

    kind: str  # "manual" | "scheduled"
    engine: str
    file: str
    ok: bool
    verification: str
    sha256: str | None = None
    size_bytes: int | None = None
    chain_seq: int | None = None
    chain_hash: str | None = None
    checkpoint_id: int | None = None


def action_of(attempt: Attempt) -> str:
    if not attempt.ok:
        return "backup.failed"
    return "backup.scheduled" if attempt.kind == "scheduled" else "backup.create"


def record(uow: UnitOfWork, attempt: Attempt, made_by: str) -> BackupView:
    row = BackupRecord(
        made_at=uow.now,
        made_by=made_by,
        kind=attempt.kind,
        engine=attempt.engine,
        file=attempt.file,
        ok=attempt.ok,
        sha256=attempt.sha256,
        size_bytes=attempt.size_bytes,
        chain_seq=attempt.chain_seq,
        chain_hash=attempt.chain_hash,
        checkpoint_id=attempt.checkpoint_id,
        verification=attempt.verification,
    )
    uow.session.add(row)
    uow.flush()
    new: dict[str, object] = {"file": attempt.file, "kind": attempt.kind, "ok": attempt.ok}
    if attempt.ok:
        new |= {
            "sha256": attempt.sha256,
            "size_bytes": attempt.size_bytes,
            "chain_head": {"seq": attempt.chain_seq, "hash": attempt.chain_hash},
            "checkpoint": attempt.checkpoint_id,
            "verified": attempt.verification,
        }
    uow.audit(
        action_of(attempt),
        "backup",
        str(row.id),
        new=new,
        reason=None if attempt.ok else attempt.verification,
        user=made_by,
    )
    return view(row)


def view(row: BackupRecord) -> BackupView:
    return BackupView(
        id=int(row.id or 0),
        made_at=row.made_at,
        made_by=row.made_by,
        kind=row.kind,
        engine=row.engine,
        file=row.file,
        ok=row.ok,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        chain_seq=row.chain_seq,
        chain_hash=row.chain_hash,
        verification=row.verification,
    )


def history(session: Session, limit: int | None = None) -> list[BackupView]:
    """Backup attempts, newest first."""
    query = select(BackupRecord).order_by(col(BackupRecord.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return [view(row) for row in session.exec(query).all()]


def last_good(session: Session) -> BackupView | None:
    row = session.exec(
        select(BackupRecord)
        .where(BackupRecord.ok == True)  # noqa: E712
        .order_by(col(BackupRecord.id).desc())
    ).first()
    return view(row) if row else None


def next_due(last: BackupView | None, every_hours: int, now: datetime) -> datetime | None:
    """When the next scheduled backup is due (now, if there never was a good one); None if off."""
    if every_hours <= 0:
        return None
    if last is None:
        return now
    return last.made_at + timedelta(hours=every_hours)
