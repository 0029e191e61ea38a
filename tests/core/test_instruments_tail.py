"""Following a growing log: partial lines wait, rotation and truncation start again, a missing
file is no lines yet."""

from __future__ import annotations

from pathlib import Path

from core.instruments.tail import LogTail


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


def test_a_file_that_does_not_exist_yet_has_no_lines(tmp_path):
    tail = LogTail(tmp_path / "later.csv")
    assert tail.read_lines() == [] and tail.rotations == 0
    (tmp_path / "later.csv").write_bytes(b"header\n")
    assert tail.read_lines() == [(1, "header")] and tail.rotations == 0


def test_complete_lines_are_returned_once_and_a_partial_line_waits(tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_bytes("\ufefftimestamp,temperature (°C)\n".encode())
    tail = LogTail(log)
    assert tail.read_lines() == [(1, "timestamp,temperature (°C)")]  # the BOM is dropped
    assert tail.read_lines() == []
    _append(log, b"2024-05-01T08:00:00Z,37.0\r\n2024-05-01T08:0")
    assert tail.read_lines() == [(2, "2024-05-01T08:00:00Z,37.0")]
    _append(log, b"0:01Z,37")
    assert tail.read_lines() == []
    _append(log, b".1\n2024-05-01T08:00:02Z,37.2\n")
    assert tail.read_lines() == [(3, "2024-05-01T08:00:01Z,37.1"), (4, "2024-05-01T08:00:02Z,37.2")]
    assert tail.line_count == 4 and not tail.rotated


def test_a_multibyte_character_split_between_writes_is_decoded_whole(tmp_path):
    log = tmp_path / "reactor.csv"
    data = "temperature (°C)\n".encode()
    cut = data.index("°".encode()) + 1
    log.write_bytes(data[:cut])
    tail = LogTail(log)
    assert tail.read_lines() == []
    _append(log, data[cut:])
    assert tail.read_lines() == [(1, "temperature (°C)")]


def test_rotation_by_rename_starts_again_at_line_one(tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_bytes(b"header\nrow 1\n")
    tail = LogTail(log)
    assert len(tail.read_lines()) == 2
    log.rename(tmp_path / "reactor.csv.1")
    assert tail.read_lines() == []  # between the rename and the new file
    log.write_bytes(b"header\nnew 1\nnew")
    assert tail.read_lines() == [(1, "header"), (2, "new 1")]
    assert tail.rotated and tail.rotations == 1
    _append(log, b" 2\n")
    assert tail.read_lines() == [(3, "new 2")] and not tail.rotated


def test_truncation_starts_again(tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_bytes(b"header\nrow 1\nrow 2\n")
    tail = LogTail(log)
    tail.read_lines()
    with log.open("r+b") as fh:  # the same file, cut back to nothing and written anew
        fh.truncate(0)
        fh.write(b"header\n")
    assert tail.read_lines() == [(1, "header")] and tail.rotations == 1


def test_a_file_replaced_by_one_as_long_or_longer_is_noticed(tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_bytes(b"2024-05-01 first run\n")
    tail = LogTail(log)
    tail.read_lines()
    with log.open("r+b") as fh:  # copy-truncate: rewritten in place before the next poll
        fh.truncate(0)
        fh.write(b"2024-05-02 second run\nrow\n")
    assert tail.read_lines() == [(1, "2024-05-02 second run"), (2, "row")]
    assert tail.rotations == 1


def test_bytes_that_are_not_utf8_do_not_stop_the_feed(tmp_path):
    log = tmp_path / "reactor.csv"
    log.write_bytes(b"caf\xe9\n")
    assert LogTail(log).read_lines() == [(1, "caf\ufffd")]
