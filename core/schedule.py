"""When each step is planned, and whether entries were made then (ALCOA+: contemporaneous).

A template numbers its days from the batch's day 0 (``day = "D0"``, ``"D7–D12"``, repeated days
``D0`` … ``D10``). Day 0 of a batch is the local date of the first entry in a step planned for
day 0 alone (for CAR-T, activation). A step's window runs from the day before its first planned
day to the day after its last. An entry outside it was made far from when the step happened; an
entry dated before the first entry of a step planned earlier is out of order. Both are review
exceptions, never silent. Pure functions over a batch read model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from core.i18n import _
from core.readmodels import BatchView, ResultVersionView, StepView
from core.states import EntryKind

TOLERANCE_DAYS = 1  # a step's window reaches one day either side of its planned days
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of an instrument PC and a bench PC differ a bit
_DAY = re.compile(r"^D(-?\d+)(?:\s*[–/-]\s*D(-?\d+))?$")


@dataclass(frozen=True)
class Planned:
    first: int
    last: int

    def words(self) -> str:
        return f"D{self.first}" if self.first == self.last else f"D{self.first}–D{self.last}"


def planned_days(step: StepView) -> Planned | None:
    """The planned days of a step ("D5", "D0–D10", "D-1/D0", a repeated day "D3"); None when the
    template gives no day number (harvest, passages, release testing)."""
    match = _DAY.match((step.day or "").strip())
    if match is None or step.is_release:
        return None
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    return Planned(min(first, last), max(first, last))


def when(version: ResultVersionView) -> datetime:
    """When an entry's value came to be: the instrument's measurement time, else the entry."""
    return version.measured_at or version.recorded_at


def _entries(step: StepView) -> list[ResultVersionView]:
    return [v for c in step.checks for v in c.history if v.kind == EntryKind.ENTRY]


def day_zero(view: BatchView, zone: tzinfo) -> date | None:
    """The local date of the batch's day 0, from the first entry of a step planned for day 0
    alone (else of one whose days include 0); None before such an entry exists."""
    for exact in (True, False):
        times = []
        for step in view.steps:
            planned = planned_days(step)
            if planned is None:
                continue
            alone = planned.first == planned.last == 0
            if alone if exact else planned.first <= 0 <= planned.last:
                times += [when(v) for v in _entries(step)]
        if times:
            return min(times).astimezone(zone).date()
    return None


@dataclass(frozen=True)
class Window:
    planned: Planned
    start: datetime  # aware, inclusive
    end: datetime  # aware, exclusive

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def window(step: StepView, zero: date | None, zone: tzinfo) -> Window | None:
    planned = planned_days(step)
    if planned is None or zero is None:
        return None
    first = zero + timedelta(days=planned.first - TOLERANCE_DAYS)
    last = zero + timedelta(days=planned.last + 1 + TOLERANCE_DAYS)
    return Window(
        planned,
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last, time(), tzinfo=zone),
    )


def day_number(moment: datetime, zero: date, zone: tzinfo) -> int:
    return (moment.astimezone(zone).date() - zero).days


@dataclass(frozen=True)
class TimingFinding:
    kind: str  # "out_of_window" | "out_of_order"
    step_id: str
    check_id: str
    at: datetime
    by: str
    detail: str


def timing_findings(view: BatchView, zone: tzinfo) -> list[TimingFinding]:
    """Entries far from their step's planned days, and steps begun before a step they follow."""
    zero = day_zero(view, zone)
    found: list[TimingFinding] = []
    first_entry: dict[str, datetime] = {}
    for step in view.steps:
        entries = _entries(step)
        if entries:
            first_entry[step.id] = min(when(v) for v in entries)
        span = window(step, zero, zone)
        if span is None or zero is None:
            continue
        for check in step.checks:
            for version in check.history:
                moment = when(version)
                if version.kind != EntryKind.ENTRY or span.holds(moment):
                    continue
                found.append(
                    TimingFinding(
                        "out_of_window",
                        step.id,
                        check.id,
                        moment,
                        version.recorded_by,
                        _(
                            "dated day {day}; the step is planned for {planned} (day 0 is {zero})"
                        ).format(
                            day=day_number(moment, zero, zone),
                            planned=span.planned.words(),
                            zero=zero.isoformat(),
                        ),
                    )
                )
    found += _out_of_order(view, first_entry)
    return found


def _out_of_order(view: BatchView, first_entry: dict[str, datetime]) -> list[TimingFinding]:
    found = []
    steps = [s for s in view.steps if s.id in first_entry]
    for later in steps:
        planned_later = planned_days(later)
        earlier_steps = [
            s
            for s in steps
            if s is not later
            and (p := planned_days(s)) is not None
            and planned_later is not None
            and p.last < planned_later.first
        ]
        earlier_steps += [s for s in steps if _previous_passage(s, later)]
        broken = [s for s in earlier_steps if first_entry[later.id] < first_entry[s.id]]
        if not broken:
            continue
        culprit = max(broken, key=lambda s: first_entry[s.id])
        check, version = _first(later)
        found.append(
            TimingFinding(
                "out_of_order",
                later.id,
                check,
                first_entry[later.id],
                version.recorded_by,
                _("dated before the first entry of {step} ({name}), which it follows").format(
                    step=culprit.id, name=culprit.name
                ),
            )
        )
    return found


def _previous_passage(earlier: StepView, later: StepView) -> bool:
    """Instances of one repeated step run in order (P1 before P2)."""
    a, b = earlier.id.rsplit("-", 1), later.id.rsplit("-", 1)
    if earlier.instance is None or later.instance is None or a[0] != b[0]:
        return False
    number = re.compile(r"\d+$")
    ma, mb = number.search(earlier.instance), number.search(later.instance)
    return ma is not None and mb is not None and int(ma.group()) < int(mb.group())


def _first(step: StepView) -> tuple[str, ResultVersionView]:
    pairs = [(c.id, v) for c in step.checks for v in c.history if v.kind == "entry"]
    return min(pairs, key=lambda pair: when(pair[1]))
