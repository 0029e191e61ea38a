"""What the fronts are shown of backups: frozen read models, no database objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BackupView:
    """One backup attempt as recorded in the site database."""

    id: int
    made_at: datetime  # UTC
    made_by: str  # username, or "system" (scheduled)
    kind: str  # "manual" | "scheduled"
    engine: str  # "sqlite" | "postgresql"
    file: str
    ok: bool  # written and verified
    sha256: str | None
    size_bytes: int | None
    chain_seq: int | None
    chain_hash: str | None
    verification: str  # what was verified, or why it failed


@dataclass(frozen=True)
class BackupStatus:
    """The site's backups at a glance: the schedule, the last good one, the last attempt."""

    folder: str | None
    every_hours: int  # 0: scheduled backups are off
    last_good: BackupView | None
    last_attempt: BackupView | None
    next_due: datetime | None  # None when scheduled backups are off
    due: bool

    @property
    def failing(self) -> bool:
        """The newest attempt failed (and nothing good was made since)."""
        return self.last_attempt is not None and not self.last_attempt.ok


@dataclass(frozen=True)
class ScheduledRun:
    """What `backup --if-due` (or the app after a log-in) did."""

    made: bool
    backup: BackupView | None  # the backup made, or the last good one
    message: str


@dataclass(frozen=True)
class CheckReport:
    """A backup file checked against its manifest (or a fresh copy against its source)."""

    file: str
    engine: str
    sha256: str
    size_bytes: int
    integrity: str  # "ok", SQLite's findings, or how a PostgreSQL archive was checked
    chain: str  # the audit trail verifier's summary
    counts_match: bool
    chain_seq: int
    chain_hash: str
    problems: tuple[str, ...]
    made_at: str = ""
    made_by: str = ""
    source: str = ""
    app_version: str = ""
    schema_revision: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RestoreResult:
    target: str
    report: CheckReport
    next_step: str
