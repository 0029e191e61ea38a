"""Starting the app: QApplication, error logging, the database to open, the main window."""

from __future__ import annotations

import logging
import sys
import traceback

from core.paths import data_dir, demo_db_url, log_dir, resolve_db_url


def _log_unexpected(exc_type, exc, tb) -> None:
    logging.getLogger("lotbook").error("unexpected error", exc_info=(exc_type, exc, tb))
    traceback.print_exception(exc_type, exc, tb)


def _setup_logging() -> None:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=folder / "lotbook.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sys.excepthook = _log_unexpected


def _open_database(db: str | None, demo: bool) -> tuple[str, str]:
    """(database name, message for the window). The demo is built on first use, in its own file."""
    from core.errors import DomainError
    from core.store import open_database
    from core.store.engine import sqlite_path

    # --demo always opens the demo file: a site database is never filled with demo data.
    url = demo_db_url() if demo else resolve_db_url(db)
    if demo:
        path = sqlite_path(url)
        if path is not None and not path.exists():
            from core.services.demo import build_demo

            build_demo(url).dispose()
    try:
        database = open_database(url)
    except DomainError as error:
        return url, str(error)
    name = database.display_name
    database.dispose()
    return name, "Demo database — demo passwords are in the README." if demo else ""


def run_app(db: str | None = None, demo: bool = False) -> int:
    data_dir().mkdir(parents=True, exist_ok=True)
    _setup_logging()
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Lotbook")
    name, message = _open_database(db, demo)
    window = MainWindow(name, message)
    window.show()
    logging.getLogger("lotbook").info("main window shown on %s", name)
    return app.exec()
