"""The anchors and the clock from the command line: a PDF's chain head proved against the
database (`verify-pdf`, `audit verify --pdf`), checkpoints, and clock incidents cleared by an
administrator."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from core.audit import chain_hash
from core.clock import FixedClock
from core.store import open_database
from tests.cli.conftest import ADMIN_PW, SIGNING_LOT, TECH_PW


def _url(cli) -> str:
    return getattr(cli, "url", None) or f"sqlite:///{cli.db}"


def _rewrite_an_early_event(path) -> None:
    """What a validator did: change an early event and recompute the whole chain consistently."""
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    rows = conn.execute("SELECT seq, body FROM audit_event ORDER BY seq").fetchall()
    prev = "0" * 64
    conn.execute("DELETE FROM audit_event")
    for seq, body in rows:
        if seq == 2:
            body = body.replace('"user":"ada"', '"user":"mallory"')
        digest = chain_hash(prev, body.encode())
        conn.execute(
            "INSERT INTO audit_event (seq, body, prev_hash, hash) VALUES (?, ?, ?, ?)",
            (seq, body, prev, digest),
        )
        prev = digest
    conn.execute("UPDATE audit_head SET hash = ?", (prev,))
    conn.commit()
    conn.close()


def test_a_pdf_head_is_proved_against_the_database(signing_site, tmp_path):
    cli = signing_site
    if not _url(cli).startswith("sqlite"):
        pytest.skip("the chain is rewritten through the SQLite file")
    pdf = tmp_path / "summary.pdf"
    r = cli("export-pdf", SIGNING_LOT, "-o", str(pdf), "--user", "quinn", password=TECH_PW)
    assert r.code == 0, r.err
    r = cli("verify-pdf", str(pdf))
    assert r.code == 0 and "Result: VERIFIED" in r.out, r.out + r.err
    r = cli("audit", "verify", "--pdf", str(pdf), "--json")
    assert r.code == 0, r.err
    assert r.json()["intact"] and r.json()["anchors"] >= 1
    _rewrite_an_early_event(cli.db)
    r = cli("verify-pdf", str(pdf))
    assert r.code == 1 and "Result: FAILED" in r.out
    assert "Audit chain: the PDF was made on a chain whose event" in r.out
    r = cli("audit", "verify", "--pdf", str(pdf))
    assert r.code == 1 and "BROKEN" in r.err and "the PDF summary.pdf" in r.out + r.err
    not_pdf = tmp_path / "notes.txt"
    not_pdf.write_text("hello")
    r = cli("audit", "verify", "--pdf", str(not_pdf))
    assert r.code == 1 and "names no audit chain head" in r.err


def test_a_checkpoint_on_request(signing_site):
    cli = signing_site
    before = cli("audit", "verify", "--json").json()["anchors"]
    r = cli("audit", "checkpoint", "--user", "quinn", "--json", password=TECH_PW)
    assert r.code == 0, r.err
    assert r.json()["signer"] == "quinn" and r.json()["purpose"] == "request"
    assert cli("audit", "verify", "--json").json()["anchors"] == before + 1
    r = cli("audit", "checkpoint", "--user", "quinn", password="wrong-password-9")
    assert r.code == 1 and "Wrong password" in r.err


def test_a_clock_incident_listed_and_cleared(signing_site):
    cli = signing_site
    assert "No open clock incidents." in cli("clock", "incidents").out
    ahead = open_database(_url(cli), clock=FixedClock(datetime.now(UTC) + timedelta(days=30)))
    with ahead.unit_of_work("tess") as uow:  # a workstation whose clock ran 30 days ahead
        uow.audit("test.event", "thing", "ahead")
    ahead.dispose()
    r = cli("deviation", "list", SIGNING_LOT)  # reading opens nothing
    assert "No open clock incidents." in cli("clock", "incidents").out
    r = cli(  # the next write from a right clock goes on, and finds the incident
        "batch",
        "record",
        SIGNING_LOT,
        "CART-IPC-00-SLOT",
        "SLOT-7",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    r = cli("clock", "incidents", "--json")
    (incident,) = r.json()
    assert incident["found_by"] == "tess" and incident["cleared_by"] is None
    r = cli(
        "clock",
        "clear",
        str(incident["id"]),
        "--reason",
        "PC-07 ran 30 days ahead; NTP on",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 1 and "may not" in r.err
    r = cli(
        "clock",
        "clear",
        str(incident["id"]),
        "--reason",
        "PC-07 ran 30 days ahead; NTP on",
        "--user",
        "ada",
        password=ADMIN_PW,
    )
    assert r.code == 0, r.err
    assert "No open clock incidents." in cli("clock", "incidents").out
    listed = cli("clock", "incidents", "--all").out
    assert "cleared by ada: PC-07 ran 30 days ahead" in listed
    denied = json.loads(cli("audit", "list", "--action", "auth.denied", "--json").out)
    assert denied and denied[-1]["user"] == "tess"
    assert cli("audit", "verify").code == 0
