"""Backup and restore (EU GMP Annex 11 §7.1).

- ``backup``: an administrator, re-authenticated with their password, backs the site database up
  to a file. A signed checkpoint of the chain head is written first (so the backup holds it),
  then a consistent copy is made (SQLite's online backup API, what is still in the -wal file
  included; pg_dump on PostgreSQL) and verified before it is kept: integrity, the audit trail,
  the row count of every table and the chain head as they were at the moment of the copy, the
  checkpoint. The manifest is written beside it (``<file>.manifest.json``, core/backup/manifest.py);
  both files are owner-only. The backup is recorded in the site database (``backup_record``, audit
  event ``backup.create``).
- ``backup_now``: the same into the site's backup folder under a dated name (the app's button).
- ``backup_if_due``: the scheduled backup (site settings ``backup_folder``, ``backup_every_hours``),
  made by the system account (``backup.scheduled``) and verified the same way. A failed attempt is
  recorded (``backup.failed``), shown on the admin screen and in the app's status bar, and raised.
- ``verify_backup``: a backup file against its manifest, without restoring it.
- ``restore``: a backup into a new file, checked before it is renamed into place. Restoring never
  opens the live database, and never replaces an existing file.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from sqlmodel import select

from core.auth import Actor, Permission
from core.auth.passwords import verify_password
from core.auth.policy import read_policy
from core.backup import BackupFailed, postgres, records
from core.backup.check import Expected, check_postgres, check_sqlite, verified_text
from core.backup.files import discard, live_files
from core.backup.manifest import Manifest, manifest_path, read_manifest
from core.backup.records import Attempt
from core.backup.sqlite import snapshot_copy
from core.backup.views import BackupStatus, BackupView, CheckReport, RestoreResult, ScheduledRun
from core.clock import utc_iso
from core.errors import AuthenticationFailed, DomainError
from core.faults import os_fault
from core.i18n import _
from core.models import User
from core.outputs import check_target, output_file, write_bytes
from core.services import audit_trail
from core.services.users import acting_user
from core.store import SYSTEM_USER, Database
from core.version import app_version, command_name


def backup(
    db: Database, admin: Actor, password: str, out_path: Path | str, *, force: bool = False
) -> BackupView:
    """A verified backup of the site database to ``out_path`` (and its manifest beside it)."""
    _authorise(db, admin, password)
    return _backup_to(db, admin, password, out_path, force)


def backup_now(db: Database, admin: Actor, password: str) -> BackupView:
    """A backup into the site's backup folder, named after the site and the time (UTC)."""
    _authorise(db, admin, password)
    with db.read() as session:
        folder = read_policy(session).backup_folder
    if not folder:
        raise BackupFailed(
            _(
                "No backup folder is set. Set it first (Admin → Backups, or `settings set "
                "backup_folder`), ideally on another disk than the database."
            )
        )
    return _backup_to(db, admin, password, Path(folder) / backup_name(db), False)


def backup_if_due(db: Database) -> ScheduledRun:
    """The scheduled backup, by the system account, when the site's interval has passed since the
    last good backup. A failure is recorded and raised, never silent."""
    status = backup_status(db)
    if status.every_hours <= 0:
        return ScheduledRun(False, status.last_good, _("Scheduled backups are off."))
    if not status.due:
        when = utc_iso(status.next_due)[:16].replace("T", " ") if status.next_due else "?"
        return ScheduledRun(
            False,
            status.last_good,
            _("Not due: the next backup is due {when} UTC.").format(when=when),
        )
    file = str(Path(status.folder) / backup_name(db)) if status.folder else ""
    try:
        if not status.folder:
            raise BackupFailed(
                "Scheduled backups are on, but no backup folder is set: set backup_folder."
            )
        target = check_target(file)
    except DomainError as error:
        _record_failure(
            db, SYSTEM_USER, Attempt("scheduled", _engine(db), file, False, _kept(error))
        )
        raise
    made = _make(db, target, None, None)
    return ScheduledRun(True, made, _("Backed up to {file} (verified).").format(file=made.file))


def backup_status(db: Database) -> BackupStatus:
    now = db.clock.now()
    with db.read() as session:
        policy = read_policy(session)
        newest = records.history(session, 1)
        good = records.last_good(session)
    due_at = records.next_due(good, policy.backup_every_hours, now)
    return BackupStatus(
        folder=policy.backup_folder,
        every_hours=policy.backup_every_hours,
        last_good=good,
        last_attempt=newest[0] if newest else None,
        next_due=due_at,
        due=due_at is not None and due_at <= now,
    )


def history(db: Database, limit: int | None = None) -> list[BackupView]:
    """Every backup attempt, newest first."""
    with db.read() as session:
        return records.history(session, limit)


def backup_name(db: Database) -> str:
    from core.services.site import site_label

    stamp = db.clock.now().strftime("%Y%m%dT%H%M%SZ")
    return f"lotbook-{site_label(db)}-{stamp}.{'db' if db.path is not None else 'dump'}"


def verify_backup(path: Path | str, db: Database | None = None) -> CheckReport:
    """Check a backup file against its manifest without restoring it (a PostgreSQL archive is
    restored into a scratch database when ``db`` is a PostgreSQL site that allows it)."""
    path = Path(path)
    manifest = read_manifest(path)
    if not path.is_file():
        raise BackupFailed(_("{path} is not a file.").format(path=path))
    expected = _expected(manifest)
    if manifest.engine == "sqlite":
        report = check_sqlite(path, expected, audit_trail.verify)
    else:
        report = check_postgres(db, path, expected, audit_trail.verify)
    return _described(report, manifest)


def restore(backup_file: Path | str, target_path: Path | str) -> RestoreResult:
    """Restore a SQLite backup into a new file: the copy checked as a backup is, and its SHA-256
    (hashed while the trail is walked) against the manifest; renamed into place (owner-only) only
    if both pass."""
    source = Path(backup_file)
    manifest = read_manifest(source)
    if manifest.engine != "sqlite":
        raise BackupFailed(
            _(
                "{file} is a PostgreSQL archive: restore it with pg_restore into a new "
                "database (README: Backup and restore)."
            ).format(file=source.name)
        )
    dest = _new_database_file(Path(target_path))
    try:
        with output_file(dest) as temp:  # never replaces a file, even one made meanwhile
            try:
                shutil.copyfile(source, temp)  # the kernel copies; the check hashes the copy
                # quick_check: a copy whose SHA-256 is the manifest's is byte for byte the backup
                # that passed the full integrity check when it was made (checked just below)
                report = check_sqlite(temp, _expected(manifest), audit_trail.verify, quick=True)
                if report.sha256 != manifest.sha256:
                    raise BackupFailed(
                        _(
                            "The SHA-256 of {file} is not the one its manifest records: the "
                            "file was changed or damaged. Nothing was restored."
                        ).format(file=source.name)
                    )
            finally:
                discard(temp)
            if not report.ok:
                raise BackupFailed(
                    _(
                        "The restored copy did not verify, so nothing was restored: {problems}"
                    ).format(problems="; ".join(report.problems))
                )
    except OSError as error:
        raise os_fault(error, dest) from error
    return RestoreResult(
        target=str(dest),
        report=_described(replace(report, file=str(dest)), manifest),
        next_step=_(
            "Open it with --db {file} (or LOTBOOK_DB={file}); "
            "`{command} audit verify --db {file}` checks it again."
        ).format(file=dest, command=command_name()),
    )


# -- making one backup ----------------------------------------------------------------------------


def _authorise(db: Database, admin: Actor, password: str) -> None:
    with db.read() as session:
        acting_user(session, admin, Permission.KEEP_SYSTEM)
        stored = session.exec(select(User.password_hash).where(User.username == admin.username))
        if not verify_password(stored.one(), password):
            raise AuthenticationFailed(_("Wrong password: no backup was made."))


def _backup_to(
    db: Database, admin: Actor, password: str, out_path: Path | str, force: bool
) -> BackupView:
    # an older backup (a SQLite file) is replaced only with --force; a database in use never
    target = check_target(out_path, force=force, may_replace_sqlite=True)
    check_target(manifest_path(target), force=force)
    checkpoint = _checkpoint(db, admin, password)
    return _make(db, target, admin, checkpoint, force=force)


def _checkpoint(db: Database, admin: Actor, password: str):
    """The signed checkpoint of the chain head, written just before the copy so the backup holds
    it (core/services/checkpoints.py). The password was checked by ``_authorise`` just before."""
    from core.services.checkpoints import write_checkpoint

    return write_checkpoint(db, admin, password, "backup", reauthenticate=False)


def _engine(db: Database) -> str:
    return "sqlite" if db.path is not None else "postgresql"


def _make(
    db: Database, target: Path, admin: Actor | None, checkpoint, *, force: bool = False
) -> BackupView:
    """Copy, verify and record; ``admin`` None: the scheduled backup, by the system account."""
    made_by, kind = (admin.username, "manual") if admin else (SYSTEM_USER, "scheduled")
    engine = _engine(db)
    try:
        report, manifest = _write_verified(db, target, made_by, kind, checkpoint, force)
    except DomainError as error:
        _record_failure(db, made_by, Attempt(kind, engine, str(target), False, _kept(error)))
        raise
    except OSError as error:
        failure = os_fault(error, target)
        _record_failure(db, made_by, Attempt(kind, engine, str(target), False, _kept(failure)))
        raise failure from error
    attempt = Attempt(
        kind,
        engine,
        str(target),
        True,
        verified_text(report),
        sha256=report.sha256,
        size_bytes=report.size_bytes,
        chain_seq=manifest.chain_seq,
        chain_hash=manifest.chain_hash,
        checkpoint_id=checkpoint.id if checkpoint is not None else None,
    )
    with db.unit_of_work(made_by) as uow:
        if admin is not None:
            acting_user(uow.session, admin, Permission.KEEP_SYSTEM)
        return records.record(uow, attempt, made_by)


def _write_verified(
    db: Database, target: Path, made_by: str, kind: str, checkpoint, force: bool
) -> tuple[CheckReport, Manifest]:
    """Copy into a temporary file beside ``target``, check it, and only then put it in place
    (core/outputs.py); the manifest follows it."""
    with output_file(target, force=force, may_replace_sqlite=True) as temp:
        try:
            report, manifest = _copy_and_check(db, temp, target.name, made_by, kind, checkpoint)
        finally:
            discard(temp)
    try:
        write_bytes(manifest_path(target), manifest.to_bytes(), force=force)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return report, manifest


def _copy_and_check(
    db: Database, temp: Path, name: str, made_by: str, kind: str, checkpoint
) -> tuple[CheckReport, Manifest]:
    held = snapshot_copy(db.path, temp) if db.path is not None else postgres.dump(db, temp)
    anchor = (checkpoint.id, checkpoint.seq, checkpoint.hash) if checkpoint else None
    expected = Expected(held.counts, held.chain_seq, held.chain_hash, checkpoint=anchor)
    if db.path is not None:
        report = check_sqlite(temp, expected, audit_trail.verify)
    else:
        report = check_postgres(db, temp, expected, audit_trail.verify)
    if not report.ok:
        raise BackupFailed(
            "The copy did not verify, so no backup was kept: " + "; ".join(report.problems)
        )
    manifest = Manifest(
        engine=_engine(db),
        file=name,
        sha256=report.sha256,
        size_bytes=report.size_bytes,
        app_version=app_version(),
        schema_revision=held.schema_revision,
        source=db.display_name,
        made_at=utc_iso(db.clock.now()),
        made_by=made_by,
        kind=kind,
        chain_seq=held.chain_seq,
        chain_hash=held.chain_hash,
        counts=held.counts,
        checkpoint=None
        if anchor is None
        else dict(zip(("id", "seq", "hash"), anchor, strict=True)),
        verified={
            "integrity": report.integrity,
            "audit_trail": report.chain,
            "counts": "every table's row count matches the source at the moment of the copy"
            if report.counts_match
            else "not compared",
            "checkpoint": "the signed checkpoint is in the copy" if anchor else "none written",
        },
    )
    return report, manifest


def _record_failure(db: Database, made_by: str, attempt: Attempt) -> None:
    """Keep a failed attempt on record; if even that fails, the original error still stands."""
    try:
        with db.unit_of_work(made_by) as uow:
            records.record(uow, attempt, made_by)
    except (DomainError, OSError):
        pass  # the caller raises the backup's own failure, which says what went wrong


# -- checking and placing -------------------------------------------------------------------------


def _expected(manifest: Manifest) -> Expected:
    checkpoint = manifest.checkpoint
    return Expected(
        counts=manifest.counts,
        chain_seq=manifest.chain_seq,
        chain_hash=manifest.chain_hash,
        checkpoint=(int(checkpoint["id"]), int(checkpoint["seq"]), str(checkpoint["hash"]))
        if checkpoint
        else None,
        sha256=manifest.sha256,
    )


def _described(report: CheckReport, manifest: Manifest) -> CheckReport:
    return replace(
        report,
        made_at=manifest.made_at,
        made_by=manifest.made_by,
        source=manifest.source,
        app_version=manifest.app_version,
        schema_revision=manifest.schema_revision,
    )


def _new_database_file(path: Path) -> Path:
    dest = Path(os.path.abspath(path.expanduser()))
    if not dest.parent.is_dir():
        raise BackupFailed(
            _("The folder {folder} does not exist. Create it, or choose another.").format(
                folder=dest.parent
            )
        )
    for existing in live_files(dest):
        if existing.exists() or existing.is_symlink():
            raise BackupFailed(
                _(
                    "{file} already exists: a restore never replaces a file (it may be a live "
                    "site database). Choose a new file name."
                ).format(file=existing)
            )
    return dest


def _kept(error: BaseException) -> str:
    """What a failed attempt keeps of its error: the record's language where the error has it."""
    return getattr(error, "record_text", None) or getattr(error, "canonical", None) or str(error)
