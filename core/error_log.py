"""The log of unexpected errors (``logs/lotbook.log`` in the data folder), written when it can be.

Writing it never raises: on a full disk, read-only media or a folder without permission the
entry is dropped and the caller is told why, so the message shown to the user can say that the
log could not be written — the error handler itself must never fail.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

from core.faults import os_reason
from core.i18n import _
from core.paths import log_dir, private_dir, private_file_mode

LOG_FILE = "lotbook.log"
_last_problem: str | None = None  # why the newest write failed (None: it worked)


def log_path() -> Path:
    return log_dir() / LOG_FILE


def append(text: str) -> str | None:
    """Append ``text`` to the log; None when written, else why it could not be."""
    global _last_problem
    try:
        folder = private_dir(log_dir())
        path = folder / LOG_FILE
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        mode = private_file_mode(folder)
        fd = os.open(path, flags, mode)
        try:
            if os.fstat(fd).st_size == 0:  # new: exactly owner-only (or a shared group's)
                os.chmod(path, mode)
            data = text.encode("utf-8", "replace")
            while data:
                written = os.write(fd, data)
                data = data[written:]
        finally:
            os.close(fd)
    except OSError as error:
        _last_problem = os_reason(error)
    except Exception as error:  # never let the log take the error handler down
        _last_problem = type(error).__name__
    else:
        _last_problem = None
    return _last_problem


def log_error(error: BaseException, where: str = "") -> str:
    """Log an unexpected error with its traceback; returns the words for the message: where the
    details are, or that they could not be written and why."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    try:
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    except Exception:  # a broken exception object: keep what can be said
        details = repr(error) + "\n"
    problem = append(f"{stamp} ERROR unexpected error {where}\n{details}")
    return where_logged(problem)


def where_logged(problem: str | None = None) -> str:
    if problem is None:
        return _("details in {path}").format(path=log_path())
    return _("the details could not be written to the log ({problem})").format(problem=problem)


def last_problem() -> str | None:
    """Why the newest log write failed, or None."""
    return _last_problem


class SafeFileHandler(logging.Handler):
    """A logging handler for the app's log that drops a record it cannot write (full disk,
    read-only media) instead of printing "--- Logging error ---" or raising."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record) + "\n"
        except Exception:
            return
        append(text)

    def handleError(self, record: logging.LogRecord) -> None:
        return
