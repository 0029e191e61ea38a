"""The one safe writer for every file Lotbook writes for a user (exports, reports, simulated logs,
backups): ``write_bytes``, ``write_stream``, ``write_via``, or ``output_file`` when something
must happen between writing and placing the file (an audit event).

It refuses, in one line: a Lotbook database and its -wal/-shm/-journal files (by resolved path,
by device and inode — symlinks and hard links too — and any SQLite file unless asked), folders,
devices, named pipes and sockets, a missing folder, and an existing file without ``force``. It
writes a temporary file in the target's folder (owner-only), syncs it to disk, then puts it in
place — without ``force`` by a hard link, which fails if the name was taken meanwhile — and
removes the temporary file on any failure: nothing half-written is left behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from core.errors import DomainError
from core.faults import os_fault
from core.i18n import N_
from core.paths import DB_FILE, DEMO_DB_FILE, data_dir, private_file_mode

SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")
_opened: set[Path] = set()  # SQLite files this process opened (core/store/engine.py adds them)


class OutputRefused(DomainError):
    """The place given for an output file cannot take it; nothing was written. Made with
    ``said``: its canonical text is kept (``record_text``) for a record that keeps it (a failed
    backup)."""


def protect_database(path: Path) -> None:
    """No output may ever replace this database file or its companions."""
    _opened.add(Path(os.path.abspath(path)))


def protected_databases() -> set[Path]:
    """Every database this process opened, the site and demo files of the data folder, and
    LOTBOOK_DB."""
    found = set(_opened)
    folder = data_dir()
    found |= {Path(os.path.abspath(folder / DB_FILE)), Path(os.path.abspath(folder / DEMO_DB_FILE))}
    given = os.environ.get("LOTBOOK_DB")
    if given:
        from core.paths import resolve_db_url, sqlite_path

        try:
            path = sqlite_path(resolve_db_url(given))
        except Exception:  # an unreadable URL names no file to protect
            path = None
        if path is not None:
            found.add(Path(os.path.abspath(path)))
    return found


# -- checking the target -------------------------------------------------------------------------


def check_target(
    path: Path | str, *, force: bool = False, may_replace_sqlite: bool = False
) -> Path:
    """The file to write (a symbolic link followed), or OutputRefused saying why not."""
    given = Path(path).expanduser()
    if not str(path).strip() or given.name in ("", ".", ".."):
        raise OutputRefused.said(
            N_("'{path}' is not a file name; give one (e.g. export.csv)."), path=path
        )
    absolute = Path(os.path.abspath(given))
    _folder_must_exist(absolute.parent, given)
    real = Path(os.path.realpath(absolute))
    if real != absolute:
        _folder_must_exist(real.parent, given)
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise os_fault(error, given) from None
    _not_a_database(given, absolute, real, info, may_replace_sqlite)
    if info is not None:
        _must_be_a_file(given, info)
        if not force:
            raise _exists(given)
    return real


def _exists(given: Path | str) -> OutputRefused:
    return OutputRefused.said(
        N_(
            "{path} already exists; nothing was written. Add --force to replace it, or choose "
            "another file name."
        ),
        path=given,
    )


def _folder_must_exist(folder: Path, given: Path) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise OutputRefused.said(
            N_(
                "The folder {folder} does not exist; nothing was written. Create it first, or "
                "choose another folder."
            ),
            folder=folder,
        ) from None
    except NotADirectoryError:
        raise OutputRefused.said(
            N_("{path}: {folder} is not a folder; nothing was written. Choose a folder."),
            path=given,
            folder=folder,
        ) from None
    except OSError as error:
        raise os_fault(error, folder) from None
    if not stat.S_ISDIR(info.st_mode):
        raise OutputRefused.said(
            N_("{path}: {folder} is not a folder; nothing was written."), path=given, folder=folder
        )


def _must_be_a_file(given: Path, info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        refusal = N_("{path} is a folder; give a file name inside it. Nothing was written.")
    elif stat.S_ISFIFO(mode):
        refusal = N_("{path} is a named pipe, not a file; give a file name. Nothing was written.")
    elif stat.S_ISSOCK(mode):
        refusal = N_("{path} is a socket, not a file; give a file name. Nothing was written.")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        refusal = N_("{path} is a device, not a file; give a file name. Nothing was written.")
    else:
        refusal = N_("{path} is not a regular file; give another file name. Nothing was written.")
    raise OutputRefused.said(refusal, path=given)


def _not_a_database(
    given: Path, absolute: Path, real: Path, info: os.stat_result | None, may_replace_sqlite: bool
) -> None:
    for db in protected_databases():
        for suffix in ("", *COMPANIONS):
            candidate = Path(str(db) + suffix)
            same = absolute == candidate or real == Path(os.path.realpath(candidate))
            if not same and info is not None:
                same = _same_file(info, candidate)
            if same and suffix:
                raise OutputRefused.said(
                    N_(
                        "{path} is the Lotbook database {db} (its {suffix} file); an output "
                        "never replaces it. Nothing was written; choose another file name."
                    ),
                    path=given,
                    db=db,
                    suffix=suffix[1:],
                )
            if same:
                raise OutputRefused.said(
                    N_(
                        "{path} is the Lotbook database {db}; an output never replaces it. "
                        "Nothing was written; choose another file name."
                    ),
                    path=given,
                    db=db,
                )
    for suffix in COMPANIONS:  # the companion of any SQLite database, open here or not
        if real.name.endswith(suffix):
            base = real.with_name(real.name[: -len(suffix)])
            if _is_sqlite(base):
                raise OutputRefused.said(
                    N_(
                        "{path} belongs to the SQLite database {base} (its {suffix} file); "
                        "replacing it would damage that database. Nothing was written; choose "
                        "another file name."
                    ),
                    path=given,
                    base=base,
                    suffix=suffix[1:],
                )
    if info is not None and not may_replace_sqlite and _is_sqlite(real):
        raise OutputRefused.said(
            N_(
                "{path} is a SQLite database (a Lotbook database or a backup of one); an export "
                "never replaces it. Nothing was written; choose another file name."
            ),
            path=given,
        )


def _same_file(info: os.stat_result, other: Path) -> bool:
    try:
        theirs = os.stat(other)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (theirs.st_dev, theirs.st_ino)


def _is_sqlite(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


# -- writing -------------------------------------------------------------------------------------


@contextmanager
def output_file(
    path: Path | str, *, force: bool = False, may_replace_sqlite: bool = False
) -> Iterator[Path]:
    """Yield a temporary, owner-only file beside ``path`` to write into; when the block ends
    without an exception the file is synced and put in place, else it is removed."""
    target = check_target(path, force=force, may_replace_sqlite=may_replace_sqlite)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent
        )
    except OSError as error:
        raise os_fault(error, path) from None
    os.close(fd)
    temporary = Path(name)
    try:
        try:
            yield temporary
            _sync(temporary, private_file_mode(target.parent))
            _place(temporary, target, Path(path), force)
            _sync_folder(target.parent)
        except OSError as error:
            raise os_fault(error, path) from None
    finally:
        _remove(temporary)


def write_via(
    path: Path | str,
    fill: Callable[[Path], object],
    *,
    force: bool = False,
    may_replace_sqlite: bool = False,
) -> Path:
    """``fill(temporary_path)`` writes the content by name (a library that takes a file name);
    returns the path written."""
    with output_file(path, force=force, may_replace_sqlite=may_replace_sqlite) as temporary:
        fill(temporary)
    return check_written(path)


def write_stream(
    path: Path | str, fill: Callable[[BinaryIO], object], *, force: bool = False
) -> Path:
    """``fill(binary_file)`` writes the content; returns the path written."""
    with output_file(path, force=force) as temporary, open(temporary, "wb") as fh:
        fill(fh)
    return check_written(path)


def write_bytes(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    return write_stream(path, lambda fh: fh.write(data), force=force)


def check_written(path: Path | str) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def create_live(path: Path | str, *, force: bool = False) -> Path:
    """For a file that others read while it is written (a live instrument log): the same checks,
    then the empty owner-only file itself, written in place by the caller."""
    target = check_target(path, force=force)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(target, flags | getattr(os, "O_NOFOLLOW", 0), private_file_mode(target.parent))
    except FileExistsError:
        raise _exists_force(path) from None
    except OSError as error:
        raise os_fault(error, path) from None
    os.close(fd)
    return target


def _exists_force(given: Path | str) -> OutputRefused:
    return OutputRefused.said(
        N_("{path} already exists; nothing was written. Add --force to replace it."), path=given
    )


def _sync(temporary: Path, mode: int) -> None:
    os.chmod(temporary, mode)
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _place(temporary: Path, target: Path, given: Path, force: bool) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the name was taken since the check
    except FileExistsError:
        raise _exists(given) from None
    except OSError:  # a file system without hard links (FAT, some network shares)
        if os.path.lexists(target):
            raise _exists_force(given) from None
        os.replace(temporary, target)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; not every system can open a folder (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(temporary: Path) -> None:
    with suppress(OSError):
        temporary.unlink(missing_ok=True)
