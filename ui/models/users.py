"""User accounts as a table: states in words (active, locked, initial password), never colour
alone. Formatting only: the accounts come from core as UserView."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.readmodels import UserView
from ui import theme
from ui.models.base import ReadModelTable

COLUMNS = ("Username", "Full name", "Role", "Status", "Locked", "Initial password")

_Index = QModelIndex | QPersistentModelIndex


def status_text(user: UserView) -> str:
    return "Active" if user.active else "Deactivated"


def locked_text(user: UserView) -> str:
    if not user.locked:
        return "No"
    return f"Locked ({user.failed_attempts} failed log-ins)"


def initial_text(user: UserView) -> str:
    return "Yes — chooses own at next log-in" if user.must_change_password else "No"


class UsersModel(ReadModelTable):
    columns = COLUMNS

    def set_users(self, users: list[UserView]) -> None:
        self.set_items(users)

    def user_at(self, row: int) -> UserView | None:
        return self.item_at(row)

    def row_of(self, username: str) -> int | None:
        for row, user in enumerate(self._items):
            if user.username == username:
                return row
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        user = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                user.username,
                user.full_name,
                user.role,
                status_text(user),
                locked_text(user),
                initial_text(user),
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QColor(theme.GREY)
        if role == Qt.ItemDataRole.FontRole and not user.active:
            font = QFont()
            font.setItalic(True)
            return font
        return None
