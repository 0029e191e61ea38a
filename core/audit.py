"""The audit trail: append-only events chained by SHA-256, the verifier, and read queries.

Event i stores ``hash_i = SHA-256(hash_{i-1} ‖ canonical_json(event_i))`` (hashes as lowercase hex,
the genesis ``prev`` is 64 zeros). The canonical JSON of an event is the object of its fields
``seq, at, user, action, entity, entity_id, lot, old, new, reason, app_version`` with keys sorted,
no whitespace, UTF-8, non-ASCII unescaped — byte for byte what Python's
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` gives, so anyone can
re-verify an export without Lotbook. ``old`` and ``new`` are themselves canonical JSON texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlmodel import Session

from core.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
_SORTED = orjson.OPT_SORT_KEYS


def canonical_json(value: Any) -> str | None:
    """Canonical JSON text of a change's old or new state (None stays None)."""
    if value is None:
        return None
    return orjson.dumps(value, option=_SORTED, default=str).decode("utf-8")


def event_bytes(
    *,
    seq: int,
    at: str,
    user: str,
    action: str,
    entity: str,
    entity_id: str,
    lot: str | None,
    old: str | None,
    new: str | None,
    reason: str | None,
    app_version: str,
) -> bytes:
    return orjson.dumps(
        {
            "action": action,
            "app_version": app_version,
            "at": at,
            "entity": entity,
            "entity_id": entity_id,
            "lot": lot,
            "new": new,
            "old": old,
            "reason": reason,
            "seq": seq,
            "user": user,
        },
        option=_SORTED,
    )


def chain_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


def append_event(
    session: Session,
    head: AuditHead,
    *,
    at: str,
    user: str,
    action: str,
    entity: str,
    entity_id: str,
    lot: str | None,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    reason: str | None,
    app_version: str,
) -> AuditEvent:
    """Add the next event of the chain to the session and move the (locked) head to it."""
    seq = head.seq + 1
    old_text = canonical_json(old)
    new_text = canonical_json(new)
    body = event_bytes(
        seq=seq,
        at=at,
        user=user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        lot=lot,
        old=old_text,
        new=new_text,
        reason=reason,
        app_version=app_version,
    )
    digest = chain_hash(head.hash, body)
    event = AuditEvent(
        seq=seq,
        at=at,
        username=user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        lot=lot,
        old=old_text,
        new=new_text,
        reason=reason,
        app_version=app_version,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash, head.at = seq, digest, at
    session.add(head)
    return event


# -- verification -------------------------------------------------------------------------------

_COLUMNS = (
    "seq, at, username, action, entity, entity_id, lot, old, new, reason, app_version, "
    "prev_hash, hash"
)


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events: int  # events read
    head_hash: str  # hash of the newest event read (or of the genesis)
    first_broken: int | None  # seq of the first event that fails, if any
    reason: str  # in words, for the user

    def summary(self) -> str:
        if self.intact:
            return f"Audit trail intact: {self.events} events, chain head {self.head_hash}."
        return f"Audit trail BROKEN at event {self.first_broken}: {self.reason}"


def verify_chain(
    session: Session, progress: Callable[[int, int], None] | None = None, batch: int = 10_000
) -> ChainReport:
    """Recompute every hash in order; name the first event that was edited, removed or reordered."""
    conn = session.connection()
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).one_or_none()
    total = int(head.seq) if head else 0
    prev = GENESIS_HASH
    expected_seq = 1
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        sa.text(f"SELECT {_COLUMNS} FROM audit_event ORDER BY seq")
    )
    dumps, sha256 = orjson.dumps, hashlib.sha256
    for row in result:
        seq, at, user, action, entity, entity_id, lot, old, new, reason, version, p, h = row
        if seq != expected_seq:
            missing = "removed" if seq > expected_seq else "duplicated"
            return _broken(
                expected_seq - 1, prev, expected_seq, f"event {expected_seq} is {missing}"
            )
        body = dumps(
            {
                "action": action,
                "app_version": version,
                "at": at,
                "entity": entity,
                "entity_id": entity_id,
                "lot": lot,
                "new": new,
                "old": old,
                "reason": reason,
                "seq": seq,
                "user": user,
            },
            option=_SORTED,
        )
        if p != prev:
            return _broken(seq - 1, prev, seq, "its link to the previous event does not match")
        digest = sha256(prev.encode("ascii") + body).hexdigest()
        if digest != h:
            return _broken(seq - 1, prev, seq, "its content does not match its hash (changed)")
        prev = digest
        expected_seq += 1
        if progress is not None and seq % batch == 0:
            progress(seq, total)
    read = expected_seq - 1
    if head is None or int(head.seq) != read or head.hash != prev:
        at_seq = read + 1 if head is not None and int(head.seq) > read else read
        return _broken(
            read,
            prev,
            at_seq,
            f"the chain head records {total} events ending in {head.hash if head else '?'}, "
            f"but the trail holds {read} ending in {prev} (events removed from the end?)",
        )
    if progress is not None:
        progress(read, total)
    return ChainReport(True, read, prev, None, "intact")


def _broken(events: int, head_hash: str, seq: int, reason: str) -> ChainReport:
    return ChainReport(False, events, head_hash, seq, reason)


def iter_events(
    session: Session,
    *,
    lot: str | None = None,
    user: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[AuditEvent]:
    """Events in chain order, optionally filtered (times as canonical UTC ISO text)."""
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if lot is not None:
        stmt = stmt.where(AuditEvent.lot == lot)
    if user is not None:
        stmt = stmt.where(AuditEvent.username == user)
    if action is not None:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    yield from session.execute(stmt.execution_options(yield_per=2000)).scalars()
