"""Check kinds as a registry (core/check_kinds): every kind answers for every check of the
built-in templates; no logic asks a check's type by name; and the duration kind (added as one
module) reads durations as people type them, loads from a template, is judged and recorded."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.check_kinds import KINDS, kind_of
from core.errors import InvalidValue
from core.specs import Verdict
from tests.conftest import USER_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_every_check_of_the_builtin_templates_is_answered_by_its_kind():
    from core.demo.sample_batch import sample_value
    from core.templates import builtin_template_dir
    from core.templates.loader import load_template_file

    for path in sorted(builtin_template_dir().glob("*.toml")):
        tdef = load_template_file(path)
        for check in tdef.checks():
            kind = kind_of(check)
            assert kind.name == check.type and kind.entry_hint(check) and kind.spec_words(check)
            value = sample_value(check, "COI-1", {})
            if value is not None and not check.derived:
                parsed = kind.parse(check, value, "point")
                if not kind.takes_scans:
                    assert kind.judge(check, parsed).verdict in (Verdict.PASS, Verdict.REPORT)


def test_no_logic_asks_a_checks_type_by_name():
    """A new kind is one module: nothing outside core/check_kinds compares ``type`` with a name."""
    asking = re.compile(
        r"""\b(?:\w+\.)?c?type\s*(?:==|!=)\s*["']|c?type\s+(?:not\s+)?in\s+\(["']"""
    )
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in ("core", "cli", "ui")
        for path in (ROOT / folder).rglob("*.py")
        if "check_kinds" not in path.parts
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if asking.search(line)
    ]
    assert found == []


# -- the duration kind ---------------------------------------------------------------------------


class _Check:
    unit, precision, notation, spec = "h", 2, "fixed", None


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("2 h 30 min", "2.5"),
        ("2h30min", "2.5"),
        ("2:30", "2.5"),
        ("150 min", "2.5"),
        ("2,5 h", "2.5"),
        ("2.5", "2.5"),
        ("2.5 h", "2.5"),
        ("45 min", "0.75"),
        ("1 hour 6 minutes", "1.1"),
        ("2 h 10 min", "2.16666666667"),
    ],
)
def test_a_duration_is_read_as_people_type_it(typed, hours):
    parsed = KINDS["duration"].parse(_Check(), typed)
    assert parsed.number == Decimal(hours) and parsed.unit == "h" and parsed.kind == "number"


@pytest.mark.parametrize("typed", ["", "soon", "2 d", "-1 h", "2:75", "h 2"])
def test_what_is_not_a_duration_is_refused_in_words(typed):
    with pytest.raises(InvalidValue, match="duration"):
        KINDS["duration"].parse(_Check(), typed)


def test_a_duration_in_minutes_stays_in_minutes():
    class Minutes(_Check):
        unit = "min"

    assert KINDS["duration"].parse(Minutes(), "1 h 15 min").number == 75
    assert KINDS["duration"].parse(Minutes(), "90").number == 90


DURATION_CHECK = """
[[steps.checks]]
id = "X-IPC-01-HOLD"
name = "Hold time before wash"
type = "duration"
unit = "h"
precision = 1
source = "[T]"
spec = { upper = 4, alert_upper = 3 }
"""


def _template(text: str) -> str:
    from tests.core.test_templates import BASE

    marker = '[[steps]]\nid = "X-S02"'
    return BASE.replace(marker, DURATION_CHECK.lstrip() + "\n" + marker, 1)


def test_a_template_declares_a_duration_check_with_a_time_unit():
    from core.errors import TemplateInvalid
    from core.templates.loader import parse_template

    tdef = parse_template(_template(DURATION_CHECK).encode(), "mini.toml")
    hold = tdef.check("X-IPC-01-HOLD")
    assert kind_of(hold).name == "duration" and hold.spec.upper == 4
    assert kind_of(hold).spec_words(hold) == "≤ 4.0 h; alert above 3.0 h"
    bad = _template(DURATION_CHECK).replace('unit = "h"\nprecision = 1', 'unit = "d"', 1)
    with pytest.raises(TemplateInvalid, match="a duration check's unit is one of h, min"):
        parse_template(bad.encode(), "mini.toml")
    chosen = _template(DURATION_CHECK).replace(
        'precision = 1\nsource = "[T]"\nspec', 'choices = ["a"]\nsource = "[T]"\nspec', 1
    )
    with pytest.raises(TemplateInvalid, match="'choices' is only for choice checks, not duration"):
        parse_template(chosen.encode(), "mini.toml")


def test_a_duration_is_recorded_judged_and_shown(site, admin, people, tmp_path):
    """Through the services, as the bench records it: in spec, then an out-of-spec hold time that
    needs a comment, and the value shown in the check's unit."""
    from core.services import batches, recording
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    text = _template(DURATION_CHECK).replace("autologous = true", "autologous = false", 1)
    path = tmp_path / "mini.toml"
    path.write_text(text, "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], USER_PASSWORD, "mini", 1, "CC-9 hold time check")
    batches.start_batch(site, people["tech"], "mini", "MINI-1")
    outcome = recording.record_value(site, people["tech"], "MINI-1", "X-IPC-01-HOLD", "2 h 30 min")
    current = outcome.entry.current
    assert (current.value, current.verdict, current.display) == ("2.5", "pass", "2.5 h")
    assert current.raw_text == "2 h 30 min"  # what was typed stays on the record
    with pytest.raises(Exception, match="comment or a deviation"):
        recording.correct_value(
            site, people["tech"], "MINI-1", "X-IPC-01-HOLD", "4:30", "misread the timer"
        )
    fixed = recording.correct_value(
        site, people["tech"], "MINI-1", "X-IPC-01-HOLD", "4:30", "misread the timer",
        comment="held longer: the centrifuge was busy",
    )  # fmt: skip
    assert fixed.entry.current.verdict == "oos" and fixed.entry.current.value == "4.5"


def test_no_logic_compares_a_state_with_a_literal_or_a_display_word():
    """States, verdicts, meanings, statuses, dispositions and roles are compared as enums, never
    with a string written in the code, and no code compares with the words people read."""
    from core.words import KEY_STATE_WORDS, STEP_STATE_WORDS

    literal = re.compile(
        r"""\.(?:verdict|meaning|state|status|disposition|role)\s*(?:==|!=)\s*["']"""
        r"""|\.(?:verdict|meaning|state|status|disposition|role)\s+(?:not\s+)?in\s+[(\[{]\s*["']"""
    )
    words = {w for w in (*STEP_STATE_WORDS.values(), *KEY_STATE_WORDS.values()) if " " in w}
    shown = re.compile(r"""(?:==|!=|\bin\s*[(\[{])\s*["'](?:""" + "|".join(words) + r""")["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in ("core", "cli", "ui")
        for path in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if literal.search(line) or shown.search(line)
    ]
    assert found == []


def test_a_kind_is_named_in_the_readers_words():
    from core.check_kinds import KINDS, type_words
    from core.i18n import in_language

    assert type_words("number") == "number" and type_words("scan") == "a scanned label"
    with in_language("de"):
        assert all(type_words(name) != name for name in KINDS)
    assert type_words("future-kind") == "future-kind"  # a kind a newer template names
