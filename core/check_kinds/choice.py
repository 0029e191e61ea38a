"""One of the template's listed answers ("Clear", "Slightly opalescent"), some of them accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind
from core.i18n import N_

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class Choice(CheckKind):
    name = "choice"
    words = N_("one of the listed answers")
    own_keys = frozenset({"choices"})
    spec_keys = frozenset({"accepted"})

    def entry_hint(self, check: Any) -> str:
        return " / ".join(check.choices)

    def completions(self, check: Any) -> tuple[str, ...]:
        return tuple(check.choices)

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        spec = check.spec
        options = (spec.accepted if spec and spec.accepted else ()) or check.choices
        return options[0] if options else None


KIND = Choice()
