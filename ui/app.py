"""Starting the app: the login window first (fast), the database opened behind it.

Only Qt and the shell are imported before the window shows; the core (SQLAlchemy, templates) is
imported and the database opened on a worker thread, so the login window is on screen at once.
A missing site database starts the first-run wizard; --demo opens (or builds) the demo database.
"""

from __future__ import annotations

import os
import sys

from core.i18n import _

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it

if TYPE_CHECKING:
    from typing import Any


def _setup_logging() -> None:
    """The app's log in the data folder, written when it can be: a full disk or read-only data
    folder drops log lines (core/error_log.py) instead of stopping the app or its error dialog."""
    import logging

    from core.error_log import SafeFileHandler

    handler = SafeFileHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _log():
    import logging

    return logging.getLogger("lotbook")


def prepare_database(url: str, demo: bool) -> tuple[str, Any, int]:
    """On a worker thread: ("open", Database, idle minutes) or ("first_run", url, 0)."""
    from core.paths import sqlite_path
    from core.services.settings import show_policy
    from core.services.site import open_site

    path = sqlite_path(url)
    if demo:
        from core.demo.build import open_demo

        db = open_demo(url)
        return "open", db, show_policy(db).idle_lock_minutes
    if path is not None and not path.exists():
        return "first_run", url, 0
    db = open_site(url)
    return "open", db, show_policy(db).idle_lock_minutes


def run_app(db: str | None = None, demo: bool = False, large_text: bool = False) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui import theme
    from ui.context import AppContext
    from ui.errors import install_excepthook
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Lotbook")
    theme.load_fonts(only=("DejaVuSans.", "DejaVuSans-Bold."))
    theme.apply(app, large=large_text)
    install_excepthook()
    context = AppContext()
    window = MainWindow(context)
    window.showMaximized()  # the bench PC's screen is the window (1366×768 is designed first)
    if os.environ.get("LOTBOOK_STARTUP_PROBE"):  # start-up benchmark: stop once the window shows
        print("lotbook: login window shown", flush=True)
        QTimer.singleShot(0, app.quit)
        return app.exec()
    theme.load_fonts(only=("DejaVuSansMono",))
    _setup_logging()
    _log().info("main window shown")
    from core.paths import demo_db_url, resolve_db_url

    # --demo always opens the demo file: a site database is never filled with demo data.
    url = demo_db_url() if demo else resolve_db_url(db)
    QTimer.singleShot(0, lambda: open_in_background(context, window, url, demo))
    code = app.exec()
    context.tasks.wait()
    if context.db is not None:
        context.db.dispose()
    return code


def open_in_background(context: Any, window: Any, url: str, demo: bool) -> None:
    if demo:
        window.login.subtitle.setText(_("Opening the demo database (built on first use)…"))

    def opened(result: tuple[str, Any, int]) -> None:
        kind, value, minutes = result
        if kind == "open":
            context.set_database(value, minutes)
            _log().info("database opened: %s", value.display_name)
            preload_plotting()
            from ui.language import load_cjk_fonts

            load_cjk_fonts(context)  # Korean and Chinese, in data or in the language chosen
            return
        from ui.screens.first_run import FirstRunScreen

        wizard = FirstRunScreen(context, value, window.stack)

        def created() -> None:  # the new administrator logs in next: their name is typed
            window.stack.setCurrentWidget(window.login)
            window.login.show_login(wizard.admin_username)

        wizard.finished.connect(created)
        window.show_page(wizard)

    def failed(error: BaseException) -> None:
        from ui.errors import message_of

        window.login.database_failed(message_of(error, url))

    context.tasks.run(prepare_database, url, demo, on_done=opened, on_error=failed)


def preload_plotting() -> None:
    """Import pyqtgraph while the user logs in, so the first "Curves" opens without that wait
    (about half a second here). Importing is thread-safe; nothing Qt is created. Not a daemon: a
    quit in the middle waits for the import to finish rather than cutting it."""
    import threading

    def load() -> None:
        import pyqtgraph  # noqa: F401

    threading.Thread(target=load, name="preload-pyqtgraph").start()
