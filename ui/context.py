"""What the screens share: the database, who is logged in, the idle lock, drafts and the task
runner. Passed to every screen (no global singletons); screens listen to its signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ui.drafts import DraftStore
from ui.idle import IdleWatcher
from ui.tasks import TaskRunner

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it

if TYPE_CHECKING:
    from typing import Any

    from core.auth.identity import Actor
    from core.auth.roles import Permission

MINUTE_MS = 60_000


class AppContext(QObject):
    database_changed = Signal()
    actor_changed = Signal()  # logged in, logged out, or another user took over
    locked_changed = Signal(bool)
    navigate = Signal(str, dict)  # screen name, arguments: ask the main window to show a screen

    def __init__(self, tasks: TaskRunner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks or TaskRunner(self)
        self.drafts = DraftStore()
        self.db: Any = None  # core.store.Database, set once opened (imported lazily)
        self.actor: Actor | None = None
        self.locked = False
        self.idle_ms = 10 * MINUTE_MS
        self.idle = IdleWatcher(self.idle_ms, self)
        self.idle.idle.connect(self.lock)

    # -- database --------------------------------------------------------------------------------

    def set_database(self, db: Any, idle_minutes: int = 10) -> None:
        self.db = db
        # quick calls (one entry) run inline on a local SQLite file; a server is always off-thread
        self.tasks.inline_quick = db is not None and db.path is not None
        self.tasks.database_url = db.url if db is not None else None
        self.set_idle_ms(idle_minutes * MINUTE_MS)
        self.database_changed.emit()

    def set_idle_ms(self, ms: int) -> None:
        self.idle_ms = ms
        self.idle.set_interval(ms)

    # -- who is here -----------------------------------------------------------------------------

    def log_in(self, actor: Actor) -> None:
        self.actor = actor
        self.locked = False
        self.idle.start()
        self.actor_changed.emit()
        self.locked_changed.emit(False)

    def log_out(self) -> None:
        self.actor = None
        self.locked = False
        self.idle.stop()
        self.actor_changed.emit()

    def lock(self) -> None:
        """Hide GxP data until the same user (or another) gives a password; drafts are kept."""
        if self.actor is None or self.locked:
            return
        self.locked = True
        self.idle.stop()
        self.locked_changed.emit(True)

    def resume(self, actor: Actor) -> None:
        """After a lock: the same user carries on; another user takes over (the first user's
        drafts stay in memory, uncommitted, until they log in again)."""
        same = self.actor is not None and actor.username == self.actor.username
        self.actor = actor
        self.locked = False
        self.idle.start()
        if not same:
            self.actor_changed.emit()
        self.locked_changed.emit(False)

    def can(self, permission: Permission) -> bool:
        from core.auth.roles import allows

        return self.actor is not None and allows(self.actor.role, permission)

    def go(self, screen: str, **arguments: Any) -> None:
        self.navigate.emit(screen, arguments)
