"""Who is acting: the read model of an authenticated user, handed to services."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    username: str
    full_name: str
    role: str

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"
