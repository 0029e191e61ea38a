"""Plain read models handed to the fronts (CLI, GUI, reports). Frozen; never live ORM objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from core.clock import utc_iso
from core.signing_views import Meaning, SignatureView
from core.specs import Verdict
from core.states import DeviationStatus, EntryKind, StepState


@dataclass(frozen=True)
class UserView:
    username: str
    full_name: str
    role: str
    active: bool
    locked: bool
    failed_attempts: int
    must_change_password: bool
    created_at: datetime


@dataclass(frozen=True)
class TemplateSummary:
    key: str
    version: int
    title: str
    product_family: str
    autologous: bool
    sha256: str
    steps: int
    checks: int
    loaded_at: datetime
    loaded_by: str
    approved: bool = False  # QA approved this version: it may start batches
    approved_by_name: str | None = None
    approved_at: datetime | None = None
    example_limits: int = 0  # limits tagged [P], [T] or [?] that the approval confirms

    @property
    def status(self) -> str:
        return "approved" if self.approved else "draft"


@dataclass(frozen=True)
class ResultVersionView:
    version: int
    kind: str  # entry | correction | justification | calculation
    value: str  # canonical exact value
    display: str  # value for people, with its unit ("7.2 %")
    raw_text: str
    unit: str | None
    verdict: str  # pass | alert | oos | report
    rule: str
    final: bool
    comment: str | None
    deviation: str | None  # deviation reference, e.g. DEV-2026-0001
    reason: str | None
    source: str
    recorded_by: str
    recorded_by_name: str
    recorded_at: datetime
    measured_at: datetime | None = None  # the instrument's own measurement time (UTC)
    measured_zone: str | None = None  # the zone that time was read in
    timing_reason: str | None = None  # why a measurement time outside its window was accepted
    amount: str = ""  # the value for people without its unit ("7.2"), beside a unit column

    @property
    def shown_rule(self) -> str:
        """The stored rule in the reader's words (core/rule_words.py)."""
        from core.rule_words import rule_words

        return rule_words(self.rule)

    @property
    def shown_amount(self) -> str:
        return self.amount or self.display


@dataclass(frozen=True)
class CheckView:
    id: str
    name: str
    step_id: str
    type: str
    unit: str | None
    precision: int | None
    notation: str
    method: str | None
    spec: str  # described in words: "≥ 70 %; alert below 80 %"
    lower: Decimal | None
    upper: Decimal | None
    lower_inclusive: bool
    upper_inclusive: bool
    alert_lower: Decimal | None
    alert_upper: Decimal | None
    target: Decimal | None
    gates_release: bool
    verify: bool
    required: bool
    derived: bool
    formula: str | None  # for derived checks: the formula and its inputs
    source: str
    attribute: str | None
    choices: tuple[str, ...]
    pass_label: str
    fail_label: str
    expect: str | None  # scans: "coi" or "check:<ID>" (what the scan must equal)
    note: str | None
    measures: str | None  # what it measures (growth curves, instrument imports)
    current: ResultVersionView | None
    history: tuple[ResultVersionView, ...]  # every version, oldest first
    applies: bool | None = True  # False: its applies_when does not hold; None: not known yet
    condition: str | None = None  # when it applies, in words ("CART-IPC-10-WEIGHT ≤ 50 kg")
    caveat: str | None = None  # the limit is an example the site has not confirmed yet
    pending_allowed: bool = False  # a release result that may follow release
    accepts_scan: bool = False  # a text check a barcode scan may fill

    @property
    def verdict(self) -> str | None:
        return self.current.verdict if self.current else None

    @property
    def corrected(self) -> bool:
        return any(v.kind == EntryKind.CORRECTION for v in self.history)


@dataclass(frozen=True)
class StepView:
    id: str
    name: str
    day: str | None
    instance: str | None
    verify: bool
    is_release: bool
    checks: tuple[CheckView, ...]
    signatures: tuple[SignatureView, ...] = ()  # PERFORMED / VERIFIED on this step, oldest first

    @property
    def verified(self) -> bool:
        """A second person's verification is on it and still valid."""
        return any(s.meaning == Meaning.VERIFIED and s.valid for s in self.signatures)

    @property
    def invalidated(self) -> bool:
        """A signature on it no longer holds and none of the same meaning was given since."""
        newest: dict[str, bool] = {}
        for sig in self.signatures:  # oldest first: the last of each meaning stands
            newest[sig.meaning] = sig.valid
        return not all(newest.values())

    @property
    def awaits_verification(self) -> bool:
        """Every value is in and final, the step needs a second person, none verified it (or
        the verification no longer holds)."""
        recorded = [c.current for c in self.checks if c.current is not None]
        return (
            self.verify
            and bool(recorded)
            and all(v.final and v.verdict != Verdict.OOS for v in recorded)
            and not any(c.required and c.current is None for c in self.checks)
            and not self.verified
        )

    @cached_property
    def state(self) -> StepState:
        recorded = [c.current for c in self.checks if c.current is not None]
        if not recorded and self.checks and all(c.applies is False for c in self.checks):
            return StepState.NOT_APPLICABLE  # e.g. bead removal after bead-free activation
        if not recorded:
            return StepState.NOT_STARTED
        if any(v.verdict == Verdict.OOS or not v.final for v in recorded):
            return StepState.HAS_EXCEPTIONS
        missing = [c for c in self.checks if c.required and c.current is None]
        if missing:
            return StepState.IN_PROGRESS
        if self.invalidated:
            return StepState.SIGNATURE_INVALIDATED  # changed after signing: sign it again
        if self.verify:
            return StepState.VERIFIED if self.verified else StepState.AWAITING_VERIFICATION
        return StepState.COMPLETE

    @property
    def state_words(self) -> str:
        """The state as people read it ("awaiting verification")."""
        from core.words import step_state_words

        return step_state_words(self.state)


@dataclass(frozen=True)
class DeviationView:
    ref: str
    lot: str
    classification: str
    description: str
    status: str
    opened_by: str
    opened_at: datetime
    checks: tuple[str, ...] = ()
    closed_by: str | None = None
    closed_at: datetime | None = None
    conclusion: str | None = None


@dataclass(frozen=True)
class BatchSummary:
    lot: str
    template_key: str
    template_version: int
    product_family: str
    coi_id: str | None
    status: str
    started_at: datetime
    started_by: str


@dataclass(frozen=True)
class BatchView:
    lot: str
    template_key: str
    template_version: int
    template_title: str
    template_sha256: str
    product_family: str
    coi_id: str | None
    status: str
    started_at: datetime
    started_by: str
    steps: tuple[StepView, ...]
    deviations: tuple[DeviationView, ...] = field(default=())
    process_excursions: int = 0  # beyond the template's alarm bands (core.services.excursions)
    signatures: tuple[SignatureView, ...] = ()  # every signature of the batch and its steps
    autologous: bool = False  # one patient's own cells: a chain of identity, exceptional release
    template_approved: bool = True  # QA approved the template version (else limits are examples)

    @property
    def batch_signatures(self) -> tuple[SignatureView, ...]:
        return tuple(s for s in self.signatures if s.scope == "batch")

    @property
    def disposition(self) -> SignatureView | None:
        """The latest valid QA disposition (APPROVED signature), if any."""
        approved = [s for s in self.batch_signatures if s.meaning == Meaning.APPROVED and s.valid]
        return approved[-1] if approved else None

    def checks(self) -> list[CheckView]:
        return [check for step in self.steps for check in step.checks]

    def with_checks(self, updated: Iterable[CheckView]) -> BatchView:
        """The same batch with some checks replaced (after an entry): steps and counts follow."""
        by_id = {check.id: check for check in updated}
        if not by_id:
            return self
        steps = tuple(
            replace(step, checks=tuple(by_id.get(c.id, c) for c in step.checks))
            if any(c.id in by_id for c in step.checks)
            else step
            for step in self.steps
        )
        return replace(self, steps=steps)

    def check(self, check_id: str) -> CheckView:
        for check in self.checks():
            if check.id == check_id:
                return check
        raise KeyError(check_id)

    @cached_property
    def exceptions(self) -> dict[str, int]:
        checks = [c for c in self.checks() if c.current is not None]
        versions = [c.current for c in checks if c.current is not None]
        return {
            "out_of_spec": sum(1 for v in versions if v.verdict == Verdict.OOS),
            "awaiting_justification": sum(1 for v in versions if not v.final),
            "corrected": sum(1 for c in checks if c.corrected),
            "open_deviations": sum(
                1 for d in self.deviations if d.status != DeviationStatus.CLOSED
            ),
            "process_excursions": self.process_excursions,
            "invalidated_signatures": sum(1 for s in self.signatures if not s.valid),
        }


@dataclass(frozen=True)
class RecordOutcome:
    """What one recording action changed, for a screen to show without reading the batch again:
    the entry, the derived values it updated and, when a signature's state may have changed with
    them (a value of a signed step, or a signed batch), every signature of the batch as it stands
    after the write."""

    lot: str
    entry: CheckView
    derived: tuple[CheckView, ...]
    notes: tuple[str, ...] = ()
    signatures: tuple[SignatureView, ...] | None = None  # None: no signature could have changed


@dataclass(frozen=True)
class AuditEventView:
    seq: int
    at: str
    user: str
    action: str
    entity: str
    entity_id: str
    lot: str | None
    old: str | None
    new: str | None
    reason: str | None
    app_version: str
    prev_hash: str
    hash: str
    seals: dict[str, str | None] | None = None  # the state rows its unit of work sealed


_DERIVED = (
    "verdict",
    "state",
    "exceptions",
    "verified",
    "label",
    "statement",
    "kind_label",
    "status",
)


def plain(value: Any) -> Any:
    """A read model as JSON-ready data: plain keys, numbers as numbers, times as UTC ISO text."""
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        for name in _DERIVED:
            if isinstance(getattr(type(value), name, None), property | cached_property):
                data[name] = plain(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return utc_iso(value)
    return value
