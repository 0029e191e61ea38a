"""Following a bioreactor log as it is written: a LiveFeed (core.services.live) started, polled
every 500 ms and stopped on a worker. Polls never overlap: the next waits for the one in flight,
and a stop asked during a poll happens when it is back. A failed poll stops the feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 500


class LiveFollower(QObject):
    started = Signal(str)  # file name
    polled = Signal(object)  # LiveUpdate
    refused = Signal(object)  # the error: it could not start
    failed = Signal(object)  # the error: a poll failed (following has then stopped)
    stopped = Signal(str)  # file name

    def __init__(self, context: Any, owner: QObject) -> None:
        super().__init__(owner)
        self.context, self.owner = context, owner
        self.feed: Any = None
        self.held = False  # the caller needs a moment (polls wait)
        self._polling = False
        self._stop_asked = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    @property
    def following(self) -> bool:
        return self.feed is not None

    def start(self, lot: str, path: Path) -> None:
        from core.services.live import LiveFeed

        self.context.tasks.run(
            LiveFeed.start,
            self.context.db,
            self.context.actor,
            lot,
            Path(path),
            on_done=self._started,
            on_error=self.refused.emit,
            owner=self.owner,
        )

    def _started(self, feed: Any) -> None:
        self.feed = feed
        self._stop_asked = False
        self.timer.start()
        # a panel closed while following (another user logs in) still ends the capture
        tasks = self.context.tasks
        self.owner.destroyed.connect(lambda *_: tasks.run(feed.stop, on_error=lambda _e: None))
        self.started.emit(feed.path.name)
        self.poll()

    def poll(self) -> None:
        if self.feed is None or self._polling or self.held:
            return
        self._polling = True
        self.context.tasks.run(
            self.feed.poll, on_done=self._polled, on_error=self._poll_failed, owner=self.owner
        )

    def _polled(self, update: Any) -> None:
        self._polling = False
        self.polled.emit(update)
        if self._stop_asked:
            self.stop()

    def _poll_failed(self, error: BaseException) -> None:
        self._polling = False
        self.stop(quiet=True)
        self.failed.emit(error)

    def stop(self, quiet: bool = False) -> None:
        feed = self.feed
        if feed is None:
            return
        if self._polling:  # the poll in flight finishes first
            self._stop_asked = True
            return
        self.timer.stop()
        self.feed = None
        self._stop_asked = False
        self.context.tasks.run(feed.stop, on_error=self.failed.emit, owner=self.owner)
        if not quiet:
            self.stopped.emit(feed.path.name)
