"""The inputs a refusal can be about, by their canonical names.

A service that refuses a value a person typed says which input it was (``DomainError.field``),
so a front can point at it — the GUI focuses that field — in every language, without reading
the words of the message. ``about`` names the input for refusals raised by a shared check (a
free-text rule, a typed time, a password rule) that does not know which input it checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from core.errors import DomainError


class Field(StrEnum):
    """An input named by a refusal: its canonical name, the same in every language."""

    USERNAME = "username"
    FULL_NAME = "full_name"
    PASSWORD = "password"
    TIME_ZONE = "time_zone"
    LOT = "lot"
    COI_ID = "coi_id"
    OCCURRED_AT = "occurred_at"
    LOCATION = "location"


@contextmanager
def about(field: Field) -> Iterator[None]:
    """Refusals raised inside are about ``field``, unless they already name another input."""
    try:
        yield
    except DomainError as refusal:
        if refusal.field is None:
            refusal.field = field
        raise
