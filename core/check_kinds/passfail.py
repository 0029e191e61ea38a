"""A result read as pass or fail (in the check's own words: "No growth" / "Growth")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind
from core.i18n import N_

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class PassFail(CheckKind):
    name = "passfail"
    words = N_("pass or fail")
    own_keys = frozenset({"pass_label", "fail_label"})
    spec_keys = frozenset({"expected"})

    def shown(self, check: Any, value: str) -> str:
        return check.pass_label if value == "pass" else check.fail_label

    def entry_hint(self, check: Any) -> str:
        return f"{check.pass_label} / {check.fail_label}"

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        spec = check.spec
        return spec.expected if spec and spec.expected else "pass"


KIND = PassFail()
