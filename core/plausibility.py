"""What a number can physically be, before any specification judges it.

A value outside the physical range of its unit (a viability of 105 %, a negative cell density, a
body weight of −70 kg) is not out of specification: it is impossible, and it is refused with the
reason, never recorded. A template may narrow the range of a check (``range = [lo, hi]``); only a
percentage may be widened, where the template says a ratio can exceed 100 % (recovery, step
yield) or a change can be negative (% inhibition).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from core.errors import InvalidValue
from core.i18n import N_, _
from core.values import format_number, same_unit

ABSOLUTE_ZERO_C = Decimal("-273.15")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Range:
    """Inclusive bounds; None is open. ``rule`` says in words why other values are impossible:
    a sentence marked ``N_()`` (ranges are cached), said in the reader's language by ``reason``;
    ``{values}`` in it stands for the range in words."""

    lower: Decimal | None
    upper: Decimal | None
    rule: str

    def reason(self, unit: str | None) -> str:
        """``rule`` in the reader's language."""
        return _(self.rule).format(values=self.words(unit))

    def holds(self, value: Decimal) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        return self.upper is None or value <= self.upper

    def words(self, unit: str | None) -> str:
        suffix = f" {unit}" if unit else ""
        low = None if self.lower is None else format_number(self.lower)
        high = None if self.upper is None else format_number(self.upper)
        if low is not None and high is not None:
            return _("between {low} and {high}{unit}").format(low=low, high=high, unit=suffix)
        if low is not None:
            return _("at least {low}{unit}").format(low=low, unit=suffix)
        if high is not None:
            return _("at most {high}{unit}").format(high=high, unit=suffix)
        return _("any value")


class ImplausibleValue(InvalidValue):
    """A number that its unit (or the template's range) makes impossible; never recorded."""


# Quantities that name their own physical range whatever the unit is written as.
_BY_MEASURE = {
    # from an extremely premature neonate to the heaviest recorded adults
    "body_weight": Range(
        Decimal("0.2"), Decimal(700), N_("a patient's body weight lies between 0.2 and 700 kg")
    ),
}
# Units whose quantity may be negative: no physical bound is assumed.
_SIGNED_UNITS = ("PD", "bar", "mV", "log", "log10", "LRV", "h⁻¹", "d⁻¹")


def _percent(unit: str | None) -> bool:
    return unit is not None and same_unit(unit, "%")


@lru_cache(maxsize=256)
def physical_range(unit: str | None, measures: str | None = None) -> Range | None:
    """The values a quantity in ``unit`` can take at all; None when nothing is known."""
    if measures in _BY_MEASURE:
        return _BY_MEASURE[measures]
    if unit is None:
        return None
    if same_unit(unit, "%"):
        return Range(Decimal(0), HUNDRED, N_("a percentage lies between 0 and 100 %"))
    if same_unit(unit, "pH"):
        return Range(Decimal(0), Decimal(14), N_("a pH lies between 0 and 14"))
    if same_unit(unit, "°C"):
        return Range(ABSOLUTE_ZERO_C, None, N_("no temperature is below absolute zero, −273.15 °C"))
    if any(same_unit(unit, signed) for signed in _SIGNED_UNITS) or unit.startswith("Δ"):
        return None
    # Counts, densities, titers, volumes, masses, concentrations, durations, ratios, rates:
    # every other quantity Lotbook records is an amount, which cannot be negative.
    return Range(
        Decimal(0), None, N_("an amount, count, volume or concentration is never negative")
    )


def effective_range(
    unit: str | None, measures: str | None, template_range: tuple[Decimal, Decimal] | None
) -> Range | None:
    """The physical range narrowed by the template's ``range = [lo, hi]`` (a percentage may be
    widened above 100 % by it)."""
    physical = physical_range(unit, measures)
    if template_range is None:
        return physical
    low, high = template_range
    if physical is not None and not _percent(unit):
        if physical.lower is not None and low < physical.lower:
            low = physical.lower
        if physical.upper is not None and high > physical.upper:
            high = physical.upper
    return Range(low, high, N_("this check takes values {values} (the template's range)"))


def refuse_template_range(
    unit: str | None, measures: str | None, low: Decimal, high: Decimal
) -> str | None:
    """Why a template's ``range = [low, high]`` cannot be: it reaches beyond what is possible
    (a percentage may still go above 100 %). None when it is fine."""
    physical = physical_range(unit, measures)
    if low >= high:
        return _("range must run from a lower to a higher value")
    if physical is None or _percent(unit):
        return None  # a percentage may be a ratio above 100 % or a signed change (inhibition)
    if physical.lower is not None and low < physical.lower:
        return _("range starts below what is possible: {rule}").format(rule=physical.reason(unit))
    if physical.upper is not None and high > physical.upper:
        return _("range ends above what is possible: {rule}").format(rule=physical.reason(unit))
    return None


def check_plausible(
    value: Decimal,
    *,
    name: str,
    unit: str | None,
    measures: str | None = None,
    template_range: tuple[Decimal, Decimal] | None = None,
) -> None:
    """Raise ``ImplausibleValue`` when ``value`` cannot be a real result of this check."""
    allowed = effective_range(unit, measures, template_range)
    if allowed is None or allowed.holds(value):
        return
    shown = format_number(value) + (f" {unit}" if unit else "")
    raise ImplausibleValue(
        _(
            "{name}: {shown} is not possible — {rule}. Check the value and type it again; "
            "nothing was recorded."
        ).format(name=name, shown=shown, rule=allowed.reason(unit))
    )
