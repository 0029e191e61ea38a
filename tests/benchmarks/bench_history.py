"""Recording on a check whose history is long costs what it costs on a new one (issue 12).

Two batches of one site, the same check: one with 10 versions, one with 8,000 (grown in one unit
of work: each version a result row with its audit event). Corrections alternate between the two,
so both see the same disk; the medians must stay within 1.5× of each other, on SQLite and on
PostgreSQL. The first entry of a process on the long history reads it once (shown as "cold").
"""

from __future__ import annotations

import statistics
import time

import pytest

from core.records.result_rows import ResultRow, account_and_batch, insert_result
from core.services import recording
from core.store import open_database
from core.validation import scratch

CHECK = "CART-IPC-01-CD3"
SHORT, LONG = 10, 8000
ROUNDS = 200


def _grow(db, tech, lot: str, to: int) -> None:
    """Versions 2…to of the check, each with its audit event, in one unit of work."""
    with db.unit_of_work(tech.username) as uow:
        _, batch = account_and_batch(uow.connection, tech.username, lot)
        for version in range(2, to + 1):
            value = str(2_000_000_000 + version)
            insert_result(
                uow.connection,
                batch.id,
                ResultRow(
                    check_id=CHECK,
                    version=version,
                    kind="correction",
                    raw_text=value,
                    value=value,
                    value_number=float(value),
                    unit="cells",
                    verdict="report",
                    rule="no limit",
                    final=True,
                    comment=None,
                    deviation_id=None,
                    reason="re-counted",
                    source="manual",
                    recorded_by=tech.username,
                    recorded_at=uow.now,
                ),
            )
            uow.audit(
                "result.correct",
                "result",
                f"{lot}/{CHECK}/v{version}",
                lot=lot,
                new={"value": value, "version": version},
                reason="re-counted",
            )


def _correct(db, tech, lot: str, n: int) -> float:
    began = time.perf_counter()
    recording.correct_value(db, tech, lot, CHECK, f"{2500 + n % 997}e6", "re-counted")
    return time.perf_counter() - began


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_recording_time_is_flat_as_the_history_grows(engine, tmp_path, request, report):
    site_url = None if engine == "sqlite" else request.getfixturevalue("pg_server").url("postgres")
    site = scratch.create_site(tmp_path / "site", site_url=site_url)
    try:
        scratch.add_people(site)
        tech = site.people["tech"]
        for lot, size in (("H-SHORT", SHORT), ("H-LONG", LONG)):
            scratch.start_batch(site, lot)
            recording.record_value(site.db, tech, lot, CHECK, "2.6e9")
            began = time.perf_counter()
            _grow(site.db, tech, lot, size)
            grown = time.perf_counter() - began
        fresh = open_database(site.url)  # a new process's engine: nothing remembered yet
        cold = _correct(fresh, tech, "H-LONG", 0)
        fresh.dispose()
        for n in range(1, 6):  # warm up both
            _correct(site.db, tech, "H-SHORT", n)
            _correct(site.db, tech, "H-LONG", n)
        short, long = [], []
        for n in range(6, 6 + ROUNDS):
            short.append(_correct(site.db, tech, "H-SHORT", n))
            long.append(_correct(site.db, tech, "H-LONG", n))
        med_short, med_long = statistics.median(short), statistics.median(long)
        ratio = med_long / med_short
        report(
            f"history_{engine}",
            {
                "engine": engine,
                "versions_short_long": [SHORT, LONG],
                f"grew_{LONG}_versions_s": round(grown, 2),
                "median_ms_short": round(1000 * med_short, 2),
                "median_ms_long": round(1000 * med_long, 2),
                "ratio_long_over_short": round(ratio, 2),
                "goal_ratio_at_most": 1.5,
                "cold_first_entry_on_long_ms": round(1000 * cold, 1),
                "entries_per_min_long": round(60 / med_long),
            },
        )
        assert ratio <= 1.5, f"{ratio:.2f}× slower on the long history"
    finally:
        site.close()
