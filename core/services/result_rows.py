"""The rows of a batch record, read and written with SQLAlchemy Core: the hot path of recording.

Plain frozen rows instead of ORM objects: a value is recorded in a few statements, and a batch
view of hundreds of values is read in one query without building ORM objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from core.errors import NotFound
from core.models import Batch, Result, TemplateVersion, User
from core.services.templates import cached_template, parsed_template
from core.templates.model import TemplateDef

_RESULTS = Result.__table__
_BATCHES = Batch.__table__
_TEMPLATES = TemplateVersion.__table__
_USERS = User.__table__


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


_b = _BATCHES.c
_t = _TEMPLATES.c
_TEMPLATE_TEXT = sa.select(_t.content, _t.source_file).where(_t.id == sa.bindparam("id"))
_VERSIONS = (
    sa.select(*_ROW_COLUMNS)
    .where(_RESULTS.c.batch_id == sa.bindparam("batch_id"))
    .order_by(_RESULTS.c.check_id, _RESULTS.c.version)
)
_VERSIONS_OF = (
    sa.select(*_ROW_COLUMNS)
    .where(
        _RESULTS.c.batch_id == sa.bindparam("batch_id"),
        _RESULTS.c.check_id.in_(sa.bindparam("ids", expanding=True)),
    )
    .order_by(_RESULTS.c.check_id, _RESULTS.c.version)
)
_VERSIONS_OF_ONE = (
    sa.select(*_ROW_COLUMNS)
    .where(
        _RESULTS.c.batch_id == sa.bindparam("batch_id"),
        _RESULTS.c.check_id == sa.bindparam("id"),
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
    return NotFound(f"There is no batch with lot '{lot}'. Check the lot number on the label.")


def template_of(conn: sa.Connection, batch: BatchRow) -> TemplateDef:
    cached = cached_template(batch.template_sha256)
    if cached is not None:
        return cached
    content, source = conn.execute(_TEMPLATE_TEXT, {"id": batch.template_version_id}).one()
    return parsed_template(batch.template_sha256, content, source)


def versions(
    conn: sa.Connection, batch_id: int, check_ids: Iterable[str] | None = None
) -> dict[str, list[ResultRow]]:
    """Every version of each check's value, oldest first (only the given checks, when named)."""
    if check_ids is None:
        rows = conn.execute(_VERSIONS, {"batch_id": batch_id})
    else:
        ids = sorted(set(check_ids))
        if not ids:
            return {}
        if len(ids) == 1:  # the common case, and a statement that needs no expanding IN
            rows = conn.execute(_VERSIONS_OF_ONE, {"batch_id": batch_id, "id": ids[0]})
        else:
            rows = conn.execute(_VERSIONS_OF, {"batch_id": batch_id, "ids": ids})
    found: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(ResultRow(*row))
    return found


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
