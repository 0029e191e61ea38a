"""Read process templates (TOML, format in resources/templates/README.md) into ``TemplateDef``.

Everything doubtful is refused with ``TemplateInvalid(file, line, reason)``: a template that loads
is one whose ids, types, specs, sources and derived inputs all make sense together.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from core.check_kinds import KINDS, OWN_KEYS
from core.errors import DomainError, TemplateInvalid
from core.i18n import _
from core.templates import fields as read
from core.templates.channels import measures, parse_channels
from core.templates.custody import parse_custody
from core.templates.locate import Locator, Where, syntax_error_line
from core.templates.model import (
    ATTRIBUTES,
    PRODUCT_FAMILIES,
    CheckDef,
    ProductDef,
    StepDef,
    TemplateDef,
)
from core.templates.references import Proto, RawStep, References
from core.version import app_root

SCHEMA = 1

TOP_KEYS = ("schema", "template", "steps", "release", "channels", "product", "custody")
TEMPLATE_KEYS = ("key", "version", "title", "product_family", "autologous", "description")
STEP_KEYS = ("id", "name", "day", "verify", "source", "description", "repeat", "checks")
RELEASE_KEYS = ("id", "name", "day", "verify", "source", "description", "checks")
CHECK_KEYS = (
    "id",
    "name",
    "type",
    "unit",
    "precision",
    "notation",
    "decimal_mark",
    "method",
    "sample_point",
    "spec",
    "gates_release",
    "verify",
    "required",
    "source",
    "note",
    "choices",
    "pass_label",
    "fail_label",
    "expect",
    "calc",
    "inputs",
    "attribute",
    "pending_allowed",
    "accepts_scan",
    "consumes",
    "counts",
    "measures",
    "range",
    "applies_when",
)


def builtin_template_dir() -> Path:
    """resources/templates of the checkout, or of the PyInstaller bundle when frozen."""
    return app_root() / "resources" / "templates"


TEMPLATE_MAX_BYTES = 4 * 1024 * 1024  # a process template is a few kB of TOML


def load_template_file(path: Path) -> TemplateDef:
    from core.inputs import read_regular_file

    try:  # a regular file only: a folder, a pipe or a device is refused at once, never read
        data = read_regular_file(path, max_bytes=TEMPLATE_MAX_BYTES, done=_("nothing was loaded"))
    except DomainError as exc:  # missing, a folder, a pipe, a device, no permission
        raise TemplateInvalid(
            str(path), None, _("cannot read it: {refusal}").format(refusal=exc)
        ) from None
    return parse_template(data, str(path))


def load_builtin_templates() -> list[TemplateDef]:
    """Every *.toml in the built-in folder, sorted by file name; (key, version) must be unique."""
    templates: list[TemplateDef] = []
    seen: dict[tuple[str, int], str] = {}
    for path in sorted(builtin_template_dir().glob("*.toml")):
        template = load_template_file(path)
        other = seen.setdefault((template.key, template.version), template.source_file)
        if other != template.source_file:
            raise TemplateInvalid(
                template.source_file,
                Locator(path.read_text("utf-8-sig")).line(("template",), "key"),
                _(
                    "{template} is also defined in {other}; give one of them a new key "
                    "or bump its version"
                ).format(template=template.label, other=other),
            )
        templates.append(template)
    return templates


def parse_template(data: bytes, file: str) -> TemplateDef:
    """Validate and expand one template file's bytes; raise TemplateInvalid(file, line, reason)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateInvalid(
            file, line, _("the file is not UTF-8 text; save it as UTF-8")
        ) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at, reason = syntax_error_line(str(exc))
        raise TemplateInvalid(
            file,
            at,
            _(
                "TOML syntax error: {error}. Correct that line (a missing quote, '=' or "
                "bracket, or a key written twice)"
            ).format(error=reason),
        ) from None
    root = Where(file, Locator(text), (), _("template file"))
    return _Builder(root).build(doc, hashlib.sha256(data).hexdigest())


# ---------------------------------------------------------------- building


class _Builder:
    def __init__(self, root: Where) -> None:
        self.root = root
        self.refs = References()

    def build(self, doc: dict, sha256: str) -> TemplateDef:
        root = self.root
        read.check_keys(doc, root, TOP_KEYS, ("schema", "template", "steps", "release"))
        schema = doc["schema"]
        if schema != SCHEMA or isinstance(schema, bool):
            root.fail(
                _("schema = {schema!r} is not supported; this Lotbook reads schema = 1").format(
                    schema=schema
                ),
                "schema",
            )
        head = root.at(("template",), "[template]")
        info = read.table(doc["template"], root, "template")
        read.check_keys(info, head, TEMPLATE_KEYS, TEMPLATE_KEYS[:-1])
        key = read.text(info, head, "key", True)
        if not read.KEY_PATTERN.match(key):
            head.fail(
                _("key {key!r} must be a lowercase slug like cart-auto-lv").format(key=key), "key"
            )
        version = read.integer(info, head, "version", 1)
        if version is None:  # check_keys above refuses a template without one
            head.fail(_("'version' is missing; add version = … to this table"), "version")
        family = read.text(info, head, "product_family", True)
        if family not in PRODUCT_FAMILIES:
            head.fail(
                _("product_family must be one of {families}").format(
                    families=", ".join(PRODUCT_FAMILIES)
                ),
                "product_family",
            )
        self.refs.autologous = read.flag(info, head, "autologous", False)
        steps_raw = doc["steps"]
        if not isinstance(steps_raw, list) or not steps_raw:
            root.fail(_("'steps' must be one or more [[steps]] tables"), "steps")
        raw = [
            self._step(s, root.at(("steps", i), _("step")), False) for i, s in enumerate(steps_raw)
        ]
        raw.append(self._step(doc["release"], root.at(("release",), "[release]"), True))
        self._register(raw)
        steps = [s for r in raw for s in self._expand(r)]
        self._refuse_cycles([c for s in steps for c in s.checks], raw)
        product = self._product(doc, root, steps)
        return TemplateDef(
            key=key,
            version=version,
            title=read.text(info, head, "title", True),
            product_family=family,
            autologous=self.refs.autologous,
            description=read.text(info, head, "description"),
            steps=tuple(steps[:-1]),
            release=steps[-1],
            source_file=root.file,
            sha256=sha256,
            channels=parse_channels(doc, root),
            product=product,
            custody=parse_custody(doc, root, self.refs.autologous),
        )

    def _product(self, doc: dict, root: Where, steps: list[StepDef]) -> ProductDef:
        fields = read.product(doc, root)
        if not fields:
            return ProductDef()
        step = fields["manufacture_step"]
        if step is not None and step not in {s.id for s in steps}:
            root.at(("product",), "[product]").fail(
                _("manufacture_step {step} is not a step of this template").format(step=step),
                "manufacture_step",
            )
        return ProductDef(**fields)

    def _step(self, table: Any, where: Where, is_release: bool) -> RawStep:
        table = read.table(table, where, *(("release",) if is_release else ("steps",)))
        allowed, required = (RELEASE_KEYS, ("name",)) if is_release else (STEP_KEYS, ("id", "name"))
        read.check_keys(table, where, allowed, (*required, "checks"))
        default_id = None
        if is_release and "id" not in table:
            checks = table["checks"]
            first = checks[0] if isinstance(checks, list) and checks else None
            prefix = first.get("id") if isinstance(first, dict) else None
            default_id = f"{str(prefix or 'RELEASE').split('-')[0]}-REL"
        base_id = read.ident(table.get("id", default_id), where, "step")
        where = where.named(_("step {id}").format(id=base_id))
        fields = {
            "name": read.text(table, where, "name", True),
            "day": read.text(table, where, "day"),
            "verify": read.flag(table, where, "verify", False),
            "source": read.source(table, where, False),
            "description": read.text(table, where, "description"),
        }
        instances: list[tuple[str, int] | None] = [None]
        unit = None
        if "repeat" in table:
            instances, unit = read.repeat(
                read.table(table["repeat"], where, "repeat"), where.sub("repeat")
            )
        checks = table["checks"]
        if not isinstance(checks, list) or not checks:
            where.fail(_("a step needs one or more [[…checks]] tables"), "checks")
        protos = [
            self._check(
                c,
                where.at(("checks", i), _("check #{n} of step {id}").format(n=i + 1, id=base_id)),
                is_release,
            )
            for i, c in enumerate(checks)
        ]
        return RawStep(where, base_id, fields, instances, unit, protos, is_release)

    def _check(self, table: Any, where: Where, is_release: bool) -> Proto:
        table = read.table(table, where, "checks")
        if isinstance(table.get("id"), str):
            where = where.named(_("check {id}").format(id=table["id"]))
        nested = ("spec", read.SPEC_KEYS)
        read.check_keys(table, where, CHECK_KEYS, ("id", "name", "type", "source"), nested)
        base_id = read.ident(table["id"], where, "check")
        w = where.named(_("check {id}").format(id=base_id))
        ctype = table["type"]
        if ctype not in KINDS:
            w.fail(
                _("type {type!r} is not one of {types}").format(type=ctype, types=", ".join(KINDS)),
                "type",
            )
        kind = KINDS[ctype]
        for key, kinds in OWN_KEYS.items():
            if key in table and ctype not in kinds:
                w.fail(
                    _("'{key}' is only for {types} checks, not {type}").format(
                        key=key, types=" or ".join(kinds), type=ctype
                    ),
                    key,
                )
        for key in ("attribute", "pending_allowed"):
            if key in table and not is_release:
                w.fail(
                    _("'{key}' is only for release checks ([[release.checks]])").format(key=key),
                    key,
                )
        notation = read.text(table, w, "notation") or "fixed"
        if notation not in ("fixed", "sci"):
            w.fail(_('notation must be "fixed" or "sci"'), "notation")
        decimal_mark = read.text(table, w, "decimal_mark")
        if decimal_mark not in (None, "point", "comma"):
            w.fail(_('decimal_mark must be "point" or "comma"'), "decimal_mark")
        unit = read.text(table, w, "unit", kind.unit_required)
        if kind.units and unit not in kind.units:
            w.fail(
                _("a {type} check's unit is one of {units}").format(
                    type=ctype, units=", ".join(kind.units)
                ),
                "unit",
            )
        choices = read.choices(table, w, ctype)
        attribute = read.text(table, w, "attribute", is_release)
        if attribute is not None and attribute not in ATTRIBUTES:
            w.fail(
                _("attribute must be one of {attributes}").format(attributes=", ".join(ATTRIBUTES)),
                "attribute",
            )
        fields = {
            "base_id": base_id,
            "name": read.text(table, w, "name", True),
            "type": ctype,
            "unit": unit,
            "precision": read.integer(table, w, "precision", 1 if notation == "sci" else 0),
            "notation": notation,
            "decimal_mark": decimal_mark,
            "method": read.text(table, w, "method"),
            "sample_point": read.text(table, w, "sample_point"),
            "gates_release": read.flag(table, w, "gates_release", is_release),
            "verify": read.flag(table, w, "verify", False),
            "required": read.flag(table, w, "required", True),
            "source": read.source(table, w, True),
            "note": read.text(table, w, "note"),
            "choices": choices,
            "pass_label": read.text(table, w, "pass_label") or "Pass",
            "fail_label": read.text(table, w, "fail_label") or "Fail",
            "calc": read.calc_name(table, w, unit),
            "attribute": attribute,
            "pending_allowed": read.flag(table, w, "pending_allowed", False),
            "accepts_scan": read.flag(table, w, "accepts_scan", False),
            "counts": read.counts(table, w, is_release),
            "measures": measures(table, w, ctype),
            "line": w.line("id"),
        }
        if fields["pass_label"] == fields["fail_label"]:
            w.fail(_("pass_label and fail_label must differ"), "fail_label")
        if "spec" in table:
            fields["spec"] = read.spec(read.table(table["spec"], w, "spec"), w.sub("spec"), fields)
        fields["range"] = read.plausible_range(table, w, fields)
        proto = Proto(
            w,
            fields,
            expect=read.text(table, w, "expect"),
            condition=read.condition(table, w),
            consumes=read.text(table, w, "consumes"),
        )
        if fields["calc"]:
            proto.inputs = read.raw_inputs(table, w, fields["calc"])
        elif "inputs" in table:
            w.fail(_("'inputs' needs calc = \"…\" (a derived check)"), "inputs")
        return proto

    def _register(self, raw: list[RawStep]) -> None:
        """Claim every id (a repeated step or check also reserves its base id) and note types."""
        seen: dict[str, str] = {}

        def claim(base: str, step: RawStep, where: Where, what: str) -> list[str]:
            expanded = [f"{base}-{inst[0]}" for inst in step.instances if inst]
            for ident in (base, *expanded):
                if ident in seen:
                    where.fail(
                        _("id {id} is also used by {other}; ids must be unique").format(
                            id=ident, other=seen[ident]
                        ),
                        "id",
                    )
                seen[ident] = what.format(id=base)
            return expanded or [base]

        for step in raw:
            claim(step.base_id, step, step.where, _("step {id}"))
            for proto in step.checks:
                base = proto.fields["base_id"]
                idents = claim(base, step, proto.where, _("check {id}"))
                for ident in idents:
                    self.refs.types[ident] = proto.fields["type"]
                    self.refs.choices[ident] = proto.fields["choices"]
                    self.refs.base_of[ident] = base
                    self.refs.expects[ident] = proto.expect
                if proto.condition is not None:
                    self.refs.conditional.add(base)
                if step.instances[0] is not None:
                    self.refs.repeated[base] = idents[0]

    def _expand(self, step: RawStep) -> list[StepDef]:
        out = []
        for index, inst in enumerate(step.instances):
            step_id = f"{step.base_id}-{inst[0]}" if inst else step.base_id
            checks = tuple(self.refs.instance(p, step, index, step_id) for p in step.checks)
            name, day = step.fields["name"], step.fields["day"]
            out.append(
                StepDef(
                    id=step_id,
                    base_id=step.base_id,
                    name=f"{name} — {inst[0]}" if inst else name,
                    day=inst[0] if inst and step.unit == "day" else day,
                    instance=inst[0] if inst else None,
                    instance_number=inst[1] if inst else None,
                    instance_unit=step.unit if inst else None,
                    verify=step.fields["verify"] or any(c.verify for c in checks),
                    source=step.fields["source"],
                    description=step.fields["description"],
                    checks=checks,
                    is_release=step.is_release,
                    line=step.where.line("id"),
                )
            )
        return out

    def _refuse_cycles(self, checks: list[CheckDef], raw: list[RawStep]) -> None:
        by_id = {c.id: c for c in checks}
        where = {p.fields["base_id"]: p.where for s in raw for p in s.checks}
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(cid: str, path: list[str]) -> None:
            state[cid] = 1
            for used in by_id[cid].depends_on:
                if state.get(used) == 1:
                    loop = [*path[path.index(used) :], used]
                    where[by_id[used].base_id].fail(
                        _("derived checks form a cycle: {loop}").format(loop=" → ".join(loop)),
                        "inputs",
                    )
                if used not in state:
                    visit(used, [*path, used])
            state[cid] = 2

        for cid in by_id:
            if cid not in state:
                visit(cid, [cid])
