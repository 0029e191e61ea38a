"""OQ-02 and OQ-03 on the scratch site's own engine: the database itself refuses changes to the
audit trail, and an edit made around its guards (what someone with the file, or with the tables'
owner account on the server, can do) is found by `audit verify`.

SQLite: raw sqlite3 on the scratch file; the edit is made in a copy with its guard trigger dropped.
PostgreSQL: the same statements through the site's role; the edit is made in a copy of the scratch
database (CREATE DATABASE … TEMPLATE) whose guard triggers the tables' owner drops. Other checks
that tamper (core/validation/oq_trail.py) use the same copy: ``tampered_copy``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.i18n import _
from core.services import audit_trail
from core.store import Database
from core.validation.oq_checks import Bench, Deviates, expect
from core.validation.scratch import copy_database, server_database

_CHANGES = (
    ("UPDATE", "UPDATE audit_event SET body = replace(body, 'tess', 'mallory') WHERE seq = 2"),
    ("DELETE", "DELETE FROM audit_event WHERE seq = 2"),
)
_FIND = "SELECT seq FROM audit_event WHERE body LIKE :pattern"
_PATTERN = '%"action":"batch.start"%'  # the event to edit: the batch start, by tess
T = TypeVar("T")
_EDIT = (
    'UPDATE audit_event SET body = replace(body, \'"user":"tess"\', \'"user":"sam"\') '
    "WHERE seq = {seq}"
)


def audit_trail_cannot_be_changed(b: Bench) -> str:
    refused = _refusals_sqlite(b) if not b.site.on_server else _refusals_server(b)
    expect(audit_trail.verify(b.site.db).intact, _("the audit chain is no longer intact"))
    return _("{refusals}; chain still intact").format(refusals="; ".join(refused))


def _refusals_sqlite(b: Bench) -> list[str]:
    refused = []
    conn = sqlite3.connect(b.site.path)
    try:
        for verb, sql in _CHANGES:
            try:
                conn.execute(sql)
                conn.commit()
            except sqlite3.DatabaseError as error:
                conn.rollback()
                refused.append(_("{verb} refused ({error})").format(verb=verb, error=error))
                continue
            raise Deviates(_("the database accepted an {verb} of an audit event").format(verb=verb))
    finally:
        conn.close()
    return refused


def _refusals_server(b: Bench) -> list[str]:
    refused = []
    with b.site.db.engine.connect() as conn:
        for verb, sql in _CHANGES:
            try:
                with conn.begin():
                    conn.exec_driver_sql(sql)
            except sa.exc.DBAPIError as error:
                refused.append(
                    _("{verb} refused ({error})").format(verb=verb, error=_first_line(error.orig))
                )
                continue
            raise Deviates(_("the database accepted an {verb} of an audit event").format(verb=verb))
    return refused


def tampering_is_detected(b: Bench) -> str:
    def edit(run: Run) -> int:
        ((seq,),) = run(_FIND, {"pattern": _PATTERN})
        run(_EDIT.format(seq=int(seq)), {})
        return int(seq)

    with tampered_copy(b, "tampered", edit) as (tampered, seq):
        report = audit_trail.verify(tampered)
    expect(not report.intact, _("the changed event was not detected"))
    expect(
        report.first_broken == seq,
        _("verify named event {named}, not {seq}").format(named=report.first_broken, seq=seq),
    )
    if b.site.on_server:
        how = _(
            "guard triggers dropped by the tables' owner, event #{seq} edited in a copy → {summary}"
        )
    else:
        how = _("guard triggers dropped, event #{seq} edited in a copy → {summary}")
    return how.format(seq=seq, summary=report.summary())


# -- a copy of the scratch site, changed around its guards ----------------------------------------

Run = Callable[[str, dict], list[tuple]]


@contextmanager
def tampered_copy(b: Bench, name: str, edit: Callable[[Run], T]) -> Iterator[tuple[Database, T]]:
    """A copy of the scratch database with every guard trigger dropped (what someone with the
    file, or with the tables' owner account on the server, can do) and ``edit(run)`` applied to
    it; yields the copy opened as a site, and what ``edit`` returned. The copy is removed after."""
    from core.store import open_database

    if b.site.on_server:
        url, drop, result = _server_copy(b, name, edit)
    else:
        url, drop, result = _sqlite_copy(b, name, edit)
    try:
        tampered = open_database(url, clock=b.clock)
        try:
            yield tampered, result
        finally:
            tampered.dispose()
    finally:
        drop()


def _sqlite_copy(b: Bench, name: str, edit: Callable[[Run], T]):
    copy = copy_database(b.site, b.site.folder / f"{name}.db")
    conn = sqlite3.connect(copy)
    try:
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for (trigger,) in triggers:
            conn.execute(f"DROP TRIGGER {trigger}")
        result = edit(lambda sql, params: conn.execute(sql, params).fetchall())
        conn.commit()
    finally:
        conn.close()
    return f"sqlite:///{copy}", lambda: copy.unlink(missing_ok=True), result


def _server_copy(b: Bench, name: str, edit: Callable[[Run], T]):
    site_url = b.site.url
    b.site.db.engine.dispose()  # a database is copied only while no one is connected to it
    source = make_url(site_url).database
    url, drop = server_database(site_url, prefix=f"lotbook_oq_{name}_", template=source)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            triggers = conn.exec_driver_sql(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            ).all()
            for trigger, table in triggers:
                conn.exec_driver_sql(f'DROP TRIGGER "{trigger}" ON {table}')

            def run(sql: str, params: dict) -> list[tuple]:
                result = conn.execute(sa.text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []

            result = edit(run)
    except BaseException:
        drop()
        raise
    finally:
        engine.dispose()
    return url, drop, result


def _first_line(error: BaseException | None) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0] if text else type(error).__name__
