"""Ordinary faults of the machine, said in one line: a full disk, read-only media, no permission,
the database busy with another workstation, the database server gone.

``classify(error)`` turns the exception behind such a fault (an OSError, a SQLite or PostgreSQL
driver error, SQLAlchemy's wrapper of one) into a ``Fault`` — a DomainError whose message names
the cause and what to do — or returns None when the error is not an ordinary fault (a defect: the
caller logs it). Messages never carry SQL, parameters, a password or a traceback.

The CLI's ``run()`` and the GUI's error handling both use it; the safe writer (core/outputs.py)
and the import reader (core/inputs.py) raise these faults themselves. A database busy beyond the
busy timeout is the store's own refusal (core/store/faults.py), used here too.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from core.errors import DomainError, StoreError
from core.i18n import N_, _

_LINE = 160  # longest driver text quoted in a message


class Fault(DomainError):
    """An ordinary fault (disk, media, permissions, lock, server), explained in one line."""


class DiskFull(Fault):
    """No space left where something had to be written."""


class ReadOnly(Fault):
    """The media, folder or file may not be written."""


class ReadOnlyDatabase(ReadOnly):
    """A write was asked of a database opened read-only (a copy on read-only media, say)."""


class NoPermission(Fault):
    """The operating system refused access to a file or folder."""


class ServerGone(Fault):
    """The database server does not answer (stopped, network down, connection cut)."""


class DamagedDatabase(Fault):
    """The database file cannot be read as a database."""


BUSY_TEXT = N_("The database is busy: another workstation holds it; nothing was saved, try again.")


class DatabaseBusy(StoreError):
    """Another workstation holds the database's write lock for longer than the busy timeout."""


def busy() -> DatabaseBusy:
    return DatabaseBusy(_(BUSY_TEXT))


def read_only_text(why: str) -> str:
    """``why``: in the reader's language (``ReadOnlyAccess.why``)."""
    return _("This database is read-only here: {why}; nothing was written.").format(why=why)


# -- a fault in the reader's language, its canonical text kept ----------------------------------

F = TypeVar("F", bound=DomainError)


@dataclass(frozen=True)
class Said:
    """Words marked ``N_()`` with their ``{fields}``: shown in the reader's language, kept as
    written in a fault's canonical text (a failed backup keeps its fault on record)."""

    message: str
    fields: dict[str, Any] = field(default_factory=dict)

    def shown(self) -> str:
        return _(self.message).format(**self.fields)

    def canonical(self) -> str:
        return self.message.format(**self.fields)


def said(cls: type[F], message: str, /, **fields: Any) -> F:
    """The fault ``message`` (marked ``N_()``) in the reader's language, its ``canonical`` text
    (``DomainError.record_text``) kept; a field may itself be ``Said`` words."""
    shown = {k: v.shown() if isinstance(v, Said) else v for k, v in fields.items()}
    kept = {k: v.canonical() if isinstance(v, Said) else v for k, v in fields.items()}
    fault = cls(_(message).format(**shown))
    fault.canonical = message.format(**kept)
    return fault


# -- operating-system errors ---------------------------------------------------------------------


def os_fault(
    error: OSError, path: Path | str | None = None, *, writing: bool | None = True
) -> Fault:
    """The fault behind an OSError met while writing (or reading; None: either) ``path``; its
    canonical text is kept (``record_text``) for a record that keeps it."""
    named = path or error.filename
    where: str | Said = str(named) if named else Said(N_("the file"))
    folder: str | Said = str(Path(str(named)).parent) if named else Said(N_("the folder"))
    code = error.errno
    done = Said(
        _by_mode(
            writing,
            N_("nothing was written"),
            N_("nothing was read"),
            N_("nothing further was done"),
        )
    )
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return said(
            DiskFull,
            N_(
                "The disk holding {folder} is full; {done}. Free some space, or choose another "
                "disk."
            ),
            folder=folder,
            done=done,
        )
    if code == errno.EROFS:
        return said(
            ReadOnly,
            N_("{folder} is on read-only media; {done}. Choose a folder on a writable disk."),
            folder=folder,
            done=done,
        )
    if code in (errno.EACCES, errno.EPERM):
        refusal = _by_mode(
            writing,
            N_("No permission to write {where}; {done}. Choose a file and folder you may write."),
            N_("No permission to read {where}; {done}. Choose a file and folder you may read."),
            N_("No permission to use {where}; {done}. Choose a file and folder you may use."),
        )
        return said(NoPermission, refusal, where=where, done=done)
    if code == errno.EIO:
        return said(
            Fault,
            N_(
                "The disk holding {where} reported an input/output error; {done}. Check the "
                "drive (removed, failing?) and try again."
            ),
            where=where,
            done=done,
        )
    if code == errno.ENOENT:
        return said(
            Fault,
            N_("{where} does not exist (or its folder does not); {done}."),
            where=where,
            done=done,
        )
    reason = error.strerror or type(error).__name__
    failed = _by_mode(
        writing,
        N_("Could not write {where}: {reason}; {done}."),
        N_("Could not read {where}: {reason}; {done}."),
        N_("Could not use {where}: {reason}; {done}."),
    )
    return said(Fault, failed, where=where, reason=reason, done=done)


def _by_mode(writing: bool | None, written: str, read: str, either: str) -> str:
    """The word for writing (True), reading (False) or either (None)."""
    return either if writing is None else written if writing else read


def os_reason(error: OSError) -> str:
    """A few words on why a file could not be written (for "the log could not be written")."""
    code = error.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("the disk is full")
    if code == errno.EROFS:
        return _("the data folder is on read-only media")
    if code in (errno.EACCES, errno.EPERM):
        return _("no permission to write in the data folder")
    return (error.strerror or type(error).__name__).lower()


# -- can SQLite write a database file here? -----------------------------------------------------


@dataclass(frozen=True)
class ReadOnlyAccess:
    reason: Said  # "… is on read-only media", for "this database is read-only here: <why>"
    immutable: bool  # SQLite cannot make or write the -shm file: open with immutable=1

    @property
    def why(self) -> str:
        """The reason in the reader's language."""
        return self.reason.shown()


def read_only_reason(path: Path) -> ReadOnlyAccess | None:
    """None when SQLite can write the database at ``path`` (or there is no file yet)."""
    if not path.exists():
        return None
    folder = path.parent
    if _on_read_only_media(path):
        why = Said(N_("{folder} is on read-only media"), {"folder": folder})
    elif not os.access(path, os.W_OK):
        why = Said(N_("the file {path} is not writable for you (permissions)"), {"path": path})
    elif not _may_create_in(folder) and not _companions_writable(path):
        why = Said(
            N_(
                "its folder {folder} is not writable, so SQLite cannot make its -wal and -shm files"
            ),
            {"folder": folder},
        )
    else:
        return None
    wal, shm = companion(path, "-wal"), companion(path, "-shm")
    if _may_create_in(folder) or (shm.exists() and wal.exists()):
        return ReadOnlyAccess(why, immutable=False)
    if wal.exists() and wal.stat().st_size > 0:
        raise ReadOnlyDatabase(
            _(
                "{wal} holds changes not yet in {name}, and SQLite cannot make its -shm file in "
                "{folder} ({why}); copy the database with its -wal file to a writable folder to "
                "read it. Nothing was written."
            ).format(wal=wal, name=path.name, folder=folder, why=why.shown())
        )
    return ReadOnlyAccess(why, immutable=True)


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _on_read_only_media(path: Path) -> bool:
    if not hasattr(os, "statvfs"):
        return False
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _may_create_in(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _companions_writable(path: Path) -> bool:
    return all(os.access(companion(path, s), os.W_OK) for s in ("-wal", "-shm"))


# -- database errors -----------------------------------------------------------------------------


def classify(error: BaseException, *, url: str | None = None) -> DomainError | None:
    """The ordinary fault behind ``error`` (None: not one; log it as a defect). ``url`` is the
    database in use, for naming its file or server (never its password)."""
    if isinstance(error, Fault):
        return error
    if isinstance(error, OSError) and error.errno is not None:
        return os_fault(error, writing=None)  # reading or writing: not known here
    orig = getattr(error, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    driver = orig if isinstance(orig, BaseException) else error
    if isinstance(driver, sqlite3.Error):
        return _sqlite_fault(driver, url)
    if type(driver).__module__.split(".")[0] == "psycopg" or _is_disconnect(error):
        return _server_fault(driver, error, url)
    return None


def _is_disconnect(error: BaseException) -> bool:
    return bool(getattr(error, "connection_invalidated", False))


def _sqlite_fault(error: sqlite3.Error, url: str | None) -> DomainError | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    path = _sqlite_file(url)
    where = _("the database {path}").format(path=path) if path else _("the database")
    io_error = name.startswith("SQLITE_IOERR") or "disk i/o error" in text
    full = name.startswith("SQLITE_FULL") or "database or disk is full" in text
    if full or (io_error and path is not None and _nearly_full(path.parent)):
        return DiskFull(
            _(
                "The disk holding {where} is full; nothing was saved. Free some space and try "
                "again."
            ).format(where=where)
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ReadOnlyDatabase(read_only_text(_read_only_why(path)))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return _busy()
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        return Fault(
            _(
                "Cannot open {where}: the file or its folder is missing, or not accessible to "
                "you. Nothing was saved."
            ).format(where=where)
        )
    if io_error:
        return Fault(
            _(
                "The disk holding {where} reported an input/output error ({name}); nothing was "
                "saved. Check the drive (removed, full, failing?) and try again."
            ).format(where=where, name=name or "disk I/O")
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        damaged = (
            _(
                "The database {path} is damaged or not a Lotbook database ({name}); nothing was "
                "saved. Restore it from a backup and tell QA."
            )
            if path
            else _(
                "The database is damaged or not a Lotbook database ({name}); nothing was saved. "
                "Restore it from a backup and tell QA."
            )
        )
        return DamagedDatabase(damaged.format(path=path, name=name or text))
    return None


def _nearly_full(folder: Path) -> bool:
    """Less than a megabyte left: SQLite reports a full disk while growing its -shm file as an
    I/O error (SQLITE_IOERR_SHMSIZE), not as SQLITE_FULL."""
    import shutil

    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def _busy() -> DomainError:
    """The store's own refusal for a database held by another workstation."""
    return busy()


def _read_only_why(path: Path | None) -> str:
    if path is None:
        return _("SQLite refused to write it")
    access = read_only_reason(path)
    return (
        access.why if access is not None else _("SQLite refused to write {path}").format(path=path)
    )


def _server_fault(
    driver: BaseException, wrapper: BaseException, url: str | None
) -> DomainError | None:
    state = getattr(driver, "sqlstate", None) or ""
    text = _first_line(driver).lower()
    server = _server(url)
    if "authentication failed" in text or state.startswith("28"):
        return Fault(
            _(
                "The database server at {server} refused the log-in (wrong user or password). "
                "Check the server account in ~/.pgpass or PGPASSFILE; nothing was saved."
            ).format(server=server)
        )
    if state == "53100":
        return DiskFull(
            _(
                "The database server at {server} has no disk space left; nothing was saved. "
                "Tell IT."
            ).format(server=server)
        )
    if state == "25006":
        return ReadOnlyDatabase(
            read_only_text(_("the server at {server} accepts no writes").format(server=server))
        )
    if state in ("40001", "40P01", "55P03"):
        return _busy()
    name = type(driver).__name__
    gone = (
        state.startswith("08")
        or state in ("57P01", "57P02", "57P03")
        or (not state and name in ("OperationalError", "InterfaceError"))
        or _is_disconnect(wrapper)
    )
    if gone:
        return ServerGone(
            _(
                "The database server at {server} is not answering; nothing was saved. Check the "
                "network, or ask IT whether the server is running, then try again."
            ).format(server=server)
        )
    return None


def _sqlite_file(url: str | None) -> Path | None:
    if not url:
        return None
    from core.paths import sqlite_path

    try:
        return sqlite_path(url)
    except Exception:  # an unreadable URL names no file
        return None


def _server(url: str | None) -> str:
    """host:port of a server URL, never its user or password."""
    if not url:
        return _("the configured address")
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:
        return _("the configured address")
    host = parsed.host or parsed.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    return f"{host}:{parsed.port or 5432}"


# -- what an unexpected error may show -----------------------------------------------------------


def summary(error: BaseException) -> str:
    """``Type: first line`` of an unexpected error, without SQL, parameters or binary content."""
    orig = getattr(error, "orig", None)
    shown = orig if isinstance(orig, BaseException) else error
    return f"{type(shown).__name__}: {_first_line(shown)}".rstrip(": ")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= _LINE else clean[: _LINE - 1] + "…"
