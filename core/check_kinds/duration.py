"""A duration (a hold time, a time out of the freezer, collection to receipt), typed as a person
says it: "2 h 30 min", "2:30", "150 min", "2,5 h", or a plain number in the check's unit. Stored
as a number in the check's unit (h or min), judged against its limits as any number is."""

from __future__ import annotations

import re
from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind, number_sample, number_shown
from core.errors import InvalidValue
from core.i18n import N_, _
from core.values import ParsedValue, parse_number

if TYPE_CHECKING:
    from core.templates.model import CheckDef

_CLOCK = re.compile(r"(?P<h>[0-9]+)\s*:\s*(?P<m>[0-5][0-9])")
_PART = re.compile(
    r"\s*(?P<n>[0-9]+(?:[.,][0-9]+)?)\s*"
    r"(?P<u>hours|hour|hrs|hr|h|minutes|minute|mins|min)(?![a-z])\s*",
    re.IGNORECASE,
)
_MINUTES = {"h": 60, "min": 1}
_DIGITS = Context(prec=12)  # as calculated values: 2 h 10 min is 2.16666666667 h


def _minutes_typed(text: str, decimal_mark: str) -> Decimal | None:
    """Minutes in "h:mm" or in "<n> h <n> min" (any order, any of the two); None otherwise."""
    clock = _CLOCK.fullmatch(text.strip())
    if clock:
        return Decimal(clock["h"]) * 60 + Decimal(clock["m"])
    parts = list(_PART.finditer(text))
    if not parts or "".join(p.group(0) for p in parts) != text:
        return None
    total = Decimal(0)
    for part in parts:
        amount = parse_number(part["n"], decimal_mark=decimal_mark)
        total += amount * (60 if part["u"].lower().startswith("h") else 1)
    return total


class Duration(CheckKind):
    name = "duration"
    words = N_("duration")
    own_keys = frozenset({"unit", "precision"})
    spec_keys = frozenset(
        {"lower", "upper", "lower_inclusive", "upper_inclusive", "alert_lower", "alert_upper"}
        | {"target"}
    )
    numeric = True
    unit_required = True
    units = ("h", "min")

    def parse(self, check: CheckDef, text: str, decimal_mark: str = "auto") -> ParsedValue:
        unit = check.unit or "min"
        if not text.strip():
            raise InvalidValue(
                _("Nothing was entered. Type a duration, e.g. 2 h 30 min, 2:30, 150 min or 2,5 h.")
            )
        minutes = _minutes_typed(text, decimal_mark)
        if minutes is not None:
            value = (minutes / _MINUTES[unit]).normalize(_DIGITS)
        else:
            try:
                value = parse_number(text, unit, decimal_mark=decimal_mark)
            except InvalidValue:
                raise InvalidValue(
                    _(
                        "'{text}' is not a duration. Type a duration, e.g. 2 h 30 min, 2:30, "
                        "150 min or 2,5 h."
                    ).format(text=text.strip())
                ) from None
        if value < 0:
            raise InvalidValue(
                _(
                    "A duration cannot be negative ('{text}'). Type a duration, e.g. 2 h 30 min, "
                    "2:30, 150 min or 2,5 h."
                ).format(text=text.strip())
            )
        return ParsedValue(text, "number", value, None, unit)

    def shown(self, check: Any, value: str) -> str:
        return number_shown(check, value)

    def entry_hint(self, check: Any) -> str:
        return _("duration in {unit}, e.g. 2 h 30 min or 2:30").format(unit=check.unit)

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        return number_sample(check)


KIND = Duration()
