"""Following a growing bioreactor log: partial lines wait, points and chunks are stored with their
hashes, an excursion is recorded once across polls, a bad line stops the feed with its number."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.instruments.model import InstrumentFileInvalid
from core.services import audit_trail, batches
from core.services.live import LiveFeed
from core.services.traces import trace_view
from tests.raw_db import raw_sql

LOT, COI = "CT-0042", "COI-W123426000042"
START = 1_762_070_400  # 2025-11-02 08:00 UTC


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    return LOT


def _row(minute: int, temp: float = 37.0) -> str:
    import numpy as np

    stamp = np.datetime_as_string(np.datetime64(START + minute * 60, "s")) + "Z"
    return f"{stamp},7.20,{temp}\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def test_a_live_log_is_taken_in_line_by_line(site, tech, cart, tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n")
    feed = LiveFeed.start(site, tech, LOT, log)
    assert feed.poll().lines == 0
    _append(log, _row(0) + _row(1) + _row(2)[:10])  # the third line is still being written
    update = feed.poll()
    assert update.lines == 2 and len(update.points["temperature"][0]) == 2
    _append(log, _row(2)[10:])
    assert feed.poll().lines == 1
    # 15 minutes above 38 °C in pieces: detected once, then ended
    events = []
    for minute in range(3, 30):
        _append(log, _row(minute, 38.7 if 5 <= minute < 20 else 37.0))
        events += feed.poll().excursions
    assert [(key, e.kind) for key, e in events] == [
        ("temperature", "detected"),
        ("temperature", "ended"),
    ]
    feed.stop()
    view = trace_view(site, LOT)
    assert len(view.channel("temperature").times) == 30
    (excursion,) = view.channel("temperature").excursions
    assert excursion.ended_at is not None and excursion.extreme == 38.7
    actions = [e.action for e in audit_trail.events(site, lot=LOT)]
    assert actions.count("series.live_start") == 1 and actions.count("series.live_stop") == 1
    assert actions.count("series.excursion") == 1
    chunks = raw_sql(site, "SELECT content, sha256 FROM capture_chunk ORDER BY seq")
    assert all(hashlib.sha256(c).hexdigest() == h for c, h in chunks)
    assert b"".join(c for c, _ in chunks) == log.read_bytes().split(b"\n", 2)[2]


def test_a_bad_line_stops_the_feed_with_its_number(site, tech, cart, tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + _row(0))
    feed = LiveFeed.start(site, tech, LOT, log)
    feed.poll()
    _append(log, _row(1) + "2025-11-02T08:02:00Z,7.2,warm\n")
    with pytest.raises(InstrumentFileInvalid, match="line 5"):
        feed.poll()
    assert len(trace_view(site, LOT).channel("temperature").times) == 1  # nothing of that poll


def test_a_rotated_log_starts_again(site, tech, cart, tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + _row(0) + _row(1))
    feed = LiveFeed.start(site, tech, LOT, log)
    assert feed.poll().lines == 2
    log.rename(tmp_path / "reactor.csv.1")
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + _row(2))
    update = feed.poll()
    assert update.rotated and update.lines == 1
    assert len(trace_view(site, LOT).channel("temperature").times) == 3
