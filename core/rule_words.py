"""A result's rule — the words that say why it got its verdict — in the reader's language.

The rule is stored with the result in the canonical language (English, numbers with a point):
core/specs.py, core/services/entry_rules.py and core/records/point_of_use.py compose it from the
sentences below, formatted without translation. A reader is shown the same sentence from the
catalogue, its fields carried over (numbers with the decimal mark shown now, an equipment kind in
the reader's words). A rule no sentence here matches (written by an older version) is shown as
stored."""

from __future__ import annotations

import re
from functools import cache

from core.i18n import N_, SOURCE, _, language
from core.number_display import shown_mark, with_shown_mark
from core.words import EQUIPMENT_TYPE_WORDS

# core/specs.py
NO_SPEC = N_("no specification (report only)")
SCAN_REPORT = N_("scanned code, checked by the step (report only)")
FREE_TEXT = N_("free text, not evaluated (report only)")
AS_EXPECTED = N_("result {result}, as expected")
NOT_EXPECTED = N_("result {result}, expected {expected}")
ACCEPTED = N_("result {result}, accepted")
NOT_ACCEPTED = N_("result {result}, accepted: {accepted}")
BELOW_ACTION = N_("below {limit} (action limit)")
NOT_ABOVE_ACTION = N_("not above {limit} (action limit > {number})")
ABOVE_ACTION = N_("above {limit} (action limit)")
NOT_BELOW_ACTION = N_("not below {limit} (action limit < {number})")
BELOW_ALERT = N_("below {limit} (alert limit)")
ABOVE_ALERT = N_("above {limit} (alert limit)")
WITHIN = N_("within {limits}")
WITHIN_ALERT = N_("within the alert limits")
RANGE = N_("{lower_op} {lower} and {upper_op} {upper}{suffix}")  # limits of both kinds
# Translators: the last two of the values a check accepts ("Fresh or Cryopreserved")
OR_LIST = N_("{first} or {last}")
# core/services/entry_rules.py: a scan, and what it is compared with
SCANNED = N_("scanned; {what}")
MATCH = N_("match: scanned code equals {what}")
RECORDED_VALUE = N_("the value recorded for {ref}")
BATCH_COI = N_("the chain-of-identity id of the batch")
NOTHING_TO_COMPARE = N_("nothing to compare with")
# core/records/point_of_use.py
USE_LOT = N_("lot {lot} of {code} ({name}), released, expires {expiry}")
USE_ITEM = N_("{code} ({name}), {kind} in service")
USE_ITEM_DUE = N_("{code} ({name}), {kind} in service, next due {due}")
USE_OVERRIDE = N_("QA override ({ref}): {refusal}")  # the refusal as kept (canonical)

RULES = (
    NO_SPEC,
    SCAN_REPORT,
    FREE_TEXT,
    AS_EXPECTED,
    NOT_EXPECTED,
    NOT_ACCEPTED,
    ACCEPTED,
    NOT_ABOVE_ACTION,
    NOT_BELOW_ACTION,
    BELOW_ACTION,
    ABOVE_ACTION,
    BELOW_ALERT,
    ABOVE_ALERT,
    WITHIN_ALERT,
    WITHIN,
    MATCH,
    SCANNED,
    USE_LOT,
    USE_ITEM_DUE,
    USE_ITEM,
    USE_OVERRIDE,
)  # fmt: skip  (the more specific sentence of two that could both match comes first)
WHATS = (RECORDED_VALUE, BATCH_COI, NOTHING_TO_COMPARE)
NUMBERS = {"limit", "number", "limits"}  # fields that hold numbers (with their units)
_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _pattern(sentence: str) -> re.Pattern[str]:
    parts, end = [], 0
    for match in _FIELD.finditer(sentence):
        parts.append(re.escape(sentence[end : match.start()]))
        parts.append(f"(?P<{match[1]}>.*?)")
        end = match.end()
    parts.append(re.escape(sentence[end:]))
    return re.compile("".join(parts), re.DOTALL)


def _kind(word: str) -> str:
    """An equipment kind's canonical word in the reader's words."""
    for key, canonical in EQUIPMENT_TYPE_WORDS.raw.items():
        if canonical == word:
            return EQUIPMENT_TYPE_WORDS[key]
    return word


def _shown(sentences: tuple[str, ...], text: str) -> str | None:
    for sentence in sentences:
        match = _pattern(sentence).fullmatch(text)
        if match is None:
            continue
        fields = match.groupdict()
        for name, value in fields.items():
            if name == "limits":
                fields[name] = with_shown_mark(_shown((RANGE,), value) or value)
            elif name in NUMBERS:
                fields[name] = with_shown_mark(value)
            elif name == "kind":
                fields[name] = _kind(value)
            elif name == "accepted":
                fields[name] = _shown((OR_LIST,), value) or value
            elif name == "what":
                fields[name] = _shown(WHATS, value) or value
        return _(sentence).format(**fields)
    return None


def rule_words(rule: str | None) -> str:
    """A stored rule in the reader's words (as stored when it is in none of the sentences)."""
    if not rule:
        return rule or ""
    if language() == SOURCE and shown_mark() == ".":
        return rule
    return _shown(RULES, rule) or rule
