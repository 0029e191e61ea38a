"""Recording values: verdicts, out-of-spec demands, corrections that keep history, derived values,
scans, permissions, and the audit events written with each change."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.errors import (
    Conflict,
    DomainError,
    InvalidValue,
    JustificationRequired,
    NotFound,
    PermissionDenied,
    ScanMismatch,
)
from core.services import audit_trail, batches, deviations, recording
from tests.conftest import make_user
from tests.raw_db import count, raw_sql

LOT, COI = "CT-0001", "COI-W123426000042"


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    return LOT


def _rows(db, table: str) -> int:
    return count(db, table)


def _record(db, actor, check, value, **kw):
    return recording.record_value(db, actor, LOT, check, value, **kw)


def test_in_spec_value_is_judged_and_audited_with_its_raw_text(site, tech, cart):
    out = _record(site, tech, "CART-IPC-04-VIAB", "85,5")
    cur = out.entry.current
    assert (cur.value, cur.display, cur.verdict, cur.raw_text) == ("85.5", "85.5 %", "pass", "85,5")
    assert cur.recorded_by == "tess" and cur.recorded_by_name == "Tess Technician"
    assert cur.recorded_at.utcoffset().total_seconds() == 0
    event = audit_trail.events(site, lot=LOT)[-1]
    assert event.action == "result.record" and event.user == "tess"
    assert event.entity_id == f"{LOT}/CART-IPC-04-VIAB/v1"
    assert '"value":"85.5"' in event.new and '"raw":"85,5"' in event.new and event.old is None


@pytest.mark.parametrize(
    "check, value, verdict",
    [
        ("CART-IPC-04-VIAB", "70", "alert"),  # ≥ 70 inclusive: on the action limit passes it
        ("CART-IPC-04-VIAB", "69,94", "oos"),  # rounds to 69.9 at one decimal
        ("CART-IPC-04-VIAB", "69,96", "alert"),  # rounds to 70.0
        ("CART-IPC-04-VIAB", "80.0", "pass"),  # alert limit itself is not an alert
        ("CART-IPC-02-TIME", "72", "pass"),  # ≤ 72 h inclusive
        ("CART-IPC-02-TIME", "72.05", "oos"),
    ],
)
def test_values_exactly_on_limits_evaluate_as_the_template_says(
    site, tech, cart, check, value, verdict
):
    out = _record(site, tech, check, value, comment="edge test" if verdict == "oos" else None)
    assert out.entry.current.verdict == verdict


def test_exclusive_limits_fail_on_the_limit_itself(site, tech):
    batches.start_batch(site, tech, "aav-hek293", "AAV-1")
    out = recording.record_value(site, tech, "AAV-1", "AAV-IPC-04-VCD", "2.0e6", comment="edge")
    assert out.entry.current.verdict == "oos"  # spec < 2.0×10⁶
    assert "not below" in out.entry.current.rule
    out = recording.record_value(site, tech, "AAV-1", "AAV-IPC-02-VIAB", "90.0", comment="edge")
    assert out.entry.current.verdict == "oos"  # spec > 90 %


def test_out_of_spec_without_comment_or_deviation_writes_nothing(site, tech, cart):
    results, events = _rows(site, "result"), _rows(site, "audit_event")
    with pytest.raises(JustificationRequired, match=r"below 70.0 % \(action limit\)"):
        _record(site, tech, "CART-IPC-04-VIAB", "65")
    assert (_rows(site, "result"), _rows(site, "audit_event")) == (results, events)


def test_out_of_spec_with_a_comment_is_final_and_counted(site, tech, cart):
    out = _record(site, tech, "CART-IPC-04-VIAB", "65", comment="dead cell removal planned")
    cur = out.entry.current
    assert (cur.verdict, cur.final, cur.comment) == ("oos", True, "dead cell removal planned")
    view = batches.show_batch(site, LOT)
    assert view.exceptions["out_of_spec"] == 1
    assert view.check("CART-IPC-04-VIAB").current.rule == "below 70.0 % (action limit)"


def test_out_of_spec_with_a_deviation_links_the_entry(site, tech, cart):
    dev = deviations.open_deviation(site, tech, LOT, "major", "Viability below spec after wash")
    out = _record(site, tech, "CART-IPC-04-VIAB", "65", deviation=dev.ref)
    assert out.entry.current.deviation == dev.ref
    linked = deviations.list_deviations(site, LOT)[0]
    assert linked.checks == ("CART-IPC-04-VIAB",) and linked.status == "open"


def test_held_out_of_spec_is_not_final_until_justified(site, tech, cart):
    out = _record(site, tech, "CART-IPC-04-VIAB", "65", hold_if_out_of_spec=True)
    assert out.entry.current.final is False
    assert batches.show_batch(site, LOT).exceptions["awaiting_justification"] == 1
    out = recording.justify_value(site, tech, LOT, "CART-IPC-04-VIAB", comment="recount agreed")
    assert [v.kind for v in out.entry.history] == ["entry", "justification"]
    assert out.entry.current.final and out.entry.current.value == "65"
    assert batches.show_batch(site, LOT).exceptions["awaiting_justification"] == 0


def test_a_recorded_value_is_never_overwritten(site, tech, cart):
    _record(site, tech, "CART-IPC-04-VIAB", "85")
    with pytest.raises(Conflict, match="correct it and give a reason"):
        _record(site, tech, "CART-IPC-04-VIAB", "86")


def test_a_correction_keeps_the_old_value_and_asks_why(site, tech, tech2, cart):
    _record(site, tech, "CART-IPC-04-VIAB", "58", comment="suspect count")
    with pytest.raises(DomainError, match="reason"):
        recording.correct_value(site, tech2, LOT, "CART-IPC-04-VIAB", "85", "  ")
    with pytest.raises(Conflict, match="equals the recorded one"):
        recording.correct_value(site, tech2, LOT, "CART-IPC-04-VIAB", "58.0", "same")
    out = recording.correct_value(site, tech2, LOT, "CART-IPC-04-VIAB", "85", "digits swapped")
    hist = out.entry.history
    assert [(v.version, v.value, v.kind, v.recorded_by) for v in hist] == [
        (1, "58", "entry", "tess"),
        (2, "85", "correction", "vic"),
    ]
    assert hist[1].reason == "digits swapped" and hist[0].comment == "suspect count"
    event = audit_trail.events(site, lot=LOT)[-1]
    assert event.action == "result.correct" and event.reason == "digits swapped"
    assert '"value":"58"' in event.old and '"value":"85"' in event.new
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        raw_sql(site, "UPDATE result SET value = '99'")


def test_derived_values_follow_their_inputs_and_corrections(site, tech, cart):
    _record(site, tech, "CART-IPC-07-VCD-D0", "1.0e6")
    out = _record(site, tech, "CART-IPC-07-VOL-D0", "100")
    tvc0 = {c.id: c for c in out.derived}["CART-IPC-07-TVC-D0"]
    assert Decimal(tvc0.current.value) == Decimal("1.0e8")  # 1.0×10⁶ cells/mL × 100 mL
    _record(site, tech, "CART-IPC-07-VCD-D3", "1,2e6")
    out = _record(site, tech, "CART-IPC-07-VOL-D3", "150")
    derived = {c.id: c for c in out.derived}
    assert Decimal(derived["CART-IPC-07-TVC-D3"].current.value) == Decimal("1.8e8")
    assert Decimal(derived["CART-IPC-07-FOLD-D3"].current.value) == Decimal("1.8")  # 1.8e8/1e8
    assert derived["CART-IPC-07-FOLD-D3"].formula.startswith("tvc ÷ tvc0")
    out = recording.correct_value(site, tech, LOT, "CART-IPC-07-VOL-D0", "120", "wrong graduation")
    derived = {c.id: c for c in out.derived}
    assert Decimal(derived["CART-IPC-07-TVC-D0"].current.value) == Decimal("1.2e8")
    assert Decimal(derived["CART-IPC-07-FOLD-D3"].current.value) == Decimal("1.5")  # 1.8/1.2
    assert derived["CART-IPC-07-FOLD-D3"].current.reason == (
        "recalculated after the correction of CART-IPC-07-VOL-D0"
    )
    with pytest.raises(Conflict, match="is calculated from"):
        _record(site, tech, "CART-IPC-07-FOLD-D4", "2")


def test_a_derived_value_out_of_spec_demands_a_justification_too(site, tech, cart):
    """Dose per kg is calculated; the entry that makes it out of spec must carry the reason."""
    for check, value in [
        ("CART-IPC-10-VCD", "2e6"),
        ("CART-IPC-10-FILL", "68"),
        ("CART-IPC-10-CD3", "95"),
        ("CART-IPC-10-CAR", "30"),
    ]:
        _record(site, tech, check, value)
    # 2e6 × 68 = 1.36e8 cells; × 0.95 × 0.30 = 3.876e7 CAR+; ÷ 5 kg = 7.75e6/kg > 5.0e6/kg
    with pytest.raises(JustificationRequired, match="CART-IPC-10-DOSE"):
        _record(site, tech, "CART-IPC-10-WEIGHT", "5")
    out = _record(site, tech, "CART-IPC-10-WEIGHT", "5", comment="paediatric patient, see DEV")
    dose = {c.id: c for c in out.derived}["CART-IPC-10-DOSE"]
    assert Decimal(dose.current.value) == Decimal("7752000")
    assert dose.current.verdict == "oos" and dose.current.comment == "paediatric patient, see DEV"


def test_a_scan_must_match_the_chain_of_identity(site, tech, cart):
    results = _rows(site, "result")
    with pytest.raises(ScanMismatch, match=f"expected {COI}, scanned COI-OTHER-1"):
        _record(site, tech, "CART-IPC-03-COI", "COI-OTHER-1\r\n")
    assert _rows(site, "result") == results
    assert audit_trail.events(site, lot=LOT)[-1].action == "result.scan_mismatch"
    out = _record(site, tech, "CART-IPC-03-COI", f"{COI}\r\n")  # the wedge scanner's Enter
    assert out.entry.current.verdict == "pass" and out.entry.current.value == COI


def test_a_scan_compared_with_another_entry(site, tech, stocked, cart):
    with pytest.raises(Conflict, match="Record CART-IPC-06-LOT first"):
        _record(site, tech, "CART-IPC-06-VIAL", "LV-1")
    _record(site, tech, "CART-IPC-06-LOT", "LV-CD19-0311")
    with pytest.raises(ScanMismatch):
        _record(site, tech, "CART-IPC-06-VIAL", "LV-CD19-0312")
    assert _record(site, tech, "CART-IPC-06-VIAL", "LV-CD19-0311").entry.current.verdict == "pass"


def test_bad_input_is_refused_with_nothing_written(site, tech, cart):
    results = _rows(site, "result")
    with pytest.raises(InvalidValue, match="unit"):
        _record(site, tech, "CART-IPC-04-VIAB", "72 mL")
    with pytest.raises(InvalidValue):
        _record(site, tech, "CART-IPC-04-VIAB", "NaN")
    with pytest.raises(NotFound, match="not in template"):
        _record(site, tech, "CART-NOPE", "1")
    with pytest.raises(NotFound, match="no batch with lot"):
        recording.record_value(site, tech, "CT-9999", "CART-IPC-04-VIAB", "80")
    assert _rows(site, "result") == results


def test_roles_that_do_not_record(site, admin, cart):
    qa = make_user(site, admin, "quinn", "qa")
    with pytest.raises(PermissionDenied, match="may not record values"):
        _record(site, qa, "CART-IPC-04-VIAB", "80")
    with pytest.raises(PermissionDenied):
        _record(site, admin, "CART-IPC-04-VIAB", "80")


def test_a_closed_batch_cannot_change(site, tech, cart):
    raw_sql(site, "UPDATE batch SET status = 'released' WHERE lot = :lot", {"lot": LOT})
    with pytest.raises(Conflict, match="released"):
        _record(site, tech, "CART-IPC-04-VIAB", "80")


def test_starting_batches(site, tech, cart):
    with pytest.raises(DomainError, match="chain-of-identity"):
        batches.start_batch(site, tech, "cart-auto-lv", "CT-0002")
    with pytest.raises(DomainError, match="already exists"):
        batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    with pytest.raises(DomainError, match="cannot be a lot number"):
        batches.start_batch(site, tech, "msc-expanded", "bad lot")
    with pytest.raises(NotFound, match="no process template 'nope'"):
        batches.start_batch(site, tech, "nope", "L-1")
    view = batches.show_batch(site, LOT)
    assert (view.template_key, view.template_version, view.coi_id) == ("cart-auto-lv", 2, COI)
    assert [b.lot for b in batches.list_batches(site, product_family="CAR-T")] == [LOT]


def test_viability_is_calculated_from_one_live_and_dead_count(site, tech, cart):
    _record(site, tech, "CART-IPC-09-VCD", "2,45E6")
    # 68.2 % is below the harvest limit (≥ 70 %): the derived value is out of spec too
    out = _record(site, tech, "CART-IPC-09-DEAD", "1,14E6", comment="NucleoView sample count")
    viab = {c.id: c for c in out.derived}["CART-IPC-09-VIAB"]
    # 2.45e6 ÷ (2.45e6 + 1.14e6) × 100 = 68.245125348... %  (NucleoView sample: 68.2 %)
    assert viab.current.display == "68.2 %"
    assert Decimal(viab.current.value).quantize(Decimal("0.0001")) == Decimal("68.2451")
