"""A number with its unit, judged against limits (action and alert), a target, a plausible range."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind, number_sample, number_shown
from core.i18n import N_, _

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class Number(CheckKind):
    name = "number"
    words = N_("number")
    own_keys = frozenset(
        {"unit", "precision", "notation", "decimal_mark", "calc", "measures", "consumes", "counts"}
    )
    spec_keys = frozenset(
        {"lower", "upper", "lower_inclusive", "upper_inclusive", "alert_lower", "alert_upper"}
        | {"target"}
    )
    numeric = True
    unit_required = True

    def shown(self, check: Any, value: str) -> str:
        return number_shown(check, value)

    def entry_hint(self, check: Any) -> str:
        return _("number in {unit}").format(unit=check.unit) if check.unit else _("number")

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        return number_sample(check)


KIND = Number()
