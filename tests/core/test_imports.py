"""Importing instrument files into a batch: all or nothing, originals kept, once only, audited."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from core.errors import AlreadyExists
from core.instruments.model import InstrumentFileInvalid, SampleNamesNoStep
from core.records.batch_record import load_batch  # noqa: F401  (import check)
from core.services import audit_trail, batches, imports
from core.services.growth import growth_view
from core.services.traces import trace_view
from tests.data import INSTRUMENT_SAMPLES as SAMPLES
from tests.raw_db import count, raw_sql

LOT, COI = "CT-0042", "COI-W123426000042"


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    return LOT


def _count(db, table: str) -> int:
    return count(db, table)


# The sample exports were measured in 2022/2023; the tests' batches start on 2026-11-02 08:00
# UTC (tests/conftest.py clock), so the counts are re-dated to that morning (Berlin time).
MEASURED = "11/2/2026 9:0{n}"


def _vicell_for_days(tmp_path: Path, days: list[int], measured: str = MEASURED) -> Path:
    lines = (SAMPLES / "vi-cell-blu-export.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    when = header.index("Analysis date/time")
    rows = [lines[0]]
    for n, (day, row) in enumerate(zip(days, lines[1:], strict=False)):
        cells = row.split(",")
        cells[0], cells[when] = f"D{day}", measured.format(n=n)
        rows.append(",".join(cells))
    path = tmp_path / "counts.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _nucleoview_at(tmp_path: Path, stamp: str = "20261102 100000") -> Path:
    text = (SAMPLES / "nucleoview-nc200-export.csv").read_text(encoding="utf-8")
    path = tmp_path / "nc200.csv"
    path.write_text(text.replace("20231120 163016", stamp), encoding="utf-8")
    return path


def test_counter_readings_become_the_values_of_the_checks_they_measure(site, tech, cart, tmp_path):
    path = _vicell_for_days(tmp_path, [0, 1, 2])
    outcome = imports.import_file(site, tech, LOT, path, timezone="Europe/Berlin")
    recorded = {check: shown for check, shown, _ in outcome.recorded}
    # CLB001: viable 0.75 ×10^6 cells/mL, viability 96.9 %
    assert recorded["CART-IPC-07-VCD-D0"] == "7.50×10⁵ cells/mL"
    assert recorded["CART-IPC-07-VIAB-D0"] == "96.9 %"
    assert recorded["CART-IPC-07-VCD-D2"] == "5.30×10⁵ cells/mL"  # CLB003: viable 0.53
    view = batches.show_batch(site, LOT)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert view.check("CART-IPC-07-VCD-D1").current.source == f"file:{sha}"
    event = [e for e in audit_trail.events(site, lot=LOT) if e.action == "instrument.import"][-1]
    assert event.entity_id == sha and '"profile":"vi-cell-blu"' in event.new
    (stored,) = raw_sql(site, "SELECT content, sha256 FROM instrument_file")
    assert stored == (path.read_bytes(), sha)  # the original bytes, as they were
    with pytest.raises(AlreadyExists, match="imported before"):
        imports.import_file(site, tech, LOT, path, timezone="Europe/Berlin")


def test_a_sample_that_names_no_step_refuses_the_whole_file(site, tech, cart):
    before = (_count(site, "instrument_file"), _count(site, "result"), _count(site, "audit_event"))
    with pytest.raises(
        SampleNamesNoStep, match="line 2: the sample id 'CLB001' names no step"
    ) as refused:
        imports.import_file(
            site, tech, LOT, SAMPLES / "vi-cell-blu-export.csv", timezone="Europe/Berlin"
        )
    after = (_count(site, "instrument_file"), _count(site, "result"), _count(site, "audit_event"))
    assert after == before
    assert "--step" not in str(refused.value)  # a GUI user has no command line
    choices = dict(refused.value.choices)  # the steps a person may choose for it
    assert "CART-S09" in choices and "CART-S00" not in choices


def test_zone_less_times_need_the_site_time_zone(site, tech, cart, tmp_path):
    path = _vicell_for_days(tmp_path, [0])
    with pytest.raises(InstrumentFileInvalid, match="time zone"):
        imports.import_file(site, tech, LOT, path)
    from core.services.settings import set_setting
    from core.services.users import authenticate
    from tests.conftest import ADMIN_PASSWORD

    set_setting(
        site,
        authenticate(site, "ada", ADMIN_PASSWORD),
        "time_zone",
        "Europe/Berlin",
        "site is in Berlin",
    )
    assert imports.import_file(site, tech, LOT, path).recorded


def test_a_one_sample_count_for_a_step_derives_viability(site, tech, cart, tmp_path):
    outcome = imports.import_file(site, tech, LOT, _nucleoview_at(tmp_path), step="CART-S09")
    recorded = dict((c, shown) for c, shown, _ in outcome.recorded)
    assert recorded["CART-IPC-09-VCD"] == "2.45×10⁶ cells/mL"
    assert recorded["CART-IPC-09-DEAD"] == "1.14×10⁶ cells/mL"
    viab = batches.show_batch(site, LOT).check("CART-IPC-09-VIAB").current
    assert viab.display == "68.2 %" and viab.source == "calculated"  # 2.45 / (2.45 + 1.14)
    # below the harvest limit: held for its comment or deviation, like a typed value
    assert viab.verdict == "oos" and not viab.final


def test_a_value_already_recorded_refuses_the_file(site, tech, cart, tmp_path):
    from core.services import recording

    recording.record_value(site, tech, LOT, "CART-IPC-07-VCD-D1", "1.0e6")
    path = _vicell_for_days(tmp_path, [0, 1])
    with pytest.raises(InstrumentFileInvalid, match=r"line 3: CART-IPC-07-VCD-D1 .* already has"):
        imports.import_file(site, tech, LOT, path, timezone="Europe/Berlin")
    assert batches.show_batch(site, LOT).check("CART-IPC-07-VCD-D0").current is None


def _log(tmp_path: Path, rows: list[str], name: str = "reactor.csv") -> Path:
    path = tmp_path / name
    path.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + "\n".join(rows) + "\n")
    return path


def test_a_bioreactor_log_becomes_the_trace_and_its_excursions(site, tech, cart, tmp_path):
    start = 1_762_070_400  # 2025-11-02 08:00 UTC
    rows = []
    for minute in range(60):
        temp = 38.6 if 10 <= minute < 25 else 37.0  # 15 min above 38.0: one excursion
        stamp = np.datetime_as_string(np.datetime64(start + minute * 60, "s")) + "Z"
        rows.append(f"{stamp},{7.2 - minute * 0.001:.3f},{temp}")
    path = _log(tmp_path, rows)
    outcome = imports.import_file(site, tech, LOT, path)
    assert outcome.points == {"ph": 60, "temperature": 60} and outcome.excursions == 1
    view = trace_view(site, LOT)
    temperature = view.channel("temperature")
    assert temperature.name == "Temperature" and temperature.alarm_high == 38.0
    assert np.array_equal(temperature.times, start + np.arange(60) * 60.0)
    (excursion,) = temperature.excursions
    assert (excursion.side, excursion.extreme) == ("high", 38.6)
    assert excursion.ended_at is not None
    events = [e for e in audit_trail.events(site, lot=LOT) if e.action == "series.excursion"]
    assert len(events) == 1


def test_a_bad_row_refuses_the_log_with_its_line(site, tech, cart, tmp_path):
    path = _log(tmp_path, ["2025-11-02T08:00:00Z,7.2,37.0", "2025-11-02T08:01:00Z,7.2,hot"])
    with pytest.raises(InstrumentFileInvalid, match="line 4"):
        imports.import_file(site, tech, LOT, path)
    assert _count(site, "series_block") == 0 and _count(site, "instrument_file") == 0


def test_growth_curve_from_recorded_counts(site, tech, cart):
    from core.services import recording

    for day, (vcd, volume, viability) in enumerate([("1e6", "100", "92"), ("0.95e6", "100", "88")]):
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VCD-D{day}", vcd)
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VOL-D{day}", volume)
        recording.record_value(site, tech, LOT, f"CART-IPC-07-VIAB-D{day}", viability)
    growth = growth_view(site, LOT)
    tvc = growth.get("total_viable_cells")
    assert [(p.x, p.value) for p in tvc.points] == [(0.0, 1e8), (1.0, 9.5e7)]
    assert tvc.axis == "day" and tvc.log_scale and tvc.comparison is None
    fold = growth.get("fold_expansion")
    assert [p.value for p in fold.points] == [1.0, 0.95]


def test_a_batch_no_longer_in_progress_takes_no_instrument_data(site, tech, cart, tmp_path):
    from core.errors import Conflict
    from core.services.live import LiveFeed

    # disposition is a later service; set the state directly
    raw_sql(site, "UPDATE batch SET status = 'released' WHERE lot = :lot", {"lot": LOT})
    path = _log(tmp_path, ["2025-11-02T08:00:00Z,7.2,37.0"])
    with pytest.raises(Conflict, match="is released: its record is locked"):
        imports.import_file(site, tech, LOT, path)
    with pytest.raises(Conflict, match="is released"):
        LiveFeed.start(site, tech, LOT, path)
    assert _count(site, "instrument_file") == 0 and _count(site, "live_capture") == 0
