"""Materials and equipment at the point of use, through the services as the bench records them:
a released lot in date and an item in service are recorded and kept with the batch as they were;
a quarantined, expired, unknown or wrong lot and an out-of-service or overdue item are refused on
the record; only QA may override, for someone else's entry, and the override is a deviation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD

USE_CHECKS = """
[[steps.checks]]
id = "X-IPC-01-IL7"
name = "IL-7 lot"
type = "scan"
expect = "material:il7"
source = "[T]"

[[steps.checks]]
id = "X-IPC-01-BSC"
name = "Biosafety cabinet"
type = "scan"
expect = "equipment:biosafety_cabinet"
source = "[T]"
"""


def _template(extra: str = USE_CHECKS) -> str:
    from tests.core.test_templates import BASE

    marker = '[[steps]]\nid = "X-S02"'
    text = BASE.replace(marker, extra.lstrip() + "\n" + marker, 1)
    return text.replace("autologous = true", "autologous = false", 1)


@pytest.fixture
def bench(site, admin, people, tmp_path):
    """A batch of the mini template with an IL-7 material, its lots and two cabinets."""
    from core.models import Equipment, Material, MaterialLot
    from core.services import batches
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    path = tmp_path / "mini.toml"
    path.write_text(_template(), "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], USER_PASSWORD, "mini", 1, "CC-15 point of use")
    batches.start_batch(site, people["tech"], "mini", "MINI-1")
    today = date(2026, 11, 2)  # the test site's clock (tests/conftest.py)
    with site.unit_of_work("ada") as uow:
        il7 = Material(
            code="IL7", name="Interleukin-7", kind="cytokine", supplier="Acme", unit="vial",
            created_at=uow.now, created_by="ada",
        )  # fmt: skip
        beads = Material(
            code="BEADX", name="CD3/CD28 beads", kind="reagent", supplier="Acme", unit="mL",
            created_at=uow.now, created_by="ada",
        )  # fmt: skip
        uow.session.add_all([il7, beads])
        uow.flush()

        def lot(material, number, status, expiry):
            uow.session.add(
                MaterialLot(
                    material_id=material.id,
                    lot_number=number,
                    expiry=expiry,
                    quantity_received="10",
                    received_at=uow.now,
                    received_by="ada",
                    status=status,
                )
            )

        lot(il7, "IL7-OK", "released", today + timedelta(days=90))
        lot(il7, "IL7-Q", "quarantine", today + timedelta(days=90))
        lot(il7, "IL7-OLD", "released", today - timedelta(days=1))
        lot(beads, "B-77", "released", today + timedelta(days=90))
        for code, status, due in (
            ("HOOD-01", "in_use", today + timedelta(days=100)),
            ("HOOD-02", "out_of_service", today + timedelta(days=100)),
            ("HOOD-03", "in_use", today - timedelta(days=2)),
        ):
            uow.session.add(
                Equipment(
                    code=code,
                    type="biosafety_cabinet",
                    name=f"Cabinet {code[-1]}",
                    location="Room 2",
                    status=status,
                    calibration_due=due,
                    created_at=uow.now,
                    created_by="ada",
                )
            )
        uow.session.add(
            Equipment(
                code="CF-09",
                type="centrifuge",
                name="Centrifuge",
                location="Room 2",
                created_at=uow.now,
                created_by="ada",
            )
        )
        uow.flush()
    return site, people


def _uses(site):
    with site.read() as session:
        return (
            session.connection()
            .execute(
                sa.text(
                    "SELECT check_id, lot_id, equipment_id, status_at_use, due_at_use, "
                    "deviation_id FROM material_use ORDER BY id"
                )
            )
            .all()
        )


def _events(site, action):
    """(username, reason, new as JSON text) of each audit event with ``action``."""
    with site.read() as session:
        rows = session.connection().execute(
            sa.text("SELECT username, body FROM audit_event WHERE action = :a ORDER BY seq"),
            {"a": action},
        )
        return [
            SimpleNamespace(username=r.username, reason=b.get("reason"), new=json.dumps(b["new"]))
            for r in rows
            for b in (json.loads(r.body),)
        ]


def test_a_released_lot_in_date_and_a_cabinet_in_service_are_recorded_as_used(bench):
    from core.services.recording import record_value

    site, people = bench
    lot = record_value(site, people["tech"], "MINI-1", "X-IPC-01-IL7", " IL7-OK ").entry.current
    assert (lot.value, lot.verdict) == ("IL7-OK", "pass")
    assert "lot IL7-OK of IL7 (Interleukin-7), released, expires" in lot.rule
    cab = record_value(site, people["tech"], "MINI-1", "X-IPC-01-BSC", "hood-01").entry.current
    assert (cab.value, cab.verdict) == ("HOOD-01", "pass")
    uses = _uses(site)
    assert [(u.check_id, u.status_at_use, u.deviation_id) for u in uses] == [
        ("X-IPC-01-IL7", "released", None),
        ("X-IPC-01-BSC", "in_use", None),
    ]
    assert uses[0].lot_id is not None and uses[1].equipment_id is not None


@pytest.mark.parametrize(
    ("check", "scanned", "why"),
    [
        ("X-IPC-01-IL7", "IL7-Q", "is quarantine, not released by QA"),
        ("X-IPC-01-IL7", "IL7-OLD", "expired on"),
        ("X-IPC-01-IL7", "B-77", "is of material BEADX, not IL7"),
        ("X-IPC-01-IL7", "NOPE-1", "No lot NOPE-1 of IL7 has been received"),
        ("X-IPC-01-BSC", "HOOD-02", "out of service"),
        ("X-IPC-01-BSC", "HOOD-03", "calibration"),
        ("X-IPC-01-BSC", "CF-09", "is a centrifuge, not a biosafety cabinet"),
        ("X-IPC-01-BSC", "HOOD-99", "No equipment HOOD-99 is registered"),
    ],
)
def test_what_may_not_be_used_is_refused_on_the_record(bench, check, scanned, why):
    from core.errors import UseRefused
    from core.services.batches import show_batch
    from core.services.recording import record_value

    site, people = bench
    with pytest.raises(UseRefused, match=why):
        record_value(site, people["tech"], "MINI-1", check, scanned)
    refused = _events(site, "result.use_refused")
    assert len(refused) == 1 and why.split(" ")[-1] in refused[0].reason
    assert refused[0].username == "tess" and scanned.upper() in refused[0].new.upper()
    assert _uses(site) == []
    view = show_batch(site, "MINI-1")
    assert next(c for c in view.checks() if c.id == check).current is None


def test_only_qa_overrides_a_refusal_for_someone_elses_entry_and_it_opens_a_deviation(bench):
    from core.errors import AuthenticationFailed, Conflict, DomainError, PermissionDenied
    from core.services.deviations import list_deviations
    from core.services.recording import record_with_override

    site, people = bench
    why = "only lot on site; supplier confirmed stability"

    def override(actor, qa, password=USER_PASSWORD, scanned="IL7-Q", reason=why):
        return record_with_override(
            site, actor, "MINI-1", "X-IPC-01-IL7", scanned,
            qa_username=qa, qa_password=password, reason=reason,
        )  # fmt: skip

    with pytest.raises(AuthenticationFailed):
        override(people["tech"], "quinn", password="wrong-password-1")
    with pytest.raises(PermissionDenied):
        override(people["tech"], "vic")  # a technician cannot override
    with pytest.raises(PermissionDenied):
        override(people["qa"], "quinn")  # QA records no values, and never overrides their own
    with pytest.raises(DomainError, match="at least 10 characters"):
        override(people["tech"], "quinn", reason="ok")
    with pytest.raises(Conflict, match="nothing to override"):
        override(people["tech"], "quinn", scanned="IL7-OK")
    with pytest.raises(Conflict, match="Nothing on record to override"):
        override(people["tech"], "quinn", scanned="NOPE-1")
    assert list_deviations(site, "MINI-1") == []

    current = override(people["tech"], "quinn").entry.current
    (dev,) = list_deviations(site, "MINI-1")
    assert dev.status == "open" and dev.classification == "major"
    assert "IL7-Q" in dev.description and why in dev.description
    assert (current.value, current.recorded_by, current.deviation) == ("IL7-Q", "tess", dev.ref)
    assert current.rule.startswith(f"QA override ({dev.ref})")
    (event,) = _events(site, "result.use_override")
    assert event.username == "quinn" and event.reason == why
    (use,) = _uses(site)
    assert use.status_at_use == "quarantine" and use.deviation_id is not None


def test_the_review_lists_an_override_and_the_open_deviation_blocks_release(bench):
    from core.services.recording import record_with_override
    from core.services.review import review_batch

    site, people = bench
    record_with_override(
        site, people["tech"], "MINI-1", "X-IPC-01-BSC", "HOOD-03",
        qa_username="quinn", qa_password=USER_PASSWORD,
        reason="calibration certificate received, entry pending",
    )  # fmt: skip
    review = review_batch(site, "MINI-1")
    kinds = {i.kind for i in review.items}
    assert {"use_override", "open_deviation"} <= kinds
    item = next(i for i in review.items if i.kind == "use_override")
    assert "HOOD-03" in item.title and item.by == "tess"


def test_a_template_names_a_material_code_or_an_equipment_type():
    from core.errors import TemplateInvalid
    from core.templates.loader import parse_template

    tdef = parse_template(_template().encode(), "mini.toml")
    assert tdef.check("X-IPC-01-IL7").material_code == "IL7"
    assert tdef.check("X-IPC-01-BSC").equipment_type == "biosafety_cabinet"
    bad = _template().replace("equipment:biosafety_cabinet", "equipment:fridge")
    with pytest.raises(TemplateInvalid, match="'fridge' is not a type of equipment"):
        parse_template(bad.encode(), "mini.toml")
    worse = _template().replace("material:il7", "material:")
    with pytest.raises(TemplateInvalid, match="needs a material code"):
        parse_template(worse.encode(), "mini.toml")


QUANTITY = """
[[steps.checks]]
id = "X-IPC-01-IL7-VIALS"
name = "IL-7 vials used"
type = "number"
unit = "vial"
consumes = "X-IPC-01-IL7"
source = "[T]"
"""


def test_a_quantity_used_is_taken_from_the_lots_stock(bench, tmp_path):
    from core.errors import Conflict
    from core.models import MaterialLot
    from core.records.point_of_use import on_hand
    from core.services import batches
    from core.services.recording import correct_value, record_value
    from core.services.template_approval import approve_template
    from core.services.templates import load_template
    from core.services.users import authenticate

    site, people = bench
    admin = authenticate(site, "ada", ADMIN_PASSWORD)
    path = tmp_path / "mini2.toml"
    text = _template(USE_CHECKS + QUANTITY).replace('key = "mini"', 'key = "mini2"', 1)
    path.write_text(text, "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], USER_PASSWORD, "mini2", 1, "CC-15 stock")
    batches.start_batch(site, people["tech"], "mini2", "MINI-2")
    tech = people["tech"]
    with pytest.raises(Conflict, match="Record the lot at X-IPC-01-IL7 first"):
        record_value(site, tech, "MINI-2", "X-IPC-01-IL7-VIALS", "2")
    record_value(site, tech, "MINI-2", "X-IPC-01-IL7", "IL7-OK")
    with pytest.raises(Conflict, match="has 10 vial left; 11 vial cannot be taken"):
        record_value(site, tech, "MINI-2", "X-IPC-01-IL7-VIALS", "11")

    def left():
        with site.read() as session:
            lot = session.exec(select(MaterialLot).where(MaterialLot.lot_number == "IL7-OK")).one()
            return on_hand(session, lot)

    record_value(site, tech, "MINI-2", "X-IPC-01-IL7-VIALS", "3")
    assert left() == 7
    correct_value(site, tech, "MINI-2", "X-IPC-01-IL7-VIALS", "2", "counted the vials again")
    assert left() == 8  # the correction gave one vial back


def test_a_quantity_must_name_a_material_scan():
    from core.errors import TemplateInvalid
    from core.templates.loader import parse_template

    wrong = QUANTITY.replace('consumes = "X-IPC-01-IL7"', 'consumes = "X-IPC-01-BSC"')
    with pytest.raises(TemplateInvalid, match="consumes names X-IPC-01-BSC; it must be the scan"):
        parse_template(_template(USE_CHECKS + wrong).encode(), "mini.toml")
    words = QUANTITY.replace('type = "number"', 'type = "text"').replace('unit = "vial"\n', "")
    with pytest.raises(TemplateInvalid, match="'consumes' is only for number checks"):
        parse_template(_template(USE_CHECKS + words).encode(), "mini.toml")
