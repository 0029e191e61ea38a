"""Equipment: registered, calibrated, qualified, maintained, taken out of and back into service;
whether it may be used on a day (the rule the point-of-use check asks); audited and sealed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest

from core.errors import AlreadyExists, Conflict, InvalidValue, NotFound, PermissionDenied
from core.models import Equipment
from core.records.equipment import equipment_refusal, find_equipment
from core.services import audit_trail, batches, equipment
from core.services.settings import set_setting
from core.services.trail_verification import verify_trail
from core.states import EquipmentEventKind, EquipmentStatus
from tests.conftest import make_user
from tests.raw_db import raw_dicts, raw_sql

# The clock reads 2026-11-02 08:00 UTC: the site's (Berlin) today is 2026-11-02.
TODAY = date(2026, 11, 2)


@pytest.fixture
def sup(site, admin):
    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site is in Berlin (CC-TEST-2)")
    return make_user(site, admin, "sam", "supervisor", "Sam Supervisor")


@pytest.fixture
def bsc(site, sup):
    """BSC-01, a biosafety cabinet in use, calibration due 2027-01-15, maintenance 2026-11-10."""
    equipment.register_equipment(
        site,
        sup,
        " bsc-01 ",
        "biosafety_cabinet",
        "Class II cabinet",
        "Suite B",
        calibration_due="2027-01-15",
        maintenance_due="2026-11-10",
    )
    return "BSC-01"


def _events(db, action: str) -> list[tuple[dict, dict, str | None]]:
    return [
        (json.loads(e.old) if e.old else {}, json.loads(e.new) if e.new else {}, e.reason)
        for e in audit_trail.events(db, action=action)
    ]


def _calibrate(db, actor, code, on, **kw):
    kw.setdefault("certificate", "CAL-2026-0412")
    return equipment.record_event(db, actor, code, EquipmentEventKind.CALIBRATION, on, **kw)


# -- register, list, show ------------------------------------------------------------------------


def test_an_item_is_registered_listed_and_shown(site, sup, bsc):
    equipment.register_equipment(site, sup, "INC-02", "incubator", "CO2 incubator", "Suite A")
    listed = equipment.list_equipment(site)
    assert [v.code for v in listed] == ["BSC-01", "INC-02"]
    cabinet = listed[0]
    assert (cabinet.type, cabinet.type_words, cabinet.status) == (
        "biosafety_cabinet",
        "biosafety cabinet",
        EquipmentStatus.IN_USE,
    )
    assert cabinet.calibration_due == date(2027, 1, 15) and cabinet.qualification_due is None
    assert cabinet.today == TODAY and cabinet.refusal is None
    # maintenance due in 8 days: due soon, not overdue; calibration in 74 days: neither
    assert cabinet.due(EquipmentEventKind.MAINTENANCE).due_soon
    assert not cabinet.due(EquipmentEventKind.CALIBRATION).due_soon
    assert cabinet.due_soon and not cabinet.overdue
    assert [v.code for v in equipment.list_equipment(site, type="incubator")] == ["INC-02"]
    assert [v.code for v in equipment.list_equipment(site, due_within=14)] == ["BSC-01"]
    assert equipment.list_equipment(site, due_within=5) == []
    record = equipment.show_equipment(site, "bsc-01")
    assert record.item.name == "Class II cabinet" and record.events == () and record.uses == ()
    register = _events(site, "equipment.register")[0][1]
    assert register["status"] == "in_use" and register["calibration_due"] == "2027-01-15"
    with pytest.raises(NotFound, match="No equipment XYZ-9"):
        equipment.show_equipment(site, "XYZ-9")


def test_registration_refuses_what_is_not_an_item(site, sup, bsc, tech):
    with pytest.raises(InvalidValue, match="biosafety_cabinet, incubator, bioreactor"):
        equipment.register_equipment(site, sup, "X-1", "toaster", "Toaster", "Kitchen")
    with pytest.raises(AlreadyExists, match="BSC-01 is already registered"):
        equipment.register_equipment(site, sup, "bsc-01", "incubator", "Other", "Suite C")
    with pytest.raises(InvalidValue, match="YYYY-MM-DD"):
        equipment.register_equipment(
            site, sup, "CF-1", "centrifuge", "Spin", "Lab", calibration_due="31.03.2027"
        )
    with pytest.raises(InvalidValue, match="'2027-02-30' is not a date"):
        equipment.register_equipment(
            site, sup, "CF-1", "centrifuge", "Spin", "Lab", maintenance_due="2027-02-30"
        )
    with pytest.raises(InvalidValue, match="more than 30 years ahead"):
        equipment.register_equipment(
            site, sup, "CF-1", "centrifuge", "Spin", "Lab", calibration_due="9999-12-31"
        )
    with pytest.raises(InvalidValue, match="not an asset code"):
        equipment.register_equipment(site, sup, "CF 1;drop", "centrifuge", "Spin", "Lab")
    with pytest.raises(PermissionDenied):
        equipment.register_equipment(site, tech, "CF-1", "centrifuge", "Spin", "Lab")
    assert [v.code for v in equipment.list_equipment(site)] == ["BSC-01"]


# -- calibration, qualification, maintenance -----------------------------------------------------


def test_a_passing_calibration_sets_the_due_date_and_keeps_its_certificate(
    site, sup, bsc, tmp_path
):
    pdf = tmp_path / "CAL-2026-0412.pdf"
    pdf.write_bytes(b"%PDF-1.7 calibration certificate \x00\xff")
    outcome = _calibrate(
        site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=True, certificate_file=pdf
    )
    assert outcome.item.calibration_due == date(2027, 11, 1)
    assert not outcome.taken_out_of_service and outcome.notice is None
    event = outcome.event
    assert event is not None and event.passed is True and event.certificate == "CAL-2026-0412"
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert event.attachment_sha256 == sha and event.attachment_filename == pdf.name
    kept = raw_dicts(site, "SELECT owner, kind, sha256, content FROM attachment")
    assert len(kept) == 1 and kept[0]["owner"] == f"equipment_event:{event.id}"
    assert kept[0]["kind"] == "certificate" and bytes(kept[0]["content"]) == pdf.read_bytes()
    old, new, _ = _events(site, "equipment.calibration")[0]
    assert (old["calibration_due"], new["calibration_due"]) == ("2027-01-15", "2027-11-01")
    assert new["certificate_file"]["sha256"] == sha and new["passed"] is True
    shown = equipment.show_equipment(site, bsc).events
    assert [(e.kind, e.attachment_sha256) for e in shown] == [("calibration", sha)]


def test_qualification_and_maintenance_set_their_own_due_dates(site, sup, bsc):
    equipment.record_event(
        site,
        sup,
        bsc,
        "qualification",
        "2026-10-30",
        next_due="2027-10-30",
        passed=True,
        certificate="OQ-118",
    )
    outcome = equipment.record_event(
        site,
        sup,
        bsc,
        "maintenance",
        date(2026, 11, 2),
        next_due=date(2027, 5, 2),
        note="filters changed",
    )
    item = outcome.item
    assert (item.qualification_due, item.maintenance_due) == (date(2027, 10, 30), date(2027, 5, 2))
    assert item.calibration_due == date(2027, 1, 15)  # untouched
    old, new, _ = _events(site, "equipment.maintenance")[0]
    assert (old["maintenance_due"], new["maintenance_due"]) == ("2026-11-10", "2027-05-02")
    with pytest.raises(InvalidValue, match="not passed or failed"):
        equipment.record_event(
            site, sup, bsc, "maintenance", "2026-11-02", next_due="2027-05-02", passed=True
        )


def test_an_event_that_cannot_be_right_is_refused(site, sup, bsc):
    with pytest.raises(InvalidValue, match="not after the calibration itself"):
        _calibrate(site, sup, bsc, "2026-11-01", next_due="2026-10-01", passed=True)
    with pytest.raises(InvalidValue, match="after today"):
        _calibrate(site, sup, bsc, "2026-11-03", next_due="2027-11-03", passed=True)
    with pytest.raises(InvalidValue, match="certificate's number or reference"):
        _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=True, certificate="")
    with pytest.raises(InvalidValue, match="passed or failed") as missing:
        _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01")
    assert missing.value.cli_hint == "Add --passed or --failed."
    with pytest.raises(InvalidValue, match="Give the date the next calibration is due"):
        _calibrate(site, sup, bsc, "2026-11-01", passed=True)
    with pytest.raises(InvalidValue, match="sets no next due date"):
        _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=False)
    with pytest.raises(InvalidValue, match="use calibration, qualification or maintenance"):
        equipment.record_event(site, sup, bsc, "status", "2026-11-01")
    with pytest.raises(InvalidValue, match="YYYY-MM-DD"):
        _calibrate(site, sup, bsc, "yesterday", next_due="2027-11-01", passed=True)
    _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=True)
    with pytest.raises(Conflict, match="last calibration was performed on 2026-11-01"):
        _calibrate(site, sup, bsc, "2026-10-01", next_due="2027-10-01", passed=True)
    assert raw_sql(site, "SELECT count(*) FROM equipment_event")[0][0] == 1


def test_today_is_the_sites_date(site, sup, bsc, clock):
    clock.set(datetime(2026, 11, 2, 23, 30, tzinfo=UTC))  # already 3 November in Berlin
    outcome = _calibrate(site, sup, bsc, "2026-11-03", next_due="2027-11-03", passed=True)
    assert outcome.item.today == date(2026, 11, 3)


def test_a_failed_calibration_takes_the_item_out_of_service(site, sup, bsc):
    outcome = _calibrate(site, sup, bsc, "2026-11-01", passed=False)
    assert outcome.taken_out_of_service and outcome.item.status == EquipmentStatus.OUT_OF_SERVICE
    assert outcome.notice is not None and "taken out of service" in outcome.notice
    assert outcome.item.calibration_due == date(2027, 1, 15)  # the due date did not move
    assert outcome.item.refusal is not None and "out of service" in outcome.item.refusal
    old, new, reason = _events(site, "equipment.calibration")[0]
    assert (old["status"], new["status"]) == ("in_use", "out_of_service")
    assert new["calibration_due"] == "2027-01-15" and new["passed"] is False
    assert reason == "failed calibration: taken out of service"
    again = _calibrate(site, sup, bsc, "2026-11-02", passed=False)
    assert not again.taken_out_of_service and "stays out of service" in (again.notice or "")
    assert verify_trail(site).intact  # both events sealed the item, changed or not


# -- out of service and back ---------------------------------------------------------------------


def test_back_in_service_only_when_nothing_is_past_due(site, sup, bsc, clock):
    with pytest.raises(InvalidValue, match="at least 10 characters"):
        equipment.set_status(site, sup, bsc, EquipmentStatus.OUT_OF_SERVICE, "broken")
    out = equipment.set_status(site, sup, bsc, "out_of_service", "door seal torn, call 4411")
    assert out.item.status == EquipmentStatus.OUT_OF_SERVICE
    assert out.event is not None and out.event.kind == EquipmentEventKind.STATUS
    assert out.event.note == "door seal torn, call 4411"
    with pytest.raises(Conflict, match="already out of service"):
        equipment.set_status(site, sup, bsc, "out_of_service", "door seal torn again")
    clock.set(datetime(2027, 1, 20, 9, 0, tzinfo=UTC))  # calibration was due 2027-01-15
    equipment.record_event(
        site, sup, bsc, "maintenance", "2027-01-19", next_due="2027-07-19", note="seal replaced"
    )
    with pytest.raises(Conflict, match="calibration was due on 2027-01-15: record a calibration"):
        equipment.set_status(site, sup, bsc, "in_use", "seal replaced, leak test passed")
    passed = _calibrate(site, sup, bsc, "2027-01-20", next_due="2028-01-20", passed=True)
    assert passed.item.status == EquipmentStatus.OUT_OF_SERVICE  # a calibration does not
    assert "still out of service" in (passed.notice or "")  # bring it back by itself
    back = equipment.set_status(site, sup, bsc, "in_use", "seal replaced, leak test passed")
    assert back.item.status == EquipmentStatus.IN_USE and back.item.refusal is None
    changes = _events(site, "equipment.status")
    assert [(o["status"], n["status"], r) for o, n, r in changes] == [
        ("in_use", "out_of_service", "door seal torn, call 4411"),
        ("out_of_service", "in_use", "seal replaced, leak test passed"),
    ]
    kinds = [e.kind for e in equipment.show_equipment(site, bsc).events]
    assert kinds == ["status", "maintenance", "calibration", "status"]


# -- may it be used ------------------------------------------------------------------------------


def test_the_refusal_says_out_of_service_or_overdue_with_the_date(site, sup, bsc):
    with site.read() as session:
        row = find_equipment(session, "bsc-01")
        assert isinstance(row, Equipment)
        assert equipment_refusal(row, date(2026, 11, 10)) is None  # usable on its due date
        late = equipment_refusal(row, date(2026, 11, 11))
        assert late is not None and "maintenance was due on 2026-11-10" in late
        later = equipment_refusal(row, date(2027, 2, 1))  # both past: the earliest is named
        assert later is not None and "maintenance was due on 2026-11-10" in later
        assert "1 more past due" in later
        assert find_equipment(session, "NOPE") is None
    view = equipment.list_equipment(site)[0]
    assert view.usable_refusal(date(2026, 11, 11)) == late
    assert view.usable_refusal(TODAY) is None
    equipment.set_status(site, sup, bsc, "out_of_service", "door seal torn, call 4411")
    with site.read() as session:
        row = find_equipment(session, bsc)
        assert row is not None
        refusal = equipment_refusal(row, TODAY)
    assert refusal == (
        "BSC-01 (biosafety cabinet) is out of service: use another, or have it taken back "
        "into service."
    )


def test_an_item_shows_the_batches_that_used_it(site, sup, bsc, tech):
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0200", "COI-W123426000042")
    with site.read() as session:
        row = find_equipment(session, bsc)
        assert row is not None
        item_id = row.id
    batch_id = raw_sql(site, "SELECT id FROM batch WHERE lot = 'CT-0200'")[0][0]
    raw_sql(
        site,
        "INSERT INTO material_use (batch_id, check_id, equipment_id, status_at_use, due_at_use, "
        "used_at, used_by) VALUES (:b, 'CART-S02-BSC', :e, 'in_use', :d, :t, 'tess')",
        {"b": batch_id, "e": item_id, "d": date(2026, 11, 10), "t": datetime.now(UTC)},
    )
    uses = equipment.show_equipment(site, bsc).uses
    assert [(u.lot, u.check_id, u.used_by, u.due_at_use) for u in uses] == [
        ("CT-0200", "CART-S02-BSC", "tess", date(2026, 11, 10))
    ]


# -- the trail -----------------------------------------------------------------------------------


def test_a_due_date_changed_in_the_table_alone_fails_audit_verify(site, sup, bsc):
    _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=True)
    assert verify_trail(site).intact
    raw_sql(site, "UPDATE equipment SET calibration_due = '2030-01-01' WHERE code = 'BSC-01'")
    report = verify_trail(site)
    assert not report.intact
    assert report.reason is not None and "equipment item in row equipment:" in report.reason
    assert "differs from what the audit trail sealed" in report.reason


def test_events_and_certificates_cannot_be_changed(site, sup, bsc):
    from tests.raw_db import guarded

    _calibrate(site, sup, bsc, "2026-11-01", next_due="2027-11-01", passed=True)
    assert guarded(site, "UPDATE equipment_event SET passed = false") is not None
    assert guarded(site, "DELETE FROM equipment_event") is not None
    assert raw_sql(site, "SELECT passed FROM equipment_event") in ([(True,)], [(1,)])
