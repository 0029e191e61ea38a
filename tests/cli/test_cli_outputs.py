"""Ordinary faults on the command line, as the validator met them (issue 12): outputs that would
replace the live database, a device, a folder or an existing file are refused and leave them
untouched; imports take regular files only and never hang; a full disk, read-only media and a
read-only copy of the database each get one line naming the cause, never a traceback, SQL or
"unexpected error". Real files, pipes, devices and small file systems of the test's own."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import ADMIN_PW, ROOT, SIGNING_LOT, TECH_PW
from tests.mounts import fill, mounts_in

pytestmark = pytest.mark.sqlite_only(reason="the database file, its folder and its disk")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def tmpfs(tmp_path):
    yield from mounts_in(tmp_path)


@pytest.fixture
def site(cli):
    assert cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW).code == 0
    return cli


def one_line(err: str) -> str:
    """The refusal: one `lotbook: ...` line, no traceback, no SQL, not "unexpected"."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lotbook: "), err
    for word in ("Traceback", "unexpected", "SELECT", "INSERT", "[SQL", "\\x"):
        assert word not in lines[0], err
    return lines[0]


def lotbook(*args: str, env: dict[str, str], timeout: float = 60, limited_root: bool = False):
    """The command line in a process of its own (a hang cannot stall the run: it times out).
    ``limited_root``: as root, without the capabilities that let root ignore file permissions
    (so chmod means for the test what it means for a user)."""
    command = [sys.executable, str(ROOT / "main.py"), *args]
    if limited_root and IS_ROOT:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's file capabilities")
        caps = "-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", f"--bounding-set={caps}", "--inh-caps=-all", *command]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT)
    )


def environment(tmp_path: Path, db: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, LOTBOOK_DB=db, LOTBOOK_DATA_DIR=str(tmp_path / "data"))
    env.update(extra)
    return env


# -- outputs -------------------------------------------------------------------------------------


def test_exports_never_replace_the_database_a_device_a_folder_or_a_file(site, tmp_path):
    cli = site
    db = Path(cli.db)
    cli("audit", "list")  # the database is open: its -wal and -shm exist
    before = db.read_bytes()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link.db").symlink_to(db)
    refusals = {
        str(db): "is the Lotbook database",
        f"{db}-wal": "(its wal file)",
        f"{db}-shm": "(its shm file)",
        str(tmp_path / "link.db"): "is the Lotbook database",
        "/dev/null": "/dev/null is a device, not a file",
        str(fifo): "is a named pipe, not a file",
        str(tmp_path): "is a folder; give a file name inside it",
        str(
            tmp_path / "missing" / "audit.csv"
        ): f"The folder {tmp_path / 'missing'} does not exist",
    }
    for target, words in refusals.items():
        began = time.monotonic()
        r = cli("audit", "export", "--format", "csv", "-o", target, "--force")
        assert r.code == 1 and words in one_line(r.err), (target, r.err)
        assert time.monotonic() - began < 10  # nothing blocked on the pipe
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISFIFO(fifo.stat().st_mode)
    assert db.read_bytes()[:100] == before[:100]
    assert cli("audit", "verify").code == 0
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]

    out = tmp_path / "audit.csv"
    assert cli("audit", "export", "--format", "csv", "-o", str(out)).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_bytes()
    r = cli("audit", "export", "--format", "json", "-o", str(out))
    assert r.code == 1 and "already exists; nothing was written. Add --force" in one_line(r.err)
    assert out.read_bytes() == first
    assert cli("audit", "export", "--format", "json", "-o", str(out), "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("{")


def test_the_ca_certificate_the_simulator_and_the_validation_report_are_refused_alike(
    site, tmp_path
):
    cli = site
    db = cli.db
    r = cli("ca", "export", "-o", db, "--force")
    assert r.code == 1 and "is the Lotbook database" in one_line(r.err)
    pem = tmp_path / "ca.pem"
    assert cli("ca", "export", "-o", str(pem)).code == 0
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    r = cli("ca", "export", "-o", str(pem))
    assert r.code == 1 and "already exists" in one_line(r.err)

    args = ("simulate", "bioreactor", "--days", "0.01", "--rate", "0.1")
    r = cli(*args, "--out", db, "--force")
    assert r.code == 1 and "is the Lotbook database" in one_line(r.err)
    r = cli(*args, "--out", f"{db}-wal", "--force", "--speed", "1000")  # the live mode too
    assert r.code == 1 and "(its wal file)" in one_line(r.err)
    log = tmp_path / "run.csv"
    assert cli(*args, "--out", str(log)).code == 0
    r = cli(*args, "--out", str(log))
    assert r.code == 1 and "already exists" in one_line(r.err)
    assert cli(*args, "--out", str(log), "--force").code == 0

    report = str(Path(db).with_suffix(".pdf"))
    os.link(db, report)  # the database under a report's name: caught by its inode
    r = cli("validate", "--report", report, "--force", "--user", "ada", password=ADMIN_PW)
    assert r.code == 1 and "is the Lotbook database" in one_line(r.err)
    assert cli("audit", "verify").code == 0


# -- imports -------------------------------------------------------------------------------------


@pytest.mark.slow  # FIFOs and devices with time limits: the whole suite runs it
def test_imports_and_other_inputs_take_regular_files_only_and_return_at_once(site, tmp_path):
    cli = site
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    env = environment(tmp_path, cli.db, LOTBOOK_PASSWORD=ADMIN_PW)
    cases = {
        str(tmp_path): "is a folder, not a file",
        str(tmp_path / "missing.csv"): "does not exist",
        str(fifo): "is a named pipe, not a file",
        "/dev/zero": "is a device, not a file",
    }
    for path, words in cases.items():
        began = time.monotonic()
        r = lotbook("import", path, "--batch", "CT-1", "--user", "ada", env=env, timeout=60)
        assert time.monotonic() - began < 30
        assert r.returncode == 1 and words in one_line(r.stderr), (path, r.stderr)
        assert "(nothing was imported)." in r.stderr
    for command in (("template", "load"), ("verify-pdf",)):  # every file a user names
        for path, words in ((str(fifo), "a named pipe"), ("/dev/zero", "a device")):
            extra = ("--user", "ada") if command[0] == "template" else ()
            r = lotbook(*command, path, *extra, env=env, timeout=60)
            assert r.returncode == 1 and words in one_line(r.stderr), (command, r.stderr)


def test_a_file_over_the_sites_import_limit_is_refused(site, tmp_path):
    cli = site
    r = cli(
        "settings", "set", "import_max_mb", "1", "--reason", "test", "--user", "ada",
        password=ADMIN_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    big = tmp_path / "big.csv"
    big.write_bytes(b"timestamp,pH\n" + b"2026-11-02T08:00:00Z,7.30\n" * 60_000)
    r = cli("import", str(big), "--batch", "CT-1", "--user", "ada", password=ADMIN_PW)
    assert r.code == 1
    assert "more than the limit of 1 MB (site setting import_max_mb)" in one_line(r.err)
    assert "import_max_mb       1" in cli("settings", "show").out


# -- a full disk ---------------------------------------------------------------------------------


def test_an_export_onto_a_full_disk_says_so_and_leaves_nothing(site, tmpfs):
    cli = site
    folder = tmpfs(size="256k")
    fill(folder)
    r = cli("audit", "export", "--format", "json", "-o", str(folder / "audit.json"))
    assert r.code == 1
    assert one_line(r.err) == (
        f"lotbook: The disk holding {folder} is full; nothing was written. Free some space, or "
        "choose another disk."
    )
    assert sorted(p.name for p in folder.iterdir()) == ["filler"]


def test_a_write_to_a_database_on_a_full_disk_says_so_and_saves_nothing(cli, tmpfs, monkeypatch):
    folder = tmpfs(size="4m")
    db = folder / "site.db"
    monkeypatch.setenv("LOTBOOK_DB", str(db))
    assert cli("init", "--admin", "ada", "--full-name", "Ada Admin", password=ADMIN_PW).code == 0
    events = len(cli("audit", "list", "--json").json())
    fill(folder)
    r = cli(
        "user", "add", "tess", "--role", "technician", "--full-name", "Tess T", "--user", "ada",
        password=ADMIN_PW, new="initial-pass-123",
    )  # fmt: skip
    assert r.code == 1
    assert one_line(r.err) == (
        f"lotbook: The disk holding the database {db} is full; nothing was saved. Free some "
        "space and try again."
    )
    (folder / "filler").unlink()
    assert len(cli("audit", "list", "--json").json()) == events
    assert cli("audit", "verify").code == 0


def test_the_error_log_on_a_full_or_read_only_disk_never_breaks_the_message(
    site, tmpfs, monkeypatch
):
    """A defect (here: a command that raises) is logged when the data folder allows it; when it
    does not, the message says the log could not be written instead of crashing."""
    import cli.commands_audit as commands

    def defect(args):
        raise RuntimeError("a defect in the command")

    monkeypatch.setattr(commands, "cmd_audit_list", defect)
    full = tmpfs(size="256k")
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(full / "data"))
    fill(full)
    r = site("audit", "list")
    assert r.code == 1
    assert r.err.strip() == (
        "lotbook: unexpected error (RuntimeError: a defect in the command). Committed data is "
        "safe; the details could not be written to the log (the disk is full)."
    )
    read_only = tmpfs(size="256k")
    (read_only / "data").mkdir()
    tmpfs.read_only(read_only)
    monkeypatch.setenv("LOTBOOK_DATA_DIR", str(read_only / "data"))
    r = site("audit", "list")
    assert r.code == 1 and r.err.strip().endswith(
        "the details could not be written to the log (the data folder is on read-only media)."
    )


# -- a read-only copy of the database ------------------------------------------------------------


def archive_copy(source: str, target: Path) -> Path:
    """A consistent single-file copy (SQLite's backup API), as an archive would hold it."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def signed_and_recorded(cli) -> None:
    r = cli(
        "batch", "record", SIGNING_LOT, "CART-IPC-00-SLOT", "SLOT-4", "--user", "tess",
        password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err


def test_a_copy_on_read_only_media_is_verified_shown_and_exported(signing_site, tmpfs, tmp_path):
    cli = signing_site
    signed_and_recorded(cli)
    media = tmpfs(size="16m")
    copy = archive_copy(cli.db, media / "archive.db")
    tmpfs.read_only(media)
    db = ("--db", str(copy))

    r = cli("audit", "verify", *db)
    assert r.code == 0 and "Audit trail intact" in r.out, r.err
    shown = cli("batch", "show", SIGNING_LOT, *db)
    assert shown.code == 0 and "SLOT-4" in shown.out, shown.err

    pdf = tmp_path / "archive-summary.pdf"
    r = cli("export-pdf", SIGNING_LOT, "-o", str(pdf), "--user", "quinn", *db, password=TECH_PW)
    assert r.code == 0, r.err
    assert (
        "Note: this export could not be recorded in the audit trail: This database is read-only "
        f"here: {media} is on read-only media; nothing was written."
    ) in r.out
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert cli("verify-pdf", str(pdf), *db).code == 0

    r = cli(
        "batch", "record", SIGNING_LOT, "CART-IPC-01-DIN", "W1234 26 000042", "--user", "tess",
        *db, password=TECH_PW,
    )  # fmt: skip
    assert r.code == 1
    assert one_line(r.err) == (
        f"lotbook: This database is read-only here: {media} is on read-only media; nothing was "
        "written."
    )
    assert sorted(p.name for p in media.iterdir()) == ["archive.db"]


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_a_copy_without_write_permission_is_read_and_writes_are_refused(site, tmp_path):
    cli = site
    cli("audit", "list")
    folder = tmp_path / "copies"
    folder.mkdir()
    copy = archive_copy(cli.db, folder / "copy.db")
    copy.chmod(0o444)
    folder.chmod(0o555)  # no -wal or -shm can be made here either
    env = environment(tmp_path, str(copy), LOTBOOK_PASSWORD=ADMIN_PW)
    try:
        r = lotbook("audit", "verify", env=env, limited_root=True)
        assert r.returncode == 0 and "Audit trail intact" in r.stdout, r.stderr
        r = lotbook("user", "list", env=env, limited_root=True)
        assert r.returncode == 0 and "ada" in r.stdout, r.stderr
        r = lotbook(
            "settings", "set", "idle_lock_minutes", "5", "--reason", "test", "--user", "ada",
            env=env, limited_root=True,
        )  # fmt: skip
        assert r.returncode == 1
        # (the log-in's daily checkpoint may warn on a line of its own before the refusal)
        assert one_line(r.stderr.strip().splitlines()[-1]) == (
            f"lotbook: This database is read-only here: the file {copy} is not writable for you "
            "(permissions); nothing was written."
        )
    finally:
        folder.chmod(0o755)
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]
    # the folder writable, the file not: read-only (SQLite may keep its -shm beside it)
    r = lotbook("audit", "verify", env=env, limited_root=True)
    assert r.returncode == 0 and "Audit trail intact" in r.stdout, r.stderr
    r = lotbook(
        "settings", "set", "idle_lock_minutes", "5", "--reason", "test", "--user", "ada",
        env=env, limited_root=True,
    )  # fmt: skip
    assert r.returncode == 1 and "is not writable for you (permissions)" in r.stderr
    assert copy.stat().st_mode & 0o777 == 0o444
