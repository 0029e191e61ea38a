"""Where a barcode scan goes on the batch record: decided by what was scanned, not by where the
keyboard focus happens to be.

A wedge scanner types into whatever has the focus. The screen recognises a scan by its timing
(ui/scanner.py) and asks this rule where it belongs:

1. the open scan check of the step whose expected value it is (the batch's chain-of-identity id,
   or the value recorded for the check it is compared with), wherever the focus is;
2. this batch's lot number: nothing to record, say so;
3. the focused field if it is an open text check whose template says ``accepts_scan`` (a DIN, a
   bag or shipper id read from its label): recorded there as typed;
4. the focused field if it is an open scan check, else the step's first open scan check: core
   compares and refuses a wrong label there, and the mismatch is audited and blocks the step;
5. otherwise (no scan check open on the step) perhaps another lot: the batch list searches;

and never into a number, choice or free-text field that did not ask for a scan. The rule reads the
template's data (check type and ``expect``), never a word shown on screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from core.check_kinds import kind_of
from core.readmodels import CheckView


class ScanTarget(Enum):
    SCAN_CHECK = "scan_check"  # record it in ``check_id`` (core compares it)
    TEXT_CHECK = "text_check"  # record it in ``check_id``, a text check that accepts scans
    THIS_LOT = "this_lot"  # the batch's own lot number: nothing to record
    BATCH_SEARCH = "batch_search"  # not for this step: look it up in the batch list


@dataclass(frozen=True)
class ScanRoute:
    target: ScanTarget
    code: str
    check_id: str | None = None


def expected_value(check: CheckView, coi: str | None, values: Mapping[str, str]) -> str | None:
    """What an open scan check must equal (None: not known yet, or nothing to compare with)."""
    if check.expect == "coi":
        return coi
    if check.expect and check.expect.startswith("check:"):
        return values.get(check.expect.split(":", 1)[1])
    return None


def is_open_scan(check: CheckView) -> bool:
    return (
        kind_of(check).takes_scans
        and check.current is None
        and not check.derived
        and check.applies is True
    )


def takes_scan_as_text(check: CheckView) -> bool:
    """An open free-text check whose template lets a barcode fill it."""
    return (
        check.accepts_scan  # the loader lets only text checks declare it
        and check.current is None
        and not check.derived
        and check.applies is True
    )


def route_scan(
    code: str,
    *,
    lot: str,
    coi: str | None,
    step_checks: Sequence[CheckView],
    values: Mapping[str, str],
    focused: CheckView | None = None,
) -> ScanRoute:
    """Where ``code`` (the scan, without the scanner's prefix and suffix) belongs; ``values``
    holds the current value of every recorded check of the batch, by check id (see
    ``recorded_values``)."""
    code = code.strip()
    open_scans = [c for c in step_checks if is_open_scan(c)]
    for check in open_scans:
        if expected_value(check, coi, values) == code:
            return ScanRoute(ScanTarget.SCAN_CHECK, code, check.id)
    if code.casefold() == lot.casefold():
        return ScanRoute(ScanTarget.THIS_LOT, code)
    if focused is not None and takes_scan_as_text(focused):
        return ScanRoute(ScanTarget.TEXT_CHECK, code, focused.id)
    if focused is not None and is_open_scan(focused):
        return ScanRoute(ScanTarget.SCAN_CHECK, code, focused.id)
    if open_scans:
        return ScanRoute(ScanTarget.SCAN_CHECK, code, open_scans[0].id)
    return ScanRoute(ScanTarget.BATCH_SEARCH, code)


def recorded_values(steps: Sequence) -> dict[str, str]:
    """The current value of every recorded check of a batch's steps, by check id."""
    return {
        check.id: check.current.value
        for step in steps
        for check in step.checks
        if check.current is not None
    }
