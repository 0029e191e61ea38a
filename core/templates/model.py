"""The process template as the rest of Lotbook reads it: steps, checks, specs, derived inputs.

Built only by the loader (``core.templates.loader``), which validates first; these classes are
frozen so a template cannot change once loaded. Lookups by id are O(1): the maps are built once in
``TemplateDef.__post_init__``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from core.check_kinds.scan import EQUIPMENT_PREFIX, MATERIAL_PREFIX
from core.errors import NotFound
from core.i18n import _
from core.specs import Spec
from core.templates.channels import ChannelDef
from core.templates.custody import CustodyPlan
from core.version import command_name

PRODUCT_FAMILIES = ("CAR-T", "MSC", "AAV", "LV")
ATTRIBUTES = (
    "appearance",
    "identity",
    "strength",
    "viability",
    "purity",
    "potency",
    "safety",
    "characterisation",
)
# Source tags of figures a site must confirm before GMP use: product-specific examples, typical
# practice, unverified (cgt-processes §0.1).
EXAMPLE_TAGS = ("[P]", "[T]", "[?]")


def example_tags(source: str) -> tuple[str, ...]:
    return tuple(tag for tag in EXAMPLE_TAGS if tag in source)


@dataclass(frozen=True)
class InputRef:
    """One input of a derived check, after expansion: either a check or a constant."""

    param: str
    check_id: str | None = None
    constant: Decimal | None = None


@dataclass(frozen=True)
class Condition:
    """When a check applies: another check's recorded value is one of ``values`` (choice,
    pass/fail, text, scan), or a number above ``above`` and/or at most ``at_most``."""

    check_id: str
    values: tuple[str, ...] = ()
    above: Decimal | None = None
    at_most: Decimal | None = None

    def holds(self, value: str, number: Decimal | None) -> bool:
        if self.values:
            return value.casefold() in {v.casefold() for v in self.values}
        if number is None:
            return False
        if self.above is not None and not number > self.above:
            return False
        return self.at_most is None or number <= self.at_most


@dataclass(frozen=True)
class ProductDef:
    """What the certificate of analysis states about the product beyond its test results."""

    storage: str | None = None  # storage condition, e.g. "vapour-phase LN2, ≤ −120 °C"
    shelf_life_months: int | None = None  # expiry = manufacture date + shelf life
    manufacture_step: str | None = None  # the manufacture date is this step's first entry
    source: str = ""
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class CheckDef:
    """One entry of the batch record: what to measure or confirm, how, and against which spec."""

    id: str
    base_id: str
    step_id: str
    name: str
    type: str
    unit: str | None = None
    precision: int | None = None
    notation: str = "fixed"
    decimal_mark: str | None = None  # "point" | "comma": how a number is typed here (else site's)
    method: str | None = None
    sample_point: str | None = None
    spec: Spec | None = None
    gates_release: bool = False
    verify: bool = False
    required: bool = True
    source: str = ""
    note: str | None = None
    choices: tuple[str, ...] = ()
    pass_label: str = "Pass"
    fail_label: str = "Fail"
    expect: str | None = None
    consumes: str | None = None  # a quantity taken from the lot recorded at this material scan
    counts: str | None = None  # "labels": Lotbook writes the batch's labels printed, never a person
    calc: str | None = None
    inputs: tuple[InputRef, ...] = ()
    attribute: str | None = None
    pending_allowed: bool = False
    accepts_scan: bool = False  # a text check a barcode scan may fill (else scans never land in it)
    measures: str | None = None  # what it measures (core.templates.channels.MEASURES)
    range: tuple[Decimal, Decimal] | None = None  # plausible values ([lo, hi]), narrowed
    applies_when: Condition | None = None  # the check applies only when this holds
    line: int | None = None
    instance: str | None = None  # "D3", "P2" when the check belongs to a repeated step

    @property
    def derived(self) -> bool:
        """True when Lotbook computes the value from other checks (``calc``) instead of a person."""
        return self.calc is not None

    @property
    def material_code(self) -> str | None:
        """The material a lot scanned here must be of (``expect = "material:IL2"``), else None."""
        if self.expect and self.expect.startswith(MATERIAL_PREFIX):
            return self.expect[len(MATERIAL_PREFIX) :]
        return None

    @property
    def equipment_type(self) -> str | None:
        """The type of equipment scanned here (``expect = "equipment:incubator"``), else None."""
        if self.expect and self.expect.startswith(EQUIPMENT_PREFIX):
            return self.expect[len(EQUIPMENT_PREFIX) :]
        return None

    @property
    def point_of_use(self) -> bool:
        """A material lot or an item of equipment is scanned here: checked when it is used."""
        return self.material_code is not None or self.equipment_type is not None

    @property
    def input_check_ids(self) -> tuple[str, ...]:
        return tuple(ref.check_id for ref in self.inputs if ref.check_id is not None)

    @property
    def example_limit(self) -> bool:
        """A numeric limit or target tagged as an example ([P], [T], [?]): the site confirms it
        when QA approves the template version."""
        spec = self.spec
        numeric = spec is not None and (spec.has_limits or spec.target is not None)
        return numeric and bool(example_tags(self.source))

    def applies_given(self, recorded: tuple[str, Decimal | None] | None) -> bool | None:
        """Whether the check applies, given the current (value, number) of the check its
        ``applies_when`` reads: True, False, or None while that check has no value."""
        if self.applies_when is None:
            return True
        if recorded is None:
            return None
        return self.applies_when.holds(*recorded)

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The checks a derived value is computed from, and the check its applicability reads."""
        ids = self.input_check_ids
        if self.derived and self.applies_when is not None:
            ids = (*ids, self.applies_when.check_id)
        return ids


@dataclass(frozen=True)
class StepDef:
    """A unit operation (or one instance of a repeated one, e.g. expansion on day 3)."""

    id: str
    base_id: str
    name: str
    day: str | None
    instance: str | None
    instance_number: int | None
    instance_unit: str | None
    verify: bool
    source: str | None
    description: str | None
    checks: tuple[CheckDef, ...]
    is_release: bool = False
    line: int | None = None


@dataclass(frozen=True)
class TemplateDef:
    """A versioned process template: in-process steps in order, then the release QC section."""

    key: str
    version: int
    title: str
    product_family: str
    autologous: bool
    description: str | None
    steps: tuple[StepDef, ...]
    release: StepDef
    source_file: str
    sha256: str
    channels: tuple[ChannelDef, ...] = ()  # process-trace channels with their alarm bands
    product: ProductDef = field(default_factory=ProductDef)
    custody: CustodyPlan = field(default_factory=CustodyPlan)  # autologous hand-offs expected
    _checks: Mapping[str, CheckDef] = field(init=False, repr=False, compare=False)
    _steps: Mapping[str, StepDef] = field(init=False, repr=False, compare=False)
    _step_of: Mapping[str, StepDef] = field(init=False, repr=False, compare=False)
    _by_base: Mapping[str, tuple[CheckDef, ...]] = field(init=False, repr=False, compare=False)
    _users: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _rank: Mapping[str, int] = field(init=False, repr=False, compare=False)
    _dependents: dict[str, tuple[CheckDef, ...]] = field(init=False, repr=False, compare=False)
    _conditioned: Mapping[str, tuple[CheckDef, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        checks: dict[str, CheckDef] = {}
        steps: dict[str, StepDef] = {}
        step_of: dict[str, StepDef] = {}
        by_base: dict[str, list[CheckDef]] = {}
        users: dict[str, list[str]] = {}
        conditioned: dict[str, list[CheckDef]] = {}
        for step in self.all_steps():
            if step.id in steps:
                raise ValueError(f"step id {step.id} appears twice in template {self.key}")
            steps[step.id] = step
            for check in step.checks:
                if check.id in checks:
                    raise ValueError(f"check id {check.id} appears twice in template {self.key}")
                checks[check.id] = check
                step_of[check.id] = step
                by_base.setdefault(check.base_id, []).append(check)
                for used in check.depends_on:
                    users.setdefault(used, []).append(check.id)
                if check.applies_when is not None:
                    conditioned.setdefault(check.applies_when.check_id, []).append(check)
        object.__setattr__(self, "_checks", checks)
        object.__setattr__(self, "_steps", steps)
        object.__setattr__(self, "_step_of", step_of)
        object.__setattr__(self, "_by_base", {k: tuple(v) for k, v in by_base.items()})
        object.__setattr__(self, "_users", {k: tuple(v) for k, v in users.items()})
        object.__setattr__(self, "_rank", _evaluation_rank(checks))
        object.__setattr__(self, "_dependents", {})
        object.__setattr__(self, "_conditioned", {k: tuple(v) for k, v in conditioned.items()})

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"

    def all_steps(self) -> tuple[StepDef, ...]:
        """In-process steps in order, then the release section."""
        return (*self.steps, self.release)

    def checks(self) -> Iterator[CheckDef]:
        """Every check in template order (in-process steps first, release last)."""
        for step in self.all_steps():
            yield from step.checks

    def check(self, check_id: str) -> CheckDef:
        try:
            return self._checks[check_id]
        except KeyError:
            raise self._missing("Check", check_id) from None

    def has_check(self, check_id: str) -> bool:
        return check_id in self._checks

    def step(self, step_id: str) -> StepDef:
        try:
            return self._steps[step_id]
        except KeyError:
            raise self._missing("Step", step_id) from None

    def step_of(self, check_id: str) -> StepDef:
        try:
            return self._step_of[check_id]
        except KeyError:
            raise self._missing("Check", check_id) from None

    def instances(self, base_id: str) -> tuple[CheckDef, ...]:
        """All checks written as ``base_id`` in the file: one per instance of a repeated step
        (e.g. the viable cell density of every expansion day), in order; () if there is none."""
        return self._by_base.get(base_id, ())

    def example_limits(self) -> tuple[CheckDef, ...]:
        """The checks whose limits are examples a site must confirm (see ``EXAMPLE_TAGS``)."""
        return tuple(c for c in self.checks() if c.example_limit)

    def conditioned_by(self, check_id: str) -> tuple[CheckDef, ...]:
        """Checks that apply or not depending on the value of ``check_id``."""
        return self._conditioned.get(check_id, ())

    def evaluation_order(self) -> tuple[CheckDef, ...]:
        """All derived checks, each after every check it depends on."""
        derived = [c for c in self._checks.values() if c.derived]
        return tuple(sorted(derived, key=lambda c: self._rank[c.id]))

    def dependents(self, check_id: str) -> tuple[CheckDef, ...]:
        """Derived checks that use ``check_id`` directly or through other derived checks, ordered
        so that every check comes after its own inputs (recompute them in this order)."""
        if check_id not in self._checks:
            raise self._missing("Check", check_id)
        cached = self._dependents.get(check_id)
        if cached is not None:
            return cached
        seen: set[str] = set()
        todo = list(self._users.get(check_id, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self._users.get(current, ()))
        result = tuple(self._checks[c] for c in sorted(seen, key=self._rank.__getitem__))
        self._dependents[check_id] = result
        return result

    def _missing(self, kind: Literal["Step", "Check"], ident: str) -> NotFound:
        first = last = None
        instances = self._by_base.get(ident) or ()
        if kind == "Step":
            repeated = [s.id for s in self.all_steps() if s.base_id == ident and s.instance]
            if repeated:
                first, last = repeated[0], repeated[-1]
        elif instances and instances[0].id != ident:
            first, last = instances[0].id, instances[-1].id
        if kind == "Step" and first:
            said = _(
                "Step {id} is not in template {key} v{version}. It is a repeated step: name one "
                "instance, {first} … {last}. Its steps and checks are listed under Templates."
            )
        elif kind == "Step":
            said = _(
                "Step {id} is not in template {key} v{version}. Its steps and checks are listed "
                "under Templates."
            )
        elif first:
            said = _(
                "Check {id} is not in template {key} v{version}. It is repeated: name one "
                "instance, {first} … {last}. Its steps and checks are listed under Templates."
            )
        else:
            said = _(
                "Check {id} is not in template {key} v{version}. Its steps and checks are listed "
                "under Templates."
            )
        return NotFound(
            said.format(id=ident, key=self.key, version=self.version, first=first, last=last),
            cli_hint=_("See `{command} template show {key}`.").format(
                command=command_name(), key=self.key
            ),
        )


def _evaluation_rank(checks: Mapping[str, CheckDef]) -> dict[str, int]:
    """Position of each check in an order where inputs come before results (Kahn's algorithm,
    ties broken by template order so the order is stable and readable)."""
    position = {cid: i for i, cid in enumerate(checks)}
    waiting = {cid: 0 for cid in checks}
    users: dict[str, list[str]] = {}
    for cid, check in checks.items():
        for used in check.depends_on:
            if used not in checks:
                raise ValueError(f"check {cid} uses {used}, which is not in the template")
            waiting[cid] += 1
            users.setdefault(used, []).append(cid)
    ready = [(position[cid], cid) for cid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    rank: dict[str, int] = {}
    while ready:
        _, cid = heapq.heappop(ready)
        rank[cid] = len(rank)
        for user in users.get(cid, ()):
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (position[user], user))
    if len(rank) != len(checks):
        stuck = sorted(set(checks) - set(rank), key=position.__getitem__)
        raise ValueError(f"derived checks form a cycle: {', '.join(stuck)}")
    return rank
