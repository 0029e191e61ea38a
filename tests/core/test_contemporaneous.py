"""Who records release results (QC, never the batch's own manufacturing staff), and when data
came to be: instrument measurement times kept and checked, late and out-of-order entries and
unassessed excursions shown to the reviewer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.errors import AlreadyExists, Conflict, NeedsReason, PermissionDenied
from core.services import batches, imports, recording
from core.services.excursion_assessment import assess_excursion
from core.services.review import review_batch
from core.services.settings import set_setting
from core.services.signing import sign
from tests.conftest import USER_PASSWORD
from tests.data import INSTRUMENT_SAMPLES as SAMPLES


def test_release_results_are_recorded_by_qc_only(site, people, lot, admin):
    tech, sup, qc = people["tech"], people["sup"], people["qc"]
    with pytest.raises(PermissionDenied, match="recorded by QC analysts, not by a technician"):
        recording.record_value(site, tech, lot, "CART-REL-13", "pass")
    with pytest.raises(PermissionDenied, match="not by a supervisor"):
        recording.record_value(site, sup, lot, "CART-REL-13", "pass")
    assert recording.record_value(site, qc, lot, "CART-REL-13", "pass").entry.current
    set_setting(site, admin, "release_results_by", "qc_or_supervisor", "small site, SOP-QC-12")
    assert recording.record_value(site, sup, lot, "CART-REL-14", "0.1").entry.current
    # ... but never someone who took part in manufacturing the lot
    recording.record_value(site, sup, lot, "CART-IPC-00-SLOT", "Suite 1")
    with pytest.raises(PermissionDenied, match="took part in manufacturing lot CT-0100"):
        recording.record_value(site, sup, lot, "CART-REL-15", "pass")
    recording.record_value(site, qc, lot, "CART-IPC-07A-CAR", "31")  # QC runs an IPC assay
    with pytest.raises(PermissionDenied, match="took part"):
        recording.record_value(site, qc, lot, "CART-REL-15", "pass")


def test_a_qc_analyst_does_not_start_batches_or_approve(site, people):
    qc = people["qc"]
    with pytest.raises(PermissionDenied, match="start batches"):
        batches.start_batch(site, qc, "cart-auto-lv", "CT-9", "COI-W123426000099")
    with pytest.raises(PermissionDenied, match="approve the disposition"):
        sign(site, qc, USER_PASSWORD, "CT-9", "APPROVED", disposition="rejected", reason="x")


# -- instrument times ---------------------------------------------------------------------------


def _nucleoview(tmp_path: Path, stamp: str, name: str = "nc.csv", separator: str = ";") -> Path:
    text = (SAMPLES / "nucleoview-nc200-export.csv").read_text(encoding="utf-8")
    text = text.replace("20231120 163016", stamp)
    if separator != ";":
        text = "\n".join(
            line.replace(";", separator) if not line.startswith("Viability and") else line
            for line in text.splitlines()
        )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_instrument_keeps_its_own_time_and_zone(site, tech, lot, tmp_path):
    # the clock of the tests reads 2026-11-02 08:00 UTC; +2 h offset in the file
    path = _nucleoview(tmp_path, "20261102 095500")
    imports.import_file(site, tech, lot, path, step="CART-S09", timezone="Europe/Berlin")
    current = batches.show_batch(site, lot).check("CART-IPC-09-VCD").current
    assert current.measured_at.isoformat() == "2026-11-02T07:55:00+00:00"
    assert current.measured_zone == "+02:00"
    assert current.recorded_at > current.measured_at  # entered after it was measured
    assert current.timing_reason is None


def test_a_count_measured_before_the_batch_needs_a_reason(site, tech, lot, tmp_path):
    path = _nucleoview(tmp_path, "20231120 163016")
    with pytest.raises(NeedsReason, match="before lot CT-0100 was started"):
        imports.import_file(site, tech, lot, path, step="CART-S09")
    assert batches.show_batch(site, lot).check("CART-IPC-09-VCD").current is None
    with pytest.raises(NeedsReason):
        imports.import_file(site, tech, lot, path, step="CART-S09", reason="short")
    reason = "Reference count of the qualification bead lot, filed for comparison"
    imports.import_file(site, tech, lot, path, step="CART-S09", reason=reason)
    current = batches.show_batch(site, lot).check("CART-IPC-09-VCD").current
    assert current.timing_reason == reason
    items = [i for i in review_batch(site, lot).items if i.kind == "measurement_time"]
    assert {i.check_id for i in items} >= {"CART-IPC-09-VCD"} and reason in items[0].detail


def test_a_count_from_the_future_needs_a_reason(site, tech, lot, tmp_path):
    path = _nucleoview(tmp_path, "20261103 100000")  # a day after the clock
    with pytest.raises(NeedsReason, match="in the future"):
        imports.import_file(site, tech, lot, path, step="CART-S09")


def test_the_same_measurement_in_another_file_is_refused(site, tech, lot, tmp_path):
    first = _nucleoview(tmp_path, "20261102 100500", "first.csv")
    again = _nucleoview(tmp_path, "20261102 100500", "again.csv", separator=",")
    assert first.read_bytes() != again.read_bytes()
    imports.import_file(site, tech, lot, first, step="CART-S09")
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0101", "COI-W123426000101")
    with pytest.raises(AlreadyExists, match=r"imported before, from first\.csv"):
        imports.import_file(site, tech, "CT-0101", again, step="CART-S09")
    assert batches.show_batch(site, "CT-0101").check("CART-IPC-09-VCD").current is None


def test_a_count_far_from_its_planned_day_needs_a_reason(site, tech, lot, tmp_path, clock):
    recording.record_value(site, tech, lot, "CART-IPC-05-SEED", "1.0e6")  # day 0: 2026-11-02
    clock.advance(timedelta(days=13))
    path = tmp_path / "d3.csv"
    text = (SAMPLES / "vi-cell-blu-export.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[0], cells[26] = "D3", "11/14/2026 9:00"
    path.write_text(text[0] + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    with pytest.raises(
        NeedsReason, match=r"on day 12 of the batch, far from CART-S07-D3's planned D3"
    ):
        imports.import_file(site, tech, lot, path, timezone="UTC")


# -- entries and excursions in the review ------------------------------------------------------


def test_late_and_out_of_order_entries_are_review_exceptions(site, tech, lot, clock):
    recording.record_value(site, tech, lot, "CART-IPC-05-SEED", "1.0e6")  # D0, day 0
    clock.advance(timedelta(days=13))  # whole steps back-filled 13 days later
    recording.record_value(site, tech, lot, "CART-IPC-04-VIAB", "93")  # planned D0
    recording.record_value(site, tech, lot, "CART-IPC-07A-CAR", "30")  # planned D5
    items = review_batch(site, lot).items
    window = {i.check_id: i for i in items if i.kind == "out_of_window"}
    assert set(window) == {"CART-IPC-04-VIAB", "CART-IPC-07A-CAR"}
    assert "dated day 13; the step is planned for D0" in window["CART-IPC-04-VIAB"].detail
    assert not window["CART-IPC-04-VIAB"].blocking
    clock.advance(timedelta(days=1))
    recording.record_value(site, tech, lot, "CART-IPC-06-TITER", "1.0e8")  # D1 step after D5
    order = [i for i in review_batch(site, lot).items if i.kind == "out_of_order"]
    assert [i.step_id for i in order] == ["CART-S07A"]
    assert "before the first entry of CART-S06" in order[0].detail


def test_an_unassessed_excursion_blocks_the_review(site, people, lot, tmp_path):
    tech, sup, qa = people["tech"], people["sup"], people["qa"]
    log = tmp_path / "reactor.csv"
    rows = [
        f"2026-11-02T0{h}:00:00Z,7.2,{t}" for h, t in ((1, 37.0), (2, 39.5), (3, 39.6), (4, 37.0))
    ]
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + "\n".join(rows) + "\n")
    assert imports.import_file(site, tech, lot, log).excursions == 1
    item = next(i for i in review_batch(site, lot).items if i.kind == "excursion")
    assert item.blocking and "not assessed" in item.detail
    with pytest.raises(Conflict, match=r"process excursion #1 .* is not assessed"):
        sign(site, sup, USER_PASSWORD, lot, "REVIEWED")
    with pytest.raises(PermissionDenied, match="assess process excursions"):
        assess_excursion(site, tech, lot, 1, reason="Probe recalibrated; product not affected")
    view = assess_excursion(
        site, qa, lot, 1, reason="Heater fault 2 h at 39.6 °C; within the validated range"
    )
    assert view.assessed and view.assessed_by == "quinn"
    item = next(i for i in review_batch(site, lot).items if i.kind == "excursion")
    assert not item.blocking and "assessed by quinn" in item.detail
    with pytest.raises(Conflict, match="already assessed"):
        assess_excursion(site, qa, lot, 1, reason="again and again and again")
