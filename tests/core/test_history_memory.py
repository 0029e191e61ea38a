"""An entry reads only the versions of its check that are newer than those its engine remembers
(core/records/result_rows.py): the history it shows must still be the whole, true history —
with other workstations writing too, and after a transaction that rolled back."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.records import result_rows
from core.services import batches, recording
from core.store import open_database

LOT, COI, CHECK = "CT-0300", "COI-W123426000042", "CART-IPC-01-CD3"


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", LOT, COI)
    recording.record_value(site, tech, LOT, CHECK, "2.6e9")
    return LOT


def _versions(outcome) -> list[int]:
    return [v.version for v in outcome.entry.history]


def test_two_workstations_each_show_the_whole_history(site, tech, cart, clock):
    other = open_database(site.url, clock=clock)  # another workstation, its own engine
    try:
        for n in range(2, 12):
            db = site if n % 2 else other
            out = recording.correct_value(db, tech, LOT, CHECK, f"{2500 + n}e6", "re-counted")
            assert _versions(out) == list(range(1, n + 1))
            assert out.entry.history[-1].recorded_by == "tess"
    finally:
        other.dispose()
    shown = batches.show_batch(site, LOT).check(CHECK).history
    assert [v.value for v in shown] == [v.value for v in out.entry.history]


def test_a_version_read_in_a_rolled_back_transaction_is_not_remembered(site, tech, cart):
    recording.correct_value(site, tech, LOT, CHECK, "2.7e9", "re-counted")  # remembered: v1, v2

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), site.unit_of_work(tech.username) as uow:
        _, batch = result_rows.account_and_batch(uow.connection, tech.username, LOT)
        (last,) = result_rows.versions(uow.connection, batch.id, [CHECK])[CHECK][-1:]
        result_rows.insert_result(uow.connection, batch.id, replace(last, version=3))
        seen = result_rows.versions(uow.connection, batch.id, [CHECK])[CHECK]
        assert [r.version for r in seen] == [1, 2, 3]  # its own version 3, not committed
        raise Abandoned
    out = recording.correct_value(site, tech, LOT, CHECK, "2.9e9", "re-counted")
    assert _versions(out) == [1, 2, 3]
    assert [v.value for v in out.entry.history][-1] == "2.9E+9"
    out = recording.correct_value(site, tech, LOT, CHECK, "3.0e9", "re-counted")
    stored = batches.show_batch(site, LOT).check(CHECK).history  # read afresh from the database
    assert [v.value for v in out.entry.history] == [v.value for v in stored]
    assert "2.8E+9" not in [v.value for v in out.entry.history]
