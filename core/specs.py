"""Evaluating a recorded value against its specification, and describing a spec in words.

Numbers are rounded with ``values.round_for_comparison`` (USP General Notices) before they are
compared. Action limits are checked before alert limits. Every verdict carries the rule that decided
it, written so that a technician and a reviewer can read why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.i18n import _
from core.rule_words import (
    ABOVE_ACTION,
    ABOVE_ALERT,
    ACCEPTED,
    AS_EXPECTED,
    BELOW_ACTION,
    BELOW_ALERT,
    FREE_TEXT,
    NO_SPEC,
    NOT_ABOVE_ACTION,
    NOT_ACCEPTED,
    NOT_BELOW_ACTION,
    NOT_EXPECTED,
    OR_LIST,
    RANGE,
    SCAN_REPORT,
    WITHIN,
    WITHIN_ALERT,
)
from core.states import Verdict
from core.values import ParsedValue, format_number, round_for_comparison


@dataclass(frozen=True)
class Spec:
    lower: Decimal | None = None  # action limits: beyond them = out of spec
    upper: Decimal | None = None
    lower_inclusive: bool = True  # True: value == lower passes (≥); False: value must be > lower
    upper_inclusive: bool = True  # True: ≤ upper; False: < upper (e.g. VCN "< 5")
    alert_lower: Decimal | None = None  # alert limits, inside the action range
    alert_upper: Decimal | None = None
    target: Decimal | None = None
    expected: str | None = None  # passfail: "pass" or "fail"
    accepted: tuple[str, ...] = ()  # choice: accepted options
    text: str | None = None  # the spec as written in the reference, free text

    def __post_init__(self) -> None:
        if self.expected not in (None, "pass", "fail"):
            raise ValueError(f"Spec.expected must be 'pass' or 'fail', not {self.expected!r}")

    @property
    def has_limits(self) -> bool:
        """True when the spec has at least one numeric action or alert limit."""
        limits = (self.lower, self.upper, self.alert_lower, self.alert_upper)
        return any(limit is not None for limit in limits)


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    rule: str  # the rule that decided, in words
    limit: Decimal | None  # the limit that decided, if any
    limit_kind: str | None  # "action" | "alert" | None
    compared: Decimal | None  # the (rounded) number that was compared


def evaluate(
    value: ParsedValue,
    spec: Spec | None,
    *,
    precision: int | None = None,
    notation: str = "fixed",
    pass_label: str = "Pass",
    fail_label: str = "Fail",
) -> Evaluation:
    """Judge ``value`` against ``spec``: PASS, ALERT, OOS, or REPORT when nothing is judged.

    The rule is stored with the result (core/services/result_writes.py), so it is written in the
    canonical language, never the reader's (core/i18n.py)."""
    if value.kind == "number" and value.number is not None:
        return _evaluate_number(value.number, value.unit, spec, precision, notation)
    if value.kind == "passfail":
        if spec is None or spec.expected is None:
            return _report(NO_SPEC)
        labels = {"pass": pass_label, "fail": fail_label}
        result = labels.get(value.text or "", value.text or "")
        if value.text == spec.expected:
            return Evaluation(Verdict.PASS, AS_EXPECTED.format(result=result), None, None, None)
        rule = NOT_EXPECTED.format(result=result, expected=labels[spec.expected])
        return Evaluation(Verdict.OOS, rule, None, None, None)
    if value.kind == "choice":
        if spec is None or not spec.accepted:
            return _report(NO_SPEC)
        if (value.text or "").casefold() in {a.casefold() for a in spec.accepted}:
            rule = ACCEPTED.format(result=value.text)
            return Evaluation(Verdict.PASS, rule, None, None, None)
        rule = NOT_ACCEPTED.format(result=value.text, accepted=_or_list(spec.accepted))
        return Evaluation(Verdict.OOS, rule, None, None, None)
    if value.kind == "scan":
        return _report(SCAN_REPORT)
    return _report(FREE_TEXT)


def describe(
    spec: Spec | None,
    unit: str | None,
    *,
    precision: int | None = None,
    notation: str = "fixed",
    pass_label: str = "Pass",
    fail_label: str = "Fail",
) -> str:
    """The spec in words: "≥ 70 %", "70.0 – 100.0 %", "> 0 and < 5 copies/cell", "Negative" ...,
    in the reader's language (the evaluation's ``rule``, which is stored, stays canonical)."""
    if spec is None:
        return _("report only")

    def qty(limit: Decimal) -> str:
        return _quantity(limit, unit, precision, notation)

    parts = []
    action = _action_range(spec, unit, precision, notation, say=_)
    if action:
        parts.append(action)
    if spec.alert_lower is not None and spec.alert_upper is not None:
        parts.append(
            _("alert below {lower} or above {upper}").format(
                lower=qty(spec.alert_lower), upper=qty(spec.alert_upper)
            )
        )
    elif spec.alert_lower is not None:
        parts.append(_("alert below {limit}").format(limit=qty(spec.alert_lower)))
    elif spec.alert_upper is not None:
        parts.append(_("alert above {limit}").format(limit=qty(spec.alert_upper)))
    if spec.target is not None:
        parts.append(_("target {limit}").format(limit=qty(spec.target)))
    if spec.expected is not None:
        parts.append(pass_label if spec.expected == "pass" else fail_label)
    if spec.accepted:
        parts.append(_or_list(spec.accepted, say=_))
    if not parts:
        return spec.text or _("report only")
    return "; ".join(parts)


def _evaluate_number(
    number: Decimal, unit: str | None, spec: Spec | None, precision: int | None, notation: str
) -> Evaluation:
    compared = round_for_comparison(number, precision, notation)
    if spec is None or not spec.has_limits:
        return Evaluation(Verdict.REPORT, NO_SPEC, None, None, compared)

    def qty(limit: Decimal) -> str:
        return _quantity(limit, unit, precision, notation)

    def num(limit: Decimal) -> str:
        return _limit_text(limit, precision, notation)

    def out(rule: str, limit: Decimal, kind: str) -> Evaluation:
        verdict = Verdict.OOS if kind == "action" else Verdict.ALERT
        return Evaluation(verdict, rule, limit, kind, compared)

    lower, upper = spec.lower, spec.upper
    if lower is not None:
        if spec.lower_inclusive and compared < lower:
            return out(BELOW_ACTION.format(limit=qty(lower)), lower, "action")
        if not spec.lower_inclusive and compared <= lower:
            rule = NOT_ABOVE_ACTION.format(limit=qty(lower), number=num(lower))
            return out(rule, lower, "action")
    if upper is not None:
        if spec.upper_inclusive and compared > upper:
            return out(ABOVE_ACTION.format(limit=qty(upper)), upper, "action")
        if not spec.upper_inclusive and compared >= upper:
            rule = NOT_BELOW_ACTION.format(limit=qty(upper), number=num(upper))
            return out(rule, upper, "action")
    if spec.alert_lower is not None and compared < spec.alert_lower:
        rule = BELOW_ALERT.format(limit=qty(spec.alert_lower))
        return out(rule, spec.alert_lower, "alert")
    if spec.alert_upper is not None and compared > spec.alert_upper:
        rule = ABOVE_ALERT.format(limit=qty(spec.alert_upper))
        return out(rule, spec.alert_upper, "alert")
    action = _action_range(spec, unit, precision, notation)
    rule = WITHIN.format(limits=action) if action else WITHIN_ALERT
    return Evaluation(Verdict.PASS, rule, None, None, compared)


def _canonical(message: str) -> str:
    """A sentence as written: the evaluation's rule is stored with the result (core/i18n.py)."""
    return message


def _action_range(
    spec: Spec,
    unit: str | None,
    precision: int | None,
    notation: str,
    say: Callable[[str], str] = _canonical,
) -> str:
    """The action limits alone: "≥ 70 %", "70.0 – 100.0 %", "> 0 and < 5 copies/cell", or "".
    ``say``: ``_`` for the reader's language (``describe``), else canonical (a stored rule)."""
    suffix = f" {unit}" if unit else ""
    lower = None if spec.lower is None else _limit_text(spec.lower, precision, notation)
    upper = None if spec.upper is None else _limit_text(spec.upper, precision, notation)
    lower_op = "≥" if spec.lower_inclusive else ">"
    upper_op = "≤" if spec.upper_inclusive else "<"
    if lower is not None and upper is not None:
        if spec.lower_inclusive and spec.upper_inclusive:
            return f"{lower} – {upper}{suffix}"
        return say(RANGE).format(
            lower_op=lower_op, lower=lower, upper_op=upper_op, upper=upper, suffix=suffix
        )
    if lower is not None:
        return f"{lower_op} {lower}{suffix}"
    if upper is not None:
        return f"{upper_op} {upper}{suffix}"
    return ""


def _limit_text(limit: Decimal, precision: int | None, notation: str) -> str:
    """A limit at the field's precision, unless rounding would change it: then as written."""
    if round_for_comparison(limit, precision, notation) != limit:
        return format_number(limit, None, notation)
    return format_number(limit, precision, notation)


def _quantity(limit: Decimal, unit: str | None, precision: int | None, notation: str) -> str:
    text = _limit_text(limit, precision, notation)
    return f"{text} {unit}" if unit else text


def _or_list(options: Sequence[str], say: Callable[[str], str] = _canonical) -> str:
    if len(options) <= 1:
        return "".join(options)
    first = ", ".join(options[:-1])
    return say(OR_LIST).format(first=first, last=options[-1])


def _report(rule: str) -> Evaluation:
    return Evaluation(Verdict.REPORT, rule, None, None, None)
