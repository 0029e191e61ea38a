"""A stored rule (canonical English, a point as decimal mark) shown in the reader's words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from core.i18n import in_language, set_language
from core.number_display import set_site_mark
from core.rule_words import RULES, rule_words
from core.specs import Spec, evaluate
from core.values import parse_value


def _rule(raw: str, spec: Spec | None, *, kind="number", unit="%", **kw) -> str:
    return evaluate(parse_value(raw, kind=kind, unit=unit, **kw), spec, precision=1).rule


VIABILITY = Spec(lower=Decimal("70"), alert_lower=Decimal("80"))
STORED = {
    "oos": _rule("62.5", VIABILITY),
    "alert": _rule("75.5", VIABILITY),
    "within": _rule("85.5", VIABILITY),
    "range": _rule("3.5", Spec(lower=Decimal("0"), upper=Decimal("5"), lower_inclusive=False)),
    "not below": _rule("5", Spec(upper=Decimal("5"), upper_inclusive=False)),
    "no spec": _rule("85.5", None),
    "pass": _rule("pass", Spec(expected="pass"), kind="passfail", unit=None),
    "fail": _rule("fail", Spec(expected="pass"), kind="passfail", unit=None),
    "choice": _rule(
        "Thawed", Spec(accepted=("Fresh", "Cryopreserved", "Frozen")), kind="choice", unit=None,
        choices=("Fresh", "Cryopreserved", "Frozen", "Thawed"),
    ),
    "equipment": "BSC-01 (Class II cabinet), biosafety cabinet in service, next due 2027-01-31",
    "scan": "match: scanned code equals the value recorded for CART-IPC-00-COI",
}  # fmt: skip


# data inside the rules: choices, the template's pass/fail labels, an equipment name, ids
DATA = {"thawed", "fresh", "cryopreserved", "frozen", "pass", "fail", "class", "cabinet", "bsc"}
DATA |= {"cart", "ipc", "coi"}


def test_the_stored_rules_are_canonical_english():
    assert STORED["oos"] == "below 70.0 % (action limit)"
    assert STORED["within"] == "within ≥ 70.0 %"
    assert STORED["range"] == "within > 0.0 and ≤ 5.0 %"
    assert STORED["choice"] == "result Thawed, accepted: Fresh, Cryopreserved or Frozen"
    for rule in STORED.values():
        assert rule_words(rule) == rule  # an English reader reads it as stored


@pytest.mark.parametrize("name", sorted(STORED))
def test_every_stored_rule_reads_in_the_readers_language(name):
    rule = STORED[name]
    with in_language("pseudo"):
        shown = rule_words(rule)
    # every word of the sentence went through the catalogue (accented); what stays is data
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", shown)}
    assert shown.startswith("[") and words <= DATA, shown
    with in_language("de"):
        german = rule_words(rule)
    assert german != rule
    assert not {"below", "above", "within", "limit", "result", "expected", "scanned"} & set(
        re.findall(r"[a-z]+", german)
    ), german


def test_numbers_take_the_readers_decimal_mark_and_kinds_their_words():
    with in_language("de"):
        assert "70,0 %" in rule_words(STORED["oos"])
        assert "Sicherheitswerkbank in Betrieb" in rule_words(STORED["equipment"])
        assert "2027-01-31" in rule_words(STORED["equipment"])  # a date stays ISO
    set_site_mark("comma")
    set_language("en")
    assert rule_words(STORED["within"]) == "within ≥ 70,0 %"


def test_a_rule_no_sentence_matches_is_shown_as_stored():
    with in_language("ko"):
        assert rule_words("calculated by an older version") == "calculated by an older version"
        assert rule_words("") == ""


def test_the_more_specific_sentence_is_tried_first():
    assert len(set(RULES)) == len(RULES)
    with in_language("pseudo"):
        accepted = rule_words("result Fresh, accepted")
        choice = rule_words(STORED["choice"])
    assert "Fresh" in accepted and "Cryopreserved" in choice and "Frozen" in choice
