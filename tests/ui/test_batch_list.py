"""The batch list (home screen): find and filter batches, open one, and start a batch with the
keyboard and a scanner, on a real temporary site database."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from core.clock import local_text
from core.services.batches import list_batches, start_batch
from tests.conftest import ADMIN_PASSWORD, make_user
from tests.ui.conftest import login, settle, shot
from tests.ui.looks import large_text_shot
from ui import theme
from ui.models.batches import COI, FAMILY, STARTED, STATUS, TEMPLATE
from ui.screens.base import Screen

CART, CART_COI = "CT-2026-0101", "COI-W123426000101"
MSC, MSC_DONOR = "MSC-2026-0011", "DON-BM-2026-0200"
AAV = "AAV-2026-0005"


class LandingScreen(Screen):
    """Where "open batch" lands in these tests: the batch record has its own tests."""

    title = "Batch record"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.lots: list[str] = []

    def activate(self, **arguments) -> None:
        self.lots.append(arguments["lot"])


@pytest.fixture
def berlin():
    """Local time is not UTC here: times are shown in Central European time, zone named."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def landing(monkeypatch):
    from ui import main_window

    monkeypatch.setitem(main_window.SCREENS, "batch", (__name__, "LandingScreen", "", ""))


@pytest.fixture
def three_batches(site, tech):
    start_batch(site, tech, "cart-auto-lv", CART, CART_COI)
    start_batch(site, tech, "msc-expanded", MSC, MSC_DONOR)
    start_batch(site, tech, "aav-hek293", AAV)
    return list_batches(site)


def home(qtbot, window, username: str, password: str | None = None):
    login(qtbot, window, username, *([password] if password else []))
    assert window.current == "batches"
    screen = window.screen("batches")
    settle(qtbot, window.context)
    return screen


def shown(qtbot, screen, lots: list[str]) -> None:
    qtbot.waitUntil(lambda: screen.model.lots() == lots, timeout=5_000)
    settle(qtbot, screen.context)


def cell(screen, row: int, column: int) -> str:
    return screen.model.index(row, column).data()


def test_the_list_shows_batches_newest_first_with_statuses_in_words(
    qtbot, window, three_batches, berlin
):
    screen = home(qtbot, window, "tess")
    assert screen.model.lots() == [AAV, MSC, CART]
    assert screen.count.text().startswith("3 batches.")
    cart = three_batches[2]
    assert cell(screen, 2, FAMILY) == "CAR-T"
    assert cell(screen, 2, TEMPLATE) == "cart-auto-lv v2"
    assert cell(screen, 2, COI) == CART_COI
    assert cell(screen, 0, COI) == "—"
    assert cell(screen, 2, STATUS) == "In progress"
    assert cell(screen, 2, STARTED) == "2026-11-02 09:00 CET"  # stored as 08:00 UTC
    started_tip = screen.model.index(2, STARTED).data(Qt.ItemDataRole.ToolTipRole)
    stored = cart.started_at.isoformat()[:19]
    assert stored.startswith("2026-11-02T08:00")
    assert started_tip.startswith(local_text(cart.started_at) + "; stored as " + stored)
    assert screen.start_button.isVisible()
    shot(window, "batch_list")

    app = QApplication.instance()
    normal_row = screen.table.verticalHeader().defaultSectionSize()
    theme.apply(app, large=True)
    try:
        qtbot.waitUntil(
            lambda: screen.table.verticalHeader().defaultSectionSize() > normal_row, timeout=3_000
        )
        shot(window, "batch_list_large_text")
    finally:
        theme.apply(app, large=False)


def test_filter_by_lot_or_coi_text_family_status_and_dates(qtbot, window, three_batches, berlin):
    screen = home(qtbot, window, "tess")
    qtbot.keyClicks(screen.search, "0101")
    shown(qtbot, screen, [CART])
    assert screen.count.text().startswith("1 batch.")
    screen.search.clear()
    qtbot.keyClicks(screen.search, "don-bm")  # part of a chain-of-identity (donor) id
    shown(qtbot, screen, [MSC])
    shot(window, "batch_list_search")

    screen.clear_filters()
    shown(qtbot, screen, [AAV, MSC, CART])
    screen.family.setCurrentIndex(screen.family.findText("AAV"))
    shown(qtbot, screen, [AAV])
    screen.family.setCurrentIndex(screen.family.findText("CAR-T"))
    shown(qtbot, screen, [CART])
    screen.status.setCurrentIndex(screen.status.findText("Released – results pending"))
    shown(qtbot, screen, [])
    assert "No batch matches these filters" in screen.message.text()
    shot(window, "batch_list_nothing_matches")
    screen.status.setCurrentIndex(screen.status.findText("In progress"))
    shown(qtbot, screen, [CART])

    screen.clear_filters()
    started = three_batches[0].started_at.astimezone().date()
    day = QDate(started.year, started.month, started.day)
    screen.by_date.setChecked(True)
    screen.since.setDate(day)
    screen.until.setDate(day)
    shown(qtbot, screen, [AAV, MSC, CART])
    screen.since.setDate(day.addDays(1))  # from the next day: after every batch
    qtbot.waitUntil(lambda: "is after" in screen.message.text(), timeout=3_000)
    assert screen.model.lots() == []
    screen.until.setDate(day.addDays(1))
    shown(qtbot, screen, [])
    screen.since.setDate(day.addDays(-3))
    screen.until.setDate(day.addDays(-1))  # the days before: nothing either
    shown(qtbot, screen, [])
    screen.until.setDate(day)
    shown(qtbot, screen, [AAV, MSC, CART])
    assert screen.filters()["until"] - screen.filters()["since"] >= timedelta(days=3)


def test_enter_double_click_or_a_scanned_lot_opens_the_batch(qtbot, window, three_batches, landing):
    screen = home(qtbot, window, "tess")
    context = window.context
    screen.table.setFocus()
    screen.table.selectRow(1)
    with qtbot.waitSignal(context.navigate) as opened:
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert opened.args == ["batch", {"lot": MSC}]
    assert window.current == "batch" and window.screen("batch").lots == [MSC]

    window.open_screen("batches")
    settle(qtbot, context)
    rect = screen.table.visualRect(screen.model.index(2, 0))
    with qtbot.waitSignal(context.navigate) as opened:  # press, release, then the double click
        qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["batch", {"lot": CART}]

    window.open_screen("batches")
    settle(qtbot, context)
    assert screen.focusWidget() is screen.search  # a scan goes straight into the search
    with qtbot.waitSignal(context.navigate) as opened:  # a scanner types the COI and Enter
        qtbot.keyClicks(screen.search, CART_COI)
        qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert opened.args == ["batch", {"lot": CART}]

    window.open_screen("batches")
    screen.search.clear()
    qtbot.keyClicks(screen.search, "2026-0")  # not one exact lot: the list takes the keys
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    settle(qtbot, context)
    assert screen.selected_lot() == AAV and window.current == "batches"


def test_start_a_car_t_batch_with_the_keyboard_and_two_scans(qtbot, window, site, tech, landing):
    screen = home(qtbot, window, "tess")
    context = window.context
    qtbot.keyClick(screen, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.start_dialog
    assert dialog is not None and dialog.isVisible()
    settle(qtbot, context)
    assert dialog.focusWidget() is dialog.template
    assert dialog.template.count() == 4 and dialog.chosen() is None
    QApplication.processEvents()  # layout requests are posted: let them run first
    shot(dialog, "start_batch_empty")

    def typed(text: str, enter: bool = True) -> None:  # into whatever has the focus
        focus = dialog.focusWidget()
        qtbot.keyClicks(focus, text)
        if enter:
            qtbot.keyClick(focus, Qt.Key.Key_Return)

    typed("CAR-T", enter=False)  # a combo box picks the item its typed text starts
    assert dialog.chosen().key == "cart-auto-lv"
    assert "Autologous" in dialog.template_note.text() and dialog.coi.isVisible()
    qtbot.keyClick(dialog.template, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.lot
    typed("CT-2026-0142")
    assert dialog.focusWidget() is dialog.coi  # Enter moved on: the COI is still missing
    typed("COI-W123426000142")  # first scan
    assert dialog.focusWidget() is dialog.coi_again
    typed("COI-W123426000124")  # second scan: two digits swapped
    assert dialog.message.text() == (
        "✖ The two chain-of-identity ids differ:\n  first:   COI-W123426000142\n"
        "  second: COI-W123426000124\nCheck the label, then scan or type the second one again."
    )
    assert dialog.isVisible() and list_batches(site) == []
    QApplication.processEvents()  # layout requests are posted: let them run first
    shot(dialog, "start_batch_coi_mismatch")
    large_text_shot(dialog, "start_batch_coi_mismatch_large_text")

    assert dialog.coi_again.selectedText() == "COI-W123426000124"  # the next scan replaces it
    with qtbot.waitSignal(context.navigate, timeout=10_000) as opened:
        typed("COI-W123426000142")
    assert opened.args == ["batch", {"lot": "CT-2026-0142"}]
    assert not dialog.isVisible()
    assert window.current == "batch" and window.screen("batch").lots == ["CT-2026-0142"]
    (started,) = list_batches(site)
    assert (started.lot, started.coi_id, started.template_key, started.started_by) == (
        "CT-2026-0142",
        "COI-W123426000142",
        "cart-auto-lv",
        "tess",
    )

    window.open_screen("batches")
    shown(qtbot, screen, ["CT-2026-0142"])


def test_core_refusals_are_shown_in_the_dialog(qtbot, window, site, tech, three_batches):
    screen = home(qtbot, window, "tess")
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    dialog = screen.start_dialog
    settle(qtbot, window.context)
    dialog.lot.setFocus()
    qtbot.keyClicks(dialog.lot, CART)
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)
    assert dialog.message.text() == "✖ Choose the process template first."
    assert dialog.focusWidget() is dialog.template

    dialog.choose("msc-expanded")
    assert "optional" in dialog.template_note.text()
    dialog.lot.setFocus()  # CT-2026-0101 is already the CAR-T batch's lot
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)  # no donor id: it is optional, so it starts
    settle(qtbot, window.context)
    assert dialog.message.text() == f"✖ Lot {CART} already exists: open it from the batch list."
    assert dialog.isVisible() and dialog.focusWidget() is dialog.lot
    QApplication.processEvents()  # layout requests are posted: let them run first
    shot(dialog, "start_batch_lot_exists")

    dialog.lot.setText("CT 42")
    dialog.lot.setFocus()
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)
    settle(qtbot, window.context)
    assert "'CT 42' cannot be a lot number" in dialog.message.text()

    dialog.choose("cart-auto-lv")
    dialog.lot.setText("CT-2026-0143")
    dialog.submit.click()  # the COI is required for an autologous product
    assert "is autologous" in dialog.message.text() and dialog.focusWidget() is dialog.coi
    assert len(list_batches(site)) == 3

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and len(list_batches(site)) == 3


def test_a_core_refusal_focuses_the_field_it_names_in_any_language(
    qtbot, window, site, tech, three_batches
):
    """The lot or the chain-of-identity id core refuses gets the focus by the field core names,
    not by the words of the message: in the pseudo-language no English word is left to find."""
    from core.i18n import set_language

    screen = home(qtbot, window, "tess")
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    dialog = screen.start_dialog
    settle(qtbot, window.context)
    set_language("pseudo")
    try:
        for template, lot, coi, refused, english in (
            ("msc-expanded", CART, "", dialog.lot, "already exists"),  # core: the lot is taken
            ("msc-expanded", "CT 42", "", dialog.lot, "lot number"),
            ("msc-expanded", "CT-2026-0143", "D O N", dialog.coi, "chain-of-identity"),
        ):
            dialog.choose(template)
            dialog.lot.setText(lot)
            dialog.coi.setText(coi)
            dialog.coi_again.setText(coi)
            dialog.template.setFocus()
            dialog.submit.click()
            settle(qtbot, window.context)
            text = dialog.message.text()
            assert text.startswith("✖ [") and english not in text, text
            assert dialog.isVisible() and dialog.focusWidget() is refused, english
            assert refused.selectedText() == refused.text()  # typing or a scan replaces it
    finally:
        set_language("en")
    assert len(list_batches(site)) == 3


@pytest.mark.parametrize(("username", "role"), [("quinn", "qa"), ("ada", "admin")])
def test_qa_and_admin_do_not_get_the_start_button(qtbot, window, site, admin, username, role):
    password = ADMIN_PASSWORD
    if role == "qa":
        make_user(site, admin, username, role)
        password = None
    screen = home(qtbot, window, username, password)
    assert window.context.actor.role == role
    assert not screen.start_button.isVisible() and screen.search.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    screen.start_batch()
    assert screen.start_dialog is None
    if role == "qa":
        shot(window, "batch_list_qa")


def test_the_idle_lock_hides_the_start_dialog_and_gives_it_back_to_its_user(
    qtbot, window, tech, tech2
):
    screen = home(qtbot, window, "tess")
    context = window.context
    screen.start_batch()
    dialog = screen.start_dialog
    settle(qtbot, context)
    dialog.choose("cart-auto-lv")
    dialog.lot.setText("CT-2026-0150")
    dialog.coi.setText("COI-W123426000150")  # a patient's identity: not for passers-by
    context.lock()
    assert not dialog.isVisible()
    login(qtbot, window, "tess")  # the same user resumes: the dialog is back as it was
    assert dialog.isVisible() and dialog.coi.text() == "COI-W123426000150"

    context.lock()
    qtbot.mouseClick(window.login.switch, Qt.MouseButton.LeftButton)
    login(qtbot, window, "vic")  # another user takes over: they never see it
    assert context.actor.username == "vic"
    assert not isValid(dialog) or not dialog.isVisible()  # gone with tess's screens
    assert window.screen("batches").start_dialog is None


def test_a_result_failed_after_release_comes_first_with_its_words(
    qtbot, window, site, people, lot, berlin
):
    """CT-0100 was released with its sterility pending; the sterility failed after release: it
    stays at the top of the list, marked by icon and words, whatever the sort."""
    from core.services import deviations, recording
    from core.services.signing import sign
    from tests.conftest import USER_PASSWORD
    from tests.ui.test_release_ui import STERILITY, _ready_for_qa
    from ui.models.batches import LOT

    qc, qa = people["qc"], people["qa"]
    _ready_for_qa(site, people, lot, skip={STERILITY})
    sign(site, qa, USER_PASSWORD, lot, "APPROVED", disposition="released_pending", reason="14 d")
    dev = deviations.open_deviation(site, qc, lot, "critical", "Growth on day 9", STERILITY)
    recording.record_value(site, qc, lot, STERILITY, "fail", deviation=dev.ref)
    start_batch(site, people["tech"], "cart-auto-lv", CART, CART_COI)  # newer
    start_batch(site, people["tech"], "msc-expanded", MSC, MSC_DONOR)

    screen = home(qtbot, window, "quinn")
    assert screen.model.lots() == [lot, MSC, CART]  # newest first, but the failure above all
    words = "✖ Out of spec after release – awaiting QA"
    assert cell(screen, 0, STATUS) == words and cell(screen, 1, STATUS) == "In progress"
    status = screen.model.index(0, STATUS)
    assert status.data(Qt.ItemDataRole.ForegroundRole).name() == theme.VERMILLION
    assert status.data(Qt.ItemDataRole.FontRole).bold()
    assert screen.model.index(1, LOT).data(Qt.ItemDataRole.FontRole) is None
    assert "QA acknowledges it from the review" in status.data(Qt.ItemDataRole.ToolTipRole)
    assert screen.attention.isVisible() and screen.attention.text() == (
        "✖ 1 lot with a result out of specification after release, awaiting QA "
        "acknowledgement: CT-0100 (listed first)."
    )
    shot(window, "batch_list_post_release_oos")

    screen.table.sortByColumn(LOT, Qt.SortOrder.DescendingOrder)  # as a header click sorts
    assert screen.model.lots() == [lot, MSC, CART]
    screen.table.sortByColumn(LOT, Qt.SortOrder.AscendingOrder)
    assert screen.model.lots() == [lot, CART, MSC]

    screen.status.setCurrentIndex(screen.status.findData("post_release_oos"))
    shown(qtbot, screen, [lot])
    assert screen.status.currentText() == "Out of spec after release – awaiting QA"
    screen.status.setCurrentIndex(screen.status.findData("in_progress"))
    shown(qtbot, screen, [CART, MSC])
    assert not screen.attention.isVisible()
    screen.clear_filters()
    shown(qtbot, screen, [lot, CART, MSC])
    large_text_shot(window, "batch_list_post_release_oos_large_text")
