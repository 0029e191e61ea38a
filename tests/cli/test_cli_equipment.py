"""Equipment from the command line: register, list and show; calibrate with a certificate file;
a failed calibration takes the item out of service; back into service only when nothing is past
due; refusals exit 1 with their reason, usage errors exit 2; a due date changed in the table alone
fails `audit verify`."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from tests.cli.conftest import TECH_PW, add_user
from tests.raw_db import raw_sql

# The site has no time zone of its own: its days are this computer's.
TODAY = datetime.now().astimezone().date()


def _day(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


@pytest.fixture
def equipment_cli(draft_cli):
    """Supervisor 'sam' registered BSC-01 (calibration due in 60 days, maintenance in 10) and
    INC-02 (calibration due yesterday)."""
    cli = draft_cli
    add_user(cli, "sam", "supervisor", "Sam Supervisor")
    r = _as_sam(
        cli,
        "register",
        "bsc-01",
        "--type",
        "biosafety_cabinet",
        "--name",
        "Class II cabinet",
        "--location",
        "Suite B",
        "--calibration-due",
        _day(60),
        "--maintenance-due",
        _day(10),
    )
    assert r.code == 0, r.err
    assert "Registered BSC-01: biosafety cabinet Class II cabinet, Suite B" in r.out
    r = _as_sam(
        cli,
        "register",
        "INC-02",
        "--type",
        "incubator",
        "--name",
        "CO2 incubator",
        "--location",
        "Suite A",
        "--calibration-due",
        _day(-1),
    )
    assert r.code == 0, r.err
    assert f"calibration was due on {_day(-1)}" in r.out  # said at once
    return cli


def _as_sam(cli, *argv: str):
    return cli("equipment", *argv, "--user", "sam", password=TECH_PW)


def test_register_list_and_show(equipment_cli):
    cli = equipment_cli
    r = cli("equipment", "list", "--json")
    assert r.code == 0, r.err
    items = {i["code"]: i for i in r.json()}
    assert set(items) == {"BSC-01", "INC-02"}
    bsc, inc = items["BSC-01"], items["INC-02"]
    assert bsc["calibration_due"] == _day(60) and bsc["status"] == "in_use"
    assert bsc["due_soon"] and not bsc["overdue"] and bsc["refusal"] is None
    maintenance = next(d for d in bsc["dues"] if d["kind"] == "maintenance")
    assert maintenance == {
        "kind": "maintenance",
        "words": "maintenance",
        "due": _day(10),
        "overdue": False,
        "due_soon": True,
    }
    assert inc["overdue"] and f"calibration was due on {_day(-1)}" in inc["refusal"]
    r = cli("equipment", "list", "--type", "incubator", "--json")
    assert [i["code"] for i in r.json()] == ["INC-02"]
    r = cli("equipment", "list", "--due-within", "5", "--json")
    assert [i["code"] for i in r.json()] == ["INC-02"]  # past due counts as due
    r = cli("equipment", "list")
    assert r.code == 0 and "(OVERDUE)" in r.out and "(due soon)" in r.out
    r = cli("equipment", "show", "bsc-01", "--json")
    assert r.code == 0 and r.json()["item"]["name"] == "Class II cabinet"
    assert r.json()["events"] == [] and r.json()["uses"] == []
    r = cli("equipment", "show", "XYZ-9")
    assert r.code == 1 and "No equipment XYZ-9 is registered" in r.err


def test_refusals_exit_1_and_usage_errors_exit_2(equipment_cli):
    cli = equipment_cli
    common = ("--name", "Spin", "--location", "Lab")
    r = _as_sam(cli, "register", "CF-1", "--type", "toaster", *common)
    assert r.code == 1 and "Use one of: biosafety_cabinet, incubator" in r.err
    r = _as_sam(cli, "register", "BSC-01", "--type", "centrifuge", *common)
    assert r.code == 1 and "BSC-01 is already registered" in r.err
    r = _as_sam(
        cli, "register", "CF-1", "--type", "centrifuge", *common, "--calibration-due", "1/2"
    )
    assert r.code == 1 and "YYYY-MM-DD" in r.err
    r = cli(
        "equipment", "register", "CF-1", "--type", "centrifuge", *common, "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    assert r.code == 1 and "tess" in r.err
    r = _as_sam(cli, "calibrate", "BSC-01", "--on", _day(0), "--next-due", _day(365))
    assert r.code == 1 and "passed or failed" in r.err and "Add --passed or --failed." in r.err
    r = _as_sam(cli, "calibrate", "BSC-01", "--on", _day(0), "--next-due", _day(365), "--passed")
    assert r.code == 1 and "certificate's number" in r.err and "--certificate REF" in r.err
    r = _as_sam(
        cli, "calibrate", "BSC-01", "--on", _day(1), "--next-due", _day(365), "--passed",
        "--certificate", "CAL-1",
    )  # fmt: skip
    assert r.code == 1 and "after today" in r.err
    r = _as_sam(
        cli, "calibrate", "BSC-01", "--on", _day(0), "--next-due", _day(-3), "--passed",
        "--certificate", "CAL-1",
    )  # fmt: skip
    assert r.code == 1 and "not after the calibration itself" in r.err
    r = _as_sam(cli, "calibrate", "BSC-01", "--on", _day(0), "--passed", "--failed")
    assert r.code == 2  # argparse: not allowed together
    r = _as_sam(cli, "maintain", "BSC-01", "--on", _day(0), "--next-due", _day(90), "--passed")
    assert r.code == 2  # maintenance is not passed or failed
    r = _as_sam(cli, "out-of-service", "BSC-01", "--reason", "broken")
    assert r.code == 1 and "at least 10 characters" in r.err
    assert cli("equipment", "show", "BSC-01", "--json").json()["events"] == []


def test_a_calibration_keeps_its_certificate_file(equipment_cli, tmp_path):
    cli = equipment_cli
    pdf = tmp_path / "CAL-2026-0412.pdf"
    pdf.write_bytes(b"%PDF-1.7 certificate of calibration\n")
    r = _as_sam(
        cli, "calibrate", "BSC-01", "--on", _day(-1), "--next-due", _day(364), "--passed",
        "--certificate", "CAL-2026-0412", "--certificate-file", str(pdf), "--note", "annual",
        "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    outcome = r.json()
    assert outcome["item"]["calibration_due"] == _day(364)
    assert outcome["event"]["attachment_sha256"] == sha and outcome["event"]["passed"] is True
    r = cli("equipment", "show", "BSC-01")
    assert r.code == 0 and "CAL-2026-0412" in r.out and sha[:16] in r.out and "passed" in r.out
    r = _as_sam(
        cli, "calibrate", "BSC-01", "--on", _day(0), "--next-due", _day(365), "--passed",
        "--certificate", "CAL-2", "--certificate-file", str(tmp_path / "missing.pdf"),
    )  # fmt: skip
    assert r.code == 1 and "does not exist" in r.err and "nothing was recorded" in r.err


def test_failed_calibration_out_of_service_and_back(equipment_cli):
    cli = equipment_cli
    r = _as_sam(cli, "calibrate", "BSC-01", "--on", _day(0), "--failed", "--certificate", "CAL-9")
    assert r.code == 0, r.err
    assert "FAILED" in r.out and "BSC-01 was taken out of service" in r.out
    item = cli("equipment", "show", "BSC-01", "--json").json()["item"]
    assert item["status"] == "out_of_service" and item["calibration_due"] == _day(60)
    r = _as_sam(cli, "out-of-service", "INC-02", "--reason", "door seal torn, call 4411")
    assert r.code == 0 and "INC-02 is now out of service" in r.out
    r = _as_sam(cli, "in-service", "INC-02", "--reason", "seal replaced, leak test passed")
    assert r.code == 1
    assert f"calibration was due on {_day(-1)}: record a calibration first" in r.err
    r = _as_sam(
        cli, "calibrate", "INC-02", "--on", _day(0), "--next-due", _day(365), "--passed",
        "--certificate", "CAL-10",
    )  # fmt: skip
    assert r.code == 0 and "still out of service" in r.out
    r = _as_sam(cli, "in-service", "INC-02", "--reason", "seal replaced, leak test passed")
    assert r.code == 0 and "INC-02 is now in use" in r.out, r.err
    r = cli("audit", "list", "--action", "equipment.", "--json")
    actions = [e["action"] for e in r.json()]
    assert actions.count("equipment.register") == 2 and actions.count("equipment.status") == 2
    assert actions.count("equipment.calibration") == 2


def test_a_due_date_changed_in_the_table_alone_fails_audit_verify(equipment_cli):
    cli = equipment_cli
    assert cli("audit", "verify").code == 0
    later = TODAY + timedelta(days=400)
    raw_sql(
        cli.url, "UPDATE equipment SET calibration_due = :d WHERE code = 'INC-02'", {"d": later}
    )
    r = cli("audit", "verify")
    assert r.code == 1
    assert "equipment item in row equipment:" in r.out + r.err
