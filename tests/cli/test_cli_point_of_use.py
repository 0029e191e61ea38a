"""Materials and equipment at the point of use, on the command line: a quarantined lot and an
overdue cabinet are refused (exit 1, the reason on stderr, nothing recorded); QA's override
records the cabinet, with QA's password given apart from the technician's, and opens a deviation
the review lists; a technician cannot override."""

from __future__ import annotations

from datetime import date, timedelta

from tests.cli.conftest import ADMIN_PW, SIGNING_LOT, TECH_PW

REASON = "BSC-01 closed for fumigation; calibration certificate of OQ-BSC-9 awaited"


def _record(cli, check: str, value: str, *extra: str, stdin: str | None = None):
    return cli(
        "batch", "record", SIGNING_LOT, check, value, "--user", "tess", *extra,
        password=None if stdin else TECH_PW, stdin=stdin,
    )  # fmt: skip


def test_refused_then_overridden_by_qa_only(stocked_cli, monkeypatch):
    cli = stocked_cli
    expiry = (date.today() + timedelta(days=90)).isoformat()
    r = cli(
        "material", "receive", "IL2", "IL2-Q-1", "--expiry", expiry, "--quantity", "5",
        "--user", "tess", password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = _record(cli, "CART-IPC-05-IL2", "IL2-Q-1")
    assert r.code == 1 and "is quarantine, not released by QA" in r.err, r.err
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    r = cli(
        "equipment", "register", "OQ-BSC-9", "--type", "biosafety_cabinet", "--name", "Cabinet",
        "--location", "Suite 4", "--calibration-due", yesterday, "--user", "ada",
        password=ADMIN_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = _record(cli, "CART-IPC-05-BSC", "oq-bsc-9")
    assert r.code == 1 and f"calibration was due on {yesterday}" in r.err, r.err
    shown = cli("batch", "show", SIGNING_LOT, "--json").json()
    assert not any(c["id"] == "CART-IPC-05-BSC" and c.get("current") for s in shown["steps"]
                   for c in s["checks"])  # fmt: skip

    # the technician's password on stdin's first line, the other person's on the second
    monkeypatch.delenv("LOTBOOK_QA_PASSWORD", raising=False)
    r = _record(
        cli, "CART-IPC-05-BSC", "OQ-BSC-9", "--qa-override", "vic", "--reason", REASON,
        "--password-stdin", stdin=f"{TECH_PW}\n{TECH_PW}\n",
    )  # fmt: skip
    assert r.code == 1 and "may not override a refused material or equipment" in r.err, r.err
    r = _record(cli, "CART-IPC-05-BSC", "OQ-BSC-9", "--qa-override", "quinn")
    assert r.code == 1 and "needs --reason" in r.err
    monkeypatch.setenv("LOTBOOK_QA_PASSWORD", TECH_PW)
    r = _record(cli, "CART-IPC-05-BSC", "OQ-BSC-9", "--qa-override", "quinn", "--reason", REASON)
    assert r.code == 0 and "Recorded on QA's override" in r.out, r.err
    (dev,) = cli("deviation", "list", SIGNING_LOT, "--json").json()
    assert dev["classification"] == "major" and dev["status"] == "open"
    assert REASON in dev["description"] and "OQ-BSC-9" in dev["description"]
    r = cli("review", SIGNING_LOT)
    assert r.code == 0 and "Used though refused (QA override)" in r.out, r.out
