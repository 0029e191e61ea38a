"""Scheduled backups from the app: after each log-in (and every hour while someone is logged in)
core makes the site's scheduled backup when it is due, on a worker thread. A failed backup — this
one, or the newest attempt of any workstation — stays in the status bar as a warning until a good
backup is made; it is never silent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from core.i18n import _

if TYPE_CHECKING:
    from ui.context import AppContext

HOUR_MS = 3_600_000
WARNING_CHARS = 120  # the whole text is the tooltip


def run_scheduled(db) -> tuple[str, bool]:
    """The scheduled backup when due; (what to say, whether backups are failing)."""
    from core.errors import DomainError
    from core.services.backup import backup_if_due, backup_status

    try:
        run = backup_if_due(db)
    except DomainError as error:
        return "⚠ " + _("Scheduled backup failed (Admin → Backups): {error}").format(
            error=error
        ), True
    status = backup_status(db)
    if status.failing and status.last_attempt is not None:
        return (
            "⚠ "
            + _("The last backup attempt failed (Admin → Backups): {detail}").format(
                detail=status.last_attempt.verification
            ),
            True,
        )
    if run.made and run.backup:
        return _("Scheduled backup made: {file}").format(file=run.backup.file), False
    return "", False


class BackupWatch(QObject):
    def __init__(self, context: AppContext, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)  # goes with its window
        self.context = context
        self.status_bar = status_bar
        self.warning = QLabel("", status_bar)
        self.warning.setProperty("role", "error")
        self.warning.setAccessibleName(_("Backup warning"))
        self.warning.setWordWrap(False)
        self.warning.hide()
        status_bar.addPermanentWidget(self.warning)
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(HOUR_MS)
        self.timer.timeout.connect(self.check)
        context.actor_changed.connect(self.check)

    def check(self) -> None:
        context = self.context
        if context.actor is None or context.db is None:
            self.timer.stop()
            return
        self.timer.start()
        if self.running or context.locked:
            return
        self.running = True
        context.tasks.run(
            run_scheduled, context.db, on_done=self._done, on_error=self._error, owner=self
        )

    def _done(self, outcome: tuple[str, bool]) -> None:
        self.running = False
        text, failing = outcome
        if failing:
            self._warn(text)
            return
        self.warning.hide()
        if text:
            self.status_bar.showMessage(f"✔ {text}", 15_000)

    def _error(self, error: Any) -> None:
        from ui.errors import message_of

        self.running = False
        self._warn(
            "⚠ " + _("Scheduled backup could not run: {error}").format(error=message_of(error))
        )

    def _warn(self, text: str) -> None:
        self.warning.setText(text[:WARNING_CHARS] + ("…" if len(text) > WARNING_CHARS else ""))
        self.warning.setToolTip(text)
        self.warning.show()
