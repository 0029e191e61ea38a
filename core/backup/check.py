"""Checking a copy before it counts: a new backup before it is kept, a backup file against its
manifest (`backup verify`), a restored copy before it is renamed into place.

SQLite: ``PRAGMA integrity_check`` is ok; the audit trail verifies (the verifier of
``audit verify``, handed in by the caller); the row count of every table and the chain head are
what was expected; the signed checkpoint written before the copy is in it; the SHA-256 of the file
is what the manifest says. The integrity check and the file's hash run on worker threads while
the audit trail is walked (SQLite and hashlib release the GIL): with a free core, a check costs
about the longest of the three rather than their sum."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from core.audit import ChainReport
from core.backup import BackupFailed, sqlite
from core.backup.files import sha256_file
from core.backup.views import CheckReport
from core.errors import DomainError
from core.store import Database

Verifier = Callable[[Database], ChainReport]


@dataclass(frozen=True)
class Expected:
    """What a copy must hold."""

    counts: Mapping[str, int]
    chain_seq: int
    chain_hash: str
    checkpoint: tuple[int, int, str] | None = None  # (id, seq, hash) of the signed checkpoint
    sha256: str | None = None  # of the file, when a manifest names it


def check_sqlite(
    path: Path,
    expected: Expected,
    verify_chain: Verifier,
    *,
    digest: tuple[str, int] | None = None,
    quick: bool = False,
) -> CheckReport:
    """Check the SQLite copy at ``path``; ``digest`` (sha256, size) when already known. With
    ``quick`` (a restore of a file whose SHA-256 is the manifest's, so byte for byte the backup
    that passed the full integrity check when it was made), SQLite's quick_check."""
    problems: list[str] = []
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="backup-check") as pool:
        integrity = pool.submit(sqlite.integrity, path, quick)
        hashing = digest if digest is not None else pool.submit(sha256_file, path)
        state, chain_text, chain = _read_copy(path, verify_chain, problems)
        found = sqlite.checkpoint(path, expected.checkpoint[0]) if expected.checkpoint else None
        sha, size = hashing if isinstance(hashing, tuple) else hashing.result()
        integrity_text = integrity.result()
    if integrity_text != "ok":
        problems.insert(0, f"SQLite's integrity check failed: {integrity_text}")
    if expected.sha256 is not None and sha != expected.sha256:
        problems.insert(
            0,
            f"its SHA-256 is {sha}, the manifest says {expected.sha256}: the file was changed or "
            "damaged",
        )
    counted = _count_problems(state.counts, expected.counts) if state else []
    problems += counted
    if state is not None:
        head = (state.chain_seq, state.chain_hash)
        if head != (expected.chain_seq, expected.chain_hash):
            problems.append(
                f"the chain head is event {state.chain_seq} ({state.chain_hash[:16]}…), expected "
                f"event {expected.chain_seq} ({expected.chain_hash[:16]}…)"
            )
        elif chain is not None and chain.intact and (chain.events, chain.head_hash) != head:
            problems.append(f"the audit trail ends at event {chain.events}, not at the chain head")
    if expected.checkpoint is not None and found != expected.checkpoint[1:]:
        problems.append(f"the signed checkpoint {expected.checkpoint[0]} is not in the copy")
    return CheckReport(
        file=str(path),
        engine="sqlite",
        sha256=sha,
        size_bytes=size,
        integrity=integrity_text,
        chain=chain_text,
        counts_match=state is not None and not counted,
        chain_seq=state.chain_seq if state else 0,
        chain_hash=state.chain_hash if state else "",
        problems=tuple(problems),
        schema_revision=state.schema_revision if state else None,
    )


def _read_copy(
    path: Path, verify_chain: Verifier, problems: list[str]
) -> tuple[sqlite.Snapshot | None, str, ChainReport | None]:
    """The copy's counts and head, and its audit trail verified; what cannot be read is a
    problem (a damaged file), never an unexpected error."""
    try:
        state = sqlite.copy_state(path)
    except BackupFailed as error:
        problems.append(str(error))
        return None, "not verified: the file cannot be read as a database", None
    copy = sqlite.copy_database(path)
    try:
        chain = verify_chain(copy)
    except (sqlite3.Error, sa.exc.SQLAlchemyError, DomainError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        problems.append(f"the audit trail cannot be read: {reason}")
        return state, f"not verified: {reason}", None
    finally:
        copy.dispose()
    if not chain.intact:
        problems.append(_canonical_summary(chain))
    return state, _canonical_summary(chain), chain


def _count_problems(found: Mapping[str, int], expected: Mapping[str, int]) -> list[str]:
    differ = sorted(
        name for name in set(found) | set(expected) if found.get(name) != expected.get(name)
    )
    return [
        f"{name}: {found.get(name, 'no table')} rows, expected {expected.get(name, 'no table')}"
        for name in differ[:5]
    ] + ([f"… and {len(differ) - 5} more tables differ"] if len(differ) > 5 else [])


def verified_text(report: CheckReport) -> str:
    """What a good check established, in one line (kept in the record and the manifest)."""
    integrity = "SQLite integrity check ok" if report.integrity == "ok" else report.integrity
    counts = "row counts of every table match" if report.counts_match else "counts not compared"
    return f"{integrity}; {report.chain.rstrip('.')}; {counts}; SHA-256 {report.sha256}"


def check_postgres(
    db: Database | None,
    path: Path,
    expected: Expected,
    verify_chain: Verifier,
    *,
    digest: tuple[str, int] | None = None,
) -> CheckReport:
    """Check a pg_dump archive: restored into a scratch database of the site's server when the
    role may create one (then as a SQLite copy is checked), else by its table of contents."""
    from core.backup import postgres

    sha, size = digest if digest is not None else sha256_file(path)
    problems: list[str] = []
    if expected.sha256 is not None and sha != expected.sha256:
        problems.append(
            f"its SHA-256 is {sha}, the manifest says {expected.sha256}: the file was changed or "
            "damaged"
        )
    restored = False
    chain_text = "not verified: the archive was not restored"
    seq, head, counts_ok = expected.chain_seq, expected.chain_hash, False
    if db is not None and db.path is None:
        with postgres.scratch_restore(db, path) as scratch:
            if scratch is not None:
                restored = True
                state = postgres.scratch_state(scratch)
                chain = verify_chain(scratch)
                chain_text = _canonical_summary(chain)
                if not chain.intact:
                    problems.append(chain_text)
                counted = _count_problems(state.counts, expected.counts)
                problems += counted
                counts_ok = not counted
                seq, head = state.chain_seq, state.chain_hash
                if (seq, head) != (expected.chain_seq, expected.chain_hash):
                    problems.append(f"the chain head is event {seq}, expected {expected.chain_seq}")
    if restored:
        integrity = "pg_restore restored it into a scratch database of the same server"
    else:
        toc = postgres.listing(path)
        if not any("TABLE DATA" in line and " audit_event " in line for line in toc):
            problems.append("the archive holds no audit trail (no audit_event data)")
        integrity = (
            "pg_restore --list reads the archive's table of contents; it was not restored "
            "(the database role may not create a scratch database)"
        )
    return CheckReport(
        file=str(path),
        engine="postgresql",
        sha256=sha,
        size_bytes=size,
        integrity=integrity,
        chain=chain_text,
        counts_match=counts_ok,
        chain_seq=seq,
        chain_hash=head,
        problems=tuple(problems),
    )


def _canonical_summary(chain) -> str:
    """The chain's summary in the record's language: it is kept in the backup record and its
    manifest."""
    from core.i18n import SOURCE, in_language

    with in_language(SOURCE):
        return chain.summary()
