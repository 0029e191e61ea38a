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


def test_a_change_reads_field_by_field_changed_fields_first():
    from core.audit_text import change_rows

    old = '{"role":"technician","active":true,"full_name":"Tess T"}'
    new = '{"role":"supervisor","active":true,"full_name":"Tess T","note":"promoted"}'
    assert change_rows(old, new) == [
        ("role", "technician", "supervisor", True),
        ("note", "—", "promoted", True),
        ("active", "true", "true", False),
        ("full_name", "Tess T", "Tess T", False),
    ]
    assert change_rows(None, '{"lot":"CT-1"}') == [("lot", "—", "CT-1", True)]
    assert change_rows('"7.1"', '"7.2"') == [("value", "7.1", "7.2", True)]
    assert change_rows("not json", None) == [("value", "not json", "—", True)]
    assert change_rows(None, None) == []
