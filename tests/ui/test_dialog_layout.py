"""Every dialog a bench user meets, and the first-run wizard, at 1366×768 and 1920×1080, in normal
and large text: the dialog fits the screen, nothing in it is cut, every touch target (popup rows of
its combo boxes too) is at least 44 px. The PNGs are saved for a person to look at."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from core.demo.sample_batch import fill_batch
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.ui.conftest import login, settle, shot
from tests.ui.layout_check import TOUCH, fit, layout_problems
from tests.ui.test_batch_record import LOT, open_batch
from tests.ui.test_clock_incidents_ui import ahead  # noqa: F401  (a fixture: one clock incident)
from ui import theme

# 1366×768 (the bench PC) runs in make check; 1920×1080 in the whole suite (make test, CI)
SIZES = [(1366, 768), pytest.param((1920, 1080), marks=pytest.mark.slow)]


def _popup_rows(dialog: QWidget) -> list[str]:
    """Combo-box popup rows lower than a fingertip."""
    found = []
    for combo in dialog.findChildren(QComboBox):
        if not combo.isVisibleTo(dialog) or not combo.isEnabled() or combo.count() == 0:
            continue
        combo.showPopup()
        QApplication.processEvents()
        height = combo.view().visualRect(combo.model().index(0, 0)).height()
        combo.hidePopup()
        if height < TOUCH - 2:
            found.append(f"{combo.accessibleName() or 'a combo box'}: popup rows {height} px")
    return found


def _problems(dialog: QWidget, name: str, size: tuple[int, int], large: bool) -> list[str]:
    """The dialog at the size it asks for (never more than the screen), as the screen shows it."""
    width, height = size
    hint = dialog.sizeHint().expandedTo(dialog.minimumSize())
    found = []
    if dialog.minimumSize().width() > width or dialog.minimumSize().height() > height:
        found.append(f"{name} cannot be made smaller than {dialog.minimumSize().toTuple()}")
    fit(dialog, min(hint.width(), width), min(hint.height(), height))
    shot(dialog, f"layout_dialog_{name}_{width}_{int(large)}")
    found += [f"{name}: {p}" for p in layout_problems(dialog, width, height)]
    return found + [f"{name}: {p}" for p in _popup_rows(dialog)]


@pytest.fixture
def record(qtbot, window, site, admin, tech, stocked):
    """A filled CAR-T batch record open on the bench, a QA reviewer (quinn) on file."""
    screen = open_batch(qtbot, window, site, tech)
    fill_batch(site, tech, LOT)
    screen.reload()
    settle(qtbot, window.context)
    return screen


def _check(screen, kind: str):
    """The first check of the batch with a recorded value, of a kind."""
    for step in screen.view.steps:
        for check in step.checks:
            if check.type == kind and check.history:
                return step, check
    raise AssertionError(f"no recorded {kind} check in the filled batch")


def _bench_dialogs(qtbot, window, screen):
    from ui.dialogs.correction import CorrectionDialog
    from ui.dialogs.deviation import DeviationDialog
    from ui.dialogs.history import HistoryDialog
    from ui.dialogs.sign import SignDialog
    from ui.dialogs.start_batch import StartBatchDialog

    context = window.context
    step, check = _check(screen, "number")
    yield "start_batch", StartBatchDialog(context, window)
    yield "correction", CorrectionDialog(check, ["DEV-2026-0001 · an open deviation"], window)
    yield "deviation", DeviationDialog(LOT, check.id, check.name, window)
    yield "history", HistoryDialog(check, window)
    yield "sign_step", SignDialog(context, LOT, "PERFORMED", step_id=step.id, parent=window)


def _admin_dialogs(window):
    from ui.dialogs.users import AddUserDialog, DeactivateUserDialog, ResetPasswordDialog
    from ui.screens.admin_settings import confirm_settings

    context = window.context
    model = window.screen("admin").users.model
    users = {u.username: u for u in map(model.item_at, range(model.rowCount()))}
    yield "add_user", AddUserDialog(context, window)
    yield "deactivate_user", DeactivateUserDialog(context, users["tess"], window)
    yield "reset_password", ResetPasswordDialog(context, users["tess"], window)
    owner = window.screen("admin").settings
    changes = {"time_zone": "Europe/Berlin", "idle_lock_minutes": 10}
    yield "reauth_settings", confirm_settings(owner, changes, "moved site", lambda _: None)
    from core.services.templates import list_templates
    from ui.dialogs.template_contents import TemplateContentsDialog

    template = list_templates(context.db)[0]
    yield "template_contents", TemplateContentsDialog(context, template, window)


def _all_problems(qtbot, dialogs, size, large) -> list[str]:
    theme.apply(QApplication.instance(), large=large)
    found: list[str] = []
    try:
        for name, dialog in dialogs:
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            settle(qtbot, dialog.context) if hasattr(dialog, "context") else None
            for _ in range(3):
                QApplication.processEvents()
            found += _problems(dialog, name, size, large)
            dialog.close()
    finally:
        theme.apply(QApplication.instance(), large=False)
    return found


@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_the_bench_dialogs_fit(qtbot, window, record, size, large):
    found = _all_problems(qtbot, _bench_dialogs(qtbot, window, record), size, large)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_the_review_signing_dialog_fits(qtbot, window, record, size, large):
    from ui.dialogs.sign import SignDialog

    window.context.log_out()
    login(qtbot, window, "quinn")
    from ui.dialogs.review_acts import export_dialog

    dialog = SignDialog(window.context, LOT, "APPROVED", offer_export=True, parent=window)
    # the export dialog too: its file, the PDF's language and the password
    export = export_dialog(window.context, LOT, coa=True, draft=True, parent=window)
    found = _all_problems(
        qtbot, [("sign_disposition", dialog), ("export_coa", export)], size, large
    )
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_the_admin_dialogs_fit(qtbot, window, site, admin, tech, size, large):
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    window.context.go("admin")
    settle(qtbot, window.context)
    found = _all_problems(qtbot, _admin_dialogs(window), size, large)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)


def test_the_check_finds_short_popup_rows(qtbot):
    dialog = QWidget()
    qtbot.addWidget(dialog)
    combo = QComboBox(dialog)
    combo.addItems(["one", "two"])
    combo.setStyleSheet("QComboBox QAbstractItemView::item { min-height: 20px; }")
    dialog.show()
    qtbot.waitExposed(dialog)
    assert _popup_rows(dialog) != []


@pytest.mark.usefixtures("ahead")
@pytest.mark.parametrize("large", [False, True], ids=["normal_text", "large_text"])
@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_the_clock_clear_and_template_approval_dialogs_fit(
    qtbot, window, site, admin, tmp_path, size, large
):
    from core.services.templates import list_templates, load_template
    from core.templates import builtin_template_dir
    from ui.dialogs.template_approval import TemplateApprovalDialog

    text = (builtin_template_dir() / "msc-expanded.toml").read_text("utf-8")
    (tmp_path / "msc-v3.toml").write_text(text.replace("version = 2", "version = 3", 1), "utf-8")
    load_template(site, admin, tmp_path / "msc-v3.toml")
    make_user(site, admin, "quinn", "qa", "Quinn Quality")
    login(qtbot, window, "ada", ADMIN_PASSWORD)
    tab = window.open_screen("admin", {"tab": "clock"}).clock
    settle(qtbot, window.context)
    tab.table.select_row(0)
    theme.apply(QApplication.instance(), large=large)
    try:
        tab.clear.click()
        settle(qtbot, window.context)
        found = _problems(tab.dialog, "clock_clear", size, large)
        tab.dialog.close()
    finally:
        theme.apply(QApplication.instance(), large=False)
    window.context.log_out()
    login(qtbot, window, "quinn")
    draft = next(t for t in list_templates(site, all_versions=True) if not t.approved)
    approval = TemplateApprovalDialog(window.context, draft, window)
    found += _all_problems(qtbot, [("template_approval", approval)], size, large)
    settle(qtbot, window.context)
    assert found == [], "\n".join(found)
