"""Drive the command line as a user would: argv in, exit status and text out."""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.app import main
from core.store.engine import is_sqlite
from tests.pg_server import parametrize_db_url

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def pytest_generate_tests(metafunc) -> None:
    parametrize_db_url(metafunc)  # on SQLite and on PostgreSQL


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys, db_url):
    """`cli(*argv)` runs the command line on the test's site database: ``cli.db`` is what
    LOTBOOK_DB holds (a SQLite file's path, or a PostgreSQL URL), ``cli.url`` its URL."""
    db = str(tmp_path / "cli.db") if is_sqlite(db_url) else db_url
    monkeypatch.setenv("LOTBOOK_DB", db)

    def run(
        *argv: str, password: str | None = None, new: str | None = None, stdin: str | None = None
    ) -> Outcome:
        if password is None:
            monkeypatch.delenv("LOTBOOK_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("LOTBOOK_PASSWORD", password)
        if new is None:
            monkeypatch.delenv("LOTBOOK_NEW_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("LOTBOOK_NEW_PASSWORD", new)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    run.db = db
    run.url = f"sqlite:///{db}" if is_sqlite(db_url) else db_url
    return run


ADMIN_PW = "admin-pass-2026"
TECH_PW = "bench-pass-2026"


def add_user(cli, name: str, role: str, full: str) -> None:
    """An account with a password of its own (as after its first log-in)."""
    r = cli(
        "user",
        "add",
        name,
        "--role",
        role,
        "--full-name",
        full,
        "--user",
        "ada",
        password=ADMIN_PW,
        new="initial-pass-123",
    )
    assert r.code == 0, r.err
    r = cli("user", "passwd", "--user", name, password="initial-pass-123", new=TECH_PW)
    assert r.code == 0, r.err


@pytest.fixture
def draft_cli(cli):
    """A new site with admin 'ada' and technicians 'tess' and 'vic' who chose their passwords;
    its built-in templates are drafts."""
    assert cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW).code == 0
    for name, full in (("tess", "Tess Technician"), ("vic", "Vic Verifier")):
        add_user(cli, name, "technician", full)
    return cli


@pytest.fixture
def site_cli(draft_cli):
    """As draft_cli, and QA 'tqa' approved the built-in templates (their version 2)."""
    cli = draft_cli
    add_user(cli, "tqa", "qa", "Tara Template-Approver")
    assert cli("ca", "issue", "tqa", "--user", "ada", password=ADMIN_PW).code == 0
    for key in ("cart-auto-lv", "msc-expanded", "aav-hek293", "lv-hek293t"):
        r = cli(
            "template",
            "approve",
            key,
            "--version",
            "2",
            "--reason",
            "example limits confirmed (CC-TEST-1)",
            "--user",
            "tqa",
            password=TECH_PW,
        )
        assert r.code == 0, r.err
    return cli


SIGNING_LOT = "CT-0777"


def _stock(cli) -> None:
    """The lots and equipment the CAR-T template's point-of-use checks scan (core/demo/stock.py)."""
    from core.demo.stock import stock_site
    from core.services.users import authenticate
    from core.store import open_database

    db = open_database(cli.url)
    try:
        admin = authenticate(db, "ada", ADMIN_PW)
        tech, qa = authenticate(db, "tess", TECH_PW), authenticate(db, "quinn", TECH_PW)
        stock_site(db, admin, tech, qa, TECH_PW, today=db.clock.now().date())
    finally:
        db.dispose()


@pytest.fixture
def stocked_cli(signing_site):
    """The signing site stocked with the lots and equipment of the CAR-T template's points of
    use, for tests that fill a whole batch."""
    _stock(signing_site)
    return signing_site


@pytest.fixture
def signing_site(site_cli):
    cli = site_cli
    for name, role, full in (
        ("sam", "supervisor", "Sam Supervisor"),
        ("cleo", "qc", "Cleo Control"),
        ("quinn", "qa", "Quinn QA"),
    ):
        add_user(cli, name, role, full)
    r = cli("ca", "status")
    assert re.search(r"tess .* awaiting issue", r.out), r.out
    r = cli("ca", "issue", "--user", "ada", password="wrong-password-9")
    assert r.code == 1 and "Wrong password" in r.err
    r = cli("ca", "issue", "--user", "ada", password=ADMIN_PW)
    assert r.code == 0 and r.out.count("Issued the certificate") == 5, r.out + r.err
    r = cli(
        "batch",
        "start",
        "--template",
        "cart-auto-lv",
        "--lot",
        SIGNING_LOT,
        "--coi",
        "COI-W123426000042",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    return cli
