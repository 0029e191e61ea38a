"""What an IQ or OQ item is: an id, what was expected, what was observed, and the result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.i18n import N_, _

# The result as the report and the command line show it
OUTCOME_WORD = {"pass": N_("PASS"), "fail": N_("FAIL"), "not applicable": N_("N/A")}


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not applicable"

    @property
    def word(self) -> str:
        return _(OUTCOME_WORD[self.value])


@dataclass(frozen=True)
class Item:
    id: str  # IQ-01, OQ-07 …
    title: str
    expected: str
    observed: str
    result: Outcome
    clauses: tuple[
        str, ...
    ] = ()  # requirement keys it gives evidence for (core.validation.clauses)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.result == Outcome.FAIL


def passed(condition: bool) -> Outcome:
    return Outcome.PASS if condition else Outcome.FAIL


@dataclass(frozen=True)
class ValidationRun:
    """Everything the IQ/OQ report states."""

    app_version: str
    machine: str
    operating_system: str
    site_database: str
    site_name: str
    run_by: str  # username
    run_by_name: str  # printed name
    run_by_role: str
    started_at: datetime  # UTC
    time_zone: str  # IANA zone the report shows local times in
    iq: tuple[Item, ...]
    oq: tuple[Item, ...]
    oq_database: str = ""  # the engine (and server version) the OQ ran on

    @property
    def items(self) -> tuple[Item, ...]:
        return self.iq + self.oq

    @property
    def failed(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.failed)

    @property
    def passed(self) -> bool:
        return not self.failed
