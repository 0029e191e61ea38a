"""backup -o / --if-due / list / verify and restore, driven through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import ADMIN_PW

SQLITE_ONLY = pytest.mark.sqlite_only(reason="a SQLite site's backup file, restored to a file")


def _site(cli) -> None:
    r = cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW)
    assert r.code == 0, r.err


def _one_line_refusal(r, code: int = 1) -> str:
    assert r.code == code and r.err.startswith("lotbook: ") and r.err.count("\n") == 1, r.err
    return r.err


@SQLITE_ONLY
def test_backup_list_verify_and_restore(cli, tmp_path):
    _site(cli)
    out = tmp_path / "site-backup.db"
    r = cli("backup", "-o", str(out), "--user", "ada", password="wrong-password-1")
    assert "Wrong password for 'ada'" in _one_line_refusal(r) and not out.exists()
    r = cli("backup", "-o", str(out), "--user", "ada", password=ADMIN_PW)
    assert r.code == 0, r.err
    assert f"Backed up to {out} (manifest beside it: {out}.manifest.json)." in r.out
    manifest = json.loads(Path(f"{out}.manifest.json").read_text())
    assert f"SHA-256:    {manifest['sha256']}" in r.out and manifest["made_by"] == "ada"
    r = cli("backup", "-o", str(out), "--user", "ada", password=ADMIN_PW)
    assert "already exists; nothing was written. Add --force" in _one_line_refusal(r)
    r = cli("backup", "-o", str(out), "--force", "--user", "ada", password=ADMIN_PW)
    assert r.code == 0, r.err
    r = cli("backup", "-o", cli.db, "--force", "--user", "ada", password=ADMIN_PW)
    assert "is the Lotbook database" in _one_line_refusal(r)

    r = cli("backup", "list")
    assert r.code == 0 and r.out.count(" verified ") == 2 and str(out) in r.out, r.out
    listed = cli("backup", "list", "--json").json()
    assert [(b["made_by"], b["kind"], b["ok"]) for b in listed] == [("ada", "manual", True)] * 2
    r = cli("backup", "verify", str(out))
    assert r.code == 0 and "Good backup." in r.out and "integrity:  ok" in r.out, r.out + r.err

    target = tmp_path / "restored" / "site.db"
    r = cli("restore", str(out), "--to", str(target))
    assert "does not exist" in _one_line_refusal(r)
    target.parent.mkdir()
    r = cli("restore", str(out), "--to", str(target))
    assert r.code == 0, r.err
    assert f"Restored {out} into {target} (verified before it was put in place)." in r.out
    assert f"--db {target}" in r.out
    r = cli("restore", str(out), "--to", str(target))
    assert "a restore never replaces a file" in _one_line_refusal(r)
    r = cli("audit", "verify", "--db", str(target))
    assert r.code == 0 and "Audit trail intact" in r.out, r.err

    data = bytearray(out.read_bytes())
    data[4096 + 100] ^= 0xFF
    out.write_bytes(bytes(data))
    r = cli("backup", "verify", str(out))
    assert r.code == 1 and "PROBLEM:" in r.out
    assert f"lotbook: {out} is not a good backup: its SHA-256 is" in r.err


def test_backup_usage(cli):
    assert cli("backup").code == 2
    r = cli("backup", "-o", "x.db")
    assert r.code == 2 and "-o FILE needs --user ADMIN" in r.err
    assert cli("backup", "-o", "x.db", "--if-due").code == 2


@SQLITE_ONLY
def test_scheduled_backup_for_a_timer(cli, tmp_path):
    _site(cli)
    folder = tmp_path / "backups"
    r = cli("backup", "--if-due")
    assert r.code == 0 and r.out.strip() == "Scheduled backups are off.", r.out + r.err
    folder.mkdir()
    for key, value in (("backup_folder", str(folder)), ("backup_every_hours", "24")):
        argv = ("settings", "set", key, value, "--reason", "SOP-IT-07", "--user", "ada")
        r = cli(*argv, password=ADMIN_PW)
        assert r.code == 0, r.err
    folder.rmdir()
    r = cli("backup", "--if-due")
    assert f"The folder {folder} does not exist" in _one_line_refusal(r)
    folder.mkdir()
    r = cli("backup", "--if-due")
    assert r.code == 0 and "(verified)" in r.out, r.err
    (made,) = folder.glob("*.db")
    assert made.name.startswith("lotbook-cli-") and Path(f"{made}.manifest.json").exists()
    r = cli("backup", "--if-due")
    assert r.code == 0 and r.out.startswith("Not due: the next backup is due"), r.out
    listed = cli("backup", "list", "--json").json()
    assert [(b["made_by"], b["ok"]) for b in listed] == [("system", True), ("system", False)]


def test_a_postgresql_site_is_dumped_with_pg_dump(cli, tmp_path):
    if "://" not in cli.db:
        pytest.skip("the PostgreSQL run of this test; a SQLite site is backed up above")
    _site(cli)
    out = tmp_path / "site.dump"
    r = cli("backup", "-o", str(out), "--user", "ada", password=ADMIN_PW)
    assert r.code == 0, r.err
    assert "restored it into a scratch database" in r.out and "Audit trail intact" in r.out
    assert out.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    r = cli("backup", "verify", str(out))
    assert r.code == 0 and "Good backup." in r.out, r.out + r.err
    from core.services.backup import verify_backup

    listed = verify_backup(out)  # no server to restore it on: its table of contents only
    assert listed.ok and "pg_restore --list reads the archive" in listed.integrity
    r = cli("restore", str(out), "--to", str(tmp_path / "x.db"))
    assert "is a PostgreSQL archive: restore it with pg_restore" in _one_line_refusal(r)
