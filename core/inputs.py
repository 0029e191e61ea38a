"""Reading a file a user names (an instrument export, a PDF to verify): regular files only.

Checked with ``os.stat`` before anything opens it: a folder, a missing file, a named pipe (which
would block forever), a device (``/dev/zero`` never ends) or a socket is refused in one line. The
file is opened non-blocking, checked again on the open handle, and read up to a size limit (the
site's ``import_max_mb`` for imports); a read that takes longer than the timeout (a network
folder that stopped answering) is given up with a reason instead of hanging the app.
"""

from __future__ import annotations

import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from core.errors import DomainError
from core.faults import os_fault
from core.i18n import _

READ_TIMEOUT_S = 60.0
MB = 1024 * 1024


class InputRefused(DomainError):
    """The file named cannot be read as an input; nothing was read."""


def read_regular_file(
    path: Path | str,
    *,
    max_bytes: int,
    timeout: float = READ_TIMEOUT_S,
    limit_name: str = "",
    done: str | None = None,
) -> bytes:
    """The whole content of the regular file at ``path``, or InputRefused/Fault saying why not.
    ``limit_name`` names the setting behind ``max_bytes`` in the refusal (e.g. import_max_mb);
    ``done`` says what did not happen (the end of every refusal, in the reader's language;
    "nothing was imported" when not given)."""
    path = Path(path)
    if done is None:
        done = _("nothing was imported")
    outcome: dict[str, object] = {}

    def read() -> None:
        try:
            outcome["data"] = _read(path, _Limit(max_bytes, limit_name), done)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=read, name="read-input", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise InputRefused(
            _(
                "Reading {path} took longer than {timeout:g} s (a network folder or drive not "
                "answering?); {done}. Copy the file to this computer and try again."
            ).format(path=path, timeout=timeout, done=done)
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["data"]  # type: ignore[return-value]


@dataclass(frozen=True)
class _Limit:
    max_bytes: int
    setting: str


def _read(path: Path, limit: _Limit, done: str) -> bytes:
    max_bytes = limit.max_bytes
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputRefused(
            _("{path} does not exist; check the file name and folder ({done}).").format(
                path=path, done=done
            )
        ) from None
    except NotADirectoryError:
        raise InputRefused(
            _("{path}: a part of the path is not a folder ({done}).").format(path=path, done=done)
        ) from None
    except OSError as error:
        raise os_fault(error, path, writing=False) from None
    _must_be_regular(path, info.st_mode, done)
    _within_limit(path, info.st_size, limit, done, exact=True)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise os_fault(error, path, writing=False) from None
    try:
        opened = os.fstat(fd)  # the file itself, not what the name pointed to a moment ago
        _must_be_regular(path, opened.st_mode, done)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(4 * MB, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                _within_limit(path, total, limit, done, exact=False)
    except OSError as error:
        raise os_fault(error, path, writing=False) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _must_be_regular(path: Path, mode: int, done: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        refusal = _("{path} is a folder, not a file; choose a file inside it ({done}).")
    elif stat.S_ISFIFO(mode):
        refusal = _("{path} is a named pipe, not a file; choose a file saved on disk ({done}).")
    elif stat.S_ISSOCK(mode):
        refusal = _("{path} is a socket, not a file ({done}).")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        refusal = _("{path} is a device, not a file; choose a file saved on disk ({done}).")
    else:
        refusal = _("{path} is not a regular file ({done}).")
    raise InputRefused(refusal.format(path=path, done=done))


def _within_limit(path: Path, size: int, limit: _Limit, done: str, *, exact: bool) -> None:
    if size <= limit.max_bytes:
        return
    fields = {"path": path, "size": _mb(size), "limit": _mb(limit.max_bytes), "done": done}
    if exact and limit.setting:
        refusal = _(
            "{path} is {size}, more than the limit of {limit} (site setting {setting}); {done}. "
            "Check that it is the right file, or ask an administrator to raise the limit."
        )
    elif exact:
        refusal = _(
            "{path} is {size}, more than the limit of {limit}; {done}. "
            "Check that it is the right file, or ask an administrator to raise the limit."
        )
    elif limit.setting:
        refusal = _(
            "{path} is more than the limit of {limit} (site setting {setting}); {done}. "
            "Check that it is the right file, or ask an administrator to raise the limit."
        )
    else:
        refusal = _(
            "{path} is more than the limit of {limit}; {done}. "
            "Check that it is the right file, or ask an administrator to raise the limit."
        )
    raise InputRefused(refusal.format(setting=limit.setting, **fields))


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size % MB else f"{size // MB} MB"
