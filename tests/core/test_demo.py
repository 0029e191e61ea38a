"""The demo: real signatures, released history, and an older demo file set aside, not reused."""

from __future__ import annotations

import pytest

from core.services import batches
from core.services.demo import CART_LOT, DEMO_VERSION, build_demo, open_demo
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
