"""Custody from the command line: a hand-off recorded with the chain-of-identity id scanned (a
wrong one refused with exit 1 and kept on the audit trail), the e-signature a plan asks for with
the same password that logs in, and `custody trail` saying COMPLETE or INCOMPLETE (exit 0)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import ADMIN_PW, TECH_PW
from tests.raw_db import count, without_guards

COI = "COI-W123426000042"
LOT = "AUTO-7"
PLAN = """
[custody]
events = ["collected", "shipped", "received", "handoff", "stored"]
sign = ["received"]
"""
BERLIN = ZoneInfo("Europe/Berlin")


def _typed(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


def _now() -> datetime:
    """Now, read when a test types a time (not when the module was collected: a test run may
    start minutes later, after its batch)."""
    return datetime.now(BERLIN)


YESTERDAY = _typed(_now() - timedelta(days=1))


@pytest.fixture
def auto_cli(signing_site, tmp_path):
    """Lot AUTO-7 of a mini autologous template with a custody plan, in a Berlin site."""
    from tests.core.test_templates import BASE

    cli = signing_site
    r = cli(
        "settings",
        "set",
        "time_zone",
        "Europe/Berlin",
        "--reason",
        "the site is in Berlin (CC-TEST-2)",
        "--user",
        "ada",
        password=ADMIN_PW,
    )
    assert r.code == 0, r.err
    path = tmp_path / "mini.toml"
    path.write_text(BASE + PLAN, "utf-8")
    assert cli("template", "load", str(path), "--user", "ada", password=ADMIN_PW).code == 0
    r = cli(
        "template",
        "approve",
        "mini",
        "--version",
        "1",
        "--reason",
        "custody plan reviewed (CC-15)",
        "--user",
        "quinn",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    r = cli(
        "batch", "start", "--template", "mini", "--lot", LOT, "--coi", COI, "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    return cli


def _record(cli, kind, at, *extra, coi=COI, password=TECH_PW, lot=LOT):
    return cli(
        "custody", "record", lot, kind, "--coi", coi, "--at", at, "--location", "Suite B",
        *extra, "--user", "tess", password=password,
    )  # fmt: skip


def test_a_wrong_coi_is_refused_with_exit_1_and_audited(auto_cli):
    cli = auto_cli
    r = _record(cli, "collected", YESTERDAY, coi="COI-W999999000001")
    assert r.code == 1 and r.err.count("\n") == 1
    assert f"Mismatch: expected {COI}, scanned COI-W999999000001" in r.err
    assert "report a mix-up to QA" in r.err
    assert count(cli.url, "custody_event") == 0
    r = cli("audit", "list", "--batch", LOT, "--action", "custody.coi_mismatch", "--json")
    (event,) = r.json()
    assert event["user"] == "tess" and "COI-W999999000001" in event["new"]


def test_record_sign_and_show_the_trail(auto_cli):
    cli = auto_cli
    r = _record(cli, "collected", YESTERDAY, "--container", "BAG-1", "--temperature", "2–8 °C")
    assert r.code == 0, r.err
    assert f"Lot {LOT}: collected recorded" in r.out and f"{COI} matches" in r.out
    assert "e-signed" not in r.out
    assert "INCOMPLETE: missing shipped to manufacturing, received at manufacturing" in r.out
    r = _record(cli, "received", _typed(_now() - timedelta(hours=2)), "--logger", "TL-7781")
    assert r.code == 0, r.err
    assert "e-signed by Tess Technician" in r.out  # the password that logged in signed it
    r = _record(cli, "thawed", _typed(_now()))
    assert r.code == 1 and "has no 'thawed' event: it expects collected" in r.err

    r = cli("custody", "trail", LOT)
    assert r.code == 0, r.err
    assert f"Custody trail of lot {LOT} (chain of identity {COI})" in r.out
    assert "Tess Technician, verifies (certificate" in r.out
    assert "✔ collected, ○ shipped to manufacturing, ✔ received at manufacturing" in r.out
    assert r.out.rstrip().endswith(
        "INCOMPLETE: missing shipped to manufacturing, manufacturing hand-off, stored."
    )
    data = cli("custody", "trail", LOT, "--json").json()
    assert data["complete"] is False and data["planned"] is True
    assert [e["kind"] for e in data["missing"]] == ["shipped", "handoff", "stored"]
    received = next(e for e in data["events"] if e["kind"] == "received")
    assert received["signature_valid"] is True and received["logger_id"] == "TL-7781"

    assert _record(cli, "shipped", _typed(_now() - timedelta(hours=20))).code == 0
    assert _record(cli, "handoff", _typed(_now() + timedelta(minutes=1))).code == 0
    r = _record(cli, "stored", _typed(_now() + timedelta(minutes=2)))
    assert r.code == 0 and "COMPLETE: all 5 expected hand-offs recorded" in r.out
    r = cli("custody", "trail", LOT)
    assert r.code == 0 and "COMPLETE: all 5" in r.out and "INCOMPLETE" not in r.out

    # the signed row changed behind Lotbook's back: the trail says so, and is not complete
    without_guards(cli.url, "custody_event", "UPDATE custody_event SET logger_id = 'TL-0000'")
    r = cli("custody", "trail", LOT)
    assert r.code == 0 and "Tess Technician, DOES NOT VERIFY" in r.out
    assert "INCOMPLETE: e-signature not valid: received at manufacturing." in r.out


def test_the_refusals_and_their_exit_codes(auto_cli):
    cli = auto_cli
    r = _record(cli, "received", YESTERDAY, password="wrong-password-1")
    assert r.code == 1 and "Wrong" in r.err
    r = _record(cli, "handoff", _typed(_now() + timedelta(hours=2)))
    assert r.code == 1 and "is in the future" in r.err
    r = _record(cli, "handoff", "12/05/2026 14:30")
    assert r.code == 1 and "type YYYY-MM-DD HH:MM" in r.err
    r = _record(cli, "beamed", YESTERDAY)
    assert r.code == 2  # not a kind: usage
    r = cli(
        "batch", "start", "--template", "msc-expanded", "--lot", "M-1", "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    r = _record(cli, "collected", YESTERDAY, lot="M-1")
    assert r.code == 1 and "is not autologous" in r.err
    r = cli("custody", "trail", "M-1")
    assert r.code == 0 and "Lot M-1 is not autologous: no custody trail is kept." in r.out
    assert count(cli.url, "custody_event") == 0
