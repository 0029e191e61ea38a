"""Issue 4 benchmarks, in one run, on a 14-day trace at 1 Hz on 4 channels (≈4.8 million points):
(a) opening the batch's trace to the first rendered frame (goal ≤ 1.5 s), as a ratio to reading the
same points with raw sqlite3 into numpy; (b) median frame time while panning and zooming (goal
≤ 16 ms); (c) per-update cost of appending at 10 Hz for 10 minutes (must not grow with the trace);
(d) the same with matplotlib; (e) peak memory of the process (goal ≤ 400 MB)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

PROBE = Path(__file__).with_name("trace_probe.py")
DAYS, RATE = 14, 1.0
CHANNELS = (("temperature", 37.0, 0.1), ("ph", 7.2, 0.02), ("do", 45.0, 2.0), ("lactate", 10, 1))


def _site_with_trace(tmp_path: Path) -> tuple[str, str]:
    from core.records.result_rows import account_and_batch
    from core.series.blocks import channel_ids, write_points
    from core.services import batches, users
    from core.services.site import init_site

    password = "bench-pass-2026"
    url = f"sqlite:///{tmp_path / 'trace.db'}"
    db = init_site(url, "ada", "Ada Admin", password)
    admin = users.authenticate(db, "ada", password)
    users.create_user(db, admin, "tess", "Tess Technician", "technician", "initial-" + password)
    users.change_password(db, "tess", "initial-" + password, password)
    tess = users.authenticate(db, "tess", password)
    from tests.benchmarks.sites import approve_templates

    approve_templates(db, admin, password, password)
    lot = "CT-TRACE"
    batches.start_batch(db, tess, "cart-auto-lv", lot, "COI-BENCH-1")
    n = int(DAYS * 86400 * RATE)
    times = 1_762_070_400 + np.arange(n, dtype=float) / RATE
    rng = np.random.default_rng(7)
    with db.unit_of_work("tess") as uow:
        _, batch = account_and_batch(uow.connection, "tess", lot)
        ids = channel_ids(uow.connection, batch.id, [(k, k, None) for k, _, _ in CHANNELS])
        for key, mean, noise in CHANNELS:
            values = mean + rng.normal(0, noise, n) + 0.2 * np.sin(times / 40_000)
            write_points(uow.connection, ids[key], times, values, "bench")
    db.dispose()
    return url, lot


def _probe(url: str, lot: str, what: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(PROBE), url, lot, what],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, f"the {what} probe failed:\n{out.stderr}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_14_day_trace_opens_pans_and_follows(tmp_path, report):
    url, lot = _site_with_trace(tmp_path)
    gui = _probe(url, lot, "gui")
    mpl = _probe(url, lot, "matplotlib")
    figures = {**gui, **mpl}
    figures["goals"] = "open <= 1.5 s; frame <= 16 ms; append flat; peak <= 400 MB"
    report("traces", figures)
    assert gui["points"] >= 4_800_000
    assert gui["open_to_first_frame_s"] <= 1.5
    assert gui["pan_zoom_median_frame_ms"] <= 16
    assert gui["append_median_ms_last_500"] <= 2 * gui["append_median_ms_first_500"] + 0.2
    assert gui["peak_rss_mb"] <= 400
