"""The operational qualification runs on the site's own engine: a PostgreSQL site's OQ on a
scratch database of the same server (created, then dropped), its SQLite-specific checks done the
server's way; a role that may not create databases is refused before anything runs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.auth.policy import SitePolicy
from core.validation import scratch
from core.validation.model import Outcome
from core.validation.oq import CHECKS, run_oq

TAMPER_CHECKS = tuple(c for c in CHECKS if c.id in ("OQ-02", "OQ-03", "OQ-21"))


def _scratch_databases(pg_server) -> list[str]:
    engine = sa.create_engine(pg_server.url("postgres"), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
            {"prefix": "lotbook\\_oq\\_%"},
        )
        found = [row[0] for row in names]
    engine.dispose()
    return found


def test_a_postgresql_sites_oq_runs_on_its_server_and_leaves_nothing(pg_server):
    site_url = pg_server.url("postgres")
    items = run_oq(SitePolicy(), checks=TAMPER_CHECKS, site_url=site_url)
    by_id = {item.id: item for item in items}
    assert all(item.result == Outcome.PASS for item in items), [i.observed for i in items]
    refusal = by_id["OQ-02"].observed
    assert "UPDATE refused" in refusal and "DELETE refused" in refusal
    assert "audit_event is append-only" in refusal  # the server's own trigger said no
    assert "tables' owner" in by_id["OQ-03"].observed
    assert "Audit trail BROKEN at event" in by_id["OQ-03"].observed
    assert _scratch_databases(pg_server) == []  # the scratch and the tampered copy are dropped


def test_the_report_names_the_engine_and_server_version(pg_server, tmp_path):
    label = scratch.engine_label(pg_server.url("postgres"))
    assert label.startswith("PostgreSQL 15.") and f"127.0.0.1:{pg_server.port}" in label
    assert scratch.engine_label(f"sqlite:///{tmp_path / 'x.db'}").startswith("SQLite 3.")


def test_a_role_without_createdb_is_refused_in_one_line(pg_server):
    from tests.pg_server import PLAIN_ROLE

    url = pg_server.url("postgres", user=PLAIN_ROLE, password=pg_server.plain_password)
    with pytest.raises(scratch.ScratchRefused) as refused:
        run_oq(SitePolicy(), checks=TAMPER_CHECKS, site_url=url)
    message = str(refused.value)
    assert f"'{PLAIN_ROLE}' may not create databases" in message
    assert f"ALTER ROLE {PLAIN_ROLE} CREATEDB" in message and "\n" not in message
    assert pg_server.plain_password not in message and "***" in message


def test_a_sqlite_sites_oq_stays_on_a_scratch_file():
    items = run_oq(SitePolicy(), checks=TAMPER_CHECKS)
    assert all(item.result == Outcome.PASS for item in items), [i.observed for i in items]
    assert "guard triggers dropped, event" in items[1].observed
