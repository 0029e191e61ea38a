"""What the database engine's own failures mean to a user, in one line.

SQLite: a writer that still cannot take the write lock once the busy timeout has passed (another
workstation holds it) gets ``DatabaseBusy``, never an unexpected error. Any engine: a driver
message that quotes the server password has it replaced before anyone can show it.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote_plus

from sqlalchemy.engine import make_url

from core.faults import BUSY_TEXT, DatabaseBusy, busy

__all__ = ["BUSY_TEXT", "DatabaseBusy", "busy", "is_sqlite_busy", "shown_url", "without_password"]

HIDDEN = "***"


def is_sqlite_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY) or "database table is locked" (SQLITE_LOCKED)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "is locked" in text


def shown_url(url: str) -> str:
    """A database URL as it may be shown: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: show nothing of it that could be secret
        return "(the configured database)"


def without_password(text: str, url: str | None) -> str:
    """``text`` with the password of ``url`` (as typed, and URL-encoded) replaced by ***."""
    if not url:
        return text
    try:
        password = make_url(url).password
    except Exception:
        return text
    if not password:
        return text
    for secret in {password, quote_plus(password)}:
        text = text.replace(secret, HIDDEN)
    return text
