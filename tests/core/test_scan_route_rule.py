"""Where a scan belongs on the batch record, decided by what it is (core/scan_routing.py)."""

from __future__ import annotations

from core.readmodels import CheckView
from core.scan_routing import ScanTarget, route_scan

COI, LOT = "COI-W123426000042", "CT-0042"


def check(cid: str, ctype: str, expect: str | None = None, **changes) -> CheckView:
    fields = dict(
        id=cid, name=cid, step_id="S", type=ctype, unit=None, precision=None, notation="plain",
        method=None, spec="", lower=None, upper=None, lower_inclusive=True, upper_inclusive=True,
        alert_lower=None, alert_upper=None, target=None, gates_release=False, verify=False,
        required=True, derived=False, formula=None, source="", attribute=None, choices=(),
        pass_label="Pass", fail_label="Fail", expect=expect, note=None, measures=None,
        current=None, history=(),
    )  # fmt: skip
    fields.update(changes)
    return CheckView(**fields)


COI_SCAN = check("COI", "scan", "coi")
VIAL_SCAN = check("VIAL", "scan", "check:VECTOR-LOT")
VOLUME = check("VOL", "number")
SLOT = check("SLOT", "text")


def route(code, checks, focused=None, values=None):
    return route_scan(
        code, lot=LOT, coi=COI, step_checks=checks, values=values or {}, focused=focused
    )


def test_the_coi_goes_to_the_coi_check_whatever_has_the_focus():
    for focused in (None, VOLUME, SLOT, VIAL_SCAN):
        found = route(COI, [VIAL_SCAN, COI_SCAN, VOLUME, SLOT], focused)
        assert (found.target, found.check_id) == (ScanTarget.SCAN_CHECK, "COI")


def test_a_label_goes_to_the_check_it_is_compared_with():
    found = route("LV-0117", [COI_SCAN, VIAL_SCAN], values={"VECTOR-LOT": "LV-0117"})
    assert found.check_id == "VIAL"


def test_a_wrong_code_goes_to_the_focused_scan_check_else_the_first_open_one():
    assert route("COI-WRONG", [COI_SCAN, VIAL_SCAN], focused=VIAL_SCAN).check_id == "VIAL"
    assert route("COI-WRONG", [COI_SCAN, VIAL_SCAN], focused=SLOT).check_id == "COI"


def test_never_into_a_number_or_text_field_and_never_into_a_recorded_check():
    recorded = check("COI", "scan", "coi", current=object())
    found = route(COI, [recorded, VOLUME, SLOT], focused=SLOT)
    assert found.target == ScanTarget.BATCH_SEARCH and found.check_id is None
    not_applicable = check("COI", "scan", "coi", applies=False)
    assert route(COI, [not_applicable, VOLUME]).target == ScanTarget.BATCH_SEARCH


def test_the_own_lot_number_records_nothing():
    assert route(" ct-0042 ", [COI_SCAN, VOLUME]).target == ScanTarget.THIS_LOT


def test_a_text_check_that_accepts_scans_takes_one_when_focused():
    din = check("DIN", "text", accepts_scan=True)
    found = route("W1234 26 000042 J", [COI_SCAN, din, SLOT], focused=din)
    assert (found.target, found.check_id) == (ScanTarget.TEXT_CHECK, "DIN")
    assert route(COI, [COI_SCAN, din], focused=din).check_id == "COI"  # the COI still wins
    assert route("W1234", [COI_SCAN, din, SLOT], focused=SLOT).check_id == "COI"  # not SLOT
    recorded = check("DIN", "text", accepts_scan=True, current=object())
    assert route("W1234", [recorded], focused=recorded).target == ScanTarget.BATCH_SEARCH
    assert route("W1234", [din]).target == ScanTarget.BATCH_SEARCH  # only where focused


def test_only_a_text_check_may_accept_scans():
    from tests.core.test_templates import _mutate, _refused

    error = _refused(
        _mutate('unit = "cells"\nsource', 'unit = "cells"\naccepts_scan = true\nsource')
    )
    assert "'accepts_scan' is only for text checks, not number" in error.reason
