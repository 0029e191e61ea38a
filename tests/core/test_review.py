"""Review by exception and QA disposition: what blocks a release, who may approve it."""

from __future__ import annotations

import pytest

from core.demo.sample_batch import fill_batch
from core.errors import Conflict, PermissionDenied
from core.services import batches, deviations, recording
from core.services.review import mark_audit_trail_reviewed, review_batch
from core.services.signing import sign
from tests.conftest import USER_PASSWORD as PW

STERILITY = "CART-REL-12"


def _verify_all(site, verifier, lot):
    for step in batches.show_batch(site, lot).steps:
        complete = all(c.current for c in step.checks if c.required)
        if step.verify and not step.verified and complete:
            sign(site, verifier, PW, lot, "VERIFIED", step_id=step.id)


def _kinds(review):
    return {i.kind for i in review.items}


def test_a_fresh_batch_lists_missing_values_and_blocks_release(site, people, lot):
    recording.record_value(site, people["tech"], lot, "CART-IPC-03-VIAB", "62", comment="low")
    review = review_batch(site, lot)
    kinds = _kinds(review)
    assert {"missing_value", "out_of_spec"} <= kinds
    assert "awaiting_verification" not in kinds  # an incomplete step is not yet verifiable
    oos = next(i for i in review.items if i.kind == "out_of_spec")
    assert oos.check_id == "CART-IPC-03-VIAB" and "low" in oos.detail and not oos.blocking
    assert any("Missing required value" in b for b in review.approval_blockers)
    assert any("REVIEWED" in b for b in review.approval_blockers)
    assert any("audit trail" in b for b in review.approval_blockers)


def test_full_release_path(site, people, lot):
    tech, tech2, sup, qa = people["tech"], people["tech2"], people["sup"], people["qa"]
    fill_batch(site, tech, lot, qc=people["qc"], password=PW)
    recording.correct_value(site, tech, lot, "CART-IPC-00-SLOT", "SLOT-2", "transcription")
    with pytest.raises(Conflict, match="awaits verification"):
        sign(site, sup, PW, lot, "REVIEWED")
    _verify_all(site, tech2, lot)
    assert sign(site, sup, PW, lot, "REVIEWED").valid
    review = review_batch(site, lot)
    assert "correction" in _kinds(review)
    assert review.approval_blockers == ("The audit trail has not been marked reviewed.",)
    with pytest.raises(Conflict, match="cannot be released yet"):
        sign(site, qa, PW, lot, "APPROVED", disposition="released", reason="meets spec")
    with pytest.raises(PermissionDenied, match="review a batch's audit trail"):
        mark_audit_trail_reviewed(site, tech2, PW, lot)
    mark = mark_audit_trail_reviewed(site, qa, PW, lot, "no unexplained changes")
    assert mark.current and mark.reviewed_by == "quinn"
    assert review_batch(site, lot).approval_blockers == ()
    approval = sign(site, qa, PW, lot, "APPROVED", disposition="released", reason="meets spec")
    view = batches.show_batch(site, lot)
    assert view.status == "released" and view.disposition == approval
    assert approval.signer_name == "Quinn Quality" and approval.reason == "meets spec"
    with pytest.raises(Conflict, match="locked"):
        recording.record_value(site, tech, lot, "CART-IPC-07-GLC-D3", "3.0")
    with pytest.raises(Conflict, match="locked"):
        sign(site, qa, PW, lot, "APPROVED", disposition="rejected", reason="changed mind")


def test_released_with_results_pending_then_released(site, people, lot):
    tech, tech2, sup, qa, qc = (people[k] for k in ("tech", "tech2", "sup", "qa", "qc"))
    fill_batch(site, tech, lot, skip=frozenset({STERILITY}), qc=qc, password=PW)
    _verify_all(site, tech2, lot)
    sign(site, sup, PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, qa, PW, lot)
    assert any("missing" in b for b in review_batch(site, lot).approval_blockers)
    with pytest.raises(Conflict, match="Release results are missing: CART-REL-12 Sterility"):
        sign(site, qa, PW, lot, "APPROVED", disposition="released", reason="meets spec")
    approval = sign(
        site,
        qa,
        PW,
        lot,
        "APPROVED",
        disposition="released_pending",
        reason="14-day sterility pending; Gram stain negative",
    )
    assert batches.show_batch(site, lot).status == "released_pending"
    # only the pending result is taken now, and only from QC
    with pytest.raises(Conflict, match="only its pending release results"):
        recording.record_value(site, tech, lot, "CART-IPC-07-GLC-D3", "9.0")
    with pytest.raises(PermissionDenied, match="recorded by QC"):
        recording.record_value(site, tech, lot, STERILITY, "pass")
    out = recording.record_value(site, qc, lot, STERILITY, "pass")  # arrives after release
    assert any("now released" in n for n in out.notes)
    view = batches.show_batch(site, lot)
    assert view.status == "released"
    # the disposition signed over the pending result stays valid once it arrives
    assert view.disposition == approval
    assert review_batch(site, lot).approval_blockers == ()


def test_open_deviation_blocks_release_until_qa_closes_it(site, people, lot):
    tech, qa = people["tech"], people["qa"]
    dev = deviations.open_deviation(site, tech, lot, "minor", "Label printer jammed at D0")
    review = review_batch(site, lot)
    assert any(i.kind == "open_deviation" and i.ref == dev.ref for i in review.items)
    with pytest.raises(PermissionDenied, match="close deviations"):
        deviations.close_deviation(site, tech, PW, dev.ref, "Root cause: paper jam; no impact")
    closed = deviations.close_deviation(site, qa, PW, dev.ref, "Root cause: paper jam; no impact")
    assert closed.status == "closed" and closed.closed_by == "quinn"
    assert not any(i.kind == "open_deviation" for i in review_batch(site, lot).items)
    # closing a deviation is QA's own act: it does not make QA an originator of the batch
    sign(site, qa, PW, lot, "APPROVED", disposition="quarantined", reason="awaiting CAPA check")


def test_quarantine_needs_no_complete_record_but_a_reason(site, people, lot):
    qa = people["qa"]
    with pytest.raises(Exception, match="reason"):
        sign(site, qa, PW, lot, "APPROVED", disposition="quarantined")
    sign(site, qa, PW, lot, "APPROVED", disposition="quarantined", reason="COI label query")
    assert batches.show_batch(site, lot).status == "quarantined"
    # a quarantined batch still takes results (the investigation goes on)
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-1")


def test_late_entries_and_edits_after_signing_are_listed(site, people, lot, clock):
    from datetime import timedelta

    tech = people["tech"]
    recording.record_value(site, tech, lot, "CART-IPC-00-COI", "COI-W123426000042")
    recording.record_value(site, tech, lot, "CART-IPC-00-PATIENT", "pass")
    sign(site, tech, PW, lot, "PERFORMED", step_id="CART-S00")
    clock.advance(timedelta(hours=30))
    recording.record_value(site, tech, lot, "CART-IPC-00-SLOT", "SLOT-3")
    items = review_batch(site, lot).items
    late = [i for i in items if i.kind == "late_entry"]
    after = [i for i in items if i.kind == "edit_after_signing"]
    assert [i.check_id for i in late] == ["CART-IPC-00-SLOT"] and "30 h" in late[0].detail
    assert [i.check_id for i in after] == ["CART-IPC-00-SLOT"]
    assert any(i.kind == "invalidated_signature" for i in items)


def test_an_originator_cannot_mark_the_audit_trail_reviewed(site, people, lot):
    sup = people["sup"]
    recording.record_value(site, sup, lot, "CART-IPC-00-SLOT", "SLOT-5")
    with pytest.raises(PermissionDenied, match="took no part"):
        mark_audit_trail_reviewed(site, sup, PW, lot)
    assert review_batch(site, lot).audit_review is None


def test_a_custody_hand_off_due_before_release_blocks_it_until_recorded(site, people, lot):
    """The CAR-T plan's hand-offs up to storage come before QA's release; those after it (the
    product shipped, received, thawed, infused) do not hold it up."""
    from core.demo.sample_batch import record_custody
    from core.services.custody import custody_trail
    from core.words import CUSTODY_KIND_WORDS

    tech, tech2, sup, qa = people["tech"], people["tech2"], people["sup"], people["qa"]
    fill_batch(site, tech, lot, qc=people["qc"])  # no password: no custody recorded
    _verify_all(site, tech2, lot)
    sign(site, sup, PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, qa, PW, lot, "no unexplained changes")
    (item,) = [i for i in review_batch(site, lot).items if i.kind == "custody_incomplete"]
    assert item.blocking
    assert item.title == "Not recorded: " + ", ".join(
        CUSTODY_KIND_WORDS[k] for k in ("collected", "shipped", "received", "handoff",
                                        "qc_sample", "stored")
    )  # fmt: skip
    assert review_batch(site, lot).approval_blockers == ("1 × Custody trail incomplete",)
    with pytest.raises(Conflict, match="Custody trail incomplete"):
        sign(site, qa, PW, lot, "APPROVED", disposition="released", reason="meets spec")

    assert record_custody(site, tech, lot, PW) == 6  # collected … stored, received e-signed
    trail = custody_trail(site, lot)
    assert not trail.missing_before_release and not trail.complete  # infusion still to come
    assert "custody_incomplete" not in _kinds(review_batch(site, lot))
    mark_audit_trail_reviewed(site, qa, PW, lot, "custody hand-offs recorded since")
    sign(site, qa, PW, lot, "APPROVED", disposition="released", reason="meets spec")
    assert batches.show_batch(site, lot).status == "released"
    assert "custody_incomplete" not in _kinds(review_batch(site, lot))  # the product's own follow
