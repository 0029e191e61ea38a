"""Every action the core writes to the audit trail has words a reviewer reads."""

from __future__ import annotations

import re
from pathlib import Path

from core.audit_text import ACTION_WORDS, action_words

CORE = Path(__file__).resolve().parents[2] / "core"
WRITTEN = re.compile(r"\baudit\(\s*\"([a-z_]+\.[a-z_]+)\"")


def _written_actions() -> set[str]:
    """The codes written literally (uow.audit("x.y", …)), those of entries by kind, and those
    verify requires a seal for."""
    from core.services.result_writes import _ACTIONS
    from core.services.trail_verification import MUST_SEAL

    found: set[str] = set(_ACTIONS.values()) | set(MUST_SEAL)
    for path in CORE.rglob("*.py"):
        found |= set(WRITTEN.findall(path.read_text("utf-8")))
    return found


def test_every_action_written_has_words():
    written = _written_actions()
    assert {"result.record", "signature.sign", "setting.change"} <= written  # the scan works
    assert sorted(written - ACTION_WORDS.keys()) == []


def test_an_unknown_action_shows_as_its_code():
    assert action_words("result.record") == "value recorded"
    assert action_words("future.thing") == "future.thing"
