"""Drive the command line as a user would: argv in, exit status and text out."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.app import main

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "cli.db")
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
    return run


ADMIN_PW = "admin-pass-2026"
TECH_PW = "bench-pass-2026"


@pytest.fixture
def site_cli(cli):
    """A site with admin 'ada' and technicians 'tess' and 'vic' who chose their passwords."""
    assert cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW).code == 0
    for name, full in (("tess", "Tess Technician"), ("vic", "Vic Verifier")):
        r = cli(
            "user",
            "add",
            name,
            "--role",
            "technician",
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
    return cli
