"""An open clock incident, in the status bar: a short warning while one is open (read at each
log-in, when the screen is unlocked, every few minutes, and at once when one is cleared), the
incident itself on hover. Core opens and clears incidents (core/services/clock_incidents.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from core.i18n import _, ngettext

TYPE_CHECKING = False  # not `typing`: the main window is built at start-up
if TYPE_CHECKING:
    from typing import Any

    from ui.context import AppContext

EVERY_MS = 5 * 60_000


def open_incidents(db) -> list:
    from core.services.clock_incidents import incidents

    return incidents(db, only_open=True)


class ClockWatch(QObject):
    def __init__(self, context: AppContext, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)  # goes with its window
        self.context = context
        self.warning = QLabel("", status_bar)
        self.warning.setProperty("role", "error")
        self.warning.setAccessibleName(_("Clock incident warning"))
        self.warning.setWordWrap(False)
        self.warning.hide()
        status_bar.addPermanentWidget(self.warning)
        self.running = False
        self.again = False  # asked again while a read was running
        self.timer = QTimer(self)
        self.timer.setInterval(EVERY_MS)
        self.timer.timeout.connect(self.check)
        context.actor_changed.connect(self.check)
        context.locked_changed.connect(lambda locked: None if locked else self.check())

    def check(self) -> None:
        context = self.context
        if context.actor is None or context.db is None:
            self.timer.stop()
            self.warning.hide()
            return
        self.timer.start()
        if self.running:
            self.again = True
            return
        self.running = True
        context.tasks.run(
            open_incidents, context.db, on_done=self._show, on_error=self._ignore, owner=self
        )

    def _show(self, found: list) -> None:
        if self._done():
            return
        if not found:
            self.warning.hide()
            return
        from core.auth.roles import Permission
        from ui.models.clock_incidents import incident_text

        where = (
            _("Admin → Clock incidents")
            if self.context.can(Permission.KEEP_SYSTEM)
            else _("an administrator clears it")
        )
        what = ngettext("Clock incident open", "{n} clock incidents open", len(found)).format(
            n=len(found)
        )
        self.warning.setText(f"⚠ {what} ({where})")
        self.warning.setToolTip("\n".join(incident_text(i) for i in found))
        self.warning.show()

    def _ignore(self, _error: Any) -> None:
        """A read that failed says nothing new: the warning stays as it was (the screens show
        the database's trouble in place)."""
        self._done()

    def _done(self) -> bool:
        """The read is over; True when another was asked for meanwhile (and is now started)."""
        self.running = False
        if self.again:
            self.again = False
            self.check()
            return True
        return False
