"""Template versions as QA and the bench meet them: on a new site every template is a draft and
no batch can start; QA opens Templates, reads every example limit the approval confirms, signs
with a reason and the password (core's refusals shown in place), and a technician can then start
a batch on the approved version. A newer draft is marked, never started on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.records.template_versions import example_limits
from core.services import audit_trail, batches, signing_keys
from core.services.templates import get_template, load_template
from core.services.users import authenticate
from core.templates import builtin_template_dir
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot
from tests.ui.test_accessibility import _problems

COI = "COI-W123426000042"


@pytest.fixture
def draft_window(qtbot, draft_site):
    """The shell on a new site whose templates are still drafts; QA quinn (with a certificate)
    and technician tess."""
    from ui import theme
    from ui.context import AppContext
    from ui.main_window import MainWindow

    ada = authenticate(draft_site, "ada", ADMIN_PASSWORD)
    make_user(draft_site, ada, "quinn", "qa", "Quinn Quality")
    make_user(draft_site, ada, "tess", "technician", "Tess Technician")
    signing_keys.issue_certificates(draft_site, ada, ADMIN_PASSWORD)
    theme.load_fonts()
    theme.apply(QApplication.instance())
    context = AppContext()
    context.set_database(draft_site, 10)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    context.idle.stop()
    context.tasks.wait()


def _start_dialog(qtbot, window):
    from ui.dialogs.start_batch import StartBatchDialog

    dialog = StartBatchDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.open()
    settle(qtbot, window.context)
    return dialog


def _items(dialog) -> dict[str, tuple[str, bool]]:
    model = dialog.template.model()
    return {
        dialog.template.itemData(i): (dialog.template.itemText(i), model.item(i).isEnabled())
        for i in range(dialog.template.count())
    }


def _enter(qtbot, context, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    settle(qtbot, context)


def test_qa_approves_a_draft_and_a_batch_can_then_start(qtbot, draft_window, draft_site):
    window, context = draft_window, draft_window.context
    login(qtbot, window, "tess")
    assert not window.nav["templates"].isVisible()  # approving is QA's
    dialog = _start_dialog(qtbot, window)
    items = _items(dialog)
    assert len(items) == 4 and not any(enabled for _, enabled in items.values())
    assert items["cart-auto-lv"][0].endswith("(v2) — not approved by QA yet")
    assert "No process template is approved yet" in dialog.message.text()
    shot(dialog, "start_batch_no_approved_template")
    dialog.template.showPopup()  # each template is listed, marked, and cannot be chosen
    shot(dialog.template.view().window(), "start_batch_templates_all_drafts")
    dialog.template.hidePopup()
    dialog.reject()
    qtbot.mouseClick(window.logout, Qt.MouseButton.LeftButton)

    login(qtbot, window, "quinn")
    assert window.nav["templates"].isVisible() and not window.nav["admin"].isVisible()
    assert window.open_screen("admin") is None  # QA's way to the versions is Templates
    qtbot.mouseClick(window.nav["templates"], Qt.MouseButton.LeftButton)
    settle(qtbot, context)
    tab = window.screen("templates").templates
    assert not tab.load.isVisible()  # files are the administrator's
    statuses = {tab.model.data(tab.model.index(r, 2)) for r in range(tab.model.rowCount())}
    assert statuses == {"✎ Draft — awaits QA"}
    assert not tab.approve.isEnabled()  # nothing selected yet
    tab.table.setFocus()  # the keyboard: down the list to the CAR-T template
    while tab.selected() is None or tab.selected().key != "cart-auto-lv":
        qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    assert tab.approve.isEnabled()
    assert "cart-auto-lv version 2 is a draft" in tab.selection.text()
    shot(window, "templates_qa_drafts")
    tab.approve.setFocus()
    qtbot.keyClick(tab.approve, Qt.Key.Key_Space)
    approval = tab.dialog
    assert approval.isVisible() and approval.focusWidget() is approval.reason
    settle(qtbot, context)

    limits = example_limits(get_template(draft_site, "cart-auto-lv", 2))
    assert len(limits) > 10
    assert approval.count.text().startswith(
        f"<b>This approval confirms {len(limits)} example limits</b>"
    )
    listed = approval.list.toPlainText()
    for limit in limits:  # every limit the signature binds, as a line
        assert f"{limit.check} {limit.name}: {limit.limit} {limit.tags}" in listed
    assert approval.list.verticalScrollBar().maximum() > 0  # a long list scrolls in place
    assert approval.submit.isEnabled() and _problems(approval) == []
    shot(approval, "template_approval")
    large_text_shot(approval, "template_approval_large_text")
    window.resize(1366, 768)  # the theme switch grew the window behind the dialog

    _enter(qtbot, context, approval.reason)  # Enter on an empty password: on to the password
    assert approval.focusWidget() is approval.password
    qtbot.keyClicks(approval.password, "not-my-password")
    _enter(qtbot, context, approval.password)  # no reason: core's own words, in place
    assert approval.isVisible() and "Say what the approval rests on" in approval.message.text()
    assert approval.password.text() == "" and approval.focusWidget() is approval.reason
    qtbot.keyClicks(approval.reason, "CC-2026-014: every example limit checked against spec")
    qtbot.keyClick(approval.reason, Qt.Key.Key_Tab)
    qtbot.keyClicks(approval.password, "not-my-password")
    _enter(qtbot, context, approval.password)
    assert approval.isVisible() and "Wrong password" in approval.message.text()
    assert approval.password.text() == "" and approval.focusWidget() is approval.password
    shot(approval, "template_approval_refused")
    qtbot.keyClicks(approval.password, USER_PASSWORD)
    _enter(qtbot, context, approval.password)
    assert not approval.isVisible()

    assert tab.message.text().startswith("✔ cart-auto-lv version 2 approved by Quinn Quality")
    row = tab.model.row_of("cart-auto-lv", 2)
    assert tab.table.selected_row() == row
    shown = [tab.model.data(tab.model.index(row, c)) for c in (2, 3)]
    assert shown == ["✔ Approved", "Quinn Quality"]
    assert not tab.approve.isEnabled()  # approved once
    [event] = audit_trail.events(draft_site, action="template.approve")
    assert event.entity_id == "cart-auto-lv/v2" and event.user == "quinn"
    shot(window, "templates_qa_approved")
    qtbot.mouseClick(window.logout, Qt.MouseButton.LeftButton)

    login(qtbot, window, "tess")
    dialog = _start_dialog(qtbot, window)
    items = _items(dialog)
    assert items["cart-auto-lv"] == ("CAR-T — Autologous CAR-T cells, lentiviral vector (v2)", True)
    assert not items["msc-expanded"][1]
    assert dialog.message.isHidden()
    dialog.choose("cart-auto-lv")
    dialog.lot.setText("CT-2026-0001")
    dialog.coi.setText(COI)
    dialog.coi_again.setText(COI)
    with qtbot.waitSignal(context.navigate, timeout=10_000):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    [started] = batches.list_batches(draft_site)
    assert (started.lot, started.template_key, started.template_version) == (
        "CT-2026-0001",
        "cart-auto-lv",
        2,
    )


def test_a_newer_draft_is_marked_and_batches_start_on_the_approved_version(
    qtbot, window, site, admin, tech, tmp_path: Path
):
    text = (builtin_template_dir() / "msc-expanded.toml").read_text("utf-8")
    newer = tmp_path / "msc-v3.toml"
    newer.write_text(text.replace("version = 2", "version = 3", 1), "utf-8")
    load_template(site, admin, newer)
    login(qtbot, window, "tess")
    dialog = _start_dialog(qtbot, window)
    text, enabled = _items(dialog)["msc-expanded"]
    assert enabled and text.endswith("(v2) · v3 awaits QA approval")
    dialog.choose("msc-expanded")
    shot(dialog, "start_batch_newer_draft")
    dialog.lot.setText("MSC-2026-0001")
    with qtbot.waitSignal(window.context.navigate, timeout=10_000):
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert batches.show_batch(site, "MSC-2026-0001").template_version == 2


def test_the_admin_sees_the_status_but_cannot_approve(qtbot, window, site, admin, tmp_path):
    from core.auth.roles import Permission

    login(qtbot, window, "ada", ADMIN_PASSWORD)
    assert not window.nav["templates"].isVisible()
    assert window.open_screen("templates") is None
    assert Permission.APPROVE_TEMPLATE.value in window.statusBar().currentMessage()
    screen = window.open_screen("admin", {"tab": "templates"})
    settle(qtbot, window.context)
    tab = screen.templates
    tab.select("cart-auto-lv", 2)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter on a row shows it, approves nothing
    tab.open_approval()  # even asked directly, nothing opens for a role that may not approve
    assert tab.dialog is None and not tab.approve.isEnabled()
    assert tab.contents_dialog is not None
    tab.contents_dialog.close()


def test_a_template_version_shows_its_steps_checks_and_rules(qtbot, draft_window, draft_site):
    """Admin → Templates (and QA's Templates): Enter on a version lists every check of every
    step with its spec, rules and source; a draft's example limits read NOT CONFIRMED; the
    selected check is written out in full."""
    window = draft_window
    login(qtbot, window, "quinn")
    window.context.go("templates")
    settle(qtbot, window.context)
    tab = window.screen("templates").templates
    tab.select("cart-auto-lv", 2)
    assert tab.show_contents.isEnabled()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = tab.contents_dialog
    qtbot.waitUntil(lambda: dialog.contents is not None, timeout=10_000)
    tdef = get_template(draft_site, "cart-auto-lv", 2)
    ids = [c.id for step in tdef.all_steps() for c in step.checks]
    model = dialog.model
    assert [model.item_at(r).check_id for r in range(model.rowCount())] == ids
    assert "DRAFT" in dialog.heading.text() and tdef.sha256 in dialog.heading.text()
    cells = {model.index(r, 6).data() for r in range(model.rowCount())}
    assert any("NOT CONFIRMED" in c for c in cells) and any("gates release" in c for c in cells)
    dialog.table.select_row(ids.index("CART-IPC-00-COI"))
    assert "CART-S00" in dialog.detail.text()
    assert "must match the batch's chain-of-identity id" in dialog.detail.text()
    shot(dialog, "template_contents")
    assert dialog.table.hasFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
