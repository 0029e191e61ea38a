"""A scanned label, compared with what the check expects: the batch's chain-of-identity id, or
the value recorded for another check (``expect``); a mismatch is refused and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class Scan(CheckKind):
    name = "scan"
    words = "a scanned label"
    own_keys = frozenset({"expect"})
    takes_scans = True

    def spec_words(self, check: CheckDef) -> str:
        if check.expect == "coi":
            return "must match the batch's chain-of-identity id"
        if check.expect and check.expect.startswith("check:"):
            return f"must match the value recorded for {check.expect.split(':', 1)[1]}"
        return super().spec_words(check)

    def entry_hint(self, check: Any) -> str:
        what = "the chain-of-identity label" if check.expect == "coi" else "the label"
        return f"scan {what}"

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        if check.expect == "coi":
            return coi
        if check.expect and check.expect.startswith("check:"):
            return recorded.get(check.expect.split(":", 1)[1])
        return "SAMPLE-0001"


KIND = Scan()
