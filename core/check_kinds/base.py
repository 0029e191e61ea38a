"""What every kind of check answers, so that nothing else asks a check's ``type`` by name.

A kind reads the text a person typed (or a scanner sent), judges the value against the check's
spec, says the spec and a value in words, says what the entry expects, offers a typical value
for the demo, and names the template keys that only it takes. The loader, the entry rules, the
descriptions, the demo and the screens all ask the registry (core/check_kinds/__init__.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.i18n import _
from core.specs import Evaluation, describe, evaluate
from core.values import ParsedValue, format_number, parse_value

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class CheckKind:
    name: str = ""  # the template's ``type``
    words: str = ""  # what a value of this kind is, for a person (marked N_, shown with _)
    own_keys: frozenset[str] = frozenset()  # template keys only this kind (or kinds) takes
    spec_keys: frozenset[str] = frozenset()  # spec = { … } keys it is judged by, beyond "text"
    numeric: bool = False  # its value is a number (limits, calculations, conditions, ranges)
    unit_required: bool = False
    units: tuple[str, ...] = ()  # the units it may be written in (empty: any)
    takes_scans: bool = False  # a scan check: its value is compared with what is expected

    def parse(self, check: CheckDef, text: str, decimal_mark: str = "auto") -> ParsedValue:
        """The typed text as this kind reads it; ``InvalidValue`` says what to type instead."""
        return parse_value(
            text,
            kind=self.name,
            unit=check.unit,
            choices=check.choices,
            pass_label=check.pass_label,
            fail_label=check.fail_label,
            decimal_mark=decimal_mark,
        )

    def judge(self, check: CheckDef, value: ParsedValue) -> Evaluation:
        """The verdict against the check's spec (a scan's match is judged by the entry rules)."""
        return evaluate(
            value,
            check.spec,
            precision=check.precision,
            notation=check.notation,
            pass_label=check.pass_label,
            fail_label=check.fail_label,
        )

    def spec_words(self, check: CheckDef) -> str:
        """The spec in words: "≥ 70.0 %; alert below 80.0 %", "Pass", "report only"."""
        return describe(
            check.spec,
            check.unit,
            precision=check.precision,
            notation=check.notation,
            pass_label=check.pass_label,
            fail_label=check.fail_label,
        )

    def shown(self, check: Any, value: str) -> str:
        """A stored canonical value as a person reads it."""
        return value

    def entry_hint(self, check: Any) -> str:
        """What the empty entry field says it expects (``check``: a CheckDef or a CheckView)."""
        return _(self.words) if self.words else ""

    def completions(self, check: Any) -> tuple[str, ...]:
        """Words the entry completes as they are typed."""
        return ()

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        """A value that passes the check's spec, for the demo and tests (None: none made up)."""
        return None


def number_shown(check: Any, value: str) -> str:
    text = format_number(Decimal(value), check.precision, check.notation)
    return f"{text} {check.unit}".strip() if check.unit else text


def number_sample(check: CheckDef) -> str:
    """A number inside the check's limits (its target, the middle, or a little past a bound),
    within its plausible range, written at its precision."""
    spec = check.spec
    lo: Decimal | None = None
    hi: Decimal | None = None
    if spec is not None:
        lo = spec.alert_lower if spec.alert_lower is not None else spec.lower
        hi = spec.alert_upper if spec.alert_upper is not None else spec.upper
    if spec and spec.target is not None:
        value = spec.target
    elif lo is not None and hi is not None:
        value = (Decimal(lo) + Decimal(hi)) / 2
    elif lo is not None:
        value = Decimal(lo) * Decimal("1.2") if lo > 0 else Decimal(lo) + 1
    elif hi is not None:
        value = Decimal(hi) / 2 if hi > 0 else Decimal(hi) - 1
    else:
        value = Decimal(10)
    if check.range is not None:
        value = min(max(value, check.range[0]), check.range[1])
    places = check.precision if check.precision is not None else 3
    if check.notation == "sci" or abs(value) >= Decimal("1e6"):
        return f"{value:.{max(places, 2)}e}"
    return f"{value:.{places}f}"
