"""The backups tab on a real database: the schedule saved with a reason, "Back up now" with the
administrator's password (a wrong one refused in the dialog), the last good backup and the
history shown; a scheduled backup made after log-in when due, and a failed one shown in the
status bar and on the tab."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from core.services import backup as backups
from core.services.settings import set_setting, show_policy
from core.services.users import authenticate
from tests.conftest import ADMIN_PASSWORD
from tests.ui.conftest import login, settle, shot


def _backups_tab(qtbot, window):
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    screen = window.open_screen("admin", {"tab": "backups"})
    settle(qtbot, window.context)
    assert screen.tabs.currentWidget() is screen.backups
    return screen.backups


def test_schedule_and_back_up_now_with_the_admins_password(qtbot, window, site, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    tab = _backups_tab(qtbot, window)
    assert tab.last_good.text() == "<b>No good backup yet.</b>"
    assert "Scheduled backups are off" in tab.next_due.text()
    assert tab.model.rowCount() == 0

    tab.folder.setText(str(folder))
    tab.every.setValue(24)
    tab.reason.setText("daily backups to the second disk (SOP-IT-07)")
    qtbot.keyClick(tab.reason, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert show_policy(site).backup_every_hours == 0  # not before the administrator's password
    tab.dialog.password.setText(ADMIN_PASSWORD)
    qtbot.keyClick(tab.dialog.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert tab.message.text() == "✔ Schedule saved."
    policy = show_policy(site)
    assert (policy.backup_folder, policy.backup_every_hours) == (str(folder), 24)
    assert "A scheduled backup is due now" in tab.next_due.text()

    qtbot.mouseClick(tab.back_up, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog.isVisible() and str(folder) in dialog.explanation.text()
    dialog.password.setText("not my password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert dialog.isVisible() and "Wrong password: no backup was made" in dialog.message.text()
    assert list(folder.iterdir()) == []
    dialog.password.setText(ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert not dialog.isVisible()

    made = backups.history(site)[0]
    assert made.ok and made.made_by == "ada" and Path(made.file).parent == folder
    assert tab.message.text() == f"✔ Backed up to {made.file} and verified."
    assert "Last good backup:" in tab.last_good.text() and made.file in tab.last_good.text()
    assert "verified" in tab.last_good.text() and not tab.failure.isVisible()
    assert "Next scheduled backup:" in tab.next_due.text()
    assert [tab.model.data(tab.model.index(0, c)) for c in (1, 2, 3)] == [
        "ada",
        "Verified",
        made.file,
    ]
    assert backups.verify_backup(made.file).ok
    shot(window, "admin_backups")


def test_a_due_backup_is_made_after_log_in(qtbot, window, site, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    ada = authenticate(site, "ada", ADMIN_PASSWORD)
    set_setting(site, ada, "backup_folder", str(folder), "the second disk")
    set_setting(site, ada, "backup_every_hours", "12", "twice a day")
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    made = backups.history(site)
    assert [(v.kind, v.made_by, v.ok) for v in made] == [("scheduled", "system", True)]
    assert Path(made[0].file).exists()
    assert window.statusBar().currentMessage() == f"✔ Scheduled backup made: {made[0].file}"
    assert not window.backups.warning.isVisible()


def test_a_failed_scheduled_backup_is_shown_in_the_status_bar_and_the_tab(
    qtbot, window, site, tmp_path
):
    folder = tmp_path / "gone"
    folder.mkdir()
    ada = authenticate(site, "ada", ADMIN_PASSWORD)
    set_setting(site, ada, "backup_folder", str(folder), "the second disk")
    set_setting(site, ada, "backup_every_hours", "12", "twice a day")
    folder.rmdir()  # the backup disk is not mounted
    tab = _backups_tab(qtbot, window)
    warning = window.backups.warning
    assert warning.isVisible()
    assert warning.text().startswith("⚠ Scheduled backup failed (Admin → Backups): The folder")
    assert f"The folder {folder} does not exist" in warning.toolTip()
    assert tab.failure.isVisible() and "The last backup attempt failed" in tab.failure.text()
    assert f"The folder {folder} does not exist" in tab.failure.text()
    assert tab.model.data(tab.model.index(0, 2)) == "FAILED"
    shot(window, "admin_backups_failed")
