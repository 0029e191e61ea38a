"""Files of backups: the backup_folder setting checked, SHA-256 of a file, a copy hashed as it is
written, and the side files SQLite may leave beside a temporary copy. Writing itself goes through
core/outputs.py (owner-only, temporary file, fsync, then into place; never over a database)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from core.backup import BackupFailed

CHUNK = 1 << 20
SIDE_FILES = ("-wal", "-shm", "-journal")


def checked_folder(value: str) -> str:
    """The backup_folder setting: empty (none), or an absolute path to a folder one may write."""
    text = value.strip()
    if not text:
        return ""
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        raise BackupFailed(
            f"backup_folder takes an absolute path (e.g. /srv/backup), not '{text}'."
        )
    if not folder.is_dir():
        raise BackupFailed(f"The folder {folder} does not exist. Create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupFailed(f"The folder {folder} is not writable here (permission denied).")
    return str(folder)


def live_files(database: Path | None) -> list[Path]:
    """The live SQLite database and the files SQLite keeps beside it."""
    if database is None:
        return []
    return [database] + [database.with_name(database.name + side) for side in SIDE_FILES]


def discard(temp: Path) -> None:
    """Remove what SQLite may have left beside a temporary copy (its -journal, -wal, -shm)."""
    for path in live_files(temp)[1:]:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as fh:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while n := fh.readinto(buffer):
            digest.update(view[:n])
            size += n
    return digest.hexdigest(), size
