"""The shell: log in (first log-in asks for a new password), the idle lock, roles, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.services.users import create_user
from tests.conftest import USER_PASSWORD
from tests.ui.conftest import login, settle, shot

ROOT = Path(__file__).resolve().parents[2]


def test_login_screen_shows_core_messages(qtbot, window, tech):
    shot(window, "login")
    login(qtbot, window, "tess", "not the password")
    assert "Wrong password" in window.login.message.text()
    assert window.context.actor is None
    login(qtbot, window, "tess")
    assert window.context.actor.username == "tess"
    assert window.who.text() == "Tess Technician · technician"


def test_first_login_asks_for_a_new_password(qtbot, window, site, admin):
    create_user(site, admin, "nina", "Nina New", "technician", "initial-pass-42")
    login(qtbot, window, "nina", "initial-pass-42")
    screen = window.login
    assert screen.new_password.isVisible() and window.context.actor is None
    screen.new_password.setText("short")  # refused by core: the new password is typed again
    screen.repeat_password.setText("short")
    qtbot.keyClick(screen.repeat_password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert window.context.actor is None and screen.message.text().startswith("✖")
    assert screen.focusWidget() is screen.new_password and screen.new_password.text() == ""
    assert screen.new_password.isVisible()
    screen.new_password.setText("my-own-pass-2026")
    screen.repeat_password.setText("my-own-pass-2026")
    qtbot.keyClick(screen.repeat_password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert window.context.actor.username == "nina"


def test_idle_lock_hides_data_and_the_same_user_resumes(qtbot, window, tech):
    login(qtbot, window, "tess")
    home = window.stack.currentWidget()
    window.context.set_idle_ms(150)
    qtbot.waitUntil(lambda: window.context.locked, timeout=5_000)
    assert window.stack.currentWidget() is window.login  # GxP data hidden
    assert window.login.username.text() == "tess" and window.login.username.isReadOnly()
    shot(window, "idle_lock")
    window.login.password.setText("wrong password!")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert window.context.locked
    window.login.password.setText(USER_PASSWORD)
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert not window.context.locked and window.stack.currentWidget() is home


def test_another_user_may_take_over_a_locked_screen(qtbot, window, tech, tech2):
    login(qtbot, window, "tess")
    window.context.drafts.put("tess", "CT-1", "CART-IPC-04-VIAB", "85")
    window.context.lock()
    qtbot.mouseClick(window.login.switch, Qt.MouseButton.LeftButton)
    login(qtbot, window, "vic")
    assert window.context.actor.username == "vic" and not window.context.locked
    assert window.context.drafts.get("tess", "CT-1", "CART-IPC-04-VIAB") == "85"


def test_a_technician_has_no_admin(qtbot, window, tech):
    login(qtbot, window, "tess")
    assert not window.nav["admin"].isVisible()
    assert window.open_screen("admin") is None
    assert "may not manage users" in window.statusBar().currentMessage()
    assert window.screen("admin") is None


@pytest.mark.slow  # a real main.py process building the demo: the whole suite runs it
def test_main_py_demo_opens_the_login_window_on_a_demo_database(tmp_path):
    data = tmp_path / "data"
    env = dict(
        os.environ, LOTBOOK_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path)
    )
    env.pop("LOTBOOK_DB", None)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    log = data / "logs" / "lotbook.log"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if log.exists() and "database opened" in log.read_text():
                break
            assert proc.poll() is None, proc.communicate()[1].decode()
            time.sleep(0.2)
        text = log.read_text()
        assert "main window shown" in text and "database opened" in text
        assert (data / "lotbook-demo.db").exists()
        assert not (data / "lotbook.db").exists()  # the site database is never the demo
    finally:
        proc.terminate()
        proc.wait(timeout=30)
