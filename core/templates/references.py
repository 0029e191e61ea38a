"""Resolving what a template check refers to, per instance of a repeated step: the inputs of a
derived check, what a scan must equal (``expect``) and when a check applies (``applies_when``).

Used by the loader (``core.templates.loader``) once every id is claimed; every doubtful reference
is refused at its line with ``TemplateInvalid``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.calculations import CALCULATIONS
from core.check_kinds.scan import EQUIPMENT_PREFIX, MATERIAL_PREFIX
from core.i18n import _
from core.states import EquipmentType
from core.templates import fields as read
from core.templates.locate import Where
from core.templates.model import CheckDef, Condition, InputRef

_SCAN_TYPES = ("text", "scan", "choice")  # what a scan may be compared with
_MATERIAL_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}")


@dataclass
class Proto:
    """A check as written in the file, validated, before expansion and input resolution."""

    where: Where
    fields: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)
    expect: str | None = None
    condition: dict[str, Any] | None = None
    consumes: str | None = None  # a material scan whose lot this quantity is taken from


@dataclass
class RawStep:
    where: Where
    base_id: str
    fields: dict[str, Any]
    instances: list[tuple[str, int] | None]
    unit: str | None
    checks: list[Proto]
    is_release: bool

    def base_ids(self) -> set[str]:
        return {p.fields["base_id"] for p in self.checks}


class References:
    """The ids claimed in a template, with their types, and the rules of referring to them."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}  # expanded check id -> type
        self.choices: dict[str, tuple[str, ...]] = {}  # expanded check id -> its choices
        self.base_of: dict[str, str] = {}  # expanded check id -> its id as written
        self.conditional: set[str] = set()  # ids as written of checks that have applies_when
        self.repeated: dict[str, str] = {}  # base id of a repeated check -> its first instance id
        self.expects: dict[str, str | None] = {}  # expanded check id -> its expect as written
        self.autologous = False

    def instance(self, proto: Proto, step: RawStep, index: int, step_id: str) -> CheckDef:
        inst = step.instances[index]
        base = proto.fields["base_id"]
        inputs = tuple(
            self.input(proto, step, index, param, proto.inputs[param])
            for param in (CALCULATIONS[proto.fields["calc"]].params if proto.fields["calc"] else ())
        )
        expect = proto.expect
        if expect is not None:
            expect = self.expect(proto, step, index, expect)
        consumes = None
        if proto.consumes is not None:
            consumes = self.consumes(proto, step, index, proto.consumes)
        own = f"{base}-{inst[0]}" if inst else base
        return CheckDef(
            id=own,
            step_id=step_id,
            expect=expect,
            consumes=consumes,
            inputs=inputs,
            applies_when=self.condition(proto, step, index, own),
            instance=inst[0] if inst else None,
            **proto.fields,
        )

    def input(self, proto: Proto, step: RawStep, index: int, param: str, value: Any) -> InputRef:
        w = proto.where
        if isinstance(value, dict):
            if value["prev"] not in step.base_ids() or step.instances[0] is None:
                w.fail(
                    _(
                        "input {param}: prev must name a check of this repeated step ({step})"
                    ).format(param=param, step=step.base_id),
                    "inputs",
                    param,
                )
            if index > 0:
                previous = step.instances[index - 1]
                if previous is None:  # cannot be: a repeated step labels every instance
                    raise RuntimeError(f"step {step.base_id} has an instance without a label")
                return InputRef(param, check_id=f"{value['prev']}-{previous[0]}")
            value = value["first"]
        if not isinstance(value, str):
            return InputRef(param, constant=read.number(value, w, "inputs", param))
        ident = self.resolve(value, proto, step, index, ("inputs", param))
        if self.types[ident] != "number":
            w.fail(
                _("input {param} = {id} is a {type} check; it must be a number").format(
                    param=param, id=ident, type=self.types[ident]
                ),
                "inputs",
                param,
            )
        return InputRef(param, check_id=ident)

    def expect(self, proto: Proto, step: RawStep, index: int, expect: str) -> str:
        if expect == "coi":
            if not self.autologous:
                proto.where.fail(
                    _('expect = "coi" needs autologous = true in [template]'), "expect"
                )
            return expect
        if expect.startswith(MATERIAL_PREFIX):
            code = expect[len(MATERIAL_PREFIX) :].strip().upper()
            if not _MATERIAL_CODE.fullmatch(code):
                proto.where.fail(
                    _(
                        'expect = "material:CODE" needs a material code (letters, digits, - . _; '
                        "at most 32)"
                    ),
                    "expect",
                )
            return MATERIAL_PREFIX + code
        if expect.startswith(EQUIPMENT_PREFIX):
            kind = expect[len(EQUIPMENT_PREFIX) :].strip().lower()
            if kind not in {t.value for t in EquipmentType}:
                choices = ", ".join(t.value for t in EquipmentType)
                proto.where.fail(
                    _(
                        "expect = \"equipment:TYPE\": '{kind}' is not a type of equipment; "
                        "use one of {choices}"
                    ).format(kind=kind, choices=choices),
                    "expect",
                )
            return EQUIPMENT_PREFIX + kind
        if not expect.startswith("check:"):
            proto.where.fail(
                _('expect must be "coi", "check:CHECK-ID", "material:CODE" or "equipment:TYPE"'),
                "expect",
            )
        ident = self.resolve(expect[6:], proto, step, index, ("expect",))
        inst = step.instances[index]
        own = f"{proto.fields['base_id']}-{inst[0]}" if inst else proto.fields["base_id"]
        if self.types[ident] not in _SCAN_TYPES or ident == own:
            proto.where.fail(
                _("expect names {id}; it must be another text, scan or choice check").format(
                    id=ident
                ),
                "expect",
            )
        return f"check:{ident}"

    def consumes(self, proto: Proto, step: RawStep, index: int, ref: str) -> str:
        ident = self.resolve(ref, proto, step, index, ("consumes",))
        written = (self.expects.get(ident) or "").strip().lower()
        if self.types[ident] != "scan" or not written.startswith(MATERIAL_PREFIX):
            proto.where.fail(
                _(
                    "consumes names {id}; it must be the scan of a material lot "
                    '(expect = "material:CODE") that this quantity is taken from'
                ).format(id=ident),
                "consumes",
            )
        return ident

    def condition(self, proto: Proto, step: RawStep, index: int, own: str) -> Condition | None:
        raw = proto.condition
        if raw is None:
            return None
        w = proto.where.sub("applies_when")
        ident = self.resolve(raw["check"], proto, step, index, ("applies_when", "check"))
        if ident == own or self.base_of[ident] in self.conditional:
            w.fail(
                _(
                    "applies_when names {id}, which has its own applies_when (or is this check); "
                    "a condition must rest on a check that always applies"
                ).format(id=ident),
                "check",
            )
        kind = self.types[ident]
        if "is" in raw:
            values = raw["is"]
            if kind == "number":
                w.fail(
                    _("{id} is a number check: use above / at_most, not is").format(id=ident), "is"
                )
            if kind == "passfail" and not set(values) <= {"pass", "fail"}:
                w.fail(_('{id} is a pass/fail check: is = "pass" or "fail"').format(id=ident), "is")
            if kind == "choice" and not set(values) <= set(self.choices[ident]):
                w.fail(_("applies_when.is must list choices of {id}").format(id=ident), "is")
            return Condition(ident, values=values)
        if kind != "number":
            w.fail(
                _('{id} is a {type} check: use is = ["…"], not above / at_most').format(
                    id=ident, type=kind
                ),
                "check",
            )
        return Condition(ident, above=raw.get("above"), at_most=raw.get("at_most"))

    def resolve(self, ref: str, proto: Proto, step: RawStep, index: int, keys: tuple) -> str:
        inst = step.instances[index]
        if inst and ref in step.base_ids():
            return f"{ref}-{inst[0]}"
        if ref in self.types and ref not in self.repeated:
            return ref
        if ref in self.repeated:
            proto.where.fail(
                _("{id} is a check of a repeated step; name one instance, e.g. {first}").format(
                    id=ref, first=self.repeated[ref]
                ),
                *keys,
            )
        proto.where.fail(_("{id} is not a check in this template").format(id=ref), *keys)
