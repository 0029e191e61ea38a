"""The CLI end to end, in a temporary database: the commands and exit codes the issue names."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from tests.cli.conftest import ADMIN_PW, ROOT, TECH_PW
from tests.raw_db import count, without_guards

COI = "COI-W123426000042"


def _start(cli, lot="CT-0042"):
    r = cli(
        "batch",
        "start",
        "--template",
        "cart-auto-lv",
        "--lot",
        lot,
        "--coi",
        COI,
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    return lot


def test_init_refuses_an_existing_database(site_cli):
    r = site_cli("init", "--admin", "bob", "--full-name", "Bob B", password=ADMIN_PW)
    assert r.code == 1 and "already exists" in r.err and r.err.count("\n") == 1


def test_initial_password_must_be_changed_before_acting(cli):
    cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW)
    cli(
        "user",
        "add",
        "tess",
        "--role",
        "technician",
        "--full-name",
        "Tess T",
        "--user",
        "ada",
        password=ADMIN_PW,
        new="initial-pass-123",
    )
    r = cli(
        "batch",
        "start",
        "--template",
        "msc-expanded",
        "--lot",
        "M-1",
        "--user",
        "tess",
        password="initial-pass-123",
    )
    assert r.code == 1 and "initial one" in r.err and "user passwd" in r.err


def test_password_from_stdin(site_cli):
    r = site_cli(
        "batch",
        "start",
        "--template",
        "msc-expanded",
        "--lot",
        "M-1",
        "--user",
        "tess",
        "--password-stdin",
        stdin=TECH_PW + "\n",
    )
    assert r.code == 0, r.err
    r = site_cli(
        "batch",
        "start",
        "--template",
        "msc-expanded",
        "--lot",
        "M-2",
        "--user",
        "tess",
        "--password-stdin",
        stdin="wrong-password\n",
    )
    assert r.code == 1 and "Wrong password" in r.err


def test_no_password_and_no_terminal_is_a_clear_refusal(site_cli):
    r = site_cli("batch", "start", "--template", "msc-expanded", "--lot", "M-1", "--user", "tess")
    assert r.code == 1 and "LOTBOOK_PASSWORD" in r.err


def test_template_list_and_show_as_json(site_cli):
    r = site_cli("template", "list", "--json")
    keys = {t["key"] for t in r.json()}
    assert r.code == 0 and keys == {"cart-auto-lv", "msc-expanded", "aav-hek293", "lv-hek293t"}
    r = site_cli("template", "show", "cart-auto-lv", "--json")
    checks = {c["id"]: c for s in r.json()["steps"] for c in s["checks"]}
    viab = checks["CART-IPC-04-VIAB"]
    assert (viab["unit"], viab["lower"], viab["alert_lower"], viab["upper"]) == ("%", 70, 80, None)
    assert checks["CART-IPC-07-FOLD-D3"]["derived"] and checks["CART-REL-12"]["pending_allowed"]
    r = site_cli("template", "show", "cart-auto-lv")
    assert "CART-IPC-04-VIAB" in r.out and "≥ 70.0 %" in r.out


def test_record_out_of_spec_correct_and_show(site_cli):
    cli = site_cli
    _start(cli)
    r = cli(
        "batch", "record", "CT-0042", "CART-IPC-04-VIAB", "85,5", "--user", "tess", password=TECH_PW
    )
    assert r.code == 0 and "85.5 %" in r.out and "PASS" in r.out
    # out of spec without a justification: refused, nothing written, told what to add
    before = _count(cli.url, "result")
    r = cli(
        "batch", "record", "CT-0042", "CART-IPC-03-VIAB", "65", "--user", "tess", password=TECH_PW
    )
    assert r.code == 1 and "--comment" in r.err and "--deviation" in r.err
    assert "Nothing was written" in r.err and _count(cli.url, "result") == before
    r = cli(
        "deviation",
        "open",
        "CT-0042",
        "--class",
        "minor",
        "--text",
        "Viability on receipt below 70 % after long transport",
        "--check",
        "CART-IPC-03-VIAB",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0 and "DEV-" in r.out
    ref = r.out.split()[1]
    r = cli(
        "batch",
        "record",
        "CT-0042",
        "CART-IPC-03-VIAB",
        "65",
        "--deviation",
        ref,
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0 and "OUT OF SPEC" in r.out
    # recording again is refused: use correct
    r = cli(
        "batch", "record", "CT-0042", "CART-IPC-04-VIAB", "90", "--user", "tess", password=TECH_PW
    )
    assert r.code == 1 and "correct" in r.err
    r = cli(
        "batch",
        "correct",
        "CT-0042",
        "CART-IPC-04-VIAB",
        "58.5",
        "--user",
        "vic",
        "--reason",
        "read from the wrong sample",
        password=TECH_PW,
    )
    assert r.code == 1 and "out of specification" in r.err
    r = cli(
        "batch",
        "correct",
        "CT-0042",
        "CART-IPC-04-VIAB",
        "88,5",
        "--user",
        "vic",
        "--reason",
        "read from the wrong sample",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    r = cli("batch", "show", "CT-0042", "--json")
    view = r.json()
    checks = {c["id"]: c for s in view["steps"] for c in s["checks"]}
    viab = checks["CART-IPC-04-VIAB"]
    assert [v["value"] for v in viab["history"]] == ["85.5", "88.5"]
    assert viab["history"][1]["reason"] == "read from the wrong sample"
    assert (viab["verdict"], viab["lower"], viab["unit"]) == ("pass", 70, "%")
    assert checks["CART-IPC-03-VIAB"]["current"]["deviation"] == ref
    assert view["exceptions"] == {
        "out_of_spec": 1,
        "awaiting_justification": 0,
        "corrected": 1,
        "open_deviations": 1,
        "process_excursions": 0,
        "invalidated_signatures": 0,
    }
    r = cli("batch", "show", "CT-0042")
    assert "History of changed values" in r.out and "read from the wrong sample" in r.out
    assert ref in r.out


def test_bad_values_get_a_clear_message(site_cli):
    _start(site_cli)
    for value, words in (
        ("abc", "not a number"),
        ("7,2 mL", "unit"),
        ("nan", "not a finite number"),
    ):
        r = site_cli(
            "batch",
            "record",
            "CT-0042",
            "CART-IPC-04-VIAB",
            value,
            "--user",
            "tess",
            password=TECH_PW,
        )
        assert r.code == 1 and words in r.err.lower(), r.err
        assert r.err.startswith("lotbook: ") and r.err.count("\n") == 1


def test_usage_errors_exit_2(site_cli):
    assert site_cli("batch", "record", "CT-0042").code == 2
    assert (
        site_cli("deviation", "open", "L", "--class", "huge", "--text", "x", "--user", "tess").code
        == 2
    )
    assert site_cli().code == 2


def test_audit_verify_export_and_tamper(site_cli, tmp_path):
    cli = site_cli
    _start(cli)
    cli(
        "batch",
        "record",
        "CT-0042",
        "CART-IPC-05-LOT",
        '=HYPERLINK("x")',
        "--user",
        "tess",
        password=TECH_PW,
    )
    cli(
        "batch",
        "record",
        "CT-0042",
        "CART-IPC-12-TEMP",
        "-150,5",
        "--user",
        "tess",
        password=TECH_PW,
    )
    r = cli("audit", "verify")
    assert r.code == 0 and "intact" in r.out
    out = tmp_path / "audit.csv"
    assert cli("audit", "export", "--batch", "CT-0042", "--format", "csv", "-o", str(out)).code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["lot"] for r in rows} == {"CT-0042"}
    actions = [r["action"] for r in rows]
    assert actions[0] == "batch.start" and actions.count("result.record") == 2
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t")) or cell.lstrip("+-").isdigit()
    jout = tmp_path / "audit.json"
    assert cli("audit", "export", "--format", "json", "-o", str(jout)).code == 0
    doc = json.loads(jout.read_text())
    assert doc["chain"]["intact"] and len(doc["events"]) == doc["chain"]["events"]
    without_guards(
        cli.url,
        "audit_event",
        "UPDATE audit_event SET body = replace(body, 'ada', 'mallory') WHERE seq = 3",
    )
    r = cli("audit", "verify")
    assert r.code == 1 and "BROKEN at event 3" in r.err


def test_csv_cells_are_neutralised_but_numbers_stay_numbers():
    from core.services.audit_trail import safe_cell

    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("@cmd") == "'@cmd" and safe_cell("\tx") == "'\tx" and safe_cell("+x") == "'+x"
    assert safe_cell("-4.5") == "-4.5" and safe_cell("+12") == "+12" and safe_cell(7) == "7"
    assert safe_cell('{"a":1}') == '{"a":1}' and safe_cell(None) == ""


def test_user_deactivate_and_list(site_cli):
    r = site_cli(
        "user", "deactivate", "vic", "--reason", "left the site", "--user", "ada", password=ADMIN_PW
    )
    assert r.code == 0
    users = {u["username"]: u for u in site_cli("user", "list", "--json").json()}
    assert users["vic"]["active"] is False and users["tess"]["active"] is True
    r = site_cli("batch", "list", "--user", "vic")
    assert r.code == 2  # batch list takes no --user
    r = site_cli(
        "user", "deactivate", "vic", "--reason", "no reason", "--user", "tess", password=TECH_PW
    )
    assert r.code == 1 and "may not manage users" in r.err


@pytest.mark.sqlite_only(reason="the demo is a SQLite file of its own; no site database is used")
@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_demo_builds_a_fresh_database_only(cli, tmp_path):
    target = tmp_path / "demo.db"
    r = cli("--db", str(target), "demo")
    assert r.code == 0 and "lotbook-demo" in r.out
    listed = cli("--db", str(target), "batch", "list", "--json").json()
    lots = {b["lot"]: b["status"] for b in listed}
    assert {lot for lot, status in lots.items() if status == "in_progress"} == {
        "CT-2026-0042",
        "MSC-2026-0007",
        "AAV-2026-0003",
    }
    assert [lot for lot, status in lots.items() if status == "released"] == [
        "CT-2026-0038",
        "CT-2026-0031",
    ]  # earlier runs, for comparison
    assert lots["CT-2026-0035"] == "released_pending"  # its RCL result is still to come
    assert lots["CT-2026-0040"] == "exceptional_release"
    view = cli("--db", str(target), "batch", "show", "CT-2026-0042", "--json").json()
    checks = {c["id"]: c for s in view["steps"] for c in s["checks"]}
    days = [d for d in range(11) if checks[f"CART-IPC-07-VCD-D{d}"]["current"]]
    assert days == list(range(10))
    assert view["exceptions"]["corrected"] >= 1
    msc = cli("--db", str(target), "batch", "show", "MSC-2026-0007", "--json").json()
    assert msc["exceptions"]["out_of_spec"] == 1 and len(msc["deviations"]) == 1
    assert cli("--db", str(target), "audit", "verify").code == 0
    r = cli("--db", str(target), "demo")
    assert r.code == 1 and "already exists" in r.err


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_the_real_command_line_exit_codes(tmp_path):
    """The same through a real process: exit codes and stderr as a script would see them."""
    env = {
        "LOTBOOK_DATA_DIR": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    db = str(tmp_path / "p.db")

    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", db, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    r = run(
        "init",
        "--admin",
        "ada",
        "--full-name",
        "Ada Admin",
        "--password-stdin",
        stdin=ADMIN_PW + "\n",
    )
    assert r.returncode == 0, r.stderr
    assert run("audit", "verify").returncode == 0
    r = run("batch", "show", "NOPE")
    assert r.returncode == 1 and r.stderr.startswith("lotbook: There is no batch")
    assert run("batch").returncode == 2


def _count(url: str, table: str) -> int:
    return count(url, table)


def test_settings_show_and_set(site_cli):
    assert site_cli("settings", "show", "--json").json()["lockout_attempts"] == 5
    r = site_cli(
        "settings",
        "set",
        "idle_lock_minutes",
        "15",
        "--reason",
        "SOP change",
        "--user",
        "ada",
        password=ADMIN_PW,
    )
    assert r.code == 0
    assert site_cli("settings", "show", "--json").json()["idle_lock_minutes"] == 15


def test_export_from_the_app_needs_the_role_and_is_audited(site_cli, tmp_path):
    from core.errors import PermissionDenied
    from core.services import audit_trail, users
    from core.store import open_database

    db = open_database(site_cli.url)
    tess = users.authenticate(db, "tess", TECH_PW)
    ada = users.authenticate(db, "ada", ADMIN_PW)
    import pytest

    with pytest.raises(PermissionDenied, match="export the audit trail"):
        audit_trail.export(db, tmp_path / "t.csv", "csv", actor=tess)
    assert not (tmp_path / "t.csv").exists()
    count = audit_trail.export(db, tmp_path / "a.json", "json", actor=ada)
    last = audit_trail.events(db)[-1]
    assert count > 0 and last.action == "audit.export" and last.user == "ada"
    db.dispose()


def test_init_sets_the_site_time_zone_and_refuses_an_unknown_one(cli):
    r = cli(
        "init",
        "--admin",
        "ada",
        "--full-name",
        "Ada Admin",
        "--timezone",
        "Mars/Base",
        password="admin-pass-2026",
    )
    assert r.code == 1 and "not a time zone" in r.err
    r = cli(
        "init",
        "--admin",
        "ada",
        "--full-name",
        "Ada Admin",
        "--timezone",
        "Europe/Berlin",
        password="admin-pass-2026",
    )
    assert r.code == 0, r.err
    assert cli("settings", "show", "--json").json()["time_zone"] == "Europe/Berlin"
