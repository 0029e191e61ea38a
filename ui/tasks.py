"""Running core calls off the GUI thread (QThreadPool), with callbacks back on the GUI thread.

    tasks.run(service_call, arg, on_done=show_result, on_error=show_problem)

A DomainError goes to ``on_error`` (the screen shows it in place); anything unexpected goes to
``on_error`` too when given, and is always logged. Without ``on_error``, the shared error dialog
says what happened.

``quick=True`` marks a call that takes milliseconds on a local database (recording one value on
SQLite: about 1.5 ms). With ``inline_quick`` set (the context sets it for a local SQLite file) such
calls run at once on the GUI thread: a thread hop and a repaint in between would cost more than the
call itself. On a site server (PostgreSQL over the network) every call goes to the pool.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it
if TYPE_CHECKING:
    from typing import Any


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._kwargs, self._relay = fn, args, kwargs, relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # handed to the GUI thread, never lost
            self._relay.failed.emit(error)
        else:
            self._relay.done.emit(result)


def _for_owner(
    owner: QObject, callback: Callable[[Any], None] | None, is_error: bool = False
) -> Callable[[Any], None] | None:
    if callback is None and not is_error:
        return None

    def deliver(value: Any) -> None:
        if shiboken6.isValid(owner) and callback is not None:
            callback(value)

    return deliver


class TaskRunner(QObject):
    """Runs callables on a thread pool; tracks them so tests (and shutdown) can wait."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[_Relay] = set()
        self.inline_quick = False
        self.database_url: str | None = None  # names the file or server in a fault's message

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        quick: bool = False,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> None:
        """``owner``: the widget that asked; if it is gone when the result arrives (screens are
        remade when another user logs in), the callbacks are dropped instead of failing."""
        if owner is not None:
            on_done, on_error = _for_owner(owner, on_done), _for_owner(owner, on_error, True)
        if quick and self.inline_quick:
            self._run_inline(fn, args, kwargs, on_done, on_error)
            return
        relay = _Relay()
        self._running.add(relay)
        if len(self._running) == 1:
            self.busy_changed.emit(True)

        def finished(ok: bool, payload: Any) -> None:
            self._running.discard(relay)
            if not self._running:
                self.busy_changed.emit(False)
            if ok:
                if on_done is not None:
                    on_done(payload)
                return
            payload = self._explained(payload, fn)
            if on_error is not None:
                on_error(payload)
            else:
                from ui.errors import show_error

                show_error(None, payload)

        relay.done.connect(lambda result: finished(True, result))
        relay.failed.connect(lambda error: finished(False, error))
        self._pool.start(_Job(fn, args, kwargs, relay))

    def _run_inline(
        self,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        try:
            result = fn(*args, **kwargs)
        except Exception as failure:  # the same hand-over as from the pool
            error = self._explained(failure, fn)
            if on_error is not None:
                on_error(error)
            else:
                from ui.errors import show_error

                show_error(None, error)
            return
        if on_done is not None:
            on_done(result)

    def _explained(self, error: BaseException, fn: Callable[..., Any]) -> BaseException:
        """A domain refusal as it is; an ordinary fault (full disk, read-only media, busy
        database, server gone) as a one-line DomainError for the screen; anything else logged
        (never raising, even on a full disk) and handed on as it is."""
        from core.errors import DomainError
        from core.faults import classify

        if isinstance(error, DomainError):
            return error
        fault = classify(error, url=self.database_url)
        if fault is not None:
            return fault
        from ui.errors import log_unexpected

        log_unexpected(error, f"in {getattr(fn, '__name__', fn)}")
        return error

    def idle(self) -> bool:
        return not self._running

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is empty (tests, shutdown). Callbacks still need the event loop."""
        return self._pool.waitForDone(msecs)
