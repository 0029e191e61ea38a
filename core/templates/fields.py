"""Reading one table of a template file: typed values, ids, source tags, repeat and spec.

Each reader takes a ``Where`` (the table and its place in the file) and raises
``TemplateInvalid`` at the offending line when a value is missing, mistyped or out of place.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal, overload

from core.calculations import CALCULATIONS
from core.check_kinds import KINDS
from core.i18n import _
from core.plausibility import refuse_template_range
from core.specs import Spec
from core.templates.locate import Where
from core.values import same_unit

INSTANCE_UNITS = ("day", "passage")  # what a repeated step counts in

ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_TAG = r"\[(?:S\d+|R-T\d+|P|T|\?)\]"
SOURCE_PATTERN = re.compile(rf"^{_TAG}(?:\s*{_TAG})*$")
_PREFIX = re.compile(r"^[A-Z]+$")

REPEAT_KEYS = ("unit", "prefix", "values")
CONDITION_KEYS = ("check", "is", "above", "at_most")
PRODUCT_KEYS = ("storage", "shelf_life_months", "manufacture_step", "source", "note")
LIMIT_KEYS = ("lower", "upper", "lower_inclusive", "upper_inclusive", "alert_lower", "alert_upper")
SPEC_KEYS = (*LIMIT_KEYS, "target", "expected", "accepted", "text")


def check_keys(
    table: dict,
    where: Where,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    nested: tuple[str, Iterable[str]] | None = None,
) -> None:
    """Refuse unknown keys (suggesting the closest known one, also among the keys of a ``nested``
    inline table such as ``spec``) and missing required keys."""
    allowed = tuple(allowed)
    for key in table:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1)
        inner = difflib.get_close_matches(key, tuple(nested[1]), n=1) if nested else []
        if close:
            said = _("unknown key '{key}' (did you mean '{close}'?)").format(
                key=key, close=close[0]
            )
        elif inner and nested:
            said = _("unknown key '{key}' (did you mean '{close}' inside {table}?)").format(
                key=key, close=inner[0], table=f"{nested[0]} = {{ … }}"
            )
        else:
            said = _("unknown key '{key}' (allowed: {keys})").format(
                key=key, keys=", ".join(allowed)
            )
        where.fail(said, key)
    for key in required:
        if key not in table:
            where.fail(_("'{key}' is missing; add {key} = … to this table").format(key=key), "id")


def table(value: Any, where: Where, *keys: str) -> dict:
    if not isinstance(value, dict):
        where.fail(
            _("'{name}' must be a table, e.g. {example}").format(
                name=".".join(keys), example=f"{keys[-1]} = {{ … }}"
            ),
            *keys,
        )
    return value


@overload
def text(table: dict, where: Where, key: str, required: Literal[True]) -> str: ...
@overload
def text(table: dict, where: Where, key: str, required: bool = False) -> str | None: ...
def text(table: dict, where: Where, key: str, required: bool = False) -> str | None:
    if key not in table:
        if required:
            where.fail(_("'{key}' is missing; add {key} = \"…\"").format(key=key), "id")
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        where.fail(_("'{key}' must be non-empty text in quotes").format(key=key), key)
    return value.strip()


def flag(table: dict, where: Where, key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        where.fail(_("'{key}' must be true or false (no quotes)").format(key=key), key)
    return value


def integer(table: dict, where: Where, key: str, lowest: int) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        where.fail(
            _("'{key}' must be a whole number ≥ {lowest} (no quotes)").format(
                key=key, lowest=lowest
            ),
            key,
        )
    return value


def number(value: Any, where: Where, *keys: str) -> Decimal:
    name = ".".join(keys)
    if isinstance(value, str):
        where.fail(
            _("'{name}' must be a number, not text: write it without quotes").format(name=name),
            *keys,
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        where.fail(_("'{name}' must be a number").format(name=name), *keys)
    if isinstance(value, float) and not math.isfinite(value):
        where.fail(_("'{name}' must be a finite number").format(name=name), *keys)
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


@overload
def source(table: dict, where: Where, required: Literal[True]) -> str: ...
@overload
def source(table: dict, where: Where, required: bool) -> str | None: ...
def source(table: dict, where: Where, required: bool) -> str | None:
    value = text(table, where, "source", required)
    if value is not None and not SOURCE_PATTERN.match(value):
        where.fail(
            _(
                "source {value!r} is not shaped like the reference's tags; write one or more of "
                '[S12], [R-T1], [R-T2], [P], [T], [?], e.g. source = "[S4][P]"'
            ).format(value=value),
            "source",
        )
    return value


def ident(value: Any, where: Where, what: Literal["step", "check"]) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        if what == "step":
            said = _("step id {value!r} must look like CART-IPC-05 (capitals, digits, hyphens)")
        else:
            said = _("check id {value!r} must look like CART-IPC-05 (capitals, digits, hyphens)")
        where.fail(said.format(value=value), "id")
    return value


def repeat(table: dict, where: Where) -> tuple[list[tuple[str, int] | None], str]:
    """``repeat = { unit, prefix, values }`` → [("D0", 0), ("D1", 1), …] and the unit."""
    check_keys(table, where, REPEAT_KEYS, REPEAT_KEYS)
    unit, prefix, values = table["unit"], table["prefix"], table["values"]
    if unit not in INSTANCE_UNITS:
        where.fail(
            _("repeat unit must be one of {units}").format(units=", ".join(INSTANCE_UNITS)), "unit"
        )
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        where.fail(_('repeat prefix must be capital letters, e.g. "D"'), "prefix")
    whole = isinstance(values, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values
    )
    if not whole or not values or any(a >= b for a, b in pairwise(values)):
        where.fail(_("repeat values must be whole numbers ≥ 0 in rising order"), "values")
    return [(f"{prefix}{v}", v) for v in values], unit


def calc_name(table: dict, where: Where, unit: str | None) -> str | None:
    """The ``calc`` of a derived check: a known calculation whose result unit matches ``unit``."""
    name = table.get("calc")
    if name is None:
        return None
    if name not in CALCULATIONS:
        close = difflib.get_close_matches(str(name), list(CALCULATIONS), n=1)
        if close:
            said = _("calc {name!r} is not a known calculation (did you mean '{close}'?)")
        else:
            said = _("calc {name!r} is not a known calculation (see core/calculations.py)")
        where.fail(said.format(name=name, close=close[0] if close else ""), "calc")
    if "inputs" not in table:
        where.fail(
            _("calc {name} needs {inputs}").format(name=name, inputs="inputs = { … }"), "calc"
        )
    gives = CALCULATIONS[name].unit
    if gives and unit and not same_unit(unit, gives):
        where.fail(
            _('calc {name} gives {unit}; write unit = "{unit}"').format(name=name, unit=gives),
            "unit",
        )
    return name


COUNTED = ("labels",)  # what a number check may declare it counts: Lotbook writes its value


def counts(check: dict, where: Where, is_release: bool) -> str | None:
    """``counts = "labels"``: the batch's labels printed, written by Lotbook when they are printed
    (core/services/labels.py), never typed; not a calculation, not a release result."""
    value = check.get("counts")
    if value is None:
        return None
    if value not in COUNTED:
        where.fail(
            _(
                'counts = {value!r} is not something Lotbook counts; write counts = "labels" '
                "(the labels printed for the batch)"
            ).format(value=value),
            "counts",
        )
    clash = next((key for key in ("calc", "consumes") if key in check), None)
    if clash is not None or is_release:
        if clash:
            said = _(
                "a check that counts {value} is written by Lotbook: it cannot also have '{key}'"
            )
        else:
            said = _(
                "a check that counts {value} is written by Lotbook: release checks are results"
            )
        where.fail(said.format(value=value, key=clash), "counts")
    return value


def choices(check: dict, where: Where, ctype: str) -> tuple[str, ...]:
    if "choices" not in KINDS[ctype].own_keys:
        return ()
    values = check.get("choices")
    if not (
        isinstance(values, list)
        and values
        and all(isinstance(v, str) for v in values)
        and all(v.strip() for v in values)
        and len(set(values)) == len(values)
    ):
        where.fail(_('a choice check needs choices = ["…", "…"] (distinct texts)'), "choices")
    return tuple(v.strip() for v in values)


def raw_inputs(check: dict, where: Where, calc: str) -> dict[str, Any]:
    """The ``inputs = { … }`` of a derived check: exactly the calculation's params, each a check id,
    a number, or ``{ prev = "BASE-ID", first = … }``; resolved later, per instance."""
    params = CALCULATIONS[calc].params
    inputs = table(check["inputs"], where, "inputs")
    for name in inputs:
        if name not in params:
            where.fail(
                _("{calc} has no input '{name}' (it takes {params})").format(
                    calc=calc, name=name, params=", ".join(params)
                ),
                "inputs",
                name,
            )
    missing = [p for p in params if p not in inputs]
    if missing:
        where.fail(
            _("{calc} also needs {missing} (it takes {params})").format(
                calc=calc, missing=", ".join(missing), params=", ".join(params)
            ),
            "inputs",
        )
    for name, value in inputs.items():
        if isinstance(value, dict):
            check_keys(value, where.sub("inputs", name), ("prev", "first"), ())
            if not isinstance(value.get("prev"), str) or "first" not in value:
                where.fail(
                    _("input {name} needs {form}").format(
                        name=name, form='{ prev = "CHECK-ID", first = … }'
                    ),
                    "inputs",
                    name,
                )
        elif not isinstance(value, str):
            number(value, where, "inputs", name)
    return inputs


def spec(table: dict, where: Where, fields: dict[str, Any]) -> Spec:
    """The ``spec = { … }`` of a check; ``where`` points inside it."""
    ctype = fields["type"]
    check_keys(table, where, SPEC_KEYS)
    if not table:
        where.fail(_("spec is empty; remove it or give limits or text"))
    for key in table:
        if key in (*LIMIT_KEYS, "target") and key not in KINDS[ctype].spec_keys:
            judged = " or ".join(k.name for k in KINDS.values() if key in k.spec_keys)
            where.fail(
                _('spec.{key} is only for {types} checks; use text = "…"').format(
                    key=key, types=judged
                ),
                key,
            )
        if key in ("expected", "accepted") and key not in KINDS[ctype].spec_keys:
            where.fail(
                _("spec.{key} does not apply to a {type} check").format(key=key, type=ctype), key
            )
    values: dict[str, Any] = {}
    for key in ("lower", "alert_lower", "alert_upper", "upper", "target"):
        if key in table:
            values[key] = number(table[key], where, key)
    for key in ("lower_inclusive", "upper_inclusive"):
        if key in table:
            values[key] = flag(table, where, key, True)
            if key.split("_")[0] not in table:
                where.fail(
                    _("spec.{key} needs spec.{limit}").format(key=key, limit=key.split("_")[0]), key
                )
    order = [k for k in ("lower", "alert_lower", "alert_upper", "upper") if k in values]
    for a, b in pairwise(order):
        if values[a] > values[b]:
            where.fail(
                _(
                    "spec.{a} ({a_value}) is above spec.{b} ({b_value}); limits must run "
                    "lower ≤ alert_lower ≤ alert_upper ≤ upper"
                ).format(a=a, a_value=values[a], b=b, b_value=values[b]),
                b,
            )
    low, high, target = values.get("lower"), values.get("upper"), values.get("target")
    closed = values.get("lower_inclusive", True) and values.get("upper_inclusive", True)
    if low is not None and low == high and not closed:
        where.fail(_("spec.lower equals spec.upper with an exclusive limit: no value can pass"))
    below = target is not None and low is not None and target < low
    if below or (target is not None and high is not None and target > high):
        where.fail(
            _("spec.target ({target}) lies outside lower … upper").format(target=target), "target"
        )
    if "[P]" in fields["source"] and values and not fields["note"]:
        where.fail(_("a product-specific [P] limit needs a note saying the site must confirm it"))
    if "expected" in table:
        if table["expected"] not in ("pass", "fail"):
            where.fail(_('spec.expected must be "pass" or "fail"'), "expected")
        values["expected"] = table["expected"]
    if "accepted" in table:
        accepted = table["accepted"]
        listed = isinstance(accepted, list) and all(isinstance(a, str) for a in accepted)
        if not listed or not accepted or not set(accepted) <= set(fields["choices"]):
            where.fail(_("spec.accepted must list some of the check's choices"), "accepted")
        values["accepted"] = tuple(accepted)
    if "text" in table:
        values["text"] = text(table, where, "text")
    try:
        return Spec(**values)
    except (TypeError, ValueError) as exc:
        where.fail(_("spec is not valid: {error}").format(error=exc))


def plausible_range(
    table: dict, where: Where, fields: dict[str, Any]
) -> tuple[Decimal, Decimal] | None:
    """``range = [lo, hi]``: the values a number check can really take, within what its unit
    allows (a percentage may go above 100 %: a recovery or a yield can)."""
    if "range" not in table:
        return None
    value = table["range"]
    if fields["type"] != "number":
        where.fail(_("'range' is only for number checks"), "range")
    if not isinstance(value, list) or len(value) != 2:
        where.fail(_("range must be two numbers, e.g. range = [0, 200]"), "range")
    low, high = (number(v, where, "range") for v in value)
    problem = refuse_template_range(fields["unit"], fields["measures"], low, high)
    if problem:
        where.fail(problem, "range")
    spec = fields.get("spec")
    if spec is not None:
        for name in ("lower", "upper", "alert_lower", "alert_upper", "target"):
            limit = getattr(spec, name)
            if limit is not None and not low <= limit <= high:
                where.fail(
                    _("spec.{name} ({limit}) lies outside range [{low}, {high}]").format(
                        name=name, limit=limit, low=low, high=high
                    ),
                    "range",
                )
    return low, high


def condition(check: dict, where: Where) -> dict[str, Any] | None:
    """``applies_when = { check = "ID", is = [...] }`` or ``{ check = "ID", above = n,
    at_most = m }``, checked for shape here; the check it names is resolved per instance."""
    if "applies_when" not in check:
        return None
    raw = table(check["applies_when"], where, "applies_when")
    inner = where.sub("applies_when")
    check_keys(raw, inner, CONDITION_KEYS, ("check",))
    if not isinstance(raw["check"], str):
        inner.fail(
            _('applies_when.check must name a check, e.g. check = "CART-IPC-02-FORM"'), "check"
        )
    numeric = [k for k in ("above", "at_most") if k in raw]
    if ("is" in raw) == bool(numeric):
        inner.fail(
            _(
                'applies_when needs either is = ["…"] (the other check\'s values) or above / '
                "at_most (its number)"
            )
        )
    out: dict[str, Any] = {"check": raw["check"]}
    if "is" in raw:
        values = raw["is"]
        if isinstance(values, str):
            values = [values]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            inner.fail(_("applies_when.is must be text or a list of texts"), "is")
        out["is"] = tuple(v.strip() for v in values)
    for key in numeric:
        out[key] = number(raw[key], inner, key)
    if "above" in out and "at_most" in out and out["above"] >= out["at_most"]:
        inner.fail(_("applies_when.above must be below applies_when.at_most"), "above")
    return out


def product(doc: dict, root: Where) -> dict[str, Any]:
    """``[product]``: storage condition, shelf life and the step that dates manufacture."""
    if "product" not in doc:
        return {}
    where = root.at(("product",), "[product]")
    raw = table(doc["product"], root, "product")
    check_keys(raw, where, PRODUCT_KEYS, ())
    out = {
        "storage": text(raw, where, "storage"),
        "shelf_life_months": integer(raw, where, "shelf_life_months", 1),
        "manufacture_step": text(raw, where, "manufacture_step"),
        "source": (src := source(raw, where, True) or ""),
        "note": text(raw, where, "note"),
        "line": where.line("storage"),
    }
    if out["manufacture_step"] is not None:
        ident(out["manufacture_step"], where, "step")
    if "[P]" in src and not out["note"]:
        where.fail(
            _("a product-specific [P] shelf life or storage needs a note (site must confirm)")
        )
    return out
