"""Release decisions in the GUI, as QA and a supervisor take them on a real database: QA approves
an exceptional release of an autologous lot with its deviation and the physician's notification
(a blocked disposition is refused before any password); QA acknowledges a result that failed
after release; a supervisor links a new deviation to a process excursion and QA assesses another
with a reason; a lot without a disposition offers a DRAFT certificate of analysis."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from core.demo.sample_batch import fill_batch
from core.services import batches, deviations, imports, recording
from core.services.review import mark_audit_trail_reviewed, review_batch
from core.services.signing import sign
from tests.conftest import USER_PASSWORD as PW
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot
from tests.ui.test_accessibility import _problems
from ui import theme

VIABILITY, STERILITY = "CART-REL-05", "CART-REL-12"
PHYSICIAN = "Dr A. Novak (treating physician) informed by phone on 3 Nov 14:20, requests it"
BENCH = QRect(0, 0, 1366, 728)  # a 1366×768 bench screen less its task bar


def _verify_all(site, verifier, lot):
    for step in batches.show_batch(site, lot).steps:
        complete = all(c.current for c in step.checks if c.required)
        if step.verify and not step.verified and complete:
            sign(site, verifier, PW, lot, "VERIFIED", step_id=step.id)


def _ready_for_qa(site, people, lot, *, skip=frozenset(), values=None):
    """Filled (release tests by QC), verified, reviewed by the supervisor, audit trail reviewed."""
    for check, (value, kw) in (values or {}).items():
        recording.record_value(site, people["qc"], lot, check, value, **kw)
    fill_batch(
        site,
        people["tech"],
        lot,
        skip=frozenset(skip) | set(values or {}),
        qc=people["qc"],
        password=PW,
    )
    _verify_all(site, people["tech2"], lot)
    sign(site, people["sup"], PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, people["qa"], PW, lot)


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _open_review(qtbot, window, username: str, lot: str):
    login(qtbot, window, username)
    window.context.go("review", lot=lot)
    screen = window.screen("review")
    qtbot.waitUntil(lambda: screen.review is not None and screen.lot == lot, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def _open_approval(qtbot, window, screen):
    assert screen.approve.isEnabled(), screen.approve.toolTip()
    _click(qtbot, screen.approve)
    dialog = screen.dialog
    dialog.fit_to(BENCH)
    qtbot.waitUntil(
        lambda: dialog.choices is not None and dialog.preview is not None, timeout=10_000
    )
    settle(qtbot, window.context)
    return dialog


def _choices(dialog) -> list[str]:
    combo = dialog.form.choice
    return [combo.itemData(i) for i in range(combo.count()) if combo.itemData(i)]


def _large_text_fits(window, screen, name: str) -> None:
    """The screen in large text still fits the bench screen's width (its buttons wrap)."""
    app = QApplication.instance()
    theme.apply(app, large=True)
    try:
        QApplication.processEvents()
        assert screen.minimumSizeHint().width() <= 1366 - 24
        shot(window, name)
    finally:
        theme.apply(app, large=False)
        QApplication.processEvents()
        window.resize(1366, 768)


def _choose(qtbot, window, dialog, key: str) -> None:
    dialog.choose_disposition(key)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    settle(qtbot, window.context)


def test_qa_approves_an_exceptional_release(qtbot, window, site, people, lot):
    qc, qa = people["qc"], people["qa"]
    dev = deviations.open_deviation(
        site, qc, lot, "major", "Release viability 76 % below the 80 % specification", VIABILITY
    )
    _ready_for_qa(site, people, lot, values={VIABILITY: ("76.0", {"deviation": dev.ref})})
    deviations.close_deviation(site, qa, PW, dev.ref, "Patient material; no process failure found")
    mark_audit_trail_reviewed(site, qa, PW, lot)  # closing is QA's act, not a data change

    screen = _open_review(qtbot, window, "quinn", lot)
    assert screen.blockers.text().startswith("✖ Release blocked: A gating result is out of spec")
    assert "Only an exceptional release" in screen.blockers.text()
    dialog = _open_approval(qtbot, window, screen)
    assert _choices(dialog) == [
        "released",
        "released_pending",
        "exceptional_release",
        "quarantined",
        "rejected",
    ]  # an autologous lot with a failing gating result; no acknowledgement (nothing released)
    assert dialog.focusWidget() is dialog.form.choice  # the decision first, the password last
    assert not dialog.form.deviation.isVisibleTo(dialog)

    # "Released" is blocked: its reasons are shown and no password is asked
    qtbot.keyClick(dialog.form.choice, Qt.Key.Key_Down)  # the keyboard chooses too
    assert dialog.disposition() == "released"
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    settle(qtbot, window.context)
    assert "What blocks the disposition “Released”" in dialog.view.warning_text
    assert "Only an exceptional release" in dialog.view.warning_text
    assert not dialog.sign_button.isEnabled() and not dialog.password.isEnabled()
    assert "“Released” cannot be signed now" in dialog.message.text()
    shot(dialog, "disposition_blocked")

    _choose(qtbot, window, dialog, "exceptional_release")
    assert dialog.view.warning_text == ""
    assert dialog.view.clear.text().startswith("✔ Nothing blocks the disposition “Exceptional")
    assert dialog.sign_button.isEnabled() and dialog.password.isEnabled()
    assert dialog.message.text() == ""
    form = dialog.form
    assert form.deviation.isVisibleTo(dialog) and form.physician.isVisibleTo(dialog)
    assert "closed deviation" in form.needs.text()
    assert form.deviation.currentData() == dev.ref  # the lot's one deviation
    form.reason.setPlainText(
        "Treating physician requests the product; risk assessed in the deviation"
    )
    form.physician.setPlainText("Dr Novak")
    dialog.password.setText(PW)
    _click(qtbot, dialog.sign_button)
    settle(qtbot, window.context)
    # core's refusal, before the password is checked: nothing signed, the password kept
    assert dialog.isVisible() and "treating physician was notified" in dialog.message.text()
    assert dialog.password.text() == PW and dialog.focusWidget() is form.physician
    assert batches.show_batch(site, lot).status == "in_progress"

    form.physician.setPlainText(PHYSICIAN)
    assert _problems(dialog) == []  # every input named and ≥ 44 px
    form.physician.setFocus()
    qtbot.keyClick(form.physician, Qt.Key.Key_Tab)  # Tab leaves the note …
    assert dialog.focusWidget() is form.exporting
    qtbot.keyClick(form.exporting, Qt.Key.Key_Tab)  # … and reaches the password
    assert dialog.focusWidget() is dialog.password
    shot(dialog, "disposition_exceptional_release")
    large_text_shot(dialog, "disposition_exceptional_release_large_text")
    window.resize(1366, 768)  # (its header needs more room in large text)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    signature = dialog.signature
    assert signature.deviation == dev.ref and signature.physician_notification == PHYSICIAN
    settle(qtbot, window.context)
    assert screen.message.text().startswith(
        "✔ Lot CT-0100: Exceptional release (out of specification) — Approved by"
    )
    assert screen.blockers.text() == (
        "✔ Disposition made: Exceptional release (out of specification). The record is locked."
    )
    signatures = screen.signatures.text()
    assert f"deviation {dev.ref}" in signatures
    assert f"physician notified: {PHYSICIAN}" in signatures
    for button in (screen.approve, screen.review_sign, screen.mark_audit):
        assert not button.isEnabled() and "locked" in button.toolTip()
    assert screen.coa.text() == "Certificate of analysis…"
    oos = screen.model.review_item(0)  # would block a release; this lot is released already
    assert oos.check_id == VIABILITY and screen.model.data(screen.model.index(0, 1)) == "▲ Flagged"
    shot(window, "review_exceptional_release")
    assert batches.show_batch(site, lot).status == "exceptional_release"


def test_qa_acknowledges_a_result_that_failed_after_release(qtbot, window, site, people, lot):
    qc, qa = people["qc"], people["qa"]
    _ready_for_qa(site, people, lot, skip={STERILITY})
    sign(site, qa, PW, lot, "APPROVED", disposition="released_pending", reason="sterility follows")
    dev = deviations.open_deviation(
        site, qc, lot, "critical", "Sterility growth on day 9 after release", STERILITY
    )
    recording.record_value(site, qc, lot, STERILITY, "fail", deviation=dev.ref)
    assert batches.show_batch(site, lot).status == "post_release_oos"

    screen = _open_review(qtbot, window, "quinn", lot)
    first = [screen.model.data(screen.model.index(0, c)) for c in range(3)]
    assert first[:2] == ["Out of specification after release", "✖ Awaits QA"]
    assert STERILITY in first[2]
    text = screen.blockers.text()
    assert text.startswith("✖ Out of spec after release – awaiting QA: QA has not acknowledged")
    assert not screen.review_sign.isEnabled() and "QA acknowledges" in screen.review_sign.toolTip()
    assert screen.coa.text() == "Certificate of analysis…"  # released: it has a disposition
    screen.select_item("post_release_oos")
    shot(window, "review_post_release_oos")
    _large_text_fits(window, screen, "review_post_release_oos_large_text")

    dialog = _open_approval(qtbot, window, screen)
    assert _choices(dialog) == ["post_release_oos"]  # the one thing QA can sign now
    assert dialog.disposition() == "post_release_oos"
    assert dialog.view.clear.text().startswith("✔ Nothing blocks the disposition “Post-release")
    form = dialog.form
    assert form.deviation.isVisibleTo(dialog) and form.deviation.currentData() == dev.ref
    form.reason.setPlainText("Patient followed up; treating physician decides on antibiotics")
    form.physician.setPlainText(PHYSICIAN)
    dialog.password.setText(PW)
    shot(dialog, "disposition_post_release_oos")
    _click(qtbot, dialog.sign_button)
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    settle(qtbot, window.context)
    assert batches.show_batch(site, lot).status == "post_release_oos_ack"
    assert screen.blockers.text() == (
        "✔ Disposition made: Out of spec after release – acknowledged by QA."
    )
    row = [screen.model.data(screen.model.index(0, c)) for c in range(2)]
    assert row == ["Out of specification after release", "— noted"]
    assert f"physician notified: {PHYSICIAN}" in screen.signatures.text()
    assert not screen.approve.isEnabled() and "nothing is left to sign" in screen.approve.toolTip()


def test_a_lot_released_with_results_pending_says_what_is_still_to_come(
    qtbot, window, site, people, lot
):
    _ready_for_qa(site, people, lot, skip={STERILITY})
    screen = _open_review(qtbot, window, "quinn", lot)
    dialog = _open_approval(qtbot, window, screen)
    assert "exceptional_release" not in _choices(dialog)  # nothing fails the gate
    _choose(qtbot, window, dialog, "released")
    assert "Release results are missing: CART-REL-12" in dialog.view.warning_text
    assert not dialog.sign_button.isEnabled()
    _choose(qtbot, window, dialog, "released_pending")
    assert dialog.sign_button.isEnabled() and not dialog.form.physician.isVisibleTo(dialog)
    dialog.form.reason.setPlainText("all results in but the 14-day sterility")
    dialog.password.setText(PW)
    _click(qtbot, dialog.sign_button)
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    settle(qtbot, window.context)
    assert screen.blockers.text() == (
        "✔ Disposition made: Released – results pending. Still to come: CART-REL-12. "
        "A pending result that fails comes back to QA."
    )
    pending = next(
        r
        for r in range(screen.model.rowCount())
        if screen.model.review_item(r).check_id == STERILITY
    )
    assert screen.model.data(screen.model.index(pending, 1)) == "○ Pending"
    assert not screen.approve.isEnabled() and "pending results" in screen.approve.toolTip()


def _two_excursions(site, tech, lot, tmp_path: Path) -> None:
    """A bioreactor log with two temperature excursions (above 39 °C for two hours each)."""
    temps = (37.0, 39.5, 39.6, 37.0, 37.1, 39.5, 39.7, 37.0)
    rows = [f"2026-11-02T0{h}:00:00Z,7.2,{t}" for h, t in enumerate(temps, start=1)]
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + "\n".join(rows) + "\n")
    assert imports.import_file(site, tech, lot, log).excursions == 2


def _excursion_row(screen, number: int) -> int:
    for row in range(screen.model.rowCount()):
        item = screen.model.review_item(row)
        if item.kind == "excursion" and item.ref == str(number):
            return row
    raise AssertionError(f"no excursion #{number}")


def test_a_supervisor_and_qa_assess_excursions(qtbot, window, site, people, lot, tmp_path):
    _two_excursions(site, people["tech"], lot, tmp_path)
    screen = _open_review(qtbot, window, "sam", lot)
    assert screen.assess.isVisible() and not screen.assess.isEnabled()  # nothing selected
    screen.table.select_row(_excursion_row(screen, 1))
    assert screen.assess.isEnabled()
    screen.table.setFocus()
    _click(qtbot, screen.assess)
    dialog = screen.dialog
    settle(qtbot, window.context)
    assert dialog.by_deviation.isChecked() and not dialog.by_qa.isEnabled()  # QA's alone
    assert "Only QA assesses an excursion without a deviation" in dialog.qa_only.text()
    _click(qtbot, dialog.submit)
    assert "Choose the deviation to link" in dialog.message.text()

    # the supervisor opens a deviation for it here, and links it
    _click(qtbot, dialog.new_deviation)
    new = dialog.dialog
    new.classification.setCurrentIndex(new.classification.findData("minor"))
    new.description.setText("Bioreactor temperature above 39 °C for 2 h (heater fault)")
    qtbot.keyClick(new.description, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert not new.isVisible()
    ref = dialog.deviation.currentData()
    assert ref and ref.startswith("DEV-") and dialog.focusWidget() is dialog.submit
    dialog.reason.setPlainText("Investigated under the deviation")
    assert _problems(dialog) == []
    shot(dialog, "assess_excursion_supervisor")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert not dialog.isVisible()
    assert screen.message.text() == f"✔ Excursion #1 assessed: deviation {ref}: " + (
        "Investigated under the deviation"
    )
    item = screen.model.review_item(_excursion_row(screen, 1))
    assert not item.blocking and f"assessed by sam: deviation {ref}" in item.detail
    screen.table.select_row(_excursion_row(screen, 1))
    assert not screen.assess.isEnabled()  # assessed: once only

    # QA assesses the second one without a deviation, with the reason
    window.context.log_out()
    screen = _open_review(qtbot, window, "quinn", lot)
    screen.table.select_row(_excursion_row(screen, 2))
    _click(qtbot, screen.assess)
    dialog = screen.dialog
    settle(qtbot, window.context)
    assert dialog.by_qa.isEnabled() and not dialog.qa_only.isVisible()
    dialog.by_qa.setChecked(True)
    assert not dialog.deviation.isEnabled()
    dialog.reason.setPlainText("short")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert dialog.isVisible() and "the reason it does not affect the product" in (
        dialog.message.text()
    )
    dialog.reason.setPlainText("Heater fault 2 h at 39.7 °C; within the validated range (VR-12)")
    shot(dialog, "assess_excursion_qa")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert not dialog.isVisible()
    assert all(not i.blocking for i in review_batch(site, lot).items if i.kind == "excursion")
    assert _problems(screen) == []
    shot(window, "review_excursions_assessed")


def test_the_certificate_of_analysis_is_a_draft_without_a_disposition(
    qtbot, window, site, people, lot, tmp_path
):
    screen = _open_review(qtbot, window, "quinn", lot)
    assert screen.coa.text() == "Draft certificate of analysis…"
    assert "No QA disposition yet: a DRAFT" in screen.coa.toolTip()
    _click(qtbot, screen.coa)
    dialog = screen.dialog
    assert "DRAFT certificate of analysis" in dialog.windowTitle()
    assert "no QA disposition yet" in dialog.explanation.text()
    assert dialog.submit.text() == "Seal and export the DRAFT"
    assert dialog.path.text().endswith("CT-0100 certificate of analysis DRAFT.pdf")
    shot(dialog, "export_coa_draft_dialog")
    target = tmp_path / "draft.pdf"
    dialog.path.setText(str(target))
    dialog.password.setText(PW)
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context, timeout=60_000)
    assert not dialog.isVisible(), dialog.message.text()
    assert target.read_bytes().startswith(b"%PDF")
    assert screen.message.text().startswith(
        "✔ DRAFT certificate of analysis of lot CT-0100 sealed by Quinn Quality"
    )


@pytest.fixture(autouse=True)
def _bench_size(window):
    window.resize(1366, 768)
