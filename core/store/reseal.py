"""Sealing rows that exist before seals do: a schema upgrade that starts sealing a table (or
changes a sealed table's columns) records the rows as they stand, in the chain, dated now."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from core import audit
from core.audit_seals import SealedTable, iter_row_seals, sealed_tables
from core.clock import Clock, utc_iso
from core.models import AuditHead, table_of
from core.version import app_version

CHUNK = 2000
_HEAD = table_of(AuditHead)


def reseal_existing(
    connection: sa.Connection, clock: Clock | None, reason: str, only: set[str] | None = None
) -> int:
    """Append ``audit.seal_baseline`` events sealing every row of the sealed tables (or of
    ``only``) that this schema has; returns how many rows were sealed."""
    present = set(sa.inspect(connection).get_table_names())
    tables = [
        spec
        for spec in sealed_tables().values()
        if spec.name in present
        and (only is None or spec.name in only)
        and _has_columns(connection, spec)
    ]
    head_row = connection.execute(sa.select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.at)).one()
    head = audit.ChainHead(head_row.seq, head_row.hash, head_row.at)
    now = _now(connection, clock)
    at = utc_iso(now)
    sealed = 0
    cursor = connection.connection.cursor()
    try:
        chunk: dict[str, str] = {}
        for spec in tables:
            for key, digest in iter_row_seals(cursor, spec, connection.dialect.name):
                chunk[key] = digest
                if len(chunk) >= CHUNK:
                    sealed += _append(connection, head, at, chunk, reason)
                    chunk = {}
        if chunk:
            sealed += _append(connection, head, at, chunk, reason)
    finally:
        cursor.close()
    if head.moved:
        connection.execute(
            _HEAD.update().where(_HEAD.c.id == 1).values(seq=head.seq, hash=head.hash, at=head.at)
        )
    return sealed


def _append(
    connection: sa.Connection, head: audit.ChainHead, at: str, chunk: dict, reason: str
) -> int:
    audit.append_event(
        connection,
        head,
        at=at,
        user="system",
        action="audit.seal_baseline",
        entity="state",
        entity_id=str(len(chunk)),
        lot=None,
        old=None,
        new={"rows": len(chunk)},
        reason=reason,
        app_version=app_version(),
        seals=chunk,
    )
    return len(chunk)


def _has_columns(connection: sa.Connection, spec: SealedTable) -> bool:
    have = {c["name"] for c in sa.inspect(connection).get_columns(spec.name)}
    return {c.name for c in spec.columns} <= have


def _now(connection: sa.Connection, clock: Clock | None) -> datetime:
    if clock is not None:
        return clock.now()
    if connection.dialect.name == "postgresql":
        return connection.execute(sa.text("SELECT clock_timestamp()")).scalar_one().astimezone(UTC)
    return datetime.now(UTC)
