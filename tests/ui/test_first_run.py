"""First run: no site database yet. The wizard creates it with its first administrator (who can
then log in), or opens the demo database instead; core's refusals are shown in place."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.demo.build import CART_LOT
from core.demo.people import DEMO_PASSWORD
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot
from ui.screens import first_run

PASSWORD = "site-admin-2026!"


@pytest.fixture
def fresh(qtbot, tmp_path):
    """The real shell, started as `run_app` starts it, on a site database that is not there."""
    from ui import theme
    from ui.app import open_in_background
    from ui.context import AppContext
    from ui.main_window import MainWindow

    theme.load_fonts()
    theme.apply(QApplication.instance())
    context = AppContext()
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    path = tmp_path / "site" / "lotbook.db"
    open_in_background(context, window, f"sqlite:///{path}", False)
    settle(qtbot, context)
    yield window, path
    context.idle.stop()
    context.tasks.wait()
    if context.db is not None:
        context.db.dispose()


def held(monkeypatch, module, name: str) -> threading.Event:
    """Hold a worker call until the test sets the returned event (to see the working state)."""
    gate = threading.Event()
    real = getattr(module, name)

    def waiting(*args):
        assert gate.wait(30), "the test never let the worker go on"
        return real(*args)

    monkeypatch.setattr(module, name, waiting)
    return gate


def wizard_of(window):
    from ui.screens.first_run import FirstRunScreen

    wizard = window.stack.currentWidget()
    assert isinstance(wizard, FirstRunScreen)
    return wizard


def fill(wizard, username: str, full_name: str, password: str, repeat: str | None = None):
    for edit, text in (
        (wizard.username, username),
        (wizard.full_name, full_name),
        (wizard.password, password),
        (wizard.repeat, password if repeat is None else repeat),
    ):
        edit.setText(text)


def test_the_wizard_creates_the_site_database_and_its_admin_logs_in(qtbot, fresh, monkeypatch):
    window, path = fresh
    context = window.context
    wizard = wizard_of(window)
    assert context.db is None and not path.exists()
    assert wizard.location.toolTip() == str(path) == wizard.location.accessibleDescription()
    assert wizard.location.text().replace("\u200b", "") == str(path)  # breaks after a "/"
    shot(window, "first_run")
    large_text_shot(window, "first_run_large_text")

    # By keyboard: Enter moves on to the next empty field.
    wizard.username.setFocus()
    qtbot.keyClicks(wizard.username, "olga")
    qtbot.keyClick(wizard.username, Qt.Key.Key_Return)
    assert wizard.focusWidget() is wizard.full_name
    qtbot.keyClicks(wizard.full_name, "Olga Owner")
    qtbot.keyClick(wizard.full_name, Qt.Key.Key_Return)
    assert wizard.focusWidget() is wizard.password
    qtbot.keyClicks(wizard.password, "olga-2026!")  # contains the username: core refuses it
    qtbot.keyClick(wizard.password, Qt.Key.Key_Return)
    qtbot.keyClicks(wizard.repeat, "olga-2026!")
    qtbot.keyClick(wizard.repeat, Qt.Key.Key_Return)
    settle(qtbot, context)
    assert wizard.message.text() == "✖ The password must not contain the username."
    assert wizard.focusWidget() is wizard.password and wizard.password.text() == ""
    assert context.db is None and not path.exists()  # nothing left behind
    shot(window, "first_run_refused")

    fill(wizard, "Olga Owner", "Olga Owner", PASSWORD)
    wizard.create_button.click()
    settle(qtbot, context)
    assert "'Olga Owner' cannot be a username" in wizard.message.text()
    assert context.db is None and not path.exists()

    fill(wizard, "olga", "Olga Owner", PASSWORD, "site-admin-2025!")
    wizard.create_button.click()
    assert wizard.message.text() == "✖ The two passwords differ: type the password again in both."
    assert not wizard.working()

    fill(wizard, "olga", "Olga Owner", PASSWORD)
    wizard.repeat.setFocus()
    gate = held(monkeypatch, first_run, "create_site")
    done = qtbot.waitSignal(wizard.finished, timeout=30_000)
    qtbot.keyClick(wizard.repeat, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert wizard.working() and wizard.progress.isVisible()
    assert wizard.message.text() == "Creating the site database and its administrator…"
    assert not wizard.create_button.isEnabled() and not wizard.demo_button.isEnabled()
    shot(window, "first_run_working")
    gate.set()
    done.wait()
    settle(qtbot, context)
    assert path.exists() and context.db is not None
    assert Path(context.db.display_name) == path
    assert window.stack.currentWidget() is window.login and window.login.submit.isEnabled()
    # the new administrator's name is typed; the focus waits on the password
    assert window.login.username.text() == "olga"
    assert QApplication.focusWidget() is window.login.password

    login(qtbot, window, "olga", PASSWORD)
    assert context.actor.username == "olga" and context.actor.role == "admin"
    assert context.actor.full_name == "Olga Owner"
    assert window.current == "batches"
    screen = window.screen("batches")
    assert not screen.start_button.isVisible()  # administrators keep the system, not batches
    shot(window, "first_run_admin_home")


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_the_demo_choice_opens_the_demo_database(qtbot, fresh, monkeypatch):
    window, path = fresh
    context = window.context
    wizard = wizard_of(window)
    gate = held(monkeypatch, first_run, "prepare_demo")
    done = qtbot.waitSignal(wizard.finished, timeout=60_000)
    qtbot.keyClick(wizard, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert "Building the demo database" in wizard.demo_message.text()
    assert not wizard.create_button.isEnabled() and not wizard.demo_button.isEnabled()
    shot(window, "first_run_demo_building")
    gate.set()
    done.wait()
    settle(qtbot, context)
    assert context.db.display_name.endswith("lotbook-demo.db")
    assert not path.exists()  # the site database is never the demo
    assert window.stack.currentWidget() is window.login
    assert (
        window.login.username.text() == "" and QApplication.focusWidget() is window.login.username
    )

    login(qtbot, window, "tess", DEMO_PASSWORD)
    screen = window.screen("batches")
    settle(qtbot, context)
    assert CART_LOT in screen.model.lots() and len(screen.model.lots()) == 7  # 4 dispositioned
    shot(window, "batch_list_demo")
    screen.table.selectRow(screen.model.lots().index(CART_LOT))
    screen.family.setFocus()
    shot(window, "batch_list_demo_selected")


def test_the_wizard_sets_the_site_time_zone_and_offers_a_site_server(qtbot, fresh):
    from core.clock import local_zone_name
    from core.services.settings import show_policy

    window, path = fresh
    context = window.context
    wizard = wizard_of(window)
    assert wizard.time_zone.text() == local_zone_name()
    assert wizard.on_file.isChecked() and not wizard.server_url.isVisibleTo(wizard)

    wizard.on_server.click()  # a shared site server: the URL is asked for
    assert wizard.server_url.isVisibleTo(wizard) and not wizard.location.isVisibleTo(wizard)
    fill(wizard, "olga", "Olga Owner", PASSWORD)
    wizard.create_button.click()
    assert "site server's URL" in wizard.message.text() and not wizard.working()
    shot(window, "first_run_server")

    wizard.on_file.click()
    wizard.time_zone.setText("Mars/Olympus")
    wizard.create_button.click()
    settle(qtbot, context)
    assert "'Mars/Olympus' is not a time zone" in wizard.message.text()
    assert context.db is None and not path.exists()  # refused before anything was written
    assert wizard.focusWidget() is wizard.time_zone

    wizard.time_zone.setText("Europe/Berlin")
    fill(wizard, "olga", "Olga Owner", PASSWORD)
    with qtbot.waitSignal(wizard.finished, timeout=30_000):
        wizard.create_button.click()
    settle(qtbot, context)
    assert show_policy(context.db).time_zone == "Europe/Berlin"


def test_a_refusal_focuses_the_field_it_names_in_any_language(qtbot, fresh):
    """The refused input gets the focus by the field core names, not by the words of the
    message: in the pseudo-language no English word is left to find."""
    from core.i18n import set_language

    window, path = fresh
    wizard = wizard_of(window)
    set_language("pseudo")
    try:
        for username, full_name, zone, refused, english in (
            ("Olga Owner", "Olga Owner", "", wizard.username, "username"),
            ("olga", "Ol", "", wizard.full_name, "full name"),
            ("olga", "Olga Owner", "Mars/Olympus", wizard.time_zone, "time zone"),
        ):
            fill(wizard, username, full_name, PASSWORD)
            wizard.time_zone.setText(zone)
            wizard.repeat.setFocus()
            wizard.create_button.click()
            settle(qtbot, window.context)
            text = wizard.message.text()
            assert text.startswith("✖ [") and english not in text.lower()
            assert wizard.focusWidget() is refused, english
            assert window.context.db is None and not path.exists()
    finally:
        set_language("en")


@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_wizard_and_its_refusal_fit_the_bench_screen(qtbot, fresh, size, large):
    """The wizard's fields, its buttons and the refusal under them stay on the screen."""
    from tests.ui.layout_check import fit, layout_problems
    from ui import theme

    window, _path = fresh
    wizard = wizard_of(window)
    theme.apply(QApplication.instance(), large=large)
    try:
        fit(window, *size)
        shot(window, f"layout_first_run_{size[0]}_{int(large)}")
        assert (found := layout_problems(window, *size)) == [], "\n".join(found)
        fill(wizard, "olga", "Olga Owner", PASSWORD, "site-admin-2025!")
        wizard.create_button.click()
        QApplication.processEvents()
        assert wizard.message.text().startswith("✖ The two passwords differ")
        shot(window, f"layout_first_run_refused_{size[0]}_{int(large)}")
        assert (found := layout_problems(window, *size)) == [], "\n".join(found)
    finally:
        theme.apply(QApplication.instance(), large=False)


def test_tab_follows_the_form_as_it_reads(qtbot, fresh):
    window, _path = fresh
    wizard = wizard_of(window)
    wizard.username.setFocus()
    seen = []
    for _ in range(5):
        seen.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert seen == [wizard.username, wizard.full_name, wizard.password, wizard.repeat,
                    wizard.time_zone]  # fmt: skip
    assert QApplication.focusWidget() is wizard.create_button
