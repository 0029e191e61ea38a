"""Small file systems of a test's own (tmpfs, mounted under tmp_path) to meet real faults: a full
disk (ENOSPC) and read-only media (EROFS). Mounting needs root (CI runs as root); where it is
not permitted the tests that need it are skipped with the reason.

    @pytest.fixture
    def tmpfs(tmp_path):
        yield from mounts_in(tmp_path)

    def test_x(tmpfs):
        folder = tmpfs(size="1m")      # a fresh, empty, writable file system
        fill(folder)                   # ... now full to the last byte
        tmpfs.read_only(folder)        # ... or remounted read-only
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class Mounts:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.mounted: list[Path] = []

    def __call__(self, size: str = "1m") -> Path:
        folder = self.base / f"mnt{len(self.mounted)}"
        folder.mkdir(parents=True)
        self._mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
        self.mounted.append(folder)
        return folder

    def read_only(self, folder: Path) -> None:
        self._mount("-o", "remount,ro", str(folder))

    def _mount(self, *args: str) -> None:
        if hasattr(os, "geteuid") and os.geteuid() != 0:
            pytest.skip("mounting a test file system needs root")
        proc = subprocess.run(["mount", *args], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"mount is not permitted here: {proc.stderr.strip()}")

    def unmount_all(self) -> None:
        for folder in reversed(self.mounted):
            if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def mounts_in(tmp_path: Path) -> Iterator[Mounts]:
    """For a test module's fixture: ``yield from mounts_in(tmp_path)`` (unmounted after)."""
    mounts = Mounts(tmp_path / "mounts")
    try:
        yield mounts
    finally:
        mounts.unmount_all()


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system holding ``folder``, leaving about ``leave`` bytes free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        remaining = max(0, free - leave)
        block = b"\0" * 65536
        while remaining > 0:
            try:
                remaining -= os.write(fd, block[: min(len(block), remaining)])
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
        if leave == 0:  # the last partial page too
            try:
                while os.write(fd, b"\0"):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
