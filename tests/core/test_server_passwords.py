"""A PostgreSQL site's password never shows: not in a refusal, not on the command line's stderr,
not in the log, not in the audit trail or a report, whether the password is right or wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import StoreError
from core.services import audit_trail
from core.services.site import init_site
from core.store import open_database
from core.store.faults import shown_url, without_password
from tests.conftest import ADMIN_PASSWORD
from tests.pg_server import SUPERUSER

ROOT = Path(__file__).resolve().parents[2]
WRONG = "Wr0ng-secret:pass@word"  # URL-special characters, as real passwords have


def _url(pg_server, database: str, password: str) -> str:
    from urllib.parse import quote_plus

    return pg_server.url(database, password=quote_plus(password))


def test_a_wrong_password_is_refused_without_showing_it(pg_server):
    name = pg_server.new_database()
    url = _url(pg_server, name, WRONG)
    with pytest.raises(StoreError) as refused:
        open_database(url)
    message = str(refused.value)
    assert "password authentication failed" in message and "***" in message
    assert "Wr0ng" not in message and "word" not in message.split("***")[-1][:5]
    assert message.count("\n") == 0


def test_the_command_line_and_its_log_never_show_the_password(pg_server, tmp_path):
    name = pg_server.new_database()
    env = {**os.environ, "LOTBOOK_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    # a wrong password; then the right one for a database that does not exist
    for database, password in ((name, WRONG), (name + "_gone", pg_server.password)):
        proc = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "user", "list"],
            env={**env, "LOTBOOK_DB": _url(pg_server, database, password)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 1 and proc.stderr.startswith("lotbook: "), proc.stderr
        assert password not in proc.stderr + proc.stdout
        assert "***" in proc.stderr and proc.stderr.count("\n") == 1
    logged = "".join(p.read_text() for p in (tmp_path / "data").rglob("*.log"))
    assert WRONG not in logged and pg_server.password not in logged


def test_a_site_opened_with_a_password_in_its_url_names_itself_without_it(pg_server, clock):
    name = pg_server.new_database()
    url = _url(pg_server, name, pg_server.password)
    db = init_site(url, "ada", "Ada Admin", ADMIN_PASSWORD, clock=clock)
    try:
        assert pg_server.password not in db.display_name and "***" in db.display_name
        (created,) = [e for e in audit_trail.events(db) if e.action == "site.create"]
        assert pg_server.password not in created.entity_id + (created.new or "")
    finally:
        db.dispose()
    with pytest.raises(StoreError, match="already exists") as again:
        init_site(url, "bob", "Bob B", ADMIN_PASSWORD, clock=clock)
    assert pg_server.password not in str(again.value)


def test_driver_text_is_scrubbed_of_the_password_as_typed_and_encoded():
    url = f"postgresql+psycopg://{SUPERUSER}:s3cret%40x@db.example/site"
    assert shown_url(url) == f"postgresql+psycopg://{SUPERUSER}:***@db.example/site"
    text = 'invalid dsn: "password=s3cret@x host=db.example" and s3cret%40x'
    assert without_password(text, url) == 'invalid dsn: "password=*** host=db.example" and ***'
