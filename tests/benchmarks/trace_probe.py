"""Run in a process of its own by bench_traces.py (so its memory is measured alone).

python trace_probe.py DB_URL LOT gui|matplotlib   → prints one JSON line of figures
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def raw_floor(path: str, repeats: int = 3) -> float:
    """Reading the same points with raw sqlite3 into numpy: the floor the store is held to."""
    import numpy as np

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        conn = sqlite3.connect(path)
        arrays: dict[int, list] = {}
        for channel, t, v in conn.execute(
            "SELECT channel_id, t_data, v_data FROM series_block ORDER BY channel_id, t_first"
        ):
            arrays.setdefault(channel, []).append((t, v))
        for parts in arrays.values():
            np.concatenate([np.frombuffer(t, "<f8") for t, _ in parts])
            np.concatenate([np.frombuffer(v, "<f8") for _, v in parts])
        conn.close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gui(url: str, lot: str) -> dict:
    from PySide6.QtWidgets import QApplication

    from core.store import open_database

    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    floor = raw_floor(str(db.path))

    start = time.perf_counter()  # the user opens the batch's process trace
    from core.services.traces import trace_view
    from ui.plots.traces import TracePanel

    panel = TracePanel()
    panel.resize(1366, 900)
    view = trace_view(db, lot)
    panel.show_trace(view)
    panel.show()
    app.processEvents()
    panel.view.grab()  # the first rendered frame
    first_frame = time.perf_counter() - start
    points = view.points

    # pan and zoom: frame times over a tour of ranges
    t0 = float(min(c.times[0] for c in view.channels))
    t1 = float(max(c.times[-1] for c in view.channels))
    span = t1 - t0
    plots = list(panel.channels.values())
    first_plot = plots[0].plot
    ranges = []
    for width in (span, span / 2, span / 7, 86400.0, 3600.0, 600.0):
        for k in range(5):
            left = t0 + (span - width) * k / 4
            ranges.append((left, left + width))
    frames = []
    for left, right in ranges:
        first_plot.setXRange(left, right, padding=0)
        app.processEvents()
        begin = time.perf_counter()
        panel.view.viewport().repaint()
        frames.append(time.perf_counter() - begin)
    panel.auto_range()
    app.processEvents()

    # live appends at 10 Hz for 10 minutes of simulated time (6,000 updates)
    import numpy as np

    from core.services.live import LiveUpdate

    def appends(target, t_start: float, n: int = 6000) -> list[float]:
        costs = []
        keys = [c.key for c in view.channels]
        for i in range(n):
            t = np.array([t_start + (i + 1) * 0.1])
            update = LiveUpdate(1, {k: (t, np.array([37.0])) for k in keys}, (), False)
            begin = time.perf_counter()
            target.append(update)
            costs.append(time.perf_counter() - begin)
            if i % 10 == 9:  # the screen refreshes a few times a second, not per point
                app.processEvents()
        return costs

    long_costs = appends(panel, t1)
    empty = TracePanel()
    empty.resize(1366, 900)
    from core.curve_views import ChannelTrace, TraceView

    empty.show_trace(
        TraceView(
            lot,
            tuple(
                ChannelTrace(
                    c.key,
                    c.name,
                    c.unit,
                    c.precision,
                    c.setpoint,
                    c.alarm_low,
                    c.alarm_high,
                    c.hold_minutes,
                    c.note,
                    c.times[:10],
                    c.values[:10],
                    (),
                )
                for c in view.channels
            ),
        )
    )
    empty.show()
    app.processEvents()
    short_costs = appends(empty, float(view.channels[0].times[9]))
    peak_mb = peak_rss_mb()
    return {
        "points": points,
        "open_to_first_frame_s": round(first_frame, 3),
        "raw_sqlite3_to_numpy_s": round(floor, 3),
        "open_ratio_to_raw": round(first_frame / floor, 2),
        "pan_zoom_frames": len(frames),
        "pan_zoom_median_frame_ms": round(statistics.median(frames) * 1000, 2),
        "pan_zoom_max_frame_ms": round(max(frames) * 1000, 2),
        "append_median_ms_first_500": round(statistics.median(long_costs[:500]) * 1000, 3),
        "append_median_ms_last_500": round(statistics.median(long_costs[-500:]) * 1000, 3),
        "append_median_ms_on_a_10_point_trace": round(statistics.median(short_costs) * 1000, 3),
        "peak_rss_mb": round(peak_mb, 1),
    }


def matplotlib_render(url: str, lot: str) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from core.services.traces import trace_view
    from core.store import open_database

    db = open_database(url)
    start = time.perf_counter()
    view = trace_view(db, lot)
    fig, axes = plt.subplots(len(view.channels), 1, sharex=True, figsize=(13.66, 9), dpi=100)
    for ax, channel in zip(axes, view.channels, strict=True):
        ax.plot(channel.times, channel.values, linewidth=0.8)
        ax.set_ylabel(channel.name)
    fig.canvas.draw()
    first = time.perf_counter() - start
    frames = []
    t0, t1 = float(view.channels[0].times[0]), float(view.channels[0].times[-1])
    for width in ((t1 - t0) / 7, 86400.0, 3600.0):
        axes[0].set_xlim(t0, t0 + width)
        begin = time.perf_counter()
        fig.canvas.draw()
        frames.append(time.perf_counter() - begin)
    return {
        "matplotlib_open_to_first_frame_s": round(first, 3),
        "matplotlib_median_frame_ms": round(statistics.median(frames) * 1000, 1),
        "matplotlib_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, whereas Linux
    carries getrusage's ru_maxrss across execve, so a probe started from a big pytest process
    would report the parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    url, lot, what = sys.argv[1:4]
    figures = gui(url, lot) if what == "gui" else matplotlib_render(url, lot)
    print(json.dumps(figures))
