"""Where Lotbook keeps its data: the user data folder (platformdirs), or LOTBOOK_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Lotbook"
DB_FILE = "lotbook.db"
DEMO_DB_FILE = "lotbook-demo.db"


def data_dir() -> Path:
    override = os.environ.get("LOTBOOK_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    return path


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def demo_db_url() -> str:
    """The demo database lives in its own file beside the real one, never in it."""
    return sqlite_url(data_dir() / DEMO_DB_FILE)


def log_dir() -> Path:
    return data_dir() / "logs"


def resolve_db_url(given: str | None, *, demo: bool = False) -> str:
    """--db (a URL or a SQLite file path) wins, then LOTBOOK_DB, then the default file —
    the demo file for demo use, so that demo data never lands in the site database."""
    given = given or os.environ.get("LOTBOOK_DB")
    if given:
        return given if "://" in given else sqlite_url(Path(given).expanduser().resolve())
    return demo_db_url() if demo else sqlite_url(data_dir() / DB_FILE)
