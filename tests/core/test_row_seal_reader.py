"""The row-state half of `audit verify` read in chunks on a second connection: it must find what a
row-by-row read finds, at every chunk boundary, and count only when it saw the walk's chain head."""

from __future__ import annotations

import pytest

from core import audit_seals
from core.audit_seals import iter_row_seals, read_row_seals, sealed_tables
from core.services import audit_trail, recording, settings
from core.services.trail_verification import RowSealReader, verify_trail
from tests.raw_db import tamper


def _row_by_row(db) -> dict[str, str]:
    with db.engine.connect() as connection:
        cursor = connection.connection.cursor()
        found: dict[str, str] = {}
        for spec in sealed_tables().values():
            found.update(iter_row_seals(cursor, spec, connection.dialect.name))
        cursor.close()
        return found


def _chunked(db) -> dict[str, str]:
    with db.engine.connect() as connection:
        cursor = connection.connection.cursor()
        try:
            return read_row_seals(cursor, connection.dialect.name)
        finally:
            cursor.close()


@pytest.mark.parametrize("chunk", [1, 2, 3, 10_000])
def test_chunked_read_finds_what_a_row_by_row_read_finds(
    site, admin, people, lot, monkeypatch, chunk
):
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-COI", "COI-W123426000042")
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-PATIENT", "pass")
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    settings.set_setting(site, admin, "idle_lock_minutes", "7", "bench PCs in room 2")
    monkeypatch.setattr(audit_seals, "CHUNK", chunk)
    found = _chunked(site)
    assert found == _row_by_row(site)
    assert sum(key.startswith("result:") for key in found) >= 3
    assert any(key.startswith("site_setting:") for key in found)  # the text-keyed table too


def test_text_with_separators_and_unicode_seals_the_same_either_way(site, people, lot):
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    # a tamperer's row may hold anything, control characters included
    char = "chr" if site.engine.dialect.name == "postgresql" else "char"
    tamper(site, f"UPDATE result SET comment = 'a' || {char}(30) || 'b' || {char}(31) || 'é☃'")
    assert _chunked(site) == _row_by_row(site)
    report = audit_trail.verify(site)
    assert not report.intact and "differs from what the audit trail sealed" in report.reason


def test_a_reader_that_saw_another_head_is_not_trusted(site, people, lot):
    """A write between the two snapshots moves the head: the rows are read again on the walk's
    session, so verify neither misses nor invents a change."""
    stale = RowSealReader.start(site, (0, "0" * 64))
    stale.join()
    assert stale.found is None
    with site.read() as session:
        assert stale.result(session) == _row_by_row(site)


def test_verify_reports_a_changed_row_found_by_the_second_connection(site, people, lot):
    recording.record_value(site, people["tech"], lot, "CART-IPC-00-SLOT", "SLOT-7")
    assert verify_trail(site).intact
    tamper(site, "UPDATE result SET value = 'SLOT-8' WHERE value = 'SLOT-7'")
    report = verify_trail(site)
    assert not report.intact
    assert "the result in row result:" in report.reason and "(changed)" in report.reason
