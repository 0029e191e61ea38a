"""Seals: the audit trail's own record of what each state row holds.

The rows that carry decisions (results, signatures, batches and their status, users and roles,
settings, deviations, templates and their approvals, keys, reviews, checkpoints) are *sealed*: a
unit of work that changes such a row writes, inside its last audit event, the SHA-256 of the row
as stored after the change (``"seals": {"result:812": "<hex>", ...}``; a removed row seals to
null). The event is hash-chained like every other, so a row changed in the tables alone (triggers
dropped, a role raised, a batch set to released, a signature deleted) no longer matches the newest
seal the chain holds for it, and ``audit verify`` says which row and how.

A row's text is rendered by the database itself, the same way when sealing and when verifying: the
JSON array of its columns in table order (SQLite ``json_array``, PostgreSQL ``json_build_array``
with timestamps in UTC whatever the session's time zone), so NULL, numbers and text can never pass
for one another. Hashing that text is the only work left to Python, which keeps ``audit verify``
fast on large sites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from core.i18n import N_, _
from core.models import SQL_TABLES
from core.words import Words

# Tables whose rows are sealed, in the order verify reads them.
SEALED: tuple[str, ...] = (
    "app_user",
    "site_setting",
    "site_ca",
    "signing_key",
    "ca_key_slot",
    "template_version",
    "template_approval",
    "batch",
    "result",
    "deviation",
    "deviation_link",
    "excursion_assessment",
    "signature",
    "audit_trail_review",
    "audit_checkpoint",
    "clock_incident",
    "backup_record",
    "material",
    "material_lot",
    "equipment",
)

# What each sealed table's row is, in the words a QA reviewer reads.
ROW_WORD: Words[str] = Words(
    {
        "app_user": N_("user"),
        "site_setting": N_("setting"),
        "site_ca": N_("site certificate authority"),
        "signing_key": N_("signing key"),
        "ca_key_slot": N_("CA key slot"),
        "template_version": N_("template version"),
        "template_approval": N_("template approval"),
        "batch": N_("batch"),
        "result": N_("result"),
        "deviation": N_("deviation"),
        "deviation_link": N_("deviation link"),
        "excursion_assessment": N_("excursion assessment"),
        "signature": N_("signature"),
        "audit_trail_review": N_("audit-trail review"),
        "audit_checkpoint": N_("checkpoint"),
        "clock_incident": N_("clock incident"),
        "backup_record": N_("backup record"),
        "material": N_("material"),
        "material_lot": N_("material lot"),
        "equipment": N_("equipment item"),
    }
)


def row_words(key: str) -> str:
    """'the user in row app_user:2' for a seal key."""
    table = key.split(":", 1)[0]
    return _("the {row} in row {key}").format(row=ROW_WORD.get(table, table), key=key)


@dataclass(frozen=True)
class SealedTable:
    name: str
    columns: tuple[sa.Column, ...]
    key: str  # the primary-key column (every sealed table has a one-column key)

    @cache  # noqa: B019  (a handful of tables, each kept for the process's life)
    def select_texts(self, dialect: str) -> str:
        """SELECT key, row text FROM the table (append a WHERE clause to narrow it)."""
        if dialect == "postgresql":
            cols = ", ".join(_pg_value(c) for c in self.columns)
            return f"SELECT {self.key}, json_build_array({cols})::text FROM {self.name}"
        cols = ", ".join(c.name for c in self.columns)
        return f"SELECT {self.key}, json_array({cols}) FROM {self.name}"

    def select_chunk(self, dialect: str) -> str:
        """The highest key, the seal keys and the row texts of the next CHUNK rows after a key."""
        window = (
            f"(SELECT * FROM {self.name} WHERE id > {_mark(dialect)} ORDER BY id LIMIT {CHUNK})"
        )
        prefix = f"'{self.name}:' || id"
        if dialect == "postgresql":
            cols = ", ".join(_pg_value(c) for c in self.columns)
            return (
                f"SELECT max(id), string_agg({prefix}, chr(30) ORDER BY id), "
                f"string_agg(json_build_array({cols})::text, chr(30) ORDER BY id) FROM {window} w"
            )
        cols = ", ".join(c.name for c in self.columns)
        # the window is ordered, and SQLite aggregates an ordered subquery in its order
        return (
            f"SELECT max(id), group_concat({prefix}, char(30)), "
            f"group_concat(json_array({cols}), char(30)) FROM {window}"
        )


def _mark(dialect: str) -> str:
    return "%s" if dialect == "postgresql" else "?"


def _pg_value(column: sa.Column) -> str:
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, sa.DateTime):
        return f"to_char({column.name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return column.name


@cache
def sealed_tables() -> Mapping[str, SealedTable]:
    """The sealed tables this schema has (a table not created yet is simply not sealed): built
    once, read at every unit of work (read-only)."""
    out: dict[str, SealedTable] = {}
    for name in SEALED:
        table = SQL_TABLES.get(name)
        if table is None:
            continue
        (key,) = [c.name for c in table.primary_key.columns]
        out[name] = SealedTable(name, tuple(table.columns), key)
    return MappingProxyType(out)


def text_digest(text: str) -> str:
    """The seal of one row: SHA-256 of its text as the database rendered it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def seal_key(table: str, key: Any) -> str:
    return f"{table}:{key}"


def current_seals(connection: sa.Connection, touched: dict[str, set[Any]]) -> dict[str, str | None]:
    """The seals of the touched rows as they stand now in this transaction (None: removed)."""
    tables = sealed_tables()
    dialect = connection.dialect
    seals: dict[str, str | None] = {}
    for name, keys in sorted(touched.items()):
        spec = tables.get(name)
        if spec is None or not keys:
            continue
        ordered = sorted(keys, key=str)
        marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(ordered))
        sql = f"{spec.select_texts(dialect.name)} WHERE {spec.key} IN ({marks})"
        found = {
            str(key): text_digest(text)
            for key, text in connection.exec_driver_sql(sql, tuple(ordered)).fetchall()
        }
        for key in ordered:
            seals[seal_key(name, key)] = found.get(str(key))
    return seals


_RECORD, _FIELD = "\x1e", "\x1f"  # never in a row's text: JSON escapes every control character
_RECORD_BYTE = _RECORD.encode("ascii")
CHUNK = 10000


def read_row_seals(cursor: Any, dialect: str) -> dict[str, str]:
    """{seal key: digest} of every row of every sealed table, through a raw driver cursor.

    The database renders a chunk of rows into one text per statement (their keys, and their
    texts joined by a control character JSON never leaves raw), so the rendering runs without
    Python and Python only splits and hashes: the row-state half of ``audit verify``."""
    found: dict[str, str] = {}
    sha256 = hashlib.sha256
    for spec in sealed_tables().values():
        if spec.key != "id":  # a text key could hold anything: one row at a time
            found.update(iter_row_seals(cursor, spec, dialect))
            continue
        sql, last = spec.select_chunk(dialect), -1
        while True:
            cursor.execute(sql, (last,))
            top, keys, texts = cursor.fetchone()
            if top is None:
                break
            last = top
            # one encoding per chunk: UTF-8 of the joined texts is the joined UTF-8 of each
            joined = texts.encode("utf-8", "surrogatepass")
            digests = [sha256(text).hexdigest() for text in joined.split(_RECORD_BYTE)]
            found.update(zip(keys.split(_RECORD), digests, strict=True))
    return found


def iter_row_seals(
    cursor: Any, spec: SealedTable, dialect: str, batch: int = 5000
) -> Iterator[tuple[str, str]]:
    """(seal key, digest) of every row of a sealed table, read through a raw driver cursor."""
    cursor.execute(spec.select_texts(dialect))
    prefix = spec.name + ":"
    sha256 = hashlib.sha256
    while rows := cursor.fetchmany(batch):
        for key, text in rows:
            yield prefix + str(key), sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
