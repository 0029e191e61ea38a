"""The safe writer (core/outputs.py) and the regular-file reader (core/inputs.py), on real files,
links, pipes, devices and small file systems of the test's own."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from core import inputs, outputs
from core.faults import DiskFull, ReadOnly
from core.inputs import MB, InputRefused, read_regular_file
from core.outputs import OutputRefused, check_target, create_live, write_bytes, write_via
from tests.mounts import fill, mounts_in

pytestmark = pytest.mark.sqlite_only(reason="files and SQLite files, no database engine involved")


@pytest.fixture
def tmpfs(tmp_path):
    yield from mounts_in(tmp_path)


@pytest.fixture
def database(tmp_path) -> Path:
    """A SQLite database with its -wal and -shm files, as a running site has them."""
    path = tmp_path / "site.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    outputs.protect_database(path)
    yield path
    conn.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- writing -------------------------------------------------------------------------------------


def test_a_new_file_is_written_whole_and_owner_only(tmp_path):
    target = tmp_path / "export.csv"
    assert write_bytes(target, b"a,b\r\n1,2\r\n") == target
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    assert mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_an_existing_file_needs_force_and_is_then_replaced(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("old")
    target.chmod(0o644)
    with pytest.raises(OutputRefused) as refused:
        write_bytes(target, b"new")
    assert str(refused.value) == (
        f"{target} already exists; nothing was written. Add --force to replace it, or choose "
        "another file name."
    )
    assert target.read_text() == "old"
    write_bytes(target, b"new", force=True)
    assert target.read_text() == "new" and mode(target) == 0o600
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_companion_files_are_never_replaced(database, suffix):
    target = Path(f"{database}{suffix}")
    before = target.read_bytes() if target.exists() else None
    with pytest.raises(OutputRefused, match="is the Lotbook database") as refused:
        write_bytes(target, b"export", force=True)
    assert "an output never replaces it" in str(refused.value)
    assert (target.read_bytes() if target.exists() else None) == before


def test_a_symbolic_or_hard_link_to_the_database_is_refused(database, tmp_path):
    before = database.read_bytes()
    (tmp_path / "soft.db").symlink_to(database)
    os.link(database, tmp_path / "hard.csv")
    (tmp_path / "folder-link").symlink_to(tmp_path)
    for name in ("soft.db", "hard.csv", "folder-link/site.db", "folder-link/site.db-wal"):
        with pytest.raises(OutputRefused, match="is the Lotbook database"):
            write_bytes(tmp_path / name, b"x", force=True)
    assert database.read_bytes() == before


def test_any_sqlite_database_is_kept_unless_the_caller_replaces_databases(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(OutputRefused, match="is a SQLite database"):
        write_bytes(other, b"x", force=True)
    with pytest.raises(OutputRefused, match="belongs to the SQLite database"):
        write_bytes(tmp_path / "other.db-wal", b"x", force=True)
    written = write_via(
        other, lambda tmp: tmp.write_bytes(b"backup"), force=True, may_replace_sqlite=True
    )
    assert written.read_bytes() == b"backup"


def test_folders_devices_and_pipes_are_refused_and_left_alone(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = {
        tmp_path: "is a folder; give a file name inside it",
        fifo: "is a named pipe, not a file",
        Path("/dev/null"): "is a device, not a file",
    }
    for target, words in cases.items():
        began = time.monotonic()
        with pytest.raises(OutputRefused, match=words):
            write_bytes(target, b"x", force=True)
        assert time.monotonic() - began < 2  # a pipe is never opened: nothing blocks
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(OutputRefused) as refused:
        write_bytes(tmp_path / "nope" / "x.csv", b"x")
    assert str(refused.value) == (
        f"The folder {tmp_path / 'nope'} does not exist; nothing was written. Create it first, "
        "or choose another folder."
    )
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputRefused, match="is not a folder"):
        write_bytes(tmp_path / "file" / "x.csv", b"x")


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path):
    target = tmp_path / "export.pdf"
    target.write_text("the older export")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        write_via(target, broken, force=True)
    assert target.read_text() == "the older export"
    assert leftovers(tmp_path) == []


def test_a_name_taken_while_writing_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "export.csv"

    def meanwhile(tmp: Path) -> None:
        tmp.write_bytes(b"ours")
        target.write_text("someone else's")  # another program took the name

    with pytest.raises(OutputRefused, match="already exists"):
        write_via(target, meanwhile)
    assert target.read_text() == "someone else's"
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_to_an_ordinary_file_is_written_through(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_bytes(link, b"new", force=True)
    assert link.is_symlink() and real.read_text() == "new"


def test_a_live_file_is_made_empty_and_owner_only(tmp_path):
    target = create_live(tmp_path / "live.csv")
    assert target.read_bytes() == b"" and mode(target) == 0o600
    with pytest.raises(OutputRefused, match="already exists"):
        create_live(target)
    with pytest.raises(OutputRefused, match="is the Lotbook database"):
        create_live(outputs_db(tmp_path), force=True)


def outputs_db(tmp_path: Path) -> Path:
    path = tmp_path / "live-site.db"
    sqlite3.connect(path).close()
    outputs.protect_database(path)
    return path


def test_on_a_full_disk_nothing_is_left_and_the_older_file_is_kept(tmpfs):
    folder = tmpfs(size="512k")
    target = folder / "export.csv"
    target.write_text("the older export")
    fill(folder, leave=64 * 1024)
    with pytest.raises(DiskFull) as full:
        write_bytes(target, b"x" * 400_000, force=True)
    assert str(full.value) == (
        f"The disk holding {folder} is full; nothing was written. Free some space, or choose "
        "another disk."
    )
    assert target.read_text() == "the older export"
    assert leftovers(folder) == []


def test_on_read_only_media_the_reason_is_given(tmpfs):
    folder = tmpfs(size="256k")
    tmpfs.read_only(folder)
    with pytest.raises(ReadOnly, match="is on read-only media; nothing was written"):
        write_bytes(folder / "export.csv", b"x")
    assert check_target(folder / "x.csv") == folder / "x.csv"  # the check itself cannot know


# -- reading -------------------------------------------------------------------------------------


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_bytes(b"sample,viability\nD3,91.5\n")
    assert read_regular_file(path, max_bytes=MB) == b"sample,viability\nD3,91.5\n"


def test_anything_but_a_regular_file_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    cases = {
        tmp_path: "is a folder, not a file",
        tmp_path / "missing.csv": "does not exist",
        fifo: "is a named pipe, not a file",
        Path("/dev/zero"): "is a device, not a file",
    }
    for path, words in cases.items():
        began = time.monotonic()
        with pytest.raises(InputRefused, match=words) as refused:
            read_regular_file(path, max_bytes=MB)
        assert time.monotonic() - began < 2
        assert str(refused.value).endswith("(nothing was imported).")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(3 * MB + 1)  # sparse: nothing is really written
    with pytest.raises(InputRefused) as refused:
        read_regular_file(path, max_bytes=2 * MB, limit_name="import_max_mb")
    assert str(refused.value) == (
        f"{path} is 3.0 MB, more than the limit of 2 MB (site setting import_max_mb); nothing "
        "was imported. Check that it is the right file, or ask an administrator to raise the "
        "limit."
    )


def test_a_read_that_hangs_is_given_up(tmp_path, monkeypatch):
    """A network folder that stops answering blocks a read in the kernel; the caller gets a
    reason when the timeout passes (the stuck read is left to a daemon thread)."""
    path = tmp_path / "slow.csv"
    path.write_text("x")
    release = threading.Event()

    def stuck(*_args) -> bytes:
        release.wait(10)
        return b""

    monkeypatch.setattr(inputs, "_read", stuck)
    began = time.monotonic()
    try:
        with pytest.raises(InputRefused, match=r"took longer than 0\.2 s"):
            read_regular_file(path, max_bytes=MB, timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - began < 2
