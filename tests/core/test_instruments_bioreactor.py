"""Bioreactor logs: the simulator's files read back, local times, gaps, and the refusals; the fast
table reader agrees with the exact one."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.instruments import tracetable
from core.instruments.bioreactor import BioreactorLog, channel_key, split_unit
from core.instruments.model import InstrumentFileInvalid
from core.instruments.simulator import simulate

START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
T0 = START.timestamp()
HEADER = "timestamp,pH,DO (%),temperature (°C)\n"


def _parse(text: str, timezone: str | None = None, encoding: str = "utf-8"):
    return BioreactorLog().parse(text.encode(encoding), "reactor.csv", timezone=timezone)


# --- the simulator, read back ---------------------------------------------------------------


def test_a_simulated_run_reads_back_with_its_excursion(tmp_path):
    out = tmp_path / "run.csv"
    sim = simulate(out, days=3, rate_hz=0.1, start=START, seed=7)
    parsed = BioreactorLog().parse(out.read_bytes(), "run.csv")
    assert parsed.rows == sim.rows == 25920 and parsed.trace is not None
    trace = parsed.trace
    assert [c.key for c in trace.channels] == [
        "ph",
        "do",
        "temperature",
        "glucose",
        "lactate",
        "agitation",
    ]
    assert [c.unit for c in trace.channels] == [None, "%", "°C", "mmol/L", "mmol/L", "rpm"]
    assert trace.first_line == 4 and trace.times[0] == T0
    assert np.all(np.diff(trace.times) == 10.0)
    channel = {c.key: c.values for c in trace.channels}
    temperature = channel["temperature"]
    hot = trace.times[temperature > 38.0]
    assert sim.excursion is not None and len(hot) == 120  # 20 minutes at one reading in 10 s
    assert hot[0] == sim.excursion[0].timestamp() and hot[-1] < sim.excursion[1].timestamp()
    assert sim.excursion[0] == datetime(2024, 5, 3, 18, 0, tzinfo=UTC)  # day 2, 10:00 run time
    assert abs(np.median(temperature) - 37.0) < 0.01
    assert channel["ph"].min() > 7.0 and channel["ph"].max() < 7.4
    assert channel["do"].min() > 38 and channel["do"].max() < 52
    assert channel["glucose"][0] > 19 and channel["lactate"][-1] > channel["lactate"][0]
    assert any("Lotbook simulator" in note for note in parsed.notes)


def test_the_simulator_is_deterministic_and_the_excursion_optional(tmp_path):
    a, b, c = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv"))
    simulate(a, days=0.5, rate_hz=0.05, start=START, seed=3)
    simulate(b, days=0.5, rate_hz=0.05, start=START, seed=3)
    quiet = simulate(c, days=0.5, rate_hz=0.05, start=START, seed=3, excursion=False)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert quiet.excursion is None
    values = {ch.key: ch.values for ch in BioreactorLog().parse(c.read_bytes(), "c").trace.channels}
    assert values["temperature"].max() < 37.5
    short = BioreactorLog().parse(a.read_bytes(), "a").trace
    temperature = short.channels[2].values
    assert (temperature > 38).sum() == 60  # 20 minutes at one reading in 20 s


def test_paced_writing_waits_and_flushes_each_line(tmp_path):
    waits: list[float] = []
    now = [100.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    out = tmp_path / "live.csv"
    sim = simulate(
        out, days=60 / 86400, rate_hz=1, start=START, speed=10, sleep=sleep, clock=lambda: now[0]
    )
    assert sim.rows == 60 and len(waits) == 59 and all(abs(w - 0.1) < 1e-9 for w in waits)
    paced = BioreactorLog().parse(out.read_bytes(), "live.csv").trace
    fast = tmp_path / "fast.csv"
    simulate(fast, days=60 / 86400, rate_hz=1, start=START)
    assert out.read_bytes() == fast.read_bytes() and len(paced.times) == 60


def test_fractional_rates_write_fractional_seconds(tmp_path):
    out = tmp_path / "fast.csv"
    simulate(out, days=10 / 86400, rate_hz=4, start=START, excursion=False)
    trace = BioreactorLog().parse(out.read_bytes(), "fast.csv").trace
    assert np.allclose(np.diff(trace.times), 0.25)
    assert "T08:00:00.250Z" in out.read_text()


# --- the format -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pH", ("ph", "pH", None)),
        ("DO (%)", ("do", "DO", "%")),
        ("dO2 (%)", ("do", "dO2", "%")),
        ("pO2 [%]", ("do", "pO2", "%")),
        ("temperature (°C)", ("temperature", "temperature", "°C")),
        ("Temp (°C)", ("temperature", "Temp", "°C")),
        ("Stirrer (rpm)", ("agitation", "Stirrer", "rpm")),
        ("rpm", ("agitation", "rpm", None)),
        ("CO2 (%)", ("co2", "CO2", "%")),
        ("Feed pump 2 (mL/h)", ("feed_pump_2", "Feed pump 2", "mL/h")),
    ],
)
def test_channel_names_map_to_template_keys(header, expected):
    name, unit = split_unit(header)
    assert (channel_key(name), name, unit) == expected


def test_empty_cells_are_gaps_and_decimal_commas_are_read():
    text = (
        "# timezone: UTC\ntime;pH;DO (%)\n"
        "2024-05-01T08:00:00;7,20;45,1\n2024-05-01T08:00:01;;45,3\n2024-05-01T08:00:02;7,18;\n"
    )
    parsed = _parse(text)
    ph, do = (c.values for c in parsed.trace.channels)
    assert parsed.decimal == "," and parsed.delimiter == ";"
    assert ph[0] == 7.2 and np.isnan(ph[1]) and do[1] == 45.3 and np.isnan(do[2])
    assert parsed.trace.times.tolist() == [T0, T0 + 1, T0 + 2]


def test_a_log_reencoded_as_utf16_reads_the_same():
    text = HEADER + "2024-05-01T08:00:00Z,7.2,45,37.0\n2024-05-01T08:00:05Z,7.1,44,37.1\n"
    assert _parse(text, encoding="utf-16").trace.times.tolist() == [T0, T0 + 5]


def test_times_in_the_zone_the_file_states_or_the_site_zone():
    rows = "2024-05-01T10:00:00,7.2,45,37\n2024-05-01T10:00:01,7.2,45,37\n"
    stated = _parse("# timezone: Europe/Berlin\n" + HEADER + rows, timezone="Asia/Tokyo")
    assert stated.trace.times[0] == T0  # 10:00 CEST is 08:00 UTC; the file's zone wins
    assert any("as the file states (line 1)" in note for note in stated.notes)
    site = _parse(HEADER + rows, timezone="Europe/Berlin")
    assert site.trace.times[0] == T0 and any("site's time zone" in n for n in site.notes)
    with pytest.raises(InstrumentFileInvalid) as caught:
        _parse(HEADER + rows)
    assert caught.value.line == 2 and "has no time zone" in caught.value.reason
    header_zone = _parse(HEADER.replace("timestamp", "Time (Europe/Berlin)") + rows, "Asia/Tokyo")
    assert header_zone.trace.times[0] == T0
    assert any("as the time column's header states" in note for note in header_zone.notes)
    spaced = _parse("# Time zone: Europe/Berlin\n" + HEADER + rows)
    assert spaced.trace.times[0] == T0
    with pytest.raises(InstrumentFileInvalid, match="line 1: 'Europe/Nowhere' is not a time zone"):
        _parse("# timezone: Europe/Nowhere\n" + HEADER + rows)


def test_offsets_and_the_hour_that_repeats_when_clocks_go_back():
    offset = _parse(HEADER + "2024-05-01T10:00:00+02:00,7.2,45,37\n")
    assert offset.trace.times[0] == T0
    # 27 Oct 2024, Berlin: 02:00-03:00 happens twice; a log every 20 minutes runs through it
    stamps = ["01:40", "02:00", "02:20", "02:40", "02:00", "02:20", "02:40", "03:00"]
    body = "".join(f"2024-10-27T{s}:00,7.2,45,37\n" for s in stamps)
    for extra in ("", "# a comment takes the exact reader\n"):
        parsed = _parse(HEADER + extra + body, timezone="Europe/Berlin")
        steps = np.diff(parsed.trace.times)
        assert np.all(steps == 1200), steps
        (note,) = [n for n in parsed.notes if "occurs twice" in n]
        assert f"line {6 + len(extra and 'x')}: from 2024-10-27T02:00:00 on" in note
    with pytest.raises(InstrumentFileInvalid, match=r"line 3: .*does not exist in Europe/Berlin"):
        _parse(
            HEADER + "2024-03-31T01:30:00,7,45,37\n2024-03-31T02:30:00,7,45,37\n", "Europe/Berlin"
        )


@pytest.mark.parametrize("comment", ["", "# operator note\n"])  # the fast and the exact reader
@pytest.mark.parametrize(
    ("row", "line", "reason"),
    [
        ("2024-05-01T08:00:02Z,7.2,warm,37", 4, "'warm' in column DO \\(%\\) is not a number"),
        ("2024-05-01T08:00:02Z,7.2,nan,37", 4, "'nan' in column DO"),
        ("2024-05-01T08:00:02Z,7.2,1e400,37", 4, "'1e400' in column DO"),
        ("2024-05-01T07:59:59Z,7.2,45,37", 4, "earlier than 2024-05-01T08:00:01Z on line 3"),
        ("2024-05-01T08:00:02Z,7.2,45", 4, "has 3 fields but the header \\(line 1\\) has 4"),
        ("2024-05-01T08:00:02Z,7.2,45,37,1", 4, "has 5 fields"),
        ("2024-05-01T08:00", 4, "has 1 fields"),  # the last line cut off
        ("2024-05-01T08:00:02,7.2,45,37", 4, "has no time zone"),
        ("2024-13-01T08:00:02Z,7.2,45,37", 4, "not a valid time"),
        (",7.2,45,37", 4, "the time is missing"),
    ],
)
def test_a_bad_row_refuses_the_log_at_its_line(comment, row, line, reason):
    good = "2024-05-01T08:00:00Z,7.2,45,37\n2024-05-01T08:00:01Z,7.2,45,37\n"
    text = HEADER + good + comment + row + "\n"
    with pytest.raises(InstrumentFileInvalid, match=reason) as caught:
        _parse(text)
    assert caught.value.line == line + (1 if comment else 0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "The file is empty"),
        ("# only a comment\n", "no header line"),
        (HEADER, "line 1: the header is not followed by any data row"),
        ("when,pH\n2024-05-01T08:00:00Z,7\n", "starts with the time"),
        ("timestamp,pH,ph\n", "both the channel 'ph'"),
        ("timestamp,,pH\n", "column 2 of the header has no name"),
    ],
)
def test_a_log_without_data_or_with_a_bad_header_is_refused(text, reason):
    with pytest.raises(InstrumentFileInvalid, match=reason):
        _parse(text)


def test_recognition():
    assert BioreactorLog().recognises("# instrument: x\n" + HEADER)
    assert BioreactorLog().recognises("Time;pH\n")
    assert BioreactorLog().recognises('"Timestamp (UTC)",pH\n')
    assert not BioreactorLog().recognises("Sample ID,Viable (x10^6) cells/mL\n")
    assert not BioreactorLog().recognises("")


# --- the fast reader agrees with the exact one ------------------------------------------------

_GOOD = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}"),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["", "1e5", "1E-3", "2.5e+2", "-0", "+.5", "1.", "1e100", "9.9e100"]),
)
_CELLS = st.one_of(
    _GOOD,
    st.sampled_from([" ", ".", "-", "1e", "e5", "+-1", "1-2"]),
    st.sampled_from(["1,5", "1.5.5", "1 2", "--1", "1e999", "1e-400", "7,2", "0x1", "nan", "T"]),
    st.sampled_from(["1e100", "1e101", "9.9e100", "1e-100", "1e-101", "0" * 250 + "1"]),
)
_TIMES = st.sampled_from(
    [
        "2024-05-01T08:00:0{}Z",
        "2024-05-01 08:00:0{}Z",
        "2024-05-01T08:00:0{}.5Z",
        "2024-05-01T08:00:0{}.125000Z",
        "2024-05-01T08:00:0{}.1234567Z",
        "2024-05-01T10:00:0{}+02:00",
        "2024-05-01T08:00:0{}",
        "2024-02-30T08:00:0{}Z",
        "2024-05-01T08:00:0{}z",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    shape=_TIMES,
    delimiter=st.sampled_from([",", ";", "\t"]),
    zone=st.sampled_from([None, "Europe/Berlin"]),
)
def test_the_fast_reader_never_accepts_what_the_exact_one_refuses(data, shape, delimiter, zone):
    from zoneinfo import ZoneInfo

    clean = data.draw(st.booleans())  # half the tables hold only numbers the fast reader takes
    cell = _GOOD if clean else _CELLS
    rows = data.draw(st.lists(st.tuples(st.integers(0, 9), cell, cell), min_size=1, max_size=6))
    if clean:
        rows.sort()
    lines = [delimiter.join([shape.format(t), a, b]) for t, a, b in rows]
    block = "\n".join(lines) + "\n"
    layout = tracetable.Layout("f", 2, 1, delimiter, 3, 0, (1, 2), ("a", "b"))
    tz = ZoneInfo(zone) if zone else None
    try:
        fast = tracetable._fast(block, layout, tz)
    except InstrumentFileInvalid as error:
        fast = error
    try:
        exact = tracetable._exact(block, layout, tz)
    except InstrumentFileInvalid as error:
        exact = error
    if fast is None:
        return
    if isinstance(fast, InstrumentFileInvalid):
        assert isinstance(exact, InstrumentFileInvalid) and exact.line == fast.line
        return
    assert not isinstance(exact, InstrumentFileInvalid), exact
    assert np.array_equal(fast.times, exact.times)
    for mine, theirs in zip(fast.values, exact.values, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=True)
    assert fast.decimal == exact.decimal and fast.rows == exact.rows


def test_a_large_log_takes_the_fast_reader(tmp_path, monkeypatch):
    out = tmp_path / "big.csv"
    simulate(out, days=1, rate_hz=0.5, start=START)
    monkeypatch.setattr(tracetable, "_exact", lambda *a: pytest.fail("took the exact reader"))
    parsed = BioreactorLog().parse(out.read_bytes(), "big.csv")
    assert parsed.rows == 43200
