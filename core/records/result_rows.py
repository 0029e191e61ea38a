"""The rows of a batch record, read and written with SQLAlchemy Core: the hot path of recording.

Plain frozen rows instead of ORM objects: a value is recorded in a few statements, and a batch
view of hundreds of values is read in one query without building ORM objects.

A check's history only grows (the result table is append-only: its trigger refuses UPDATE and
DELETE), so the versions a committed transaction has read never change. Each engine keeps them,
with their views, and an entry reads only the versions added since (one index range of
uq_result_version): recording on a check with 8,000 versions costs what it costs on a new one."""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.errors import NotFound
from core.i18n import _
from core.models import Batch, Result, Signature, TemplateVersion, User, table_of
from core.records.template_versions import cached_template, parsed_template
from core.store.engine import observe_transactions
from core.templates.model import TemplateDef

_RESULTS = table_of(Result)
_BATCHES = table_of(Batch)
_TEMPLATES = table_of(TemplateVersion)
_USERS = table_of(User)


@dataclass(frozen=True)
class ResultRow:
    """One stored version of one check's value."""

    check_id: str
    version: int
    kind: str
    raw_text: str
    value: str
    value_number: float | None
    unit: str | None
    verdict: str
    rule: str
    final: bool
    comment: str | None
    deviation_id: int | None
    reason: str | None
    source: str
    recorded_by: str
    recorded_at: datetime
    measured_at: datetime | None = None  # the instrument's own measurement time (UTC)
    measured_zone: str | None = None  # the zone it was read in ("Europe/Berlin", "+02:00")
    timing_reason: str | None = None  # why a measurement time outside its window was accepted

    @property
    def number(self) -> Decimal | None:
        return Decimal(self.value) if self.value_number is not None else None


_ROW_COLUMNS = [_RESULTS.c[name] for name in ResultRow.__dataclass_fields__]


@dataclass(frozen=True)
class BatchRow:
    id: int
    lot: str
    status: str
    coi_id: str | None
    template_version_id: int
    product_family: str
    template_sha256: str
    signatures: int = 0  # how many signatures the batch holds (0: no state an entry can change)


_b = _BATCHES.c
_t = _TEMPLATES.c
_TEMPLATE_TEXT = sa.select(_t.content, _t.source_file).where(_t.id == sa.bindparam("id"))
_VERSIONS = (
    sa.select(*_ROW_COLUMNS)
    .where(_RESULTS.c.batch_id == sa.bindparam("batch_id"))
    .order_by(_RESULTS.c.check_id, _RESULTS.c.version)
)
_VERSIONS_OF_AFTER = (
    sa.select(*_ROW_COLUMNS)
    .where(
        _RESULTS.c.batch_id == sa.bindparam("batch_id"),
        _RESULTS.c.check_id.in_(sa.bindparam("ids", expanding=True)),
        _RESULTS.c.version > sa.bindparam("after"),
    )
    .order_by(_RESULTS.c.check_id, _RESULTS.c.version)
)
_VERSIONS_OF_ONE_AFTER = (
    sa.select(*_ROW_COLUMNS)
    .where(
        _RESULTS.c.batch_id == sa.bindparam("batch_id"),
        _RESULTS.c.check_id == sa.bindparam("id"),
        _RESULTS.c.version > sa.bindparam("after"),
    )
    .order_by(_RESULTS.c.version)
)
_INSERT_RESULT = _RESULTS.insert()
_FIELDS = tuple(ResultRow.__dataclass_fields__)


_u = _USERS.c
# The acting user's account and the batch they act on, in one round trip (the recording hot path).
_ACCOUNT_AND_BATCH = (
    sa.select(
        _u.active,
        _u.locked,
        _u.role,
        _b.id,
        _b.lot,
        _b.status,
        _b.coi_id,
        _b.template_version_id,
        _b.product_family,
        _t.sha256,
        sa.select(sa.func.count()).where(table_of(Signature).c.batch_id == _b.id).scalar_subquery(),
    )
    .select_from(_USERS)
    .outerjoin(_BATCHES, _b.lot == sa.bindparam("lot"))
    .outerjoin(_TEMPLATES, _b.template_version_id == _t.id)
    .where(_u.username == sa.bindparam("username"))
)


def account_and_batch(
    conn: sa.Connection, username: str, lot: str
) -> tuple[sa.Row | None, BatchRow | None]:
    """(active, locked, role) of the user — None if unknown — and the batch, None if unknown."""
    row = conn.execute(_ACCOUNT_AND_BATCH, {"username": username, "lot": lot.strip()}).first()
    if row is None:
        return None, None
    batch = BatchRow(*row[3:]) if row[3] is not None else None
    return row, batch


def no_batch(lot: str) -> NotFound:
    return NotFound(
        _("There is no batch with lot '{lot}'. Check the lot number on the label.").format(lot=lot)
    )


def template_of(conn: sa.Connection, batch: BatchRow) -> TemplateDef:
    cached = cached_template(batch.template_sha256)
    if cached is not None:
        return cached
    content, source = conn.execute(_TEMPLATE_TEXT, {"id": batch.template_version_id}).one()
    return parsed_template(batch.template_sha256, content, source)


def versions(
    conn: sa.Connection, batch_id: int, check_ids: Iterable[str] | None = None
) -> dict[str, list[ResultRow]]:
    """Every version of each check's value, oldest first (only the given checks, when named:
    then the versions already committed and seen come from the engine's memory, and only newer
    ones are read)."""
    if check_ids is None:
        rows = conn.execute(_VERSIONS, {"batch_id": batch_id})
        found: dict[str, list[ResultRow]] = defaultdict(list)
        for row in rows:
            found[row[0]].append(ResultRow(*row))
        return found
    ids = sorted(set(check_ids))
    if not ids:
        return {}
    seen = _committed(conn)
    known = {cid: seen.get((batch_id, cid)) for cid in ids}
    after = {cid: c.rows[-1].version if c is not None else 0 for cid, c in known.items()}
    if len(ids) == 1:  # the common case, and a statement that needs no expanding IN
        rows = conn.execute(
            _VERSIONS_OF_ONE_AFTER, {"batch_id": batch_id, "id": ids[0], "after": after[ids[0]]}
        )
    else:
        rows = conn.execute(
            _VERSIONS_OF_AFTER, {"batch_id": batch_id, "ids": ids, "after": min(after.values())}
        )
    newer: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        if row.version > after[row[0]]:
            newer[row[0]].append(ResultRow(*row))
    result: dict[str, list[ResultRow]] = defaultdict(list)
    for cid in ids:
        base = known[cid]
        history = History(base.rows if base is not None else ())
        history.extend(newer.get(cid, ()))
        history.committed = base
        if history:
            result[cid] = history
    _remember(conn, batch_id, newer)
    return result


# -- the versions committed transactions have read, per engine ------------------------------------


class Committed:
    """Versions of one check that a committed transaction read, oldest first (never changing),
    and the views the batch record made of them."""

    __slots__ = ("rows", "views")

    def __init__(self, rows: tuple[ResultRow, ...], views: tuple = ()) -> None:
        self.rows = rows
        self.views = views  # views of rows[: len(views)]


class History(list):
    """A check's versions as ``versions`` returns them; ``committed`` is the part the engine
    remembers (None: nothing yet)."""

    committed: Committed | None = None


_SEEN: weakref.WeakKeyDictionary[sa.Engine, dict[tuple[int, str], Committed]] = (
    weakref.WeakKeyDictionary()
)
_PENDING = "lotbook_result_versions_read"  # in conn.info until the transaction ends


def _engine_of(conn: sa.Connection) -> sa.Engine:
    engine = conn.engine
    while isinstance(getattr(engine, "_proxied", None), sa.Engine):  # execution-option engines
        engine = engine._proxied  # type: ignore[attr-defined]
    return engine


def _committed(conn: sa.Connection) -> dict[tuple[int, str], Committed]:
    engine = _engine_of(conn)
    seen = _SEEN.get(engine)
    if seen is None:
        seen = _SEEN.setdefault(engine, {})
    return seen


def _remember(conn: sa.Connection, batch_id: int, newer: dict[str, list[ResultRow]]) -> None:
    """Rows read in this transaction: kept for the engine once it commits (one it wrote itself
    might still roll back)."""
    if newer:
        pending = conn.info.setdefault(_PENDING, {})
        for cid, rows in newer.items():
            pending.setdefault((batch_id, cid), []).extend(rows)


def _keep(conn: sa.Connection) -> None:
    pending = conn.info.pop(_PENDING, None)
    if not pending:
        return
    seen = _committed(conn)
    for key, rows in pending.items():
        base = seen.get(key)
        if base is None:
            merged = tuple(rows)
        elif rows[0].version == base.rows[-1].version + 1:
            merged = base.rows + tuple(rows)
        else:  # another transaction of this process got there first: merge by version
            by_version = {r.version: r for r in (*base.rows, *rows)}
            merged = tuple(by_version[v] for v in sorted(by_version))
        views = base.views if base is not None and merged[: len(base.rows)] == base.rows else ()
        seen[key] = Committed(merged, views)


def _forget(conn: sa.Connection) -> None:
    conn.info.pop(_PENDING, None)


def unviewed(rows: list[ResultRow]) -> list[ResultRow]:
    """The versions whose views ``history_views`` would still have to make (their writers' names
    and deviations are what the views need)."""
    committed = getattr(rows, "committed", None)
    return rows if committed is None else rows[len(committed.views) :]


def history_views(rows: list[ResultRow], make: Callable[[ResultRow], Any]) -> tuple:
    """``make(row)`` of each version, oldest first; the views of remembered versions are made
    once per engine."""
    committed = getattr(rows, "committed", None)
    if committed is None:
        return tuple(make(row) for row in rows)
    done, kept = len(committed.views), len(committed.rows)
    if done < kept:
        committed.views = committed.views + tuple(make(r) for r in committed.rows[done:])
    return committed.views + tuple(make(row) for row in rows[kept:])


def insert_result(conn: sa.Connection, batch_id: int, row: ResultRow) -> None:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["batch_id"] = batch_id
    conn.execute(_INSERT_RESULT, values)


def user_names(conn: sa.Connection, usernames: Iterable[str]) -> dict[str, str]:
    names = sorted(set(usernames))
    if not names:
        return {}
    u = _USERS.c
    return dict(conn.execute(sa.select(u.username, u.full_name).where(u.username.in_(names))).all())


# Told by every engine core/store makes (registered once, at import: never on an engine in use).
observe_transactions("begin", _forget)  # nothing carried over from a lost transaction
observe_transactions("commit", _keep)
observe_transactions("rollback", _forget)
