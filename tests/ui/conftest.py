"""GUI fixtures: real services on a real temporary database, the real shell, offscreen.

`context` is an AppContext on the test site; `window` is the MainWindow (scan detection off:
`scanner` turns it on); `login(window, name,
password)` logs in through the login screen; `settle(qtbot, context)` waits until every
background task has delivered its result (no sleeps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import USER_PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screens"


def settle(qtbot, context, timeout: int = 15_000) -> None:
    qtbot.waitUntil(context.tasks.idle, timeout=timeout)


@pytest.fixture
def context(qtbot, site):
    from PySide6.QtWidgets import QApplication

    from ui import theme
    from ui.context import AppContext

    theme.load_fonts()
    theme.apply(QApplication.instance())
    ctx = AppContext()
    ctx.set_database(site, 10)
    yield ctx
    ctx.idle.stop()
    ctx.tasks.wait()


@pytest.fixture
def window(qtbot, context):
    from ui.main_window import MainWindow

    win = MainWindow(context)
    # qtbot types every key at once and ends with Enter, exactly as a wedge scanner does: tests
    # that type as a person turn scan detection off; those about scanning use `scanner`
    win.scanner.enabled = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.scanner.stop()


@pytest.fixture
def scanner(window):
    """The window's scan detector, on: qtbot's key clicks arrive as a scanner's do."""
    window.scanner.enabled = True
    return window.scanner


def login(qtbot, window, username: str, password: str = USER_PASSWORD) -> None:
    """Type into the login screen and press Enter, as a user would."""
    from PySide6.QtCore import Qt

    screen = window.login
    screen.username.setText(username)
    screen.password.setText(password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    settle(qtbot, window.context)


def shot(widget, name: str) -> Path:
    """Render a widget to build/screens/<name>.png (for a person to look at)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # pending layout requests, as the event loop would run them
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def signers(site, admin, tech, tech2):
    """tess and vic (technicians), sam (supervisor), quinn (QA): all able to sign; the site
    stocked with the lots and equipment of the CAR-T template's point-of-use checks."""
    from core.demo.stock import stock_site
    from core.services.signing_keys import issue_certificates
    from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user

    make_user(site, admin, "sam", "supervisor", "Sam Supervisor")
    qa = make_user(site, admin, "quinn", "qa", "Quinn Quality")
    issue_certificates(site, admin, ADMIN_PASSWORD)
    # the lots and equipment the CAR-T template's point-of-use checks scan
    stock_site(site, admin, tech, qa, USER_PASSWORD, today=site.clock.now().date())
    return site
