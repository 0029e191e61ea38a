"""Backup and restore of a SQLite site: what is still in the WAL is in the backup, a damaged or
altered backup is refused by verify and by restore, restore never replaces a file, scheduled
backups run when due (and a failed one is on record)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from core.backup import BackupFailed
from core.backup.files import sha256_file
from core.backup.manifest import manifest_path
from core.backup.sqlite import snapshot_copy
from core.errors import AuthenticationFailed, DomainError, PermissionDenied
from core.services import audit_trail
from core.services import backup as backups
from core.services.settings import set_setting
from core.services.site import init_site
from core.services.users import authenticate, create_user
from core.store import open_database
from tests.conftest import ADMIN_PASSWORD


@pytest.fixture
def live(tmp_path, clock):
    """A SQLite site (admin 'ada') whose connections stay open, as in a running app."""
    db = init_site(
        f"sqlite:///{tmp_path / 'site.db'}", "ada", "Ada Admin", ADMIN_PASSWORD, clock=clock
    )
    yield db
    db.dispose()


@pytest.fixture
def ada(live):
    return authenticate(live, "ada", ADMIN_PASSWORD)


def _events(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    except sqlite3.OperationalError:  # not even the schema is in the main file yet
        return 0
    finally:
        conn.close()


def _add_users(db, admin, count: int, prefix: str = "tech") -> None:
    for i in range(count):
        create_user(db, admin, f"{prefix}{i:02d}", f"Tech {i}", "technician", "initial-pass-2026")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or "tmp" in p.name)


def test_the_backup_holds_every_committed_event_even_those_still_in_the_wal(
    live, ada, tmp_path, clock
):
    _add_users(live, ada, 20)
    site = tmp_path / "site.db"
    wal = tmp_path / "site.db-wal"
    assert wal.stat().st_size > 0  # the app's connections are open: the events are in the WAL
    # another workstation commits too, and keeps its connection (and so the WAL) open
    other = open_database(f"sqlite:///{site}", clock=clock)
    _add_users(other, authenticate(other, "ada", ADMIN_PASSWORD), 1, "other")
    committed = audit_trail.verify(live).events
    plain = tmp_path / "plain-copy.db"
    shutil.copyfile(site, plain)  # the copy the issue describes: the main file alone
    assert _events(plain) < committed

    made = backups.backup(live, ada, ADMIN_PASSWORD, tmp_path / "b.db")
    other.dispose()

    # the backup holds every event committed before it, plus the checkpoint signed for it
    assert _events(tmp_path / "b.db") == committed + 1 == made.chain_seq
    assert not (tmp_path / "b.db-wal").exists()
    manifest = json.loads(manifest_path(tmp_path / "b.db").read_text())
    assert manifest["chain_seq"] == made.chain_seq and manifest["sha256"] == made.sha256
    assert manifest["counts"]["app_user"] == 22 and manifest["made_by"] == "ada"
    assert manifest["checkpoint"]["seq"] == committed
    assert sha256_file(tmp_path / "b.db")[0] == made.sha256
    for path in (tmp_path / "b.db", manifest_path(tmp_path / "b.db")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # recorded in the live trail, and the trail still verifies
    event = audit_trail.events(live, action="backup.")[-1]
    assert (event.action, event.user) == ("backup.create", "ada")
    assert json.loads(event.new)["sha256"] == made.sha256
    assert audit_trail.verify(live).intact
    assert backups.verify_backup(tmp_path / "b.db").ok


def test_an_uncommitted_write_is_not_in_the_copy_and_does_not_hold_it_up(live, tmp_path):
    site = tmp_path / "site.db"
    writer = sqlite3.connect(site, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO site_setting (key, value) VALUES ('uncommitted', 'x')")
    dest = tmp_path / "copy.db"
    dest.touch()
    try:
        held = snapshot_copy(site, dest)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(dest)
    assert (
        copy.execute("SELECT count(*) FROM site_setting WHERE key = 'uncommitted'").fetchone()[0]
        == 0
    )
    assert (
        held.counts["audit_event"] == copy.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    )
    copy.close()


def test_a_damaged_backup_is_refused_by_verify_and_by_restore(live, ada, tmp_path):
    backup = tmp_path / "b.db"
    backups.backup(live, ada, ADMIN_PASSWORD, backup)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))

    report = backups.verify_backup(backup)
    assert not report.ok
    assert any("SHA-256" in p and "changed or damaged" in p for p in report.problems)
    target = tmp_path / "restored.db"
    with pytest.raises(BackupFailed, match=r"SHA-256 .* changed or damaged\. Nothing was restored"):
        backups.restore(backup, target)
    assert not target.exists() and _leftovers(tmp_path) == []


def test_an_altered_event_is_caught_even_with_a_manifest_that_matches(live, ada, tmp_path):
    """Someone edits an audit event in the backup and writes its new SHA-256 into the manifest:
    the checks themselves (not the hash) refuse it."""
    backup = tmp_path / "b.db"
    backups.backup(live, ada, ADMIN_PASSWORD, backup)
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute(
        "UPDATE audit_event SET body = replace(body, 'Ada Admin', 'Eve Admin') WHERE seq = 2"
    )
    assert conn.execute("SELECT body FROM audit_event WHERE seq = 2").fetchone()[0].count("Eve")
    conn.close()
    manifest = json.loads(manifest_path(backup).read_text())
    manifest["sha256"] = sha256_file(backup)[0]
    manifest_path(backup).write_text(json.dumps(manifest))

    report = backups.verify_backup(backup)
    assert not report.ok and "Audit trail BROKEN" in report.chain
    with pytest.raises(BackupFailed, match="did not verify, so nothing was restored: Audit trail"):
        backups.restore(backup, tmp_path / "restored.db")
    assert not (tmp_path / "restored.db").exists() and _leftovers(tmp_path) == []


def test_a_manifest_that_does_not_match_is_refused(live, ada, tmp_path):
    backup = tmp_path / "b.db"
    backups.backup(live, ada, ADMIN_PASSWORD, backup)
    manifest = json.loads(manifest_path(backup).read_text())
    manifest["sha256"] = "0" * 64
    manifest_path(backup).write_text(json.dumps(manifest))
    with pytest.raises(BackupFailed, match="not the one its manifest records"):
        backups.restore(backup, tmp_path / "restored.db")
    assert not backups.verify_backup(backup).ok
    manifest_path(backup).unlink()
    with pytest.raises(BackupFailed, match=r"No manifest beside b\.db"):
        backups.restore(backup, tmp_path / "restored.db")


def test_restore_makes_a_verified_copy_and_never_replaces_a_file(live, ada, tmp_path):
    backup = tmp_path / "b.db"
    made = backups.backup(live, ada, ADMIN_PASSWORD, backup)
    site = tmp_path / "site.db"
    before = site.read_bytes()
    with pytest.raises(BackupFailed, match="a restore never replaces a file"):
        backups.restore(backup, site)
    assert site.read_bytes() == before
    (tmp_path / "other.db-wal").write_bytes(b"")
    with pytest.raises(BackupFailed, match=r"other\.db-wal already exists"):
        backups.restore(backup, tmp_path / "other.db")

    result = backups.restore(backup, tmp_path / "restored.db")
    restored = Path(result.target)
    assert result.report.ok and sha256_file(restored)[0] == made.sha256
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert "--db " + str(restored) in result.next_step
    db = open_database(f"sqlite:///{restored}")
    try:
        report = audit_trail.verify(db)
        assert report.intact and report.events == made.chain_seq
    finally:
        db.dispose()


def test_only_an_administrator_with_their_password_backs_up(live, ada, tmp_path):
    with pytest.raises(AuthenticationFailed, match="Wrong password: no backup was made"):
        backups.backup(live, ada, "not-the-password", tmp_path / "b.db")
    create_user(live, ada, "tess", "Tess Technician", "technician", "initial-pass-2026")
    from core.services.users import change_password

    change_password(live, "tess", "initial-pass-2026", "bench-pass-2026")
    tess = authenticate(live, "tess", "bench-pass-2026")
    with pytest.raises(PermissionDenied):
        backups.backup(live, tess, "bench-pass-2026", tmp_path / "b.db")
    assert list(tmp_path.glob("b.db*")) == [] and backups.history(live) == []


def test_the_target_is_checked_before_anything_is_written(live, ada, tmp_path):
    site = tmp_path / "site.db"
    for target, why in (
        (site, "is the Lotbook database"),
        (tmp_path / "site.db-wal", "is the Lotbook database"),
        (tmp_path, "is a folder"),
        (tmp_path / "missing" / "b.db", "does not exist"),
    ):
        with pytest.raises(DomainError, match=why):
            backups.backup(live, ada, ADMIN_PASSWORD, target)
    (tmp_path / "old.db").write_bytes(b"an older backup")
    with pytest.raises(DomainError, match=r"already exists; nothing was written\. Add --force"):
        backups.backup(live, ada, ADMIN_PASSWORD, tmp_path / "old.db")
    assert (tmp_path / "old.db").read_bytes() == b"an older backup"
    made = backups.backup(live, ada, ADMIN_PASSWORD, tmp_path / "old.db", force=True)
    assert sha256_file(tmp_path / "old.db")[0] == made.sha256


def test_scheduled_backups_run_when_due_and_not_before(live, ada, tmp_path, clock):
    folder = tmp_path / "backups"
    folder.mkdir()
    run = backups.backup_if_due(live)
    assert not run.made and run.message == "Scheduled backups are off."
    set_setting(live, ada, "backup_folder", str(folder), "backups go to the second disk")
    set_setting(live, ada, "backup_every_hours", "24", "daily backups (SOP-IT-07)")

    first = backups.backup_if_due(live)
    assert first.made and first.backup.made_by == "system" and first.backup.kind == "scheduled"
    assert Path(first.backup.file).parent == folder and backups.verify_backup(first.backup.file).ok
    again = backups.backup_if_due(live)
    assert not again.made and again.message.startswith("Not due: the next backup is due")
    assert len(list(folder.glob("*.db"))) == 1

    clock.advance(timedelta(hours=25))
    status = backups.backup_status(live)
    assert status.due and status.last_good.id == first.backup.id
    later = backups.backup_if_due(live)
    assert later.made and later.backup.id != first.backup.id
    assert len(list(folder.glob("*.db"))) == 2
    actions = [(e.action, e.user) for e in audit_trail.events(live, action="backup.")]
    assert actions == [("backup.scheduled", "system"), ("backup.scheduled", "system")]


def test_a_failed_scheduled_backup_is_on_record_and_raised(live, ada, tmp_path, clock):
    folder = tmp_path / "backups"
    folder.mkdir()
    set_setting(live, ada, "backup_folder", str(folder), "backups go to the second disk")
    set_setting(live, ada, "backup_every_hours", "12", "twice a day")
    folder.rmdir()  # the backup disk is gone
    with pytest.raises(DomainError, match=f"The folder {folder} does not exist"):
        backups.backup_if_due(live)
    status = backups.backup_status(live)
    assert status.failing and status.last_good is None and status.due
    assert "does not exist" in status.last_attempt.verification
    failed = audit_trail.events(live, action="backup.failed")
    assert [(e.user, e.reason[:10]) for e in failed] == [("system", "The folder")]
    folder.mkdir()
    assert backups.backup_if_due(live).made
    assert not backups.backup_status(live).failing


def test_the_backup_folder_setting_is_checked(live, ada, tmp_path):
    with pytest.raises(DomainError, match="takes an absolute path"):
        set_setting(live, ada, "backup_folder", "backups", "relative")
    with pytest.raises(DomainError, match="does not exist"):
        set_setting(live, ada, "backup_folder", str(tmp_path / "nowhere"), "missing")
    with pytest.raises(DomainError, match="between 0 and 720"):
        set_setting(live, ada, "backup_every_hours", "-1", "negative")
