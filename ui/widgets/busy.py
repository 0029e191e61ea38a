"""Work in progress: a button held while its work runs (disabled, no double submit; the keyboard
focus given back afterwards), and core calls whose results are dropped if the widget that asked
for them is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton

_HAD_FOCUS = "lotbook_had_focus"


def hold(button: QAbstractButton) -> None:
    button.setProperty(_HAD_FOCUS, button.hasFocus())
    button.setEnabled(False)


def release(button: QAbstractButton) -> None:
    button.setEnabled(True)
    if button.property(_HAD_FOCUS):
        button.setProperty(_HAD_FOCUS, False)
        button.setFocus()


def run_for(
    owner: QObject,
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    **kwargs: Any,
) -> None:
    """``owner.context.tasks.run(...)``, with the callbacks dropped if ``owner`` is gone by the
    time the result arrives (screens are remade when another user logs in)."""

    owner.context.tasks.run(fn, *args, on_done=on_done, on_error=on_error, owner=owner, **kwargs)
