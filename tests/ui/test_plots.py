"""The curve widgets on synthetic read models: a segmented curve stays a few items however long it
grows and loses no point; the trace panel shows channels, bands, setpoints, excursions and a
crosshair read-out in local time, and takes live points without rebuilding; the growth panel marks
alert and out-of-spec points by shape and word, with the spec band and released batches."""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import shot
from tests.ui.curve_data import START, event, growth_view, live_update, trace_view


def legend_texts(legend) -> list[str]:
    return [label.text for _, label in legend.items]


@pytest.fixture
def berlin():
    """Local time in Central Europe, so the PNGs and read-outs show a zone that is not UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


# -- SegmentedCurve ------------------------------------------------------------------------------


def test_appending_keeps_the_item_count_bounded_and_every_point(qtbot):
    import pyqtgraph as pg

    from ui.plots.segmented import SegmentedCurve

    plot = pg.PlotItem()
    curve = SegmentedCurve(plot, pg.mkPen("b"), segment=1000)
    t = np.arange(20_000, dtype=float)
    y = np.sin(t / 50)
    curve.set_points(t[:2500], y[:2500])
    assert len(curve.segments) == 2 and len(curve) == 2500
    for start in range(2500, 20_000, 37):  # live chunks of odd sizes
        curve.append(t[start : start + 37], y[start : start + 37])
    x, v = curve.data()
    assert np.array_equal(x, t) and np.array_equal(v, y)  # complete, in order, no repeats
    assert len(curve) == 20_000
    # one item per ~segment of points plus the tail: bounded by the length, not the appends
    assert len(curve.items) <= math.ceil(20_000 / 999) + 1
    assert all(len(item.getOriginalDataset()[0]) <= 1000 for item in curve.segments)
    for a, b in zip(curve.segments, curve.segments[1:], strict=False):  # no gaps in the line
        assert a.getOriginalDataset()[0][-1] == b.getOriginalDataset()[0][0]
    every = [i for i in plot.items if isinstance(i, pg.PlotDataItem)]
    assert len(every) == len(curve.items)
    for item in curve.items:
        assert item.opts["autoDownsample"] and item.opts["downsampleMethod"] == "peak"
        assert item.opts["clipToView"]
    assert curve.nearest(12_345.4) == (12_345.0, pytest.approx(math.sin(12_345 / 50)))

    made = list(curve.items)  # a reload feeds the same items
    curve.set_points(t[:3000], y[:3000])
    assert all(any(i is m for m in made) for i in curve.items)
    assert np.array_equal(curve.data()[0], t[:3000])


def test_a_gap_in_the_log_breaks_the_line_and_is_not_a_point(qtbot):
    """A stopped logger must not look like a steady reading: the line breaks in the gap, and the
    break is never counted, returned or read by the crosshair."""
    import pyqtgraph as pg

    from ui.plots.segmented import SegmentedCurve

    curve = SegmentedCurve(pg.PlotItem(), pg.mkPen("b"), segment=100)
    t = np.concatenate([np.arange(0, 150, 1.0), np.arange(3600, 3700, 1.0)])  # a 1-h pause
    y = np.full(len(t), 37.0)
    curve.set_points(t, y)
    assert len(curve) == 250
    x, v = curve.data()
    assert np.array_equal(x, t) and not np.isnan(v).any()
    drawn = np.concatenate(
        [y for item in curve.items if (y := item.getOriginalDataset()[1]) is not None]
    )
    assert np.isnan(drawn).sum() == 1  # one break, in the gap
    assert all(item.opts["connect"] == "finite" for item in curve.items)
    assert curve.nearest(1900.0) in ((149.0, 37.0), (3600.0, 37.0))  # a real point either side

    curve.append(np.array([3700.0, 3701.0]), np.array([37.1, 37.2]))  # on time: no break
    curve.append(np.array([9000.0]), np.array([37.3]))  # after another pause: a break
    assert len(curve) == 253
    x, v = curve.data()
    assert list(x[-3:]) == [3700.0, 3701.0, 9000.0]
    tail = curve.tail.getOriginalDataset()[1]
    assert np.isnan(tail).sum() == 1 and tail[-1] == 37.3


# -- TracePanel ----------------------------------------------------------------------------------


def _trace_panel(qtbot, view=None):
    from ui.plots.traces import TracePanel

    panel = TracePanel()
    qtbot.addWidget(panel)
    panel.resize(1100, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_trace(view or trace_view())
    QApplication.processEvents()  # the excursion list takes its height once laid out
    return panel


def test_the_trace_shows_channels_bands_setpoints_and_excursions(qtbot, context, berlin):
    view = trace_view()
    panel = _trace_panel(qtbot, view)
    assert list(panel.channels) == ["temperature", "ph", "do"]
    temp, ph, do = panel.channels.values()
    assert temp.band.isVisible() and temp.band.getRegion() == (36.0, 38.0)
    assert temp.setpoint_line.isVisible() and temp.setpoint_line.value() == 37.0
    assert not do.band.isVisible() and do.setpoint_line.value() == 45
    assert "Temperature" in temp.plot.getAxis("left").labelText
    assert "% air saturation" in do.plot.getAxis("left").labelText
    # every plot follows the first plot's time range
    assert temp.plot.getViewBox().viewRange()[0] == do.plot.getViewBox().viewRange()[0]

    hot = view.channel("temperature").excursions[0]
    (region,) = [r for r in temp.regions if r.isVisible()]
    assert region.getRegion() == pytest.approx(
        (hot.started_at.timestamp(), hot.ended_at.timestamp())
    )
    (open_region,) = [r for r in ph.regions if r.isVisible()]
    assert open_region.getRegion()[1] == pytest.approx(view.channel("ph").times[-1])
    lines = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert lines[0].startswith("⚠ Temperature above 38.0 °C (extreme 38.6 °C)")
    assert "(CET, UTC+01:00)" in lines[0]  # local time, with the zone named
    assert "19:00:00" in lines[0]  # 18:00 UTC is 19:00 in Berlin in November
    assert lines[1].startswith("⚠ pH below 7.00 pH") and lines[1].endswith("still open")
    assert panel.zone == "CET, UTC+01:00"
    assert panel.readout.text().startswith("Local time (CET, UTC+01:00).")
    assert legend_texts(panel.legend) == [
        "measured",
        "setpoint",
        "alarm band",
        "excursion",
    ]
    shot(panel, "trace_panel")


def test_the_crosshair_reads_the_point_under_the_mouse(qtbot, context, berlin):
    view = trace_view()
    panel = _trace_panel(qtbot, view)
    temp = panel.channels["temperature"]
    t = float(view.channels[0].times[100])
    temp.plot.setXRange(t - 1800, t + 1800, padding=0)  # zoomed in: a pixel is seconds
    scene = temp.plot.getViewBox().mapViewToScene(QPointF(t, 37.0))
    with qtbot.waitSignal(panel.readout_changed, timeout=5_000):
        qtbot.mouseMove(panel.view.viewport(), panel.view.mapFromScene(scene))
    value = view.channels[0].values[100]
    assert panel.readout.text() == (
        f"Temperature: {value:.1f} °C at 2026-11-02 10:40:00 (CET, UTC+01:00)"
    )
    assert temp.cross_v.isVisible() and temp.cross_h.isVisible()
    assert panel.channels["ph"].cross_v.isVisible()  # the same instant on every plot
    assert not panel.channels["ph"].cross_h.isVisible()
    shot(panel, "trace_crosshair")


def test_live_points_and_excursions_are_added_without_rebuilding(qtbot, context):
    view = trace_view()
    panel = _trace_panel(qtbot, view)
    plots = {k: p.plot for k, p in panel.channels.items()}
    items = {k: list(p.curve.items) for k, p in panel.channels.items()}
    last = float(view.channels[0].times[-1])
    (_, x1), _ = plots["temperature"].getViewBox().viewRange()
    assert x1 > last  # the newest point is in view: the plots follow it

    started = last + 60
    update = live_update(
        view,
        last + 60,
        30,
        excursions=[("temperature", event("detected", "high", 38.0, started, started + 600, 38.9))],
    )
    assert panel.append(update) == set()
    temp = panel.channels["temperature"]
    assert len(temp.curve) == len(view.channels[0].times) + 30
    assert temp.curve.last()[0] == last + 30 * 60
    assert {k: p.plot for k, p in panel.channels.items()} == plots
    assert all(panel.channels[k].curve.items == items[k] for k in items)  # same items, fed
    assert "still open" in panel.list.item(1).text()
    assert panel.list_title.text() == "Excursions (3)"
    ended = live_update(
        view,
        last + 31 * 60,
        5,
        excursions=[("temperature", event("ended", "high", 38.0, started, started + 1500, 39.1))],
    )
    panel.append(ended)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any("extreme 39.1 °C" in t and "still open" not in t for t in texts)
    shaded = [r.getRegion() for r in temp.regions if r.isVisible()]
    assert (started, started + 1500) in [tuple(map(float, r)) for r in shaded]
    (_, right), _ = plots["do"].getViewBox().viewRange()
    assert right >= temp.curve.last()[0]  # still following


def test_a_channel_the_panel_does_not_show_is_reported_for_loading(qtbot, context):
    from core.services.live import LiveUpdate

    panel = _trace_panel(qtbot)
    t = np.array([START + 1e6])
    missing = panel.append(LiveUpdate(1, {"agitation": (t, np.array([120.0]))}, (), False))
    assert missing == {"agitation"}
    assert "agitation" not in panel.channels


def test_the_trace_is_exported_as_a_png(qtbot, context, tmp_path):
    panel = _trace_panel(qtbot)
    panel.export_png(str(tmp_path / "trace"))
    assert (tmp_path / "trace.png").stat().st_size > 10_000
    assert panel.message.text().startswith("✔ Saved")


def test_an_empty_trace_says_so(qtbot, context):
    from core.curve_views import TraceView

    panel = _trace_panel(qtbot, TraceView("CT-0042", ()))
    assert panel.empty.isVisible() and not panel.scroll.isVisible()
    assert not panel.auto.isEnabled()


# -- GrowthPanel ---------------------------------------------------------------------------------


def _growth_panel(qtbot):
    from ui.plots.growth import GrowthPanel

    panel = GrowthPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 650)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_growth(growth_view())
    return panel


def test_growth_marks_alert_and_oos_points_with_shape_and_word(qtbot, context):
    panel = _growth_panel(qtbot)
    names = [panel.quantity.itemText(i) for i in range(panel.quantity.count())]
    assert names == ["Total viable cells", "Viability"]  # only the quantities present
    assert panel.log.isChecked()  # cell numbers: a log axis by default
    x, y = panel.curve.getOriginalDataset()
    assert list(x) == [0, 1, 2, 3, 4, 5, 6] and y[6] == 2.0e9
    symbols = panel.curve.opts["symbol"]
    assert symbols[4] == "t" and symbols[6] == "x" and symbols[0] == "o"
    words = [(w.textItem.toPlainText(), w.pos()) for w in panel.words if w.isVisible()]
    assert [w for w, _ in words] == ["Alert", "OOS"]
    assert words[1][1].x() == 6 and words[1][1].y() == pytest.approx(math.log10(2.0e9))
    band = panel.spec_band
    assert band.isVisible()
    assert band.getRegion() == pytest.approx((math.log10(5.0e7), math.log10(3.0e9)))
    assert [line.isVisible() for line in panel.alert_lines] == [True, True]
    assert panel.band.isVisible()
    assert legend_texts(panel.legend) == [
        "this batch",
        "Alert",
        "OOS",
        "spec ≥ 5×10⁷ cells and ≤ 3×10⁹ cells (action limits)",
        "alert limits",
        "released batches (5): median, min–max",
    ]
    assert list(panel.median.getOriginalDataset()[0]) == [float(d) for d in range(9)]
    shot(panel, "growth_tvc_log")

    panel.log.setChecked(False)  # the band follows the axis
    assert band.getRegion() == pytest.approx((5.0e7, 3.0e9))
    shot(panel, "growth_tvc_linear")


def test_growth_with_one_spec_limit_draws_a_line_and_keeps_its_items(qtbot, context):
    panel = _growth_panel(qtbot)
    made = (panel.curve, panel.spec_band, panel.band, panel.median, *panel.spec_lines)
    panel.select("viability")
    assert not panel.log.isChecked()
    assert not panel.spec_band.isVisible()
    lower, upper = panel.spec_lines
    assert lower.isVisible() and lower.value() == 70.0 and not upper.isVisible()
    assert panel.alert_lines[0].value() == 80.0 and not panel.alert_lines[1].isVisible()
    assert "spec ≥ 70 % (action limits)" in legend_texts(panel.legend)
    assert [w.textItem.toPlainText() for w in panel.words if w.isVisible()] == ["Alert", "OOS"]
    assert legend_texts(panel.legend)[-1] == "released batches (4): median, min–max"
    assert "Viability (%)" in panel.plot.getAxis("left").labelText
    assert panel.plot.getAxis("bottom").labelText == "Day"
    shot(panel, "growth_viability")
    panel.show_growth(growth_view())  # a new view: the same items, new data
    assert (panel.curve, panel.spec_band, panel.band, panel.median, *panel.spec_lines) == made
    assert panel.quantity.currentData() == "viability"  # the choice is kept
