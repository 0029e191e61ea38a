"""A template check described in words: its spec (and what a scan must match), when it applies,
how a calculated value is computed, a value as shown, and the caveat on an example limit."""

from __future__ import annotations

from functools import reduce

from core.calculations import CALCULATIONS
from core.check_kinds import kind_of
from core.i18n import _
from core.number_display import with_shown_mark
from core.templates.model import CheckDef, TemplateDef, example_tags
from core.values import format_number


def display_value(check: CheckDef, value: str) -> str:
    """A stored value as a person reads it ("2.60×10⁹ cells", "No growth"), a number with the
    decimal mark shown now (core.number_display)."""
    kind = kind_of(check)
    shown = kind.shown(check, value)
    return with_shown_mark(shown) if kind.numeric else shown


def formula_text(check: CheckDef) -> str | None:
    if not check.derived or check.calc is None:
        return None
    calc = CALCULATIONS[check.calc]
    parts = []
    for ref in check.inputs:
        parts.append(
            f"{ref.param} = {ref.check_id}" if ref.check_id else f"{ref.param} = {ref.constant}"
        )
    return f"{calc.formula}; " + ", ".join(parts)


def spec_text(check: CheckDef) -> str:
    """The spec in words, including what a scan must match (numbers with the mark shown now)."""
    kind = kind_of(check)
    words = kind.spec_words(check)
    return with_shown_mark(words) if kind.numeric else words


def condition_text(tdef: TemplateDef, check: CheckDef) -> str | None:
    """When a check applies, in words: "CART-IPC-10-WEIGHT (Patient body weight) ≤ 50 kg"."""
    cond = check.applies_when
    if cond is None:
        return None
    other = tdef.check(cond.check_id)
    head = f"{other.id} ({other.name})"
    if cond.values:
        shown = [display_value(other, v) for v in cond.values]
        # Translators: two of the values a check may have ("Fresh or Cryopreserved"); repeated
        # for three or more ("A or B or C")
        either = reduce(lambda a, b: _("{one} or {other}").format(one=a, other=b), shown)
        return _("{check} is {values}").format(check=head, values=either)
    unit = f" {other.unit}" if other.unit else ""
    above = f"{format_number(cond.above)}{unit}" if cond.above is not None else None
    at_most = f"{format_number(cond.at_most)}{unit}" if cond.at_most is not None else None
    if above is not None and at_most is not None:
        return _("{check} > {above} and ≤ {at_most}").format(
            check=head, above=above, at_most=at_most
        )
    if above is not None:
        return f"{head} > {above}"
    return f"{head} ≤ {at_most}"


def caveat_text(check: CheckDef) -> str:
    tags = "".join(example_tags(check.source))
    return _(
        "{tags} example limit: not yet confirmed by the site's QA (template not approved)"
    ).format(tags=tags)
