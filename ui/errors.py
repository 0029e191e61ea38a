"""Errors in the GUI: a domain refusal is shown as the plain message core wrote; anything else is
logged to the data folder and explained in words — committed data is safe, the entry is kept."""

from __future__ import annotations

import sys

from core.i18n import _

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it


if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def message_of(error: BaseException, url: str | None = None) -> str:
    """What the user reads: a domain refusal as core wrote it; an ordinary fault (full disk,
    read-only media, busy database, server gone) in one line; anything else as unexpected, with
    where its details were logged — or that the log could not be written."""
    from core.errors import DomainError
    from core.faults import classify

    if isinstance(error, DomainError):
        return str(error)
    fault = classify(error, url=url)
    if fault is not None:
        return str(fault)
    from core.error_log import last_problem, where_logged

    return _(
        "Something unexpected went wrong ({kind}). Data already saved is safe, "
        "and what you typed is still on the screen; {logged}."
    ).format(kind=type(error).__name__, logged=where_logged(last_problem()))


def log_unexpected(error: BaseException, where: str = "") -> None:
    import logging

    logging.getLogger("lotbook.ui").error("unexpected error %s", where, exc_info=error)


def show_error(parent: QWidget | None, error: BaseException, title: str = "Lotbook") -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message_of(error))
    box.setAccessibleName(_("Error message"))
    box.exec()


def install_excepthook() -> None:
    """Unexpected errors on the GUI thread: logged, shown, and the app keeps running."""

    def hook(exc_type, exc, tb) -> None:
        import traceback

        log_unexpected(exc, "on the GUI thread")
        traceback.print_exception(exc_type, exc, tb)
        try:
            show_error(None, exc)
        except Exception as error:
            log_unexpected(error, "while showing an error")

    sys.excepthook = hook
