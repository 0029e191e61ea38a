"""Four workstations at once, full size (issue 12): 4 writer processes × 10,000 entries into one
site database, on SQLite and on PostgreSQL. Goals: 0 entries lost, no gap or fork in the audit
chain, `audit verify` intact, no "unexpected error" (a writer refused as busy would be counted and
shown, and fails the run too). The small version runs in `make test`
(tests/core/test_concurrency.py)."""

from __future__ import annotations

import pytest

from core.services.users import authenticate
from core.store import open_database
from tests.conftest import ADMIN_PASSWORD
from tests.core.test_concurrency import check_nothing_lost, prepare_site, run_writers

WRITERS, ENTRIES = 4, 10_000


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_four_writers_ten_thousand_entries_each(engine, tmp_path, request, report):
    from core.services.site import init_site
    from tests.conftest import approve_templates

    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'site.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.url(server.new_database("bench"))
    db = init_site(url, "ada", "Ada Admin", ADMIN_PASSWORD)  # the system clock: many processes
    try:
        admin = authenticate(db, "ada", ADMIN_PASSWORD)
        approve_templates(db, admin)
        usernames = prepare_site(db, admin, WRITERS)
        run = run_writers(url, usernames, ENTRIES, timeout=3600)
        checked = open_database(url)
        try:
            figures = check_nothing_lost(checked, WRITERS, ENTRIES)
        finally:
            checked.dispose()
        report(
            f"concurrency_{engine}",
            {
                "engine": engine,
                "writers_x_entries": [WRITERS, ENTRIES],
                "seconds": round(run.seconds, 1),
                "entries_per_min": round(WRITERS * ENTRIES / run.seconds * 60),
                "median_ms": round(run.median_ms, 2),
                "p99_ms": round(run.p99_ms, 2),
                "per_writer_s": run.per_writer,
                "problems": run.problems or "none",
                **figures,
                "audit_verify": "intact",
            },
        )
        assert run.problems == {}, run.problems
    finally:
        db.dispose()
