"""The demo: real signatures, released history, and an older demo file set aside, not reused."""

from __future__ import annotations

import pytest

from core.demo.build import CART_LOT, build_demo, open_demo
from core.demo.people import DEMO_VERSION
from core.services import batches
from core.services.review import review_batch


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = build_demo(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    yield db
    db.dispose()


def test_released_history_carries_real_signatures(demo):
    view = batches.show_batch(demo, "CT-2026-0031")
    assert view.status == "released"
    approval = view.disposition
    assert approval is not None and approval.valid and approval.signer_name == "Quinn Quality"
    assert [s.meaning for s in view.batch_signatures] == ["REVIEWED", "APPROVED"]
    assert all(s.verified for s in view.steps if s.verify)
    assert review_batch(demo, "CT-2026-0031").approval_blockers == ()


def test_the_running_batch_shows_a_signature_invalidated_by_its_correction(demo):
    view = batches.show_batch(demo, CART_LOT)
    step = next(s for s in view.steps if s.id == "CART-S07-D4")
    (sig,) = step.signatures
    assert sig.state == "invalidated" and "CART-IPC-07-VCD-D4" in sig.state_detail
    assert next(s for s in view.steps if s.id == "CART-S00").state == "verified"
    kinds = {i.kind for i in review_batch(demo, CART_LOT).items}
    assert {"edit_after_signing", "invalidated_signature", "excursion", "imported_file"} <= kinds


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_an_older_demo_file_is_set_aside_and_rebuilt(tmp_path):
    from core.services.site import init_site

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    init_site(url, "ada", "Ada Admin", "admin-pass-2026").dispose()  # no demo_version in it
    db = open_demo(url)
    try:
        with db.read() as session:
            from core.models import SiteSetting

            assert session.get(SiteSetting, "demo_version").value == DEMO_VERSION
        assert batches.show_batch(db, CART_LOT).lot == CART_LOT
    finally:
        db.dispose()
    kept = list(tmp_path.glob("demo-before-*.db"))
    assert len(kept) == 1 and kept[0].stat().st_size > 0


def _signatures_in_order(view):
    for step in view.steps:
        meanings = [s.meaning for s in step.signatures]
        if "VERIFIED" in meanings:
            assert "PERFORMED" in meanings, step.id
            assert meanings.index("PERFORMED") < meanings.index("VERIFIED"), step.id


@pytest.mark.parametrize("lot", ["CT-2026-0031", "CT-2026-0038"])
def test_released_lots_pass_every_rule_and_show_no_exceptions(demo, lot):
    from core.release_rules import release_gate

    view = batches.show_batch(demo, lot)
    assert view.status == "released" and release_gate(view).complete
    assert review_batch(demo, lot).items == ()
    _signatures_in_order(view)
    qc_checks = [c for s in view.steps if s.is_release for c in s.checks if c.current]
    assert {c.current.recorded_by for c in qc_checks if c.current.kind == "entry"} == {"cleo"}
    harvest_sample = view.check("CART-IPC-07B-STER").current.recorded_at
    sterility = view.check("CART-REL-12").current.recorded_at
    assert (sterility - harvest_sample).days >= 14  # a 14-day test, recorded when it ended
    for check, low in (("CART-IPC-01-CD3", 1e9), ("CART-IPC-09-REC", 50), ("CART-IPC-09-VIAB", 80)):
        assert float(view.check(check).current.value) >= low, check
    assert float(view.check("CART-IPC-07A-ENDO").current.value) < 0.5
    assert 2 <= float(view.check("CART-IPC-03-TEMP").current.value) <= 8


@pytest.mark.parametrize("lot", ["CT-2026-0031", "CT-2026-0035", "CT-2026-0038", "CT-2026-0040"])
def test_each_earlier_lot_has_a_complete_custody_trail_released_before_its_product_moved(demo, lot):
    from core.services.custody import custody_trail

    trail = custody_trail(demo, lot)
    assert trail.complete and not trail.out_of_order, trail.status_text()
    assert all(e.signature_valid for e in trail.events if e.signature_required)
    approved = batches.show_batch(demo, lot).disposition.signed_at
    stored = next(e for e in trail.events if e.kind == "stored")
    shipped = next(e for e in trail.events if e.kind == "product_shipped")
    assert stored.occurred_at < approved < shipped.occurred_at


def test_the_running_lots_custody_is_incomplete_on_its_review(demo):
    from core.services.custody import custody_trail

    trail = custody_trail(demo, "CT-2026-0042")
    assert not trail.complete and trail.missing_before_release
    items = [i for i in review_batch(demo, "CT-2026-0042").items if i.kind == "custody_incomplete"]
    assert len(items) == 1 and items[0].blocking and "stored" in items[0].title


def test_the_pending_lot_got_its_sterility_after_release(demo):
    view = batches.show_batch(demo, "CT-2026-0035")
    assert view.status == "released_pending"
    approval = view.disposition
    assert approval.disposition == "released_pending" and approval.valid
    assert view.check("CART-REL-12").current.recorded_at > approval.signed_at
    assert view.check("CART-REL-09").current is None  # RCL still to come
    items = review_batch(demo, "CT-2026-0035").items
    assert not any(i.blocking for i in items)
    _signatures_in_order(view)


def test_the_exceptional_release_rests_on_a_closed_deviation(demo):
    view = batches.show_batch(demo, "CT-2026-0040")
    assert view.status == "exceptional_release"
    approval = view.disposition
    assert approval.disposition == "exceptional_release" and approval.valid
    (deviation,) = view.deviations
    assert deviation.status == "closed" and "CART-REL-05" in deviation.checks
    assert (
        approval.deviation == deviation.ref and "Dr Hana Novak" in approval.physician_notification
    )
    items = review_batch(demo, "CT-2026-0040").items
    assert [i.kind for i in items] == ["out_of_spec"] and items[0].check_id == "CART-REL-05"
