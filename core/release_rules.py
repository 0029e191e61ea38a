"""Release gating: which results a disposition rests on, and what stands in its way.

Pure functions over a batch read model (no database): the core services (signing, review, the
post-release transitions) and the validation OQ all decide through them.

- A check that gates release (``gates_release``; every release test by default) and applies to the
  batch must be recorded, final and conforming for the lot to be *released*.
- *Released with results pending* is allowed when every missing gating result may follow release
  (``pending_allowed``) and every other gating result is in and conforming.
- *Exceptional release* (autologous products, at the treating physician's request) is the one way
  to release with a gating result out of specification: every other result is in, each failing
  result is covered by a closed deviation, and the physician's notification is recorded.
- A missing required value blocks the batch review (REVIEWED), except a release result that may
  follow release.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.i18n import N_, _, ngettext
from core.models.batches import BatchStatus
from core.readmodels import BatchView, CheckView, StepView
from core.signing_views import Disposition
from core.specs import Verdict
from core.states import DeviationStatus


class GateState(StrEnum):
    CONFORMS = "conforms"
    FAILS = "fails"  # out of specification (a failed pass/fail result included)
    NOT_FINAL = "not_final"  # out of specification, its comment or deviation still missing
    MISSING = "missing"  # required and not recorded
    PENDING = "pending"  # not recorded yet, and may follow release


@dataclass(frozen=True)
class GateResult:
    check_id: str
    name: str
    step_id: str
    state: GateState
    shown: str  # the current value as shown, or "—"
    deviation: str | None  # the deviation linked to the current value, if any

    def words(self) -> str:
        said = {
            GateState.FAILS: N_("{check} {name} {shown} is out of specification"),
            GateState.NOT_FINAL: N_(
                "{check} {name} {shown} is out of specification and not yet justified"
            ),
            GateState.MISSING: N_("{check} {name} has no result"),
            GateState.PENDING: N_("{check} {name} is pending (may follow release)"),
            GateState.CONFORMS: N_("{check} {name} {shown} conforms"),
        }[self.state]
        return _(said).format(check=self.check_id, name=self.name, shown=self.shown)


@dataclass(frozen=True)
class ReleaseGate:
    results: tuple[GateResult, ...]

    def where(self, *states: GateState) -> tuple[GateResult, ...]:
        return tuple(r for r in self.results if r.state in states)

    @property
    def failing(self) -> tuple[GateResult, ...]:
        return self.where(GateState.FAILS, GateState.NOT_FINAL)

    @property
    def missing(self) -> tuple[GateResult, ...]:
        return self.where(GateState.MISSING)

    @property
    def pending(self) -> tuple[GateResult, ...]:
        return self.where(GateState.PENDING)

    @property
    def complete(self) -> bool:
        return not self.failing and not self.missing and not self.pending


def _state(step: StepView, check: CheckView) -> GateState | None:
    if check.applies is False:
        return None
    current = check.current
    if current is None:
        if not check.required:
            return None  # optional, or does not apply, and not done (residual beads …)
        if step.is_release and check.pending_allowed:
            return GateState.PENDING
        return GateState.MISSING
    if current.verdict == Verdict.OOS:
        return GateState.FAILS if current.final else GateState.NOT_FINAL
    return GateState.CONFORMS


def release_gate(view: BatchView) -> ReleaseGate:
    """The state of every result that gates the release of ``view``."""
    results = []
    for step in view.steps:
        for check in step.checks:
            if not check.gates_release:
                continue
            state = _state(step, check)
            if state is None:
                continue
            current = check.current
            results.append(
                GateResult(
                    check.id,
                    check.name,
                    step.id,
                    state,
                    current.display if current else "—",
                    current.deviation if current else None,
                )
            )
    return ReleaseGate(tuple(results))


def _listed(results: tuple[GateResult, ...], limit: int = 4) -> str:
    shown = "; ".join(r.words() for r in results[:limit])
    more = len(results) - limit
    if more <= 0:
        return shown
    return ngettext("{listed}; and {n} more", "{listed}; and {n} more", more).format(
        listed=shown, n=more
    )


def covering_deviations(view: BatchView, check_id: str) -> tuple[str, ...]:
    """The closed deviations linked to a check (by its result or by a link)."""
    closed = {d.ref: d for d in view.deviations if d.status == DeviationStatus.CLOSED}
    refs = [ref for ref, d in closed.items() if check_id in d.checks]
    current = view.check(check_id).current
    if current is not None and current.deviation in closed and current.deviation not in refs:
        refs.append(current.deviation)
    return tuple(refs)


def gate_refusals(view: BatchView, disposition: str, *, autologous: bool) -> tuple[str, ...]:
    """Why the release ``gate`` forbids ``disposition`` now; () when it allows it. Quarantine and
    rejection are never refused by the gate."""
    gate = release_gate(view)
    out: list[str] = []
    if disposition == Disposition.RELEASED:
        if gate.failing:
            out.append(
                (
                    _(
                        "A gating result is out of specification: {results}. Only an exceptional "
                        "release (with its closed deviation and the physician's notification) "
                        "can release it."
                    )
                    if autologous
                    else _(
                        "A gating result is out of specification: {results}. Reject or quarantine "
                        "the lot."
                    )
                ).format(results=_listed(gate.failing))
            )
        if gate.missing or gate.pending:
            out.append(
                _("Release results are missing: {results}.").format(
                    results=_listed(gate.missing + gate.pending)
                )
            )
    elif disposition == Disposition.RELEASED_PENDING:
        if gate.failing:
            out.append(
                _("A gating result is out of specification: {results}.").format(
                    results=_listed(gate.failing)
                )
            )
        if gate.missing:
            out.append(
                _("Results that may not follow release are missing: {results}.").format(
                    results=_listed(gate.missing)
                )
            )
        if not gate.pending and not gate.failing and not gate.missing:
            out.append(_("No result is pending: release the lot as released."))
    elif disposition == Disposition.EXCEPTIONAL_RELEASE:
        if not autologous:
            out.append(
                _(
                    "Exceptional release is for autologous products only (given to the one "
                    "patient at the treating physician's request)."
                )
            )
        if not gate.failing:
            out.append(_("No gating result is out of specification: release the lot as released."))
        not_final = gate.where(GateState.NOT_FINAL)
        if not_final:
            out.append(_("Justify first: {results}.").format(results=_listed(not_final)))
        uncovered = [
            r for r in gate.where(GateState.FAILS) if not covering_deviations(view, r.check_id)
        ]
        if uncovered:
            out.append(
                _(
                    "Each out-of-specification result needs a closed deviation linked to it: "
                    "{results}."
                ).format(results=_listed(tuple(uncovered)))
            )
        if gate.missing or gate.pending:
            out.append(
                _("Every release result must be in for an exceptional release: {results}.").format(
                    results=_listed(gate.missing + gate.pending)
                )
            )
    return tuple(out)


def review_missing(view: BatchView) -> list[str]:
    """Required values that block the batch review: every missing one except a release result
    that may follow release (and derived values, which follow their inputs)."""
    missing = []
    for step in view.steps:
        for check in step.checks:
            if check.current is not None or not check.required or check.derived:
                continue
            if step.is_release and check.pending_allowed:
                continue
            missing.append(check.id)
    return missing


def after_release_status(view: BatchView) -> BatchStatus | None:
    """The status a lot released with results pending moves to once a result arrives: released
    when nothing is pending and all conforms, post-release out of specification when a gating
    result fails; None when it stays as it is."""
    gate = release_gate(view)
    if gate.failing:
        return BatchStatus.POST_RELEASE_OOS
    if not gate.pending and not gate.missing:
        return BatchStatus.RELEASED
    return None


def cited_deviation(view: BatchView, ref: str, *, closed: bool) -> tuple[str, ...]:
    """The deviation cited must be this lot's, (closed,) and linked to a failing result."""
    found = next((d for d in view.deviations if d.ref == ref), None)
    if found is None:
        return (
            _("Deviation {ref} is not a deviation of lot {lot}.").format(ref=ref, lot=view.lot),
        )
    if closed and found.status != DeviationStatus.CLOSED:
        still = (
            _("Deviation {ref} is still under investigation: QA closes it first.")
            if found.status == DeviationStatus.UNDER_INVESTIGATION
            else _("Deviation {ref} is still open: QA closes it first.")
        )
        return (still.format(ref=ref),)
    failing = {r.check_id for r in release_gate(view).failing}
    linked = set(found.checks) | {
        c.id for c in view.checks() if c.current and c.current.deviation == ref
    }
    if not failing & linked:
        return (
            _("Deviation {ref} is not linked to an out-of-specification result.").format(ref=ref),
        )
    return ()


def post_release_blockers(view: BatchView, details: dict[str, str] | None) -> tuple[str, ...]:
    """What QA's acknowledgement of a post-release failure waits for."""
    gate = release_gate(view)
    out: list[str] = []
    not_final = gate.where(GateState.NOT_FINAL)
    if not_final:
        out.append(
            _("Justify with a deviation first: {checks}").format(
                checks=", ".join(r.check_id for r in not_final)
            )
        )
    without = [
        r.check_id
        for r in gate.where(GateState.FAILS)
        if not r.deviation and not any(r.check_id in d.checks for d in view.deviations)
    ]
    if without:
        out.append(_("Link a deviation to {checks}").format(checks=", ".join(without)))
    if details:
        out += cited_deviation(view, details["deviation"], closed=False)
    return tuple(out)
