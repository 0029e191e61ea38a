"""The administration screen on a real database: users (add, deactivate with the admin's own
password, unlock, reset), template versions (a broken file named in place, a new version loaded)
and site settings (a new idle time applies at once)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from core.errors import AuthenticationFailed, PasswordChangeRequired
from core.services import audit_trail
from core.services.settings import show_policy
from core.services.users import authenticate, list_users
from core.templates import builtin_template_dir
from tests.conftest import ADMIN_PASSWORD, APPROVER, USER_PASSWORD
from tests.ui.conftest import login, settle, shot


def _admin(qtbot, window):
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = window.open_screen("admin")
    settle(qtbot, window.context)
    return screen


def _press(qtbot, context, widget) -> None:
    """Enter in a field (submits the dialog or the form), then wait for core's answer."""
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    settle(qtbot, context)


def _cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def _user(site, username: str):
    return next(u for u in list_users(site) if u.username == username)


def test_add_a_user_and_find_them_in_the_table_and_the_trail(qtbot, window, site):
    screen = _admin(qtbot, window)
    users = screen.users
    shown = [users.model.user_at(r).username for r in range(users.model.rowCount())]
    assert [name for name in shown if name != APPROVER] == ["ada"]
    qtbot.mouseClick(users.add, Qt.MouseButton.LeftButton)
    dialog = users.dialog
    assert dialog.isVisible() and dialog.focusWidget() is dialog.username
    dialog.username.setText("nina")
    dialog.full_name.setText("Nina  New")
    dialog.role.setCurrentText("supervisor")
    dialog.password.setText("initial-pass-42")
    dialog.repeat.setText("initial-pass-43")
    _press(qtbot, window.context, dialog.repeat)
    assert dialog.isVisible() and "The two passwords differ" in dialog.message.text()
    assert dialog.focusWidget() is dialog.repeat
    shot(dialog, "admin_add_user_refused")

    dialog.repeat.setText("initial-pass-42")
    _press(qtbot, window.context, dialog.repeat)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.admin_password  # whose act?
    dialog.admin_password.setText("not my password")
    _press(qtbot, window.context, dialog.admin_password)
    assert "Wrong password" in dialog.message.text()
    assert dialog.focusWidget() is dialog.admin_password and dialog.admin_password.text() == ""
    assert dialog.username.text() == "nina"  # nothing typed is lost
    dialog.admin_password.setText(ADMIN_PASSWORD)
    _press(qtbot, window.context, dialog.admin_password)
    assert not dialog.isVisible()
    row = users.model.row_of("nina")
    assert row is not None and users.table.selected_row() == row
    shown = [_cell(users.model, row, c) for c in range(6)]
    assert shown == [
        "nina",
        "Nina New",
        "supervisor",
        "Active",
        "No",
        "Yes — chooses own at next log-in",
    ]
    assert users.message.text().startswith("✔ nina (Nina New) added as supervisor")
    shot(window, "admin_users")

    trail = window.open_screen("audit")
    settle(qtbot, window.context)
    trail.action.setCurrentText("user.")
    qtbot.mouseClick(trail.apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    created = [e for e in trail.model.events() if e.entity_id == "nina"]
    assert [(e.action, e.user) for e in created] == [("user.create", "ada")]
    assert json.loads(created[0].new)["role"] == "supervisor"
    with pytest.raises(PasswordChangeRequired):
        authenticate(site, "nina", "initial-pass-42")


def test_core_refusals_are_shown_in_the_dialog_and_esc_closes_it(qtbot, window, site):
    screen = _admin(qtbot, window)
    qtbot.mouseClick(screen.users.add, Qt.MouseButton.LeftButton)
    dialog = screen.users.dialog
    dialog.username.setText("Nina Smith")
    dialog.full_name.setText("Nina Smith")
    dialog.password.setText("initial-pass-42")
    dialog.repeat.setText("initial-pass-42")
    dialog.admin_password.setText(ADMIN_PASSWORD)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    assert "'nina smith' cannot be a username" in dialog.message.text()
    assert dialog.isVisible() and dialog.focusWidget() is dialog.username
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert [u.username for u in list_users(site) if u.username != APPROVER] == ["ada"]


def test_deactivate_needs_the_admins_own_password(qtbot, window, site, tech):
    screen = _admin(qtbot, window)
    users = screen.users
    assert not users.deactivate.isEnabled()  # nothing selected yet
    users.select("tess")
    qtbot.mouseClick(users.deactivate, Qt.MouseButton.LeftButton)
    dialog = users.dialog
    text = dialog.explanation.text()
    assert "Tess Technician (tess, technician) will no longer be able to log in" in text
    assert "The account stays in the database" in text
    assert "stays in the batch records and the audit trail" in text
    assert "The username 'tess' is never used again" in text
    dialog.reason.setText("left the company")
    dialog.password.setText("not my password")
    shot(dialog, "admin_deactivate")
    _press(qtbot, window.context, dialog.password)
    assert dialog.isVisible()
    assert "Wrong password for 'ada'" in dialog.message.text()
    shot(dialog, "admin_deactivate_refused")
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
    assert _user(site, "tess").active

    dialog.password.setText(ADMIN_PASSWORD)
    _press(qtbot, window.context, dialog.password)
    assert not dialog.isVisible()
    assert not _user(site, "tess").active
    row = users.model.row_of("tess")
    assert _cell(users.model, row, 3) == "Deactivated"
    assert "tess is deactivated" in users.message.text()
    assert not users.deactivate.isEnabled()  # selected, but already deactivated
    events = audit_trail.events(site, action="user.deactivate")
    assert [(e.user, e.entity_id, e.reason) for e in events] == [
        ("ada", "tess", "left the company")
    ]
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        authenticate(site, "tess", USER_PASSWORD)
    shot(window, "admin_users_deactivated")


def test_unlock_then_reset_a_password(qtbot, window, site, tech):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            authenticate(site, "tess", "wrong password")
    screen = _admin(qtbot, window)
    users = screen.users
    row = users.model.row_of("tess")
    assert _cell(users.model, row, 4) == "Locked (5 failed log-ins)"
    users.select("tess")
    assert users.unlock.isEnabled()
    qtbot.mouseClick(users.unlock, Qt.MouseButton.LeftButton)
    dialog = users.dialog
    assert "locked after 5 failed log-ins" in dialog.explanation.text()
    _press(qtbot, window.context, dialog.reason)
    assert "Give a reason" in dialog.message.text() and dialog.isVisible()
    dialog.reason.setText("identity confirmed in person")
    _press(qtbot, window.context, dialog.reason)
    assert not dialog.isVisible()
    assert _cell(users.model, users.model.row_of("tess"), 4) == "No"
    assert not users.unlock.isEnabled()
    assert authenticate(site, "tess", USER_PASSWORD).username == "tess"

    qtbot.mouseClick(users.reset, Qt.MouseButton.LeftButton)
    dialog = users.dialog
    dialog.password.setText("fresh-start-2026")
    dialog.repeat.setText("fresh-start-2026")
    dialog.reason.setText("forgot the password")
    _press(qtbot, window.context, dialog.reason)
    assert not dialog.isVisible()
    row = users.model.row_of("tess")
    assert _cell(users.model, row, 5) == "Yes — chooses own at next log-in"
    with pytest.raises(PasswordChangeRequired):
        authenticate(site, "tess", "fresh-start-2026")


def _load(qtbot, window, tab, path) -> None:
    qtbot.mouseClick(tab.load, Qt.MouseButton.LeftButton)
    dialog = tab.file_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()
    settle(qtbot, window.context)


def test_template_files_broken_and_new(qtbot, window, site, tmp_path):
    screen = _admin(qtbot, window)
    screen.tabs.setCurrentWidget(screen.templates)
    tab = screen.templates
    keys = {tab.model.template_at(r).key for r in range(tab.model.rowCount())}
    assert keys == {"cart-auto-lv", "msc-expanded", "aav-hek293", "lv-hek293t"}
    row = tab.model.row_of("msc-expanded", 2)
    full = tab.model.template_at(row).sha256
    assert _cell(tab.model, row, 5) == f"{full[:12]}…"
    assert tab.model.data(tab.model.index(row, 5), Qt.ItemDataRole.ToolTipRole) == (
        f"SHA-256 {full}"
    )
    assert [_cell(tab.model, row, c) for c in (2, 3)] == ["✔ Approved", "Tara Template-Approver"]
    tab.select("msc-expanded", 2)  # approved: an admin loads files, never approves
    assert "was approved by Tara Template-Approver" in tab.selection.text()
    assert "Loaded by ada, " in tab.selection.text() and full in tab.selection.text()
    assert not tab.approve.isEnabled() and tab.load.isVisible()
    assert "your role (admin) may not approve process template versions" in tab.rights.text()
    shot(window, "admin_templates")

    text = (builtin_template_dir() / "msc-expanded.toml").read_text("utf-8")
    newer = text.replace("version = 2", "version = 3", 1)
    marker = 'name = "Donor eligibility, consent and tissue procurement"'
    broken = newer.replace(marker, marker[:-1], 1)  # the closing quote is missing
    line = next(n for n, t in enumerate(broken.splitlines(), 1) if marker[:-1] in t)
    bad = tmp_path / "msc-bad.toml"
    bad.write_text(broken, "utf-8")
    _load(qtbot, window, tab, bad)
    message = tab.message.text()
    assert message.startswith(f"✖ The template file msc-bad.toml was not loaded. Line {line}: ")
    assert "TOML syntax error" in message and str(bad) in message
    assert tab.load.isEnabled()
    assert tab.model.row_of("msc-expanded", 3) is None
    shot(window, "admin_templates_refused")

    good = tmp_path / "msc-v3.toml"
    good.write_text(newer, "utf-8")
    _load(qtbot, window, tab, good)
    assert tab.message.text().startswith("✔ Loaded msc-expanded version 3")
    assert "msc-expanded version 3 is a draft: no batch starts on it" in tab.message.text()
    row = tab.model.row_of("msc-expanded", 3)
    assert row is not None and tab.table.selected_row() == row
    assert _cell(tab.model, row, 2) == "✎ Draft — awaits QA" and _cell(tab.model, row, 3) == "—"
    assert not tab.approve.isEnabled()  # a draft, but approving is QA's
    shot(window, "admin_templates_draft_loaded")
    assert tab.model.row_of("msc-expanded", 2) is not None  # the old version stays
    _load(qtbot, window, tab, good)
    assert "already loaded" in tab.message.text()
    assert [e.entity_id for e in audit_trail.events(site, action="template.load")][-1] == (
        "msc-expanded/v3"
    )


def test_change_the_idle_lock_minutes(qtbot, window, site):
    screen = _admin(qtbot, window)
    screen.tabs.setCurrentWidget(screen.settings)
    tab = screen.settings
    assert (tab.lockout_attempts.value(), tab.idle_minutes.value()) == (5, 10)
    less, more = tab.steppers["idle_lock_minutes"]
    for _ in range(6):
        qtbot.mouseClick(less, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert tab.idle_minutes.value() == 5
    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    settle(qtbot, window.context)
    assert "Give a reason" in tab.message.text()
    assert tab.idle_minutes.value() == 5  # what was typed stays
    assert show_policy(site).idle_lock_minutes == 10
    assert window.context.idle_ms == 10 * 60_000

    tab.reason.setText("shorter lock in cleanroom B")
    _press(qtbot, window.context, tab.reason)
    assert show_policy(site).idle_lock_minutes == 10  # not before the administrator's password
    _confirm(qtbot, window, tab, "not the password")
    assert "Wrong password" in tab.dialog.message.text() and tab.dialog.isVisible()
    assert show_policy(site).idle_lock_minutes == 10
    _confirm(qtbot, window, tab)
    assert show_policy(site).idle_lock_minutes == 5
    assert window.context.idle_ms == 5 * 60_000
    assert tab.message.text() == (
        "✔ Saved. Accounts lock after 5 failed log-ins; the screen locks after 5 minutes "
        "without input. Release test results are recorded by QC analysts only. Site time zone: "
        "not set."
    )
    assert tab.reason.text() == ""
    [event] = audit_trail.events(site, action="setting.change")
    assert (event.user, event.entity_id, event.reason) == (
        "ada",
        "idle_lock_minutes",
        "shorter lock in cleanroom B",
    )
    assert json.loads(event.old) == {"idle_lock_minutes": 10}
    assert json.loads(event.new) == {"idle_lock_minutes": 5}
    shot(window, "admin_settings")

    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    assert "Nothing to save" in tab.message.text()


def _confirm(qtbot, window, tab, password: str = ADMIN_PASSWORD) -> None:
    """The administrator's password in the confirmation the settings ask for."""
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.password.setText(password)
    _press(qtbot, window.context, dialog.password)


def test_the_site_time_zone_and_decimal_mark_are_set_here(qtbot, window, site):
    screen = _admin(qtbot, window)
    screen.tabs.setCurrentWidget(screen.settings)
    tab = screen.settings
    settle(qtbot, window.context)
    assert tab.time_zone.isEnabled() and tab.time_zone.currentText() == ""
    tab.time_zone.setFocus()
    qtbot.keyClicks(tab.time_zone, "Europe/Berl")
    tab.time_zone.setCurrentText("Europe/Berlin")
    tab.decimal_mark.setCurrentIndex(tab.decimal_mark.findData("comma"))
    tab.reason.setText("instrument PCs run on local time; the site types 1.234,5")
    _press(qtbot, window.context, tab.reason)
    assert "Europe/Berlin" in tab.dialog.explanation.text()
    shot(tab.dialog, "admin_settings_confirm")
    _confirm(qtbot, window, tab)
    policy = show_policy(site)
    assert (policy.time_zone, policy.decimal_mark) == ("Europe/Berlin", "comma")
    from core.number_display import shown_mark

    assert shown_mark() == ","  # numbers on screen take the site's mark at once
    assert tab.message.text().endswith("Site time zone: Europe/Berlin.")
    changed = {e.entity_id for e in audit_trail.events(site, action="setting.change")}
    assert {"time_zone", "decimal_mark"} <= changed
    shot(window, "admin_settings_zone")


def test_a_setting_core_refuses_changes_nothing(qtbot, window, site):
    screen = _admin(qtbot, window)
    screen.tabs.setCurrentWidget(screen.settings)
    tab = screen.settings
    settle(qtbot, window.context)
    tab.time_zone.setCurrentText("Mars/Olympus")
    tab.idle_minutes.setValue(7)
    tab.reason.setText("two changes at once")
    _press(qtbot, window.context, tab.reason)
    _confirm(qtbot, window, tab)
    assert "not a time zone" in tab.dialog.message.text()
    assert show_policy(site).idle_lock_minutes == 10  # all or none


def test_the_user_dialog_offers_the_qc_role(qtbot, window, site):
    screen = _admin(qtbot, window)
    qtbot.mouseClick(screen.users.add, Qt.MouseButton.LeftButton)
    dialog = screen.users.dialog
    roles = [dialog.role.itemData(i) for i in range(dialog.role.count())]
    assert roles == ["technician", "supervisor", "qc", "qa", "admin"]
    dialog.username.setText("cleo")
    dialog.full_name.setText("Cleo Control")
    dialog.role.setFocus()
    while dialog.role.currentData() != "qc":  # chosen with the keyboard
        qtbot.keyClick(dialog.role, Qt.Key.Key_Down)
    assert "record release test results" in dialog.role_rights.text()
    assert "start batches" not in dialog.role_rights.text()
    dialog.password.setText("initial-pass-42")
    dialog.repeat.setText("initial-pass-42")
    dialog.admin_password.setText(ADMIN_PASSWORD)
    shot(dialog, "admin_add_user_qc")
    _press(qtbot, window.context, dialog.repeat)
    assert not dialog.isVisible() and _user(site, "cleo").role == "qc"
    assert _cell(screen.users.model, screen.users.model.row_of("cleo"), 2) == "qc"


def test_who_records_release_results_is_a_site_setting(qtbot, window, site):
    screen = _admin(qtbot, window)
    screen.tabs.setCurrentWidget(screen.settings)
    tab = screen.settings
    assert tab.release_by.currentData() == "qc" and tab.release_by.isEnabled()
    tab.release_by.setFocus()
    qtbot.keyClick(tab.release_by, Qt.Key.Key_Down)
    assert tab.release_by.currentData() == "qc_or_supervisor"
    tab.reason.setText("small site: supervisors test too (SOP-QC-12)")
    _press(qtbot, window.context, tab.reason)
    _confirm(qtbot, window, tab)
    assert show_policy(site).release_results_by == "qc_or_supervisor"
    assert tab.message.text().endswith(
        "Release test results are recorded by QC analysts or supervisors (never the lot's own "
        "manufacturing staff). Site time zone: not set."
    )
    [event] = audit_trail.events(site, action="setting.change")
    assert (event.entity_id, json.loads(event.new)) == (
        "release_results_by",
        {"release_results_by": "qc_or_supervisor"},
    )
    shot(window, "admin_settings_release_results")


def test_someone_else_who_reaches_admin_sees_a_plain_refusal(qtbot, window, tech):
    from ui.screens.admin import AdminScreen

    login(qtbot, window, "tess")
    screen = AdminScreen(window.context)
    qtbot.addWidget(screen)
    screen.activate()
    assert screen.tabs is None and screen.users is None
    assert "Your role (technician) may not manage users" in screen.refusal.text()
    assert window.context.tasks.idle()  # nothing was even read
    screen.resize(1000, 300)
    shot(screen, "admin_refused")


def test_large_text_mode(qtbot, window, site, tech):
    screen = _admin(qtbot, window)
    table = screen.users.table
    normal = table.verticalHeader().defaultSectionSize()
    window.large.setChecked(True)
    qtbot.waitUntil(lambda: table.verticalHeader().defaultSectionSize() > normal)
    assert table.verticalHeader().defaultSectionSize() >= table.fontMetrics().height()
    shot(window, "admin_users_large")
    screen.users.select("tess")
    qtbot.mouseClick(screen.users.deactivate, Qt.MouseButton.LeftButton)
    dialog = screen.users.dialog
    assert dialog.explanation.height() >= dialog.explanation.heightForWidth(
        dialog.explanation.width()
    )  # the wrapped explanation is not clipped
    shot(dialog, "admin_deactivate_large")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and _user(site, "tess").active
    screen.tabs.setCurrentWidget(screen.settings)
    shot(window, "admin_settings_large")
    trail = window.open_screen("audit")
    settle(qtbot, window.context)
    trail.table.select_row(0)
    shot(window, "audit_trail_large")
    assert trail.filters.height() > trail.lot.height()  # the filter bar wraps, nothing clipped
