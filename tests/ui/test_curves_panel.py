"""The curves beside the batch record: the "Curves" tab loads the batch's growth curve (and a new
entry appears on it at once), an instrument file is imported through the file dialog (or refused
with its line named), a bioreactor log is followed while it is being written, and the panel moves
into its own window and back as the same widget."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from core.services import audit_trail, batches, recording
from tests.ui.conftest import login, settle, shot
from tests.ui.test_accessibility import _problems

LOT, COI = "CT-0042", "COI-W123426000042"
DAILY = [("1.0e6", "100", "95"), ("1.4e6", "100", "93"), ("2.5e6", "120", "91")]


def open_batch(qtbot, window, site, tech, days=DAILY):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    for day, (vcd, volume, viability) in enumerate(days):
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VCD-D{day}", vcd)
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VOL-D{day}", volume)
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VIAB-D{day}", viability)
    login(qtbot, window, "tess")
    window.context.go("batch", lot=LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    settle(qtbot, window.context)
    return screen


def open_curves(qtbot, screen):
    assert screen.curves is None  # nothing of the curves is made before they are asked for
    screen.side.setCurrentIndex(1)
    qtbot.waitUntil(lambda: screen.curves is not None and screen.curves.growth is not None)
    panel = screen.curves
    qtbot.waitUntil(lambda: panel.growth.view_ is not None, timeout=10_000)
    settle(qtbot, screen.context)
    return panel


def test_the_curves_tab_shows_the_growth_and_a_new_entry_at_once(qtbot, window, site, tech):
    screen = open_batch(qtbot, window, site, tech)
    panel = open_curves(qtbot, screen)
    growth = panel.growth
    assert growth.quantity.currentData() == "total_viable_cells"
    x, y = growth.curve.getOriginalDataset()
    assert list(x) == [0.0, 1.0, 2.0] and list(y) == [1.0e8, 1.4e8, 3.0e8]
    assert growth.log.isChecked()
    growth.select("viability")
    assert list(growth.curve.getOriginalDataset()[1]) == [95.0, 93.0, 91.0]

    step = "CART-S07-D3"
    screen.step_list.setCurrentIndex(screen.steps.index(screen.steps.row_of(step)))
    row = screen.form.row("CART-IPC-07-VIAB-D3")
    row.entry.setFocus()
    qtbot.keyClicks(row.entry, "89,5")
    with qtbot.waitSignal(panel.growth_loaded, timeout=10_000):
        qtbot.keyClick(row.entry, Qt.Key.Key_Return)
    assert row.verdict_text  # the verdict came first; the curve followed on a worker
    assert list(growth.curve.getOriginalDataset()[1]) == [95.0, 93.0, 91.0, 89.5]
    assert growth.quantity.currentData() == "viability"  # the choice is kept
    shot(window, "batch_curves_growth")
    for tab in (1, 0):  # every control of both tabs: named, and tall enough for a glove
        panel.tabs.setCurrentIndex(tab)
        assert _problems(window) == []


def _log_lines(start: float, minutes: range, hot: range = range(0)) -> str:
    lines = []
    for minute in minutes:
        stamp = np.datetime_as_string(np.datetime64(int(start + minute * 60), "s")) + "Z"
        temp = 38.7 if minute in hot else 37.0 + 0.05 * (minute % 3)
        lines.append(f"{stamp},{7.2 - minute * 0.001:.3f},{temp}\n")
    return "".join(lines)


def test_an_instrument_file_is_imported_through_the_dialog(qtbot, window, site, tech, tmp_path):
    from core.instruments.simulator import simulate

    screen = open_batch(qtbot, window, site, tech)
    panel = open_curves(qtbot, screen)
    log = simulate(
        tmp_path / "reactor.csv", 0.25, 1 / 30, datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    ).path
    qtbot.mouseClick(panel.import_, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.selectFile(str(log))
    with qtbot.waitSignal(panel.trace_loaded, timeout=20_000):
        dialog.accept()
    settle(qtbot, screen.context)
    assert panel.message.text() == "✔ reactor.csv imported (720 rows). 6 channels. 1 excursion."
    assert "bioreactor-log" in panel.message.toolTip()
    trace = panel.trace
    assert {"temperature", "ph", "do"} <= set(trace.channels)
    assert len(trace.channels["temperature"].curve) == 720
    assert trace.list_title.text() == "Excursions (1)"  # the simulator's one warm spell
    assert trace.channels["temperature"].regions[0].isVisible()
    qtbot.waitUntil(lambda: "1 process excursion" in screen.header.exceptions.text())
    panel.tabs.setCurrentIndex(1)
    shot(window, "batch_curves_process")

    qtbot.mouseClick(panel.detach, Qt.MouseButton.LeftButton)  # a second screen at the bench
    own = panel.window()
    assert own is not window and panel.trace is trace
    own.resize(1280, 900)
    qtbot.waitExposed(own)
    shot(own, "curves_detached_process")
    qtbot.mouseClick(panel.detach, Qt.MouseButton.LeftButton)
    assert panel.window() is window and panel.trace is trace


def test_a_file_that_cannot_be_read_is_refused_with_its_line(qtbot, window, site, tech, tmp_path):
    screen = open_batch(qtbot, window, site, tech)
    panel = open_curves(qtbot, screen)
    bad = tmp_path / "reactor.csv"
    bad.write_text(
        "# timezone: UTC\ntimestamp,pH,temperature (°C)\n"
        + _log_lines(datetime(2026, 11, 2, 8, tzinfo=UTC).timestamp(), range(3))
        + "2026-11-02T08:03:00Z,7.2,warm\n"
    )
    panel.import_file(str(bad))
    settle(qtbot, screen.context)
    assert panel.message.text().startswith("✖ reactor.csv, line 6:")
    assert "Nothing was imported" in panel.message.text()
    assert panel.import_.isEnabled()


def test_a_log_is_followed_while_it_is_written(qtbot, window, site, tech, tmp_path):
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    panel.tabs.setCurrentIndex(1)
    start = datetime(2026, 11, 2, 8, tzinfo=UTC).timestamp()
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n")
    with qtbot.waitSignal(panel.live.started, timeout=10_000):
        panel.follow_log(str(log))
    assert panel.follow.text() == "Stop following"
    assert panel.status.text() == "● Following reactor.csv, every 0.5 s"

    def shown(key="temperature"):
        plot = panel.trace.channels.get(key)
        return len(plot.curve) if plot else 0

    with log.open("a", encoding="utf-8") as fh:
        fh.write(_log_lines(start, range(5)))
    qtbot.waitUntil(lambda: shown() == 5, timeout=5_000)  # new channels: loaded once
    temp = panel.trace.channels["temperature"]
    items = list(temp.curve.items)
    with log.open("a", encoding="utf-8") as fh:  # more, in steps; one line half-written
        fh.write(_log_lines(start, range(5, 30), hot=range(8, 25)) + "2026-11-02T08:30")
    qtbot.waitUntil(lambda: shown() == 30, timeout=5_000)
    assert panel.trace.channels["temperature"] is temp and temp.curve.items == items
    qtbot.waitUntil(lambda: panel.trace.list_title.text() == "Excursions (1)", timeout=5_000)
    assert "still open" not in panel.trace.list.item(0).text()  # back in band at 08:25
    qtbot.waitUntil(  # an exception of the batch: counted in its header at once
        lambda: "1 process excursion" in screen.header.exceptions.text(), timeout=5_000
    )
    assert any(r.isVisible() for r in temp.regions)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(":00Z,7.170,37.0\n")
    qtbot.waitUntil(lambda: shown() == 31, timeout=5_000)
    shot(window, "batch_curves_live")

    with qtbot.waitSignal(panel.live.stopped, timeout=10_000):
        qtbot.mouseClick(panel.follow, Qt.MouseButton.LeftButton)
    settle(qtbot, screen.context)
    assert panel.follow.text() == "Follow log…" and panel.status.text() == ""
    actions = [e.action for e in audit_trail.events(site, lot=LOT)]
    assert actions.count("series.live_start") == 1 and actions.count("series.live_stop") == 1


def test_a_bad_line_in_a_followed_log_stops_following_and_says_where(
    qtbot, window, site, tech, tmp_path
):
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n")
    with qtbot.waitSignal(panel.live.started, timeout=10_000):
        panel.follow_log(str(log))
    with qtbot.waitSignal(panel.live.failed, timeout=5_000):
        log.write_text(log.read_text() + "2026-11-02T08:00:00Z,7.2,warm\n")
    assert "line 3" in panel.message.text() and "Following has stopped" in panel.message.text()
    assert panel.follow.text() == "Follow log…" and not panel.live.following
    settle(qtbot, screen.context)


def test_detach_and_attach_move_the_same_panel(qtbot, context):
    from ui.widgets.curves_panel import CurvesPanel

    host = QWidget()
    QVBoxLayout(host)
    qtbot.addWidget(host)
    panel = CurvesPanel(context, host)
    host.layout().addWidget(panel)
    host.show()
    qtbot.waitExposed(host)
    growth, trace = panel.growth, panel.trace
    qtbot.mouseClick(panel.detach, Qt.MouseButton.LeftButton)
    window = panel.window()
    assert window is not host and window.isWindow() and panel.detacher.detached
    assert panel.detach.text() == "Attach" and panel.isVisible()
    assert panel.detacher.away.isVisible()  # the place it left says where it went
    assert (panel.growth, panel.trace) == (growth, trace)
    qtbot.mouseClick(panel.detach, Qt.MouseButton.LeftButton)
    assert panel.window() is host and panel.parentWidget() is host
    assert panel.detach.text() == "Detach" and not panel.detacher.away.isVisible()
    qtbot.mouseClick(panel.detach, Qt.MouseButton.LeftButton)
    panel.window().close()  # closing the window brings the panel back too
    assert panel.window() is host and not panel.detacher.detached
    assert (panel.growth, panel.trace) == (growth, trace)


def test_the_demo_batch_shows_its_curves_against_released_batches(qtbot, window, tmp_path):
    """The demo as a user meets it: the CAR-T batch's growth over the band of the three released
    batches, and its bioreactor trace with the one temperature excursion, counted in the header."""
    from core.demo.build import CART_LOT
    from core.demo.people import DEMO_PASSWORD
    from tests.core.report_samples import demo_copy

    demo = demo_copy(tmp_path)  # built once per run
    window.context.set_database(demo, 10)
    window.resize(1920, 1080)
    login(qtbot, window, "tess", DEMO_PASSWORD)
    window.context.go("batch", lot=CART_LOT)
    screen = window.screen("batch")
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)
    assert "1 process excursion" in screen.header.exceptions.text()
    panel = open_curves(qtbot, screen)
    growth = panel.growth
    assert growth.quantity.currentData() == "total_viable_cells"
    legend = [label.text for _sample, label in growth.legend.items]
    assert "released batches (3): median, min–max" in legend
    assert growth.band.isVisible()
    assert len(growth.curve.getOriginalDataset()[0]) >= 5
    shot(window, "demo_curves_growth")
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: bool(panel.trace.channels), timeout=20_000)
    trace = panel.trace
    assert {"temperature", "ph", "do", "glucose", "lactate"} <= set(trace.channels)
    assert trace.list_title.text() == "Excursions (1)"
    assert "Temperature above 38" in trace.list.item(0).text()
    shot(window, "demo_curves_process")
    demo.dispose()


def _vicell_d0(tmp_path, name: str, measured: str, line_end: str = "\n"):
    """A Vi-CELL BLU export of one D0 count measured at ``measured`` (no zone: the site's)."""
    from tests.data import INSTRUMENT_SAMPLES

    lines = (INSTRUMENT_SAMPLES / "vi-cell-blu-export.csv").read_text("utf-8").splitlines()
    cells = lines[1].split(",")
    cells[0], cells[lines[0].split(",").index("Analysis date/time")] = "D0", measured
    path = tmp_path / name
    path.write_bytes(f"{lines[0]}{line_end}{','.join(cells)}{line_end}".encode())
    return path


def test_a_count_measured_in_2023_asks_for_a_reason_then_imports(
    qtbot, window, site, admin, tech, tmp_path
):
    from core.services.review import review_batch
    from core.services.settings import set_setting

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site's zone")
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    path = _vicell_d0(tmp_path, "old-count.csv", "11/20/2023 16:30")
    qtbot.mouseClick(panel.import_, Qt.MouseButton.LeftButton)
    panel.dialog.selectFile(str(path))
    panel.dialog.accept()
    settle(qtbot, screen.context)
    assert panel.asking.isVisible() and panel.message.isHidden()
    asked = panel.reason_text.text()
    assert "sample D0 was measured 2023-11-20" in asked
    assert "before lot CT-0042 was started" in asked
    assert "Nothing was imported" in asked
    window.activateWindow()  # as the window manager does when the file dialog closes
    qtbot.waitUntil(panel.reason.hasFocus)  # the reason is asked for where the eyes are
    assert batches.show_batch(site, LOT).check("CART-IPC-07-VCD-D0").current is None
    shot(window, "import_asks_for_a_reason")

    qtbot.keyClicks(panel.reason, "too short")  # core wants more: it asks again, in place
    qtbot.keyClick(panel.reason, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    assert panel.asking.isVisible() and panel.reason.selectedText() == "too short"
    reason = "Reference count of the qualification bead lot, filed for comparison"
    qtbot.keyClicks(panel.reason, reason)  # replaces the selected text
    with qtbot.waitSignal(screen.loaded, timeout=10_000):  # the record reloads after it
        qtbot.keyClick(panel.reason, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    assert not panel.asking.isVisible() and panel.pending is None
    assert panel.message.text().startswith("✔ old-count.csv imported (1 row).")
    assert panel.message.text().endswith(f"Reason for the measurement time kept: “{reason}”.")
    current = batches.show_batch(site, LOT).check("CART-IPC-07-VCD-D0").current
    assert current.timing_reason == reason
    items = [i for i in review_batch(site, LOT).items if i.kind == "measurement_time"]
    assert items and reason in items[0].detail  # QA sees it in the review
    screen.step_list.setCurrentIndex(screen.steps.index(screen.steps.row_of("CART-S07-D0")))
    row = screen.form.row("CART-IPC-07-VCD-D0")
    assert f"time accepted: {reason}" in row.who.text()
    assert "(instrument: Europe/Berlin)" in row.who.text()
    shot(window, "import_with_a_reason_done")


def test_a_reason_asked_for_can_be_declined(qtbot, window, site, admin, tech, tmp_path):
    from core.services.settings import set_setting

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site's zone")
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    panel.import_file(str(_vicell_d0(tmp_path, "old.csv", "11/20/2023 16:30")))
    settle(qtbot, screen.context)
    assert panel.asking.isVisible()
    qtbot.keyClick(panel.reason, Qt.Key.Key_Escape)
    assert not panel.asking.isVisible() and panel.message.text() == "old.csv was not imported."
    assert batches.show_batch(site, LOT).check("CART-IPC-07-VCD-D0").current is None


def test_the_same_measurement_from_another_file_is_refused(
    qtbot, window, site, admin, tech, tmp_path
):
    from core.services import imports
    from core.services.settings import set_setting

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site's zone")
    first = _vicell_d0(tmp_path, "first.csv", "11/2/2026 9:05")
    again = _vicell_d0(tmp_path, "again.csv", "11/2/2026 9:05", line_end="\r\n")
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0041", "COI-W123426000041")
    imports.import_file(site, tech, "CT-0041", first)
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    panel.import_file(str(again))
    settle(qtbot, screen.context)
    text = panel.message.text()
    assert text.startswith("✖ again.csv: sample D0") and "imported before, from first.csv" in text
    assert "Nothing was imported" in text and not panel.asking.isVisible()
    assert panel.import_.isEnabled()
    shot(window, "import_same_measurement_refused")


def test_a_count_that_names_no_step_is_imported_for_the_chosen_step(
    qtbot, window, site, admin, tech, tmp_path
):
    """The sample id "CLB001" names no step: the app asks which one, the step selected in the
    batch record first; Enter imports it there."""
    from core.services.settings import set_setting

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site's zone")
    screen = open_batch(qtbot, window, site, tech, days=[])
    screen.step_list.setCurrentIndex(screen.steps.index(screen.steps.row_of("CART-S07-D1")))
    panel = open_curves(qtbot, screen)
    path = _vicell_d0(tmp_path, "clb.csv", "11/3/2026 9:05")
    path.write_text(path.read_text("utf-8").replace("\nD0,", "\nCLB001,"), "utf-8")
    panel.import_file(str(path))
    settle(qtbot, screen.context)
    choice = panel.choosing
    assert choice.isVisible() and not panel.tabs.isVisible()
    assert "names no step" in choice.why.text() and "--step" not in choice.why.text()
    assert choice.steps.currentData() == "CART-S07-D1"  # the step on screen
    assert choice.steps.hasFocus()
    shot(window, "import_asks_for_the_step")
    qtbot.keyClick(choice.steps, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    # measured a month before the lot started: core asks for a reason, and the step is kept
    assert panel.asking.isVisible() and not choice.isVisible(), panel.message.text()
    assert panel.pending_step == "CART-S07-D1"
    reason = "Count of the reference bead lot, filed with this batch for comparison"
    qtbot.keyClicks(panel.reason, reason)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        qtbot.keyClick(panel.reason, Qt.Key.Key_Return)
    settle(qtbot, screen.context)
    assert not choice.isVisible() and panel.tabs.isVisible()
    assert panel.message.text().startswith("✔ clb.csv imported")
    assert batches.show_batch(site, LOT).check("CART-IPC-07-VCD-D1").current is not None


def test_a_step_asked_for_can_be_declined(qtbot, window, site, admin, tech, tmp_path):
    from core.services.settings import set_setting

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site's zone")
    screen = open_batch(qtbot, window, site, tech, days=[])
    panel = open_curves(qtbot, screen)
    path = _vicell_d0(tmp_path, "clb.csv", "11/3/2026 9:05")
    path.write_text(path.read_text("utf-8").replace("\nD0,", "\nCLB001,"), "utf-8")
    panel.import_file(str(path))
    settle(qtbot, screen.context)
    qtbot.keyClick(panel.choosing.steps, Qt.Key.Key_Escape)
    assert not panel.choosing.isVisible() and panel.message.text() == "clb.csv was not imported."
