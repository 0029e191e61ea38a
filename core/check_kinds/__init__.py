"""The kinds of check a template may declare (``type = "…"``), one module each; everything that
differs between kinds is asked of the kind, never decided by comparing a type's name.

Adding a kind: one module with a ``CheckKind`` subclass (see base.py) and its tests, and one line
in KINDS below."""

from __future__ import annotations

from typing import Any

from core.check_kinds import choice, duration, number, passfail, scan, text
from core.check_kinds.base import CheckKind

KINDS: dict[str, CheckKind] = {
    kind.name: kind
    for kind in (number.KIND, passfail.KIND, text.KIND, choice.KIND, scan.KIND, duration.KIND)
}
# every key that only some kinds take, with the kinds that take it
OWN_KEYS: dict[str, tuple[str, ...]] = {}
for _kind in KINDS.values():
    for _key in sorted(_kind.own_keys):
        OWN_KEYS[_key] = (*OWN_KEYS.get(_key, ()), _kind.name)


def kind_of(check: Any) -> CheckKind:
    """The kind of a check (a CheckDef or a CheckView), or of a ``type`` name."""
    return KINDS[check if isinstance(check, str) else check.type]


def type_words(name: str) -> str:
    """What a value of the kind ``name`` is, in the reader's words (the name itself for a kind
    this version does not know)."""
    from core.i18n import _

    kind = KINDS.get(name)
    return _(kind.words) if kind is not None else name


__all__ = ["KINDS", "OWN_KEYS", "CheckKind", "kind_of", "type_words"]
