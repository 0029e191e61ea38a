"""An audit event's stored old/new values (canonical JSON texts) as words, one way for every
front: the audit-trail screen, its detail pane and the PDF's audit extract."""

from __future__ import annotations

import json
from typing import Any

NOTHING = "—"


def _parse(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_scalar(v)}" for key, v in value.items())
    return _scalar(value)


def change_text(old: str | None, new: str | None) -> str:
    """``old`` and ``new`` in one line: for objects only the keys that changed
    ("status: in_progress → released"), otherwise from → to."""
    before, after = _parse(old), _parse(new)
    if before is None and after is None:
        return ""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
        if not keys:
            return _flat(after)
        return "; ".join(
            f"{k}: {_scalar(before[k]) if k in before else NOTHING} → "
            f"{_scalar(after[k]) if k in after else NOTHING}"
            for k in keys
        )
    if before is None:
        return f"→ {_flat(after)}"
    if after is None:
        return f"{_flat(before)} → removed"
    return f"{_flat(before)} → {_flat(after)}"


def pretty(text: str | None) -> str:
    """A stored old/new text indented for reading (kept as is when it is not JSON)."""
    if text is None:
        return "(nothing)"
    value = _parse(text)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return _scalar(value)
