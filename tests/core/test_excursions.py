"""Excursion detection: the hold time, the band's edges, gaps, pieces, and both sides."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.series.excursions import Band, ExcursionTracker, find_excursions

BAND = Band(low=36.0, high=38.0, hold_s=600)  # 10 minutes


def minutes(values: list[float]) -> tuple[np.ndarray, np.ndarray]:
    times = np.arange(len(values), dtype=float) * 60.0 + 1_700_000_000
    return times, np.asarray(values, dtype=float)


def test_outside_for_exactly_the_hold_time_is_not_an_excursion():
    times, values = minutes([37.0] + [38.5] * 11 + [37.0])  # outside 0..600 s: not longer than hold
    assert find_excursions(times, values, BAND) == []


def test_outside_longer_than_the_hold_time_is_one_excursion_with_its_extreme_and_end():
    times, values = minutes([37.0] + [38.5] * 11 + [39.2] + [37.0] * 3)
    events = find_excursions(times, values, BAND)
    assert len(events) == 1
    (e,) = events
    assert (e.kind, e.side, e.limit, e.extreme) == ("ended", "high", 38.0, 39.2)
    assert e.started == times[1] and e.at == times[13]


def test_a_value_on_the_limit_is_inside_the_band():
    times, values = minutes([38.0] * 30 + [36.0] * 30)
    assert find_excursions(times, values, BAND) == []


def test_pieces_give_the_same_answer_as_the_whole():
    times, values = minutes([37.0] * 5 + [35.0] * 20 + [37.0] * 5 + [38.6] * 15 + [37.0])
    whole = find_excursions(times, values, BAND)
    tracker = ExcursionTracker(BAND)
    pieces = []
    for i in range(0, len(times), 7):
        pieces.extend(tracker.feed(times[i : i + 7], values[i : i + 7]))
    assert [(e.kind, e.side) for e in pieces] == [
        ("detected", "low"),
        ("ended", "low"),
        ("detected", "high"),
        ("ended", "high"),
    ]
    assert [(e.side, e.started) for e in whole] == [(e.side, e.started) for e in pieces[::2]]


def test_each_excursion_is_reported_once_however_long():
    tracker = ExcursionTracker(BAND)
    times, values = minutes([39.0] * 300)
    events = []
    for i in range(0, 300, 10):
        events += tracker.feed(times[i : i + 10], values[i : i + 10])
    assert [e.kind for e in events] == ["detected"]
    assert tracker.open is not None and tracker.open.side == "high"


def test_gaps_neither_end_nor_start_an_excursion():
    times, values = minutes([39.0] * 5 + [np.nan] * 3 + [39.0] * 8 + [37.0])
    (e,) = find_excursions(times, values, BAND)
    assert e.kind == "ended" and e.started == times[0]


def test_crossing_the_band_at_once_ends_one_and_starts_another():
    times, values = minutes([39.0] * 15 + [35.0] * 15)
    events = find_excursions(times, values, BAND)
    assert [(e.side, e.kind) for e in events] == [("high", "ended"), ("low", "detected")]


def test_a_band_with_one_limit_and_no_hold():
    band = Band(low=5.0, high=None, hold_s=0)
    times, values = minutes([6.0, 4.9, 6.0])
    (e,) = find_excursions(times, values, band)
    assert (e.side, e.extreme) == ("low", 4.9)


@given(st.lists(st.floats(30, 45, allow_nan=False), min_size=1, max_size=200), st.integers(1, 50))
@settings(max_examples=200, deadline=None)
def test_feeding_in_any_pieces_agrees_with_feeding_at_once(values, piece):
    times = np.arange(len(values), dtype=float) * 60.0
    v = np.asarray(values)
    at_once = ExcursionTracker(BAND).feed(times, v)
    tracker = ExcursionTracker(BAND)
    pieces = []
    for i in range(0, len(values), piece):
        pieces += tracker.feed(times[i : i + piece], v[i : i + piece])
    assert [(e.kind, e.side, e.started, e.at) for e in pieces] == [
        (e.kind, e.side, e.started, e.at) for e in at_once
    ]


@pytest.mark.parametrize("hold", [0, 60, 600])
def test_nothing_outside_means_nothing_reported(hold):
    times, values = minutes([37.0] * 50)
    assert find_excursions(times, values, Band(36.0, 38.0, hold)) == []
