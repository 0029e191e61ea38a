"""The audit trail: append-only events chained by SHA-256, the verifier, and read queries.

Event i stores ``hash_i = SHA-256(hash_{i-1} ‖ body_i)`` (hashes as lowercase hex; the genesis
``prev`` is 64 zeros). ``body`` is the event's canonical JSON, stored exactly as hashed: the object
of its fields ``seq, at, user, action, entity, entity_id, lot, old, new, reason, app_version`` with
keys sorted, no whitespace, UTF-8, non-ASCII unescaped — what Python's
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` gives. ``old`` and
``new`` are themselves canonical JSON texts. Verifying needs nothing but SHA-256 over the stored
bodies. An event may also carry ``seals``, the hashes of the state rows its unit of work changed
(see core/audit_seals.py). The searchable columns (at, user, action, lot ...) are computed from
the body by the database, so they cannot disagree with what was hashed.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlmodel import Session

from core.i18n import _, ngettext
from core.models import AuditEvent, table_of

GENESIS_HASH = "0" * 64
_SORTED = orjson.OPT_SORT_KEYS
_EVENTS = table_of(AuditEvent)
_INSERT_EVENT = _EVENTS.insert()


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
    seals: Mapping[str, str | None] | None = None,
) -> bytes:
    extra = {} if seals is None else {"seals": dict(seals)}
    return orjson.dumps(
        {
            **extra,
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


@dataclass
class ChainHead:
    """The newest event of the chain, as held (locked) by a unit of work while it appends."""

    seq: int
    hash: str
    at: str | None
    moved: bool = False


def append_event(
    connection: sa.Connection,
    head: ChainHead,
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
    seals: Mapping[str, str | None] | None = None,
) -> tuple[int, str]:
    """Insert the next event of the chain and move the head to it; returns (seq, hash)."""
    seq = head.seq + 1
    body = event_bytes(
        seq=seq,
        at=at,
        user=user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        lot=lot,
        old=canonical_json(old),
        new=canonical_json(new),
        reason=reason,
        app_version=app_version,
        seals=seals,
    )
    digest = chain_hash(head.hash, body)
    connection.execute(
        _INSERT_EVENT,
        {"seq": seq, "body": body.decode("utf-8"), "prev_hash": head.hash, "hash": digest},
    )
    head.seq, head.hash, head.at, head.moved = seq, digest, at, True
    return seq, digest


# -- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events: int  # events read
    head_hash: str  # hash of the newest event read (or of the genesis)
    first_broken: int | None  # seq of the first event that fails, if any
    reason: str  # in words, for the user
    state_rows: int = 0  # state rows reconciled with their seals
    anchors: int = 0  # signatures, checkpoints (and PDFs) whose chain head still holds
    problems: tuple[str, ...] = ()  # every problem found beyond the first (state, anchors)

    def summary(self) -> str:
        """The outcome in one line, in the reader's language (a record that keeps it composes
        it ``in_language(SOURCE)``)."""
        if self.intact:
            said = ngettext(
                "Audit trail intact: {events} events, chain head {head}.",
                "Audit trail intact: {events} events, chain head {head}.",
                self.events,
            ).format(events=self.events, head=self.head_hash)
            if self.state_rows or self.anchors:
                said += " " + _(
                    "{rows} state rows match their seals; {anchors} anchors hold."
                ).format(rows=self.state_rows, anchors=self.anchors)
            return said
        if self.first_broken is not None:
            return _("Audit trail BROKEN at event {seq}: {reason}").format(
                seq=self.first_broken, reason=self.reason
            )
        return _("Audit trail BROKEN: {reason}").format(reason=self.reason)


@dataclass
class ChainWalk:
    """What a walk of the chain collects for the checks that follow it: the newest seal of every
    sealed row, and the hash the chain holds at each sequence number an anchor names."""

    seals: dict[str, str | None]
    watch: set[int]
    found: dict[int, str]
    unsealed: list[int]  # events of actions that always change state but seal nothing
    must_seal: frozenset[str] = frozenset()


def verify_chain(
    session: Session,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 10_000,
    walk: ChainWalk | None = None,
) -> ChainReport:
    """Recompute every hash in order; name the first event that was edited, removed or reordered."""
    conn = session.connection()
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).one_or_none()
    total = int(head.seq) if head else 0
    # Plain DBAPI cursor and portable SQL: this loop is the hot path of `audit verify`.
    cursor = conn.connection.cursor()
    collecting = gc.isenabled()
    gc.disable()  # the walk makes no reference cycles; collections would only rescan its rows
    try:
        cursor.execute("SELECT seq, prev_hash, hash, body FROM audit_event ORDER BY seq")
        outcome = _walk(cursor, batch, total, progress, walk)
    finally:
        if collecting:
            gc.enable()
        cursor.close()
    if isinstance(outcome, ChainReport):
        return outcome
    read, prev = outcome
    if head is None or int(head.seq) != read or head.hash != prev:
        at_seq = read + 1 if head is not None and int(head.seq) > read else read
        return ChainReport(
            False,
            read,
            prev,
            at_seq,
            _(
                "the chain head records {total} events ending in {head}, but the trail holds "
                "{read} ending in {prev} (events removed from the end?)"
            ).format(total=total, head=head.hash if head else "?", read=read, prev=prev),
        )
    if progress is not None:
        progress(read, total)
    return ChainReport(True, read, prev, None, "intact")  # a value of the JSON export


_SEALS_KEY = '"seals":{'
_ACTION_AT = len('{"action":"')


def _walk(
    cursor: Any,
    batch: int,
    total: int,
    progress: Callable[[int, int], None] | None,
    walk: ChainWalk | None,
) -> ChainReport | tuple[int, str]:
    prev = GENESIS_HASH
    expected = 1
    sha256 = hashlib.sha256
    watch = walk.watch if walk else ()
    must_seal = walk.must_seal if walk else ()
    pending: list[int] = []  # events that must be sealed by a later event of their unit of work
    pending_at = ""
    raw_seals: list[str] = []  # each sealing event's "key":"digest" pairs, in chain order
    while rows := cursor.fetchmany(batch):
        for seq, prev_hash, stored, body in rows:
            if seq != expected:
                what = (
                    _("event {seq} is removed")
                    if seq > expected
                    else _("event {seq} is duplicated")
                )
                return ChainReport(False, expected - 1, prev, expected, what.format(seq=expected))
            if prev_hash != prev:
                reason = _("its link to the previous event does not match")
                return ChainReport(False, seq - 1, prev, seq, reason)
            digest = sha256((prev + body).encode("utf-8")).hexdigest()
            if digest != stored:
                reason = _("its content does not match its hash (changed)")
                return ChainReport(False, seq - 1, prev, seq, reason)
            if walk is not None:
                found = body.find(_SEALS_KEY)
                if found >= 0:
                    start = found + len(_SEALS_KEY)
                    raw_seals.append(body[start : body.index("}", start)])
                    # a unit of work seals in its last event what all its events changed
                    if pending and _at(body) == pending_at:
                        pending.clear()
                elif must_seal and body[_ACTION_AT : body.index('"', _ACTION_AT)] in must_seal:
                    when = _at(body)
                    if pending and when != pending_at:
                        walk.unsealed.extend(pending)
                        pending.clear()
                    pending.append(seq)
                    pending_at = when
                elif pending and _at(body) != pending_at:
                    walk.unsealed.extend(pending)
                    pending.clear()
                if seq in watch:
                    walk.found[seq] = digest
            prev = digest
            expected += 1
        if progress is not None:
            progress(expected - 1, total)
    if walk is not None:
        walk.unsealed.extend(pending)
        # one parse for every seal: in a JSON object the last of repeated keys wins, as the
        # newest seal of a row does
        joined = ",".join(part for part in raw_seals if part)
        walk.seals.update(orjson.loads("{" + joined + "}"))
    return expected - 1, prev


def _at(body: str) -> str:
    """The ``at`` field of a canonical event body (a unit of work's events share it)."""
    start = body.index('"at":"') + 6
    return body[start : body.index('"', start)]


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored: its fields (from the hashed body) and its place in the chain."""

    seq: int
    fields: dict[str, Any]
    prev_hash: str
    hash: str


def iter_events(
    session: Session,
    *,
    lot: str | None = None,
    user: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[StoredEvent]:
    """Events in chain order, optionally filtered (times as canonical UTC ISO text)."""
    t = _EVENTS.c
    stmt = sa.select(t.seq, t.body, t.prev_hash, t.hash).order_by(t.seq)
    if lot is not None:
        stmt = stmt.where(t.lot == lot)
    if user is not None:
        stmt = stmt.where(t.username == user)
    if action is not None:
        stmt = stmt.where(t.action.startswith(action))
    if since is not None:
        stmt = stmt.where(t.at >= since)
    if until is not None:
        stmt = stmt.where(t.at < until)
    loads = orjson.loads
    for seq, body, prev_hash, digest in session.connection().execute(stmt):
        yield StoredEvent(seq, loads(body), prev_hash, digest)
