"""What a user typed but has not saved, kept in memory per user, lot and check.

Drafts survive an idle lock, a switch of user and a failed save; they are never written to the
batch record (nothing uncommitted is GxP data) and are gone when the app closes."""

from __future__ import annotations


class DraftStore:
    def __init__(self) -> None:
        self._texts: dict[tuple[str, str, str], str] = {}

    def put(self, user: str, lot: str, check_id: str, text: str) -> None:
        key = (user, lot, check_id)
        if text.strip():
            self._texts[key] = text
        else:
            self._texts.pop(key, None)

    def get(self, user: str, lot: str, check_id: str) -> str:
        return self._texts.get((user, lot, check_id), "")

    def drop(self, user: str, lot: str, check_id: str) -> None:
        self._texts.pop((user, lot, check_id), None)

    def count(self, user: str) -> int:
        return sum(1 for key in self._texts if key[0] == user)
