"""The Core table behind a SQLModel class, for the few reads and writes that go through
SQLAlchemy Core for speed. SQLModel sets ``__table__`` at class creation; its type stubs do not
declare it, so this is the one place that says so."""

from typing import Protocol, cast

import sqlalchemy as sa
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> sa.Table:
    """The ``Table`` a SQLModel table class maps to."""
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


class _Keyed(Protocol):
    id: int | None


def id_of(row: _Keyed) -> int:
    """A stored row's primary key. SQLModel types it ``int | None`` because a new object has
    none until it is flushed; asking for it before then is a programming error, said plainly."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: it was not flushed")
    return row.id
