"""Where Lotbook keeps its data: the user data folder (platformdirs), or LOTBOOK_DATA_DIR."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Lotbook"
DB_FILE = "lotbook.db"
DEMO_DB_FILE = "lotbook-demo.db"


def data_dir() -> Path:
    override = os.environ.get("LOTBOOK_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    return path


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other backends."""
    from sqlalchemy.engine import make_url  # not at start-up: the app's first window needs none

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def is_sqlite(url: str) -> bool:
    """A SQLite URL (a file or memory), not a database server."""
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name() == "sqlite"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def demo_db_url() -> str:
    """The demo database lives in its own file beside the real one, never in it."""
    return sqlite_url(data_dir() / DEMO_DB_FILE)


def log_dir() -> Path:
    return data_dir() / "logs"


def _group_shared(folder: Path) -> bool:
    """A folder its group may write in (a site folder set up with `install -d -m 2770 -g ...`)."""
    try:
        return bool(folder.stat().st_mode & stat.S_IWGRP)
    except OSError:
        return False


def private_file_mode(folder: Path) -> int:
    """The mode of a file Lotbook creates in ``folder``: owner-only, or owner and group in a
    folder shared with a group; never readable by everyone."""
    return 0o660 if _group_shared(folder) else 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only — owner and group inside a folder shared
    with a group. Folders that exist already are left as they are."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        mode = 0o770 if _group_shared(folder.parent) else 0o700
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue
        # the umask must not take the group's write away in a shared folder (keep setgid)
        os.chmod(folder, mode | (folder.stat().st_mode & stat.S_ISGID))
    return path


def resolve_db_url(given: str | None, *, demo: bool = False) -> str:
    """--db (a URL or a SQLite file path) wins, then LOTBOOK_DB, then the default file —
    the demo file for demo use, so that demo data never lands in the site database."""
    given = given or os.environ.get("LOTBOOK_DB")
    if given:
        return given if "://" in given else sqlite_url(Path(given).expanduser().resolve())
    return demo_db_url() if demo else sqlite_url(data_dir() / DB_FILE)
