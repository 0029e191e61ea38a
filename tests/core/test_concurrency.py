"""Workstations writing at once: separate processes record into one site database (SQLite and
PostgreSQL) as fast as they can. Nothing may be lost, the audit chain may neither gap nor fork,
and a writer that cannot get the lock is told so in one line, never "unexpected error".

``run_writers`` is also what tests/benchmarks/bench_concurrency.py runs at full size."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.services import audit_trail, batches, recording
from core.services.users import authenticate
from core.store import engine as engine_module
from core.store import open_database
from core.store.faults import BUSY_TEXT, DatabaseBusy
from tests.conftest import USER_PASSWORD, make_user

TEMPLATE, COI = "cart-auto-lv", "COI-W123426000042"
CHECK = "CART-IPC-01-CD3"  # a number with a wide range: each entry a new version of it
WRITERS, ENTRIES = 4, 200


def lot_of(writer: int) -> str:
    return f"CT-CONC-{writer + 1}"


def value_of(entry: int) -> str:
    return f"{2500 + entry % 997}e6"  # never equal to the version before it


def _writer(url: str, username: str, lot: str, entries: int, barrier, results) -> None:
    """One workstation: the first value of the check, then a correction after another."""
    db = open_database(url)
    actor = authenticate(db, username, USER_PASSWORD)
    problems: Counter = Counter()
    times: list[float] = []
    barrier.wait()
    began = time.perf_counter()
    for entry in range(entries):
        start = time.perf_counter()
        try:
            if entry == 0:
                recording.record_value(db, actor, lot, CHECK, value_of(entry))
            else:
                recording.correct_value(db, actor, lot, CHECK, value_of(entry), "re-counted")
        except DomainError as error:
            problems[f"refused: {error}"] += 1
        except Exception as error:  # what a user would have seen as an unexpected error
            problems[f"unexpected error: {type(error).__name__}: {error}"[:300]] += 1
        times.append(time.perf_counter() - start)
    results.put((lot, time.perf_counter() - began, dict(problems), sorted(times)))
    db.dispose()


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time from the start signal until the last writer finished
    per_writer: dict[str, float]
    problems: dict[str, int]
    median_ms: float
    p99_ms: float


def prepare_site(db, admin, writers: int) -> list[str]:
    """Technicians w1…wN (one per workstation), each with a batch of their own."""
    names = []
    for n in range(writers):
        tech = make_user(db, admin, f"w{n + 1}", "technician", f"Writer {n + 1}")
        batches.start_batch(db, tech, TEMPLATE, lot_of(n), COI)
        names.append(tech.username)
    return names


def run_writers(url: str, usernames: list[str], entries: int, timeout: float = 600) -> Run:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(usernames) + 1), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(url, name, lot_of(n), entries, barrier, results))
        for n, name in enumerate(usernames)
    ]
    for proc in procs:
        proc.start()
    try:
        barrier.wait(timeout=120)  # every writer has opened the database and logged in
        began = time.perf_counter()
        outcomes = [results.get(timeout=timeout) for _ in procs]
        seconds = time.perf_counter() - began
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    problems: Counter = Counter()
    times: list[float] = []
    for _, _, seen, writer_times in outcomes:
        problems.update(seen)
        times.extend(writer_times)
    times.sort()
    return Run(
        seconds=seconds,
        per_writer={lot: round(s, 2) for lot, s, _, _ in outcomes},
        problems=dict(problems),
        median_ms=1000 * times[len(times) // 2],
        p99_ms=1000 * times[int(len(times) * 0.99)],
    )


def check_nothing_lost(db, writers: int, entries: int) -> dict:
    """Every entry stored as its own version with its own event; the chain intact, gapless and
    unforked. Returns the figures."""
    result = sa.table("result", sa.column("batch_id"), sa.column("check_id"), sa.column("version"))
    batch = sa.table("batch", sa.column("id"), sa.column("lot"))
    event = sa.table("audit_event", sa.column("seq"))
    with db.engine.connect() as conn:
        for n in range(writers):
            stored = (
                conn.execute(
                    sa.select(result.c.version)
                    .select_from(result.join(batch, batch.c.id == result.c.batch_id))
                    .where(batch.c.lot == lot_of(n), result.c.check_id == CHECK)
                    .order_by(result.c.version)
                )
                .scalars()
                .all()
            )
            assert stored == list(range(1, entries + 1)), f"{lot_of(n)}: versions lost"
        seqs = conn.execute(sa.select(event.c.seq).order_by(event.c.seq)).scalars().all()
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "the audit chain has a gap"
    for n in range(writers):
        lot_events = audit_trail.events(db, lot=lot_of(n), action="result.")
        assert len(lot_events) == entries, f"{lot_of(n)}: {len(lot_events)} events"
    report = audit_trail.verify(db)
    assert report.intact, report.summary()  # each event links to the one before: no fork
    return {"events": report.events, "versions": writers * entries}


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_writers_at_once_lose_nothing_and_keep_one_chain(site, admin, db_url):
    usernames = prepare_site(site, admin, WRITERS)
    run = run_writers(db_url, usernames, ENTRIES)
    assert run.problems == {}, run.problems
    check_nothing_lost(site, WRITERS, ENTRIES)


# -- SQLite: the write lock held longer than the busy timeout --------------------------------------


@pytest.mark.sqlite_only(reason="SQLite's file lock and busy timeout")
def test_a_write_blocked_past_the_busy_timeout_is_refused_in_one_line(
    site, tech, db_url, monkeypatch, capsys
):
    from cli.app import main

    batches.start_batch(site, tech, TEMPLATE, "CT-BUSY", COI)
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(site.path, isolation_level=None)  # another workstation
    other.execute("BEGIN IMMEDIATE")
    try:
        db = open_database(db_url)
        began = time.perf_counter()
        with pytest.raises(DatabaseBusy) as refused:
            recording.record_value(db, tech, "CT-BUSY", CHECK, "2.6e9")
        waited = time.perf_counter() - began
        db.dispose()
        assert str(refused.value) == BUSY_TEXT
        assert 0.25 < waited < 5, waited  # it waited for the lock, then gave up
        monkeypatch.setenv("LOTBOOK_PASSWORD", USER_PASSWORD)
        argv = ["batch", "record", "CT-BUSY", CHECK, "2.6e9", "--user", "tess", "--db", db_url]
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 1 and err.strip() == f"lotbook: {BUSY_TEXT}", err
    finally:
        other.execute("ROLLBACK")
        other.close()
    view = batches.show_batch(site, "CT-BUSY")
    assert view.check(CHECK).current is None  # nothing was saved
    assert recording.record_value(site, tech, "CT-BUSY", CHECK, "2.6e9").entry.current


@pytest.mark.sqlite_only(reason="SQLite's file lock and busy timeout")
def test_a_lock_released_within_the_busy_timeout_is_waited_for(site, tech, db_url):
    import threading

    batches.start_batch(site, tech, TEMPLATE, "CT-WAIT", COI)
    other = sqlite3.connect(site.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    began = time.perf_counter()
    out = recording.record_value(site, tech, "CT-WAIT", CHECK, "2.6e9")
    waited = time.perf_counter() - began
    other.close()
    assert Decimal(out.entry.current.value) == 2600000000 and waited >= 0.4


@pytest.mark.sqlite_only(reason="a fresh engine on a copy of the file")
def test_no_listener_is_added_to_an_engine_once_it_is_in_use(site, tech, tmp_path):
    """Two screens read a batch at once on a database just opened (the growth and the trace
    tabs): nothing may add a SQLAlchemy listener to the engine then, or another thread's
    transaction fails with "deque mutated during iteration"."""
    import threading

    batches.start_batch(site, tech, "cart-auto-lv", "CT-LISTEN", "COI-W123426000042")
    copy = tmp_path / "copy.db"
    with sqlite3.connect(site.path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    from core.store.database import Database

    url = f"sqlite:///{copy}"
    engine = engine_module.make_engine(url)  # a database just opened: its engine never used
    db = Database(url, engine)
    counts = {kind: len(getattr(engine.dispatch, kind)) for kind in ("begin", "commit")}
    failures: list[BaseException] = []

    from core.services.growth import growth_view

    def read() -> None:
        try:
            for _ in range(20):
                growth_view(db, "CT-LISTEN")  # reads named checks' versions (cached per engine)
                batches.show_batch(db, "CT-LISTEN")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert {kind: len(getattr(engine.dispatch, kind)) for kind in counts} == counts
    db.dispose()
