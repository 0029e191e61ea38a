"""Can SQLite write this database file here? A copy on read-only media, a file without write
permission, or a folder where SQLite cannot make its -wal and -shm files is opened read-only
(``file:...?mode=ro``; ``immutable=1`` when even the -shm file cannot be made), so read-only
commands work on it and writes are refused with one line.

New database files (and the -wal and -shm files SQLite makes with the same mode) are owner-only,
or owner and group in a folder shared with a group; never readable by everyone."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from core.faults import (
    ReadOnlyAccess,
    ReadOnlyDatabase,
    read_only_text,
)
from core.faults import companion as _companion
from core.paths import private_file_mode


def write_refused(access: ReadOnlyAccess) -> ReadOnlyDatabase:
    """The one line a write on a read-only database gets."""
    return ReadOnlyDatabase(read_only_text(access.why))


def read_only_connector(path: Path, access: ReadOnlyAccess, timeout: float):
    """A connection factory opening ``path`` read-only through a SQLite URI."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + (
        "&immutable=1" if access.immutable else ""
    )

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    return connect


def create_private(path: Path) -> None:
    """Make the empty database file with an owner-only mode before SQLite creates it (SQLite
    gives the -wal and -shm files the mode of the database file)."""
    mode = private_file_mode(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError:  # there already, or SQLite will say why it cannot create it
        return
    try:
        os.chmod(path, mode)  # exactly: the umask must not take a shared group's write away
    finally:
        os.close(fd)


def close_to_others(path: Path) -> None:
    """Remove permissions for everyone else (not the group) from the database file and its -wal
    and -shm files, where they have them and this user owns them."""
    for candidate in (path, _companion(path, "-wal"), _companion(path, "-shm")):
        try:
            info = candidate.stat()
            if info.st_mode & stat.S_IRWXO and info.st_uid == _uid():
                os.chmod(candidate, stat.S_IMODE(info.st_mode) & ~stat.S_IRWXO)
        except (OSError, AttributeError):
            continue


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else -1
