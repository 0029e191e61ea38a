"""Release gating: a failed or missing gating result never reaches "released"; results pending
only where the template allows it; exceptional release of an autologous lot; a result that fails
after release moves the lot and waits for QA."""

from __future__ import annotations

import pytest

from core.demo.sample_batch import fill_batch
from core.errors import Conflict, DomainError, JustificationRequired
from core.services import batches, deviations, recording
from core.services.review import mark_audit_trail_reviewed, review_batch
from core.services.signing import sign
from core.states import StepState
from tests.conftest import USER_PASSWORD as PW

VIABILITY, STERILITY, RCL = "CART-REL-05", "CART-REL-12", "CART-REL-09"
PHYSICIAN = "Dr A. Novak (treating physician) informed by phone on 3 Nov, requests the product"


def _verify_all(site, verifier, lot):
    for step in batches.show_batch(site, lot).steps:
        complete = all(c.current for c in step.checks if c.required)
        if step.verify and not step.verified and complete:
            sign(site, verifier, PW, lot, "VERIFIED", step_id=step.id)


def _ready_for_qa(site, people, lot, *, skip=frozenset(), values=None):
    """The whole record filled (release tests by QC), verified, reviewed, audit trail reviewed."""
    qc = people["qc"]
    for check, (value, kw) in (values or {}).items():
        recording.record_value(site, qc, lot, check, value, **kw)
    fill_batch(
        site, people["tech"], lot, skip=frozenset(skip) | set(values or {}), qc=qc, password=PW
    )
    _verify_all(site, people["tech2"], lot)
    sign(site, people["sup"], PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, people["qa"], PW, lot)


def _approve(site, people, lot, disposition, **kw):
    return sign(
        site, people["qa"], PW, lot, "APPROVED", disposition=disposition, reason="QA decision", **kw
    )


def test_failed_gating_results_block_release_even_when_justified(site, people, lot):
    failed = {
        VIABILITY: ("60.0", {"comment": "low viability, retest same"}),
        STERILITY: ("fail", {"comment": "growth in the aerobic bottle"}),
    }
    _ready_for_qa(site, people, lot, values=failed)
    review = review_batch(site, lot)
    gating = {i.check_id: i for i in review.items if i.kind == "out_of_spec"}
    assert gating[VIABILITY].blocking and "blocks release" in gating[VIABILITY].detail
    assert gating[STERILITY].blocking
    assert any(
        "CART-REL-05 Viability 60.0 % is out of specification" in b
        for b in review.approval_blockers
    )
    for disposition in ("released", "released_pending"):
        with pytest.raises(Conflict, match="out of specification"):
            _approve(site, people, lot, disposition)
    assert batches.show_batch(site, lot).status == "in_progress"
    # rejecting or quarantining such a lot is never blocked by the gate
    _approve(site, people, lot, "rejected")
    assert batches.show_batch(site, lot).status == "rejected"


@pytest.mark.parametrize(
    ("check", "value"),
    [
        ("CART-REL-13", "Positive"),  # mycoplasma
        (RCL, "Detected"),
        ("CART-IPC-00-PATIENT", "Mismatch"),  # in-process, gates release
    ],
)
def test_each_failed_gating_result_blocks_release(site, people, lot, check, value):
    who = people["tech"] if check.startswith("CART-IPC") else people["qc"]
    recording.record_value(site, who, lot, check, value, comment="seen and reported")
    _ready_for_qa(site, people, lot)
    with pytest.raises(Conflict, match=f"{check} .* is out of specification"):
        _approve(site, people, lot, "released")


def test_a_missing_gating_result_blocks_release(site, people, lot):
    # mycoplasma is not pending-allowed: its absence blocks the review, and the release
    fill_batch(
        site, people["tech"], lot, qc=people["qc"], skip=frozenset({"CART-REL-13"}), password=PW
    )
    _verify_all(site, people["tech2"], lot)
    with pytest.raises(Conflict, match="cannot be reviewed yet: CART-REL-13 is not recorded"):
        sign(site, people["sup"], PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, people["qa"], PW, lot)
    with pytest.raises(Conflict, match="Release results are missing: CART-REL-13"):
        _approve(site, people, lot, "released")
    with pytest.raises(Conflict, match="may not follow release are missing: CART-REL-13"):
        _approve(site, people, lot, "released_pending")
    assert batches.show_batch(site, lot).status == "in_progress"


def test_released_pending_only_for_pending_allowed_results(site, people, lot):
    _ready_for_qa(site, people, lot)
    with pytest.raises(Conflict, match="No result is pending"):
        _approve(site, people, lot, "released_pending")


def test_review_is_refused_while_a_required_value_is_missing(site, people, lot):
    fill_batch(site, people["tech"], lot, qc=people["qc"], skip=frozenset({VIABILITY}), password=PW)
    _verify_all(site, people["tech2"], lot)
    with pytest.raises(Conflict, match="cannot be reviewed yet: CART-REL-05 is not recorded"):
        sign(site, people["sup"], PW, lot, "REVIEWED")


def test_a_pending_result_may_be_missing_at_review(site, people, lot):
    _ready_for_qa(site, people, lot, skip={STERILITY, RCL})
    signature = _approve(site, people, lot, "released_pending")
    assert batches.show_batch(site, lot).status == "released_pending"
    # sterility arrives and conforms: RCL still pending, the lot stays released pending
    out = recording.record_value(site, people["qc"], lot, STERILITY, "pass")
    assert out.notes == () and batches.show_batch(site, lot).status == "released_pending"
    out = recording.record_value(site, people["qc"], lot, RCL, "pass")
    assert any("now released" in note for note in out.notes)
    view = batches.show_batch(site, lot)
    assert view.status == "released" and view.disposition == signature


def test_a_pending_result_that_fails_moves_the_lot_and_waits_for_qa(site, people, lot):
    qc, qa = people["qc"], people["qa"]
    _ready_for_qa(site, people, lot, skip={STERILITY})
    _approve(site, people, lot, "released_pending")
    with pytest.raises(JustificationRequired, match="open a deviation"):
        recording.record_value(site, qc, lot, STERILITY, "fail", comment="growth on day 9")
    assert batches.show_batch(site, lot).status == "released_pending"  # nothing was written
    dev = deviations.open_deviation(
        site, qc, lot, "critical", "Sterility growth on day 9 after release", STERILITY
    )
    out = recording.record_value(site, qc, lot, STERILITY, "fail", deviation=dev.ref)
    assert any("out of specification after release" in n for n in out.notes)
    assert batches.show_batch(site, lot).status == "post_release_oos"
    review = review_batch(site, lot)
    first = review.items[0]
    assert first.kind == "post_release_oos" and first.check_id == STERILITY and first.blocking
    assert review.approval_blockers[0].startswith("QA has not acknowledged")
    with pytest.raises(Conflict, match="only its pending release results"):
        _approve(site, people, lot, "released")
    with pytest.raises(DomainError, match="physician"):
        _approve(site, people, lot, "post_release_oos", deviation=dev.ref)
    ack = _approve(site, people, lot, "post_release_oos", deviation=dev.ref, physician=PHYSICIAN)
    assert ack.deviation == dev.ref and ack.physician_notification == PHYSICIAN
    view = batches.show_batch(site, lot)
    assert view.status == "post_release_oos_ack"
    assert not review_batch(site, lot).items[0].blocking
    assert qa.username == ack.signer


def test_exceptional_release_of_an_autologous_lot(site, people, lot):
    qc, qa = people["qc"], people["qa"]
    dev = deviations.open_deviation(
        site, qc, lot, "major", "Release viability 76 % below the 80 % specification", VIABILITY
    )
    _ready_for_qa(site, people, lot, values={VIABILITY: ("76.0", {"deviation": dev.ref})})
    with pytest.raises(Conflict, match="Only an exceptional release"):
        _approve(site, people, lot, "released")
    with pytest.raises(DomainError, match="deviation it rests on"):
        _approve(site, people, lot, "exceptional_release", physician=PHYSICIAN)
    with pytest.raises(Conflict, match=r"closed deviation|still open"):
        _approve(site, people, lot, "exceptional_release", deviation=dev.ref, physician=PHYSICIAN)
    deviations.close_deviation(site, qa, PW, dev.ref, "Patient material; no process failure found")
    mark_audit_trail_reviewed(site, qa, PW, lot)  # closing is QA's act, not a data change
    signature = _approve(
        site, people, lot, "exceptional_release", deviation=dev.ref, physician=PHYSICIAN
    )
    view = batches.show_batch(site, lot)
    assert view.status == "exceptional_release" and view.disposition == signature
    assert signature.physician_notification == PHYSICIAN
    with pytest.raises(Conflict, match="locked"):
        recording.record_value(site, people["tech"], lot, "CART-IPC-07-GLC-D3", "9.0")


def test_exceptional_release_needs_an_out_of_spec_result(site, people, lot):
    qa = people["qa"]
    dev = deviations.open_deviation(
        site, people["sup"], lot, "minor", "Paperwork query on the label"
    )
    deviations.close_deviation(site, qa, PW, dev.ref, "Label reprinted; no product impact")
    _ready_for_qa(site, people, lot)
    with pytest.raises(Conflict, match="No gating result is out of specification"):
        _approve(site, people, lot, "exceptional_release", deviation=dev.ref, physician=PHYSICIAN)


def test_exceptional_release_is_for_autologous_products_only(site, people):
    qc = people["qc"]
    batches.start_batch(site, people["tech"], "aav-hek293", "AAV-9")
    tdef_release = [
        c for s in batches.show_batch(site, "AAV-9").steps if s.is_release for c in s.checks
    ]
    gating = next(c for c in tdef_release if c.type == "passfail" and c.gates_release)
    dev = deviations.open_deviation(site, qc, "AAV-9", "major", "Out of specification", gating.id)
    recording.record_value(site, qc, "AAV-9", gating.id, "fail", deviation=dev.ref)
    with pytest.raises(Conflict, match="autologous products only"):
        _approve(
            site, people, "AAV-9", "exceptional_release", deviation=dev.ref, physician=PHYSICIAN
        )


def test_certificate_of_analysis_needs_a_disposition(site, people, lot, tmp_path):
    from core.services.reports import export_pdf

    qa = people["qa"]
    with pytest.raises(Conflict, match="no QA disposition yet"):
        export_pdf(site, qa, PW, lot, tmp_path / "coa.pdf", coa=True)
    assert not (tmp_path / "coa.pdf").exists()
    out = export_pdf(site, qa, PW, lot, tmp_path / "draft.pdf", coa=True, draft=True)
    assert out.path.exists() and out.purpose.startswith("DRAFT Certificate of analysis")


def test_the_release_step_is_verified_once_its_pending_results_are_in(site, people, lot):
    _ready_for_qa(site, people, lot, skip={STERILITY})
    _approve(site, people, lot, "released_pending")
    recording.record_value(site, people["qc"], lot, STERILITY, "pass")
    assert batches.show_batch(site, lot).status == "released"
    release = next(s for s in batches.show_batch(site, lot).steps if s.is_release)
    assert release.state == StepState.AWAITING_VERIFICATION
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=release.id)
    assert next(s for s in batches.show_batch(site, lot).steps if s.is_release).verified
    with pytest.raises(Conflict, match="released: its record is locked"):
        sign(site, people["tech2"], PW, lot, "VERIFIED", step_id="CART-S04")
