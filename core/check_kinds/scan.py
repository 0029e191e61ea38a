"""A scanned label, compared with what the check expects: the batch's chain-of-identity id, or
the value recorded for another check (``expect``); a mismatch is refused and audited. A material
lot or an item of equipment scanned at its point of use (``expect = "material:CODE"`` or
``"equipment:TYPE"``) is checked against the site's records (core/records/point_of_use.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.check_kinds.base import CheckKind
from core.i18n import N_, _
from core.words import EQUIPMENT_TYPE_WORDS

if TYPE_CHECKING:
    from core.templates.model import CheckDef


MATERIAL_PREFIX = "material:"  # expect = "material:<CODE>": a lot of that material
EQUIPMENT_PREFIX = "equipment:"  # expect = "equipment:<type>": an item of that type


class Scan(CheckKind):
    name = "scan"
    words = N_("a scanned label")
    own_keys = frozenset({"expect"})
    takes_scans = True

    def spec_words(self, check: CheckDef) -> str:
        if check.material_code:
            return _("a released, in-date lot of material {code}").format(code=check.material_code)
        if check.equipment_type:
            kind = EQUIPMENT_TYPE_WORDS.get(check.equipment_type, check.equipment_type)
            return _(
                "a {kind} in service, its calibration, qualification and maintenance not due"
            ).format(kind=kind)
        if check.expect == "coi":
            return _("must match the batch's chain-of-identity id")
        if check.expect and check.expect.startswith("check:"):
            return _("must match the value recorded for {check}").format(
                check=check.expect.split(":", 1)[1]
            )
        return super().spec_words(check)

    def entry_hint(self, check: Any) -> str:
        expect = check.expect or ""
        if expect.startswith(MATERIAL_PREFIX):
            return _("scan the lot label ({code})").format(code=expect[len(MATERIAL_PREFIX) :])
        if expect.startswith(EQUIPMENT_PREFIX):
            return _("scan the equipment's asset label")
        if expect == "coi":
            return _("scan the chain-of-identity label")
        return _("scan the label")

    def sample(self, check: CheckDef, coi: str | None, recorded: dict[str, str]) -> str | None:
        if check.expect == "coi":
            return coi
        if check.expect and check.expect.startswith("check:"):
            return recorded.get(check.expect.split(":", 1)[1])
        if check.point_of_use:
            return None  # a real lot or asset from the site's records, not an invented one
        return "SAMPLE-0001"


KIND = Scan()
