"""Follow a growing log file: the complete lines written since the last look.

No threads and no Qt: the GUI polls ``read_lines()`` on a timer. The file is opened and closed at
each poll (an instrument PC's logger must stay free to rotate or delete it). A partial last line
is kept until its newline arrives. Rotation (a new file under the name: another inode, a shorter
file, or a different beginning) starts again from its first line, line numbers from 1, and counts
in ``rotations``. Lines written to the old file after the last poll and before the rotation are
not seen. A file that does not exist yet reads as no lines.
"""

from __future__ import annotations

import os
from pathlib import Path

_FINGERPRINT = 256  # bytes from the file's start compared at each poll


class LogTail:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.rotations = 0  # times the file was found replaced or truncated
        self.rotated = False  # the last read_lines() started the file again
        self._identity: tuple[int, int] | None = None  # (device, inode)
        self._position = 0  # bytes consumed (complete lines and the kept partial line)
        self._line = 0  # number of the last complete line returned
        self._partial = b""
        self._head = b""  # the file's first bytes, as last seen

    @property
    def line_count(self) -> int:
        """Complete lines returned since the file (or its latest rotation) began."""
        return self._line

    def read_lines(self) -> list[tuple[int, str]]:
        """``(line number, text)`` of each complete line written since the last call."""
        self.rotated = False
        try:
            with self.path.open("rb") as fh:
                status = os.fstat(fh.fileno())
                head = fh.read(_FINGERPRINT) if self._position else b""
                if self._replaced(status, head):
                    self._restart()
                self._identity = (status.st_dev, status.st_ino)
                fh.seek(self._position)
                data = fh.read()
        except FileNotFoundError:
            return []
        if not data:
            return []
        if self._position == 0:
            self._head = data[:_FINGERPRINT]
        elif len(self._head) < _FINGERPRINT:
            self._head = (self._head + data)[:_FINGERPRINT]
        self._position += len(data)
        chunks = (self._partial + data).split(b"\n")
        self._partial = chunks.pop()
        lines = []
        for chunk in chunks:
            self._line += 1
            if self._line == 1 and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            text = chunk.decode("utf-8", errors="replace").removesuffix("\r")
            lines.append((self._line, text))
        return lines

    def _replaced(self, status: os.stat_result, head: bytes) -> bool:
        if self._identity is None or self._position == 0:
            return self._identity is not None and self._identity != (status.st_dev, status.st_ino)
        if self._identity != (status.st_dev, status.st_ino) or status.st_size < self._position:
            return True
        return not head.startswith(self._head) and not self._head.startswith(head)

    def _restart(self) -> None:
        self.rotations += 1
        self.rotated = True
        self._position = 0
        self._line = 0
        self._partial = b""
        self._head = b""
