"""Signing in the GUI on a real database with issued certificates: the sign dialog shows what is
signed and what the signature means; a wrong password signs nothing; the second person verifies
a step and the batch record shows it; a correction shows the signature as invalidated at once;
the review screen lists what blocks release; QA's approval dialog names the blockers; the
administrator issues certificates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from core.demo.sample_batch import fill_batch
from core.services import batches, deviations, recording
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.ui.conftest import login, settle, shot

LOT, COI = "CT-0042", "COI-W123426000042"
STEP = "CART-S03"


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _open_record(qtbot, window, username: str, step_id: str = STEP):
    login(qtbot, window, username)
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    screen.step_list.setCurrentIndex(screen.steps.index(screen.steps.row_of(step_id)))
    assert screen.form.step.id == step_id and screen.signing.step.id == step_id
    return screen


def _sign_with(qtbot, context, dialog, password: str) -> None:
    dialog.password.setText(password)
    _click(qtbot, dialog.sign_button)
    settle(qtbot, context)


def _step_text(screen, step_id: str) -> str:
    return screen.steps.data(screen.steps.index(screen.steps.row_of(step_id)))


def test_verify_a_step_then_a_correction_invalidates_it(qtbot, window, signers, tech, monkeypatch):
    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    fill_batch(signers, tech, LOT)
    screen = _open_record(qtbot, window, "vic")
    assert "awaiting verification" in _step_text(screen, STEP)
    assert screen.signing.lines == [] and "awaiting verification" in screen.signing.heading.text()

    _click(qtbot, screen.signing.verify)
    dialog = screen.signing.dialog
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert dialog.meaning_label.text() == "Verified by"
    assert "I independently checked this step" in dialog.statement.text()
    assert "Vic Verifier" in dialog.signer.text() and "technician" in dialog.signer.text()
    lines = dialog.view.lines.stringList()
    assert "CART-IPC-03-VIAB Viability on receipt: 96.1 % · Pass" in lines
    assert dialog.view.hash.text().startswith("Content SHA-256: ")
    assert dialog.view.hash.toolTip() == dialog.preview.content_sha256
    assert dialog.focusWidget() is dialog.password
    shot(dialog, "sign_dialog_verified")

    _sign_with(qtbot, window.context, dialog, "not my password")
    assert dialog.isVisible() and dialog.signature is None
    assert "Wrong password" in dialog.message.text() and dialog.password.text() == ""
    assert dialog.sign_button.isEnabled() and dialog.sign_button.text() == "Sign"
    assert batches.show_batch(signers, LOT).signatures == ()  # nothing was signed
    shot(dialog, "sign_dialog_wrong_password")

    _sign_with(qtbot, window.context, dialog, USER_PASSWORD)
    assert not dialog.isVisible() and dialog.signature.meaning == "VERIFIED"
    qtbot.waitUntil(lambda: len(screen.signing.lines) == 1, timeout=10_000)
    (line,) = screen.signing.lines
    assert line.startswith("Verified by Vic Verifier (technician) · ") and line.endswith("✔ valid")
    assert "verified" in _step_text(screen, STEP)
    qtbot.waitUntil(lambda: not screen.signing.verify.isEnabled(), timeout=10_000)
    assert "already" in screen.signing.verify.toolTip()  # verified: nothing to verify again
    (stored,) = batches.show_batch(signers, LOT).signatures
    assert stored.signer == "vic" and stored.valid

    # tess corrects a value of the verified step: the verification no longer holds, at once
    window.context.log_out()
    screen = _open_record(qtbot, window, "tess")
    _click(qtbot, screen.form.row("CART-IPC-03-VIAB").correct)
    correction = screen.dialog
    correction.value.setText("95,5")
    correction.reason.setText("read from the wrong line of the counter printout")
    reads = []
    real_read = batches.show_batch
    monkeypatch.setattr(batches, "show_batch", lambda *a: reads.append(a) or real_read(*a))
    with qtbot.waitSignal(screen.entry_applied, timeout=10_000):
        qtbot.keyClick(correction.reason, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert reads == []  # the correction's own answer carried the signatures: no second read
    (line,) = screen.signing.lines
    assert "✖ INVALIDATED — Changed after signing: CART-IPC-03-VIAB" in line
    assert "signature invalidated" in _step_text(screen, STEP)  # not "complete" or "verified"
    assert "1 signature not valid" in screen.header.exceptions.text()

    # tess signs as performed: one valid signature under the invalidated one
    _click(qtbot, screen.signing.perform)
    dialog = screen.signing.dialog
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert dialog.meaning_label.text() == "Performed by"
    assert any("95.5 %" in line for line in dialog.view.lines.stringList())
    _sign_with(qtbot, window.context, dialog, USER_PASSWORD)
    qtbot.waitUntil(lambda: len(screen.signing.lines) == 2, timeout=10_000)
    settle(qtbot, window.context)
    first, second = screen.signing.lines
    assert "INVALIDATED" in first and second.startswith("Performed by Tess Technician")
    assert second.endswith("✔ valid")
    screen.form.row("CART-IPC-03-VIAB").entry.setFocus()
    shot(window, "batch_signatures_1366")
    window.resize(1920, 1080)
    shot(window, "batch_signatures_1920")


def _problem_batch(site, tech) -> str:
    """An open deviation behind an out-of-spec value, an out-of-spec value with no comment yet,
    and a required value never recorded."""
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    dev = deviations.open_deviation(
        site, tech, LOT, "minor", "Long transport from the clinical site (31 h)", "CART-IPC-03-VIAB"
    )
    recording.record_value(site, tech, LOT, "CART-IPC-03-VIAB", "65", deviation=dev.ref)
    recording.record_value(site, tech, LOT, "CART-IPC-04-VIAB", "58.5", hold_if_out_of_spec=True)
    fill_batch(site, tech, LOT, skip=frozenset({"CART-IPC-04-CD3"}))
    return dev.ref


def _open_review(qtbot, window, username: str):
    login(qtbot, window, username)
    assert window.nav["review"].isVisible()
    _click(qtbot, window.nav["review"])
    screen = window.screen("review")
    qtbot.waitUntil(lambda: screen.review is not None, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def _rows(model) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_review_lists_what_blocks_release(qtbot, window, signers, tech):
    _problem_batch(signers, tech)
    screen = _open_review(qtbot, window, "sam")
    assert screen.lot == LOT
    rows = _rows(screen.model)
    by_kind = {(r[0], r[3]): r for r in rows}
    oos = by_kind[("Out of specification, not justified", "CART-IPC-04-VIAB")]
    assert oos[1] == "✖ Blocks release" and "58.5 %" in oos[2] and oos[5] == "tess"
    missing = by_kind[("Missing required value", "CART-IPC-04-CD3")]
    assert missing[1] == "✖ Blocks release"
    justified = by_kind[("Out of specification", "CART-IPC-03-VIAB")]
    assert justified[1] == "— noted" and "deviation DEV-" in justified[6]
    assert rows[0][1] == "✖ Blocks release"  # what blocks comes first
    assert screen.blockers.text().startswith("✖ Release blocked: ")
    assert "The audit trail has not been marked reviewed." in screen.blockers.text()
    assert screen.audit.text() == "Audit trail: not reviewed yet."
    assert not screen.approve.isVisible()  # a supervisor does not approve dispositions
    assert screen.review_sign.isVisible() and screen.mark_audit.isVisible()
    screen.select_item("awaiting_justification", "CART-IPC-04-VIAB")
    shot(window, "review_1366")
    window.resize(1920, 1080)
    shot(window, "review_1920")
    window.resize(1366, 768)

    _click(qtbot, screen.mark_audit)
    dialog = screen.dialog
    dialog.password.setText("wrong password")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert dialog.isVisible() and "Wrong password" in dialog.message.text()
    dialog.text.setPlainText("trail read through, corrections explained")
    dialog.password.setText(USER_PASSWORD)
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert not dialog.isVisible()
    assert screen.audit.text().startswith("Audit trail reviewed by Sam Supervisor at ")
    assert screen.audit.text().endswith("(current)")
    assert "has not been marked reviewed" not in screen.blockers.text()

    # the item opens in the batch record, at its check
    screen.select_item("awaiting_justification", "CART-IPC-04-VIAB")
    _click(qtbot, screen.open_item)
    record = window.screen("batch")
    qtbot.waitUntil(lambda: record.view is not None and record.form.step is not None)
    settle(qtbot, window.context)
    assert window.current == "batch" and record.form.step.id == "CART-S04"
    assert window.focusWidget() is record.form.row("CART-IPC-04-VIAB").entry  # at the check


def test_qa_sees_the_blockers_closes_a_deviation_and_quarantines(
    qtbot, window, signers, tech, monkeypatch, tmp_path
):
    import core.services.reports as reports
    from core.services import signing

    ref = _problem_batch(signers, tech)
    screen = _open_review(qtbot, window, "quinn")
    assert screen.approve.isVisible() and screen.close_deviation.isVisible()

    _click(qtbot, screen.approve)
    sign = screen.dialog
    qtbot.waitUntil(lambda: sign.preview is not None, timeout=10_000)
    assert sign.meaning_label.text() == "Approved by (QA disposition)"
    assert "I approve the disposition" in sign.statement.text()
    warnings = sign.view.warning_text
    assert "What blocks a release:" in warnings and "Missing required value" in warnings
    assert "No valid batch review" in warnings
    sign.choose_disposition("released")
    settle(qtbot, window.context)
    assert "What blocks the disposition “Released”:" in sign.view.warning_text
    sign.form.reason.setPlainText("all release tests in specification")
    shot(sign, "sign_dialog_approved")
    # refused before the password is asked: core's preview already says what blocks it
    assert not sign.sign_button.isEnabled() and not sign.password.isEnabled()
    assert "“Released” cannot be signed now" in sign.message.text()
    assert "blocked" in sign.sign_button.toolTip()

    sign.choose_disposition("quarantined")
    settle(qtbot, window.context)
    assert sign.view.warning_text == ""
    assert sign.view.clear.text() == "✔ Nothing blocks the disposition “Quarantined”."
    assert sign.sign_button.isEnabled() and sign.password.isEnabled()
    assert sign.message.text() == ""

    def approve_and_export(db, actor, password, lot, path, *, disposition, reason, **details):
        """The real approval; the PDF part stands in for core's report modules (which the dialog
        asks to replace a file of that name: the name is on screen)."""
        assert details.pop("force") is True
        signature = signing.sign(
            db, actor, password, lot, "APPROVED", disposition=disposition, reason=reason, **details
        )
        Path(path).write_bytes(b"%PDF-1.7 stand-in")
        return reports.ExportOutcome(
            path=Path(path),
            kind=reports.SUMMARY,
            lot=lot,
            sha256="ab" * 32,
            size=17,
            pages=4,
            sealed_by=actor.username,
            sealed_by_name=actor.full_name,
            purpose="QA disposition",
            approval=signature,
        )

    monkeypatch.setattr(reports, "approve_and_export", approve_and_export)
    form = sign.form
    form.reason.setPlainText("sterility failure on the retained sample; investigation DEV opened")
    assert not form.path.isVisibleTo(sign)  # shown once asked for
    form.exporting.setChecked(True)
    assert form.path.isVisibleTo(sign)
    form.path.setText(str(tmp_path / "CT-0042 summary.pdf"))
    sign.password.setText(USER_PASSWORD)
    _click(qtbot, sign.sign_button)
    settle(qtbot, window.context)
    qtbot.waitUntil(lambda: not sign.isVisible(), timeout=10_000)
    assert sign.signature.disposition == "quarantined" and sign.export.pages == 4
    settle(qtbot, window.context)
    assert screen.message.text().startswith("✔ Lot CT-0042: Quarantined — Approved by")
    assert "Batch summary of lot CT-0042 sealed by Quinn Quality" in screen.message.text()
    assert "Quarantined — reason: sterility failure" in screen.signatures.text()
    assert batches.show_batch(signers, LOT).disposition.disposition == "quarantined"

    # QA closes the deviation (after the disposition: closing makes QA a contributor, see report)
    screen.select_item("open_deviation")
    assert screen.close_deviation.isEnabled()
    _click(qtbot, screen.close_deviation)
    dialog = screen.dialog
    dialog.text.setPlainText("Transport time exceeded; viability loss explains the value. CAPA-77.")
    dialog.password.setText(USER_PASSWORD)
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert not dialog.isVisible() and screen.message.text() == f"✔ Deviation {ref} closed."
    assert "Open deviation" not in [r[0] for r in _rows(screen.model)]

    # the batch record shows the disposition in its header
    window.context.go("batch", lot=LOT)
    record = window.screen("batch")
    qtbot.waitUntil(lambda: record.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    header = record.header.signatures
    assert header.isVisible() and "Approved by (QA disposition) Quinn Quality (qa)" in header.text()
    assert "Quarantined — reason: sterility failure" in header.text()
    assert not record.signing.perform.isEnabled()  # QA does not record or verify
    shot(window, "batch_header_disposition")


def test_export_a_certificate_of_analysis(qtbot, window, signers, tech, monkeypatch, tmp_path):
    import core.services.reports as reports
    from core.services.signing import sign
    from core.services.users import authenticate

    _problem_batch(signers, tech)
    quinn = authenticate(signers, "quinn", USER_PASSWORD)
    sign(signers, quinn, USER_PASSWORD, LOT, "APPROVED", disposition="quarantined", reason="hold")
    screen = _open_review(qtbot, window, "quinn")
    assert screen.coa.text() == "Certificate of analysis…"  # it has a QA disposition
    calls = []

    def export_pdf(
        db, actor, password, lot, path, *, coa=False, draft=False, force=False, language=None
    ):
        authenticate(db, actor.username, password)  # a wrong password is refused as in core
        calls.append((lot, Path(path).name, coa, draft, language))
        return reports.ExportOutcome(
            path=Path(path),
            kind=reports.COA if coa else reports.SUMMARY,
            lot=lot,
            sha256="cd" * 32,
            size=10,
            pages=2,
            sealed_by=actor.username,
            sealed_by_name=actor.full_name,
            purpose="CoA",
        )

    monkeypatch.setattr(reports, "export_pdf", export_pdf)
    _click(qtbot, screen.coa)
    dialog = screen.dialog
    assert dialog.path.text().endswith("CT-0042 certificate of analysis.pdf")
    dialog.path.setText(str(tmp_path / "coa.pdf"))
    dialog.password.setText("wrong")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert "Wrong password" in dialog.message.text() and calls == []
    dialog.password.setText(USER_PASSWORD)
    shot(dialog, "export_coa_dialog")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert calls == [(LOT, "coa.pdf", True, False, "en")]  # the reader's language by default
    assert screen.message.text().startswith(
        "✔ Certificate of analysis of lot CT-0042 sealed by Quinn Quality"
    )


def test_issue_certificates_from_the_admin_screen(qtbot, window, site, admin):
    make_user(site, admin, "tess", "technician", "Tess Technician")
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    admin_screen = window.open_screen("admin")
    settle(qtbot, window.context)
    users = admin_screen.users
    model = users.model
    key = model.columnCount() - 1
    assert model.headerData(key, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Signing key"
    )
    tess = model.row_of("tess")
    assert model.data(model.index(tess, key)) == "Awaiting issue"
    assert model.data(model.index(model.row_of("ada"), key)).startswith("Issued · serial ")
    assert users.issue.isVisible()
    shot(window, "admin_users_keys_waiting")

    _click(qtbot, users.issue)
    dialog = users.dialog
    assert "Tess Technician (tess, technician)" in dialog.explanation.text()
    dialog.password.setText("wrong")
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert dialog.isVisible() and "Wrong password" in dialog.message.text()
    shot(dialog, "issue_certificates_dialog")
    dialog.password.setText(ADMIN_PASSWORD)
    _click(qtbot, dialog.submit)
    settle(qtbot, window.context)
    assert not dialog.isVisible()
    assert users.message.text() == "✔ Signing certificates issued for tess: they can sign now."
    assert model.data(model.index(model.row_of("tess"), key)).startswith("Issued · serial ")
    shot(window, "admin_users_keys")


def test_export_a_sealed_batch_summary_for_real(qtbot, window, signers, tech, tmp_path):
    """Core's own PDF export (reportlab and the PAdES seal), run on a worker from the screen."""
    _problem_batch(signers, tech)
    screen = _open_review(qtbot, window, "sam")
    _click(qtbot, screen.export)
    dialog = screen.dialog
    target = tmp_path / "summary.pdf"
    dialog.path.setText(str(target))
    # the PDF's language is chosen here (the reader's by default): Korean, for a Seoul site's QA
    assert dialog.language.currentData() == "en"
    dialog.language.setCurrentIndex(dialog.language.findData("ko"))
    dialog.password.setText(USER_PASSWORD)
    _click(qtbot, dialog.submit)
    assert dialog.busy and dialog.submit.text() == "Sealing the PDF…"  # not on the GUI thread
    settle(qtbot, window.context, timeout=60_000)
    assert not dialog.isVisible(), dialog.message.text()
    assert target.read_bytes().startswith(b"%PDF")
    assert screen.message.text().startswith("✔ Batch summary of lot CT-0042 sealed by Sam")
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    from core.i18n import _, in_language

    with in_language("ko"):
        heading = _("Batch summary")
    assert heading in text and "한국어" in text and "Language:" not in text


def test_a_rejected_lot_offers_exports_but_no_more_review_acts(qtbot, window, signers, tech):
    from core.services.signing import sign
    from core.services.users import authenticate

    batches.start_batch(signers, tech, "cart-auto-lv", LOT, COI)
    quinn = authenticate(signers, "quinn", USER_PASSWORD)
    sign(
        signers,
        quinn,
        USER_PASSWORD,
        LOT,
        "APPROVED",
        disposition="rejected",
        reason="COI label mismatch at receipt",
    )
    screen = _open_review(qtbot, window, "quinn")
    assert screen.review.status == "rejected"
    assert screen.export.isEnabled() and screen.coa.isEnabled()
    for button in (screen.approve, screen.mark_audit):
        assert not button.isEnabled() and "locked" in button.toolTip()
