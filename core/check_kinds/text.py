"""Free text, kept as typed (Unicode NFC, spaces folded) and never judged; a barcode may fill it
only when the template says ``accepts_scan = true``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind
from core.i18n import N_, _

if TYPE_CHECKING:
    from core.templates.model import CheckDef


class Text(CheckKind):
    name = "text"
    words = N_("text")
    own_keys = frozenset({"accepts_scan"})

    def entry_hint(self, check: Any) -> str:
        return _("text or a scanned label") if getattr(check, "accepts_scan", False) else _("text")

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        return "sample"


KIND = Text()
