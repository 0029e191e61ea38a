"""User accounts as a table: states in words (active, locked, initial password), never colour
alone. Formatting only: the accounts come from core as UserView."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.auth.roles import role_words
from core.i18n import N_, _, ngettext
from core.readmodels import UserView
from core.states import KeyState
from ui import theme
from ui.models.base import ReadModelTable

COLUMNS = (
    N_("Username"),
    N_("Full name"),
    N_("Role"),
    N_("Status"),
    N_("Locked"),
    N_("Initial password"),
    N_("Signing key"),
)
KEY = len(COLUMNS) - 1

_Index = QModelIndex | QPersistentModelIndex


def status_text(user: UserView) -> str:
    return _("Active") if user.active else _("Deactivated")


def locked_text(user: UserView) -> str:
    if not user.locked:
        return _("No")
    n = user.failed_attempts
    return ngettext("Locked ({n} failed log-ins)", "Locked ({n} failed log-ins)", n).format(n=n)


def initial_text(user: UserView) -> str:
    return _("Yes — chooses own at next log-in") if user.must_change_password else _("No")


def key_text(key: Any) -> str:
    """A user's signing key (core.services.signing_keys.SigningKeyView) in words."""
    if key is None or key.state == KeyState.NONE:
        return _("None yet — made at their next log-in")
    if key.state == KeyState.ISSUED:
        if key.serial_hex:
            return _("Issued · serial {serial}…").format(serial=key.serial_hex[:8])
        return _("Issued")
    return _("Awaiting issue")


def key_tip(key: Any) -> str | None:
    if key is None or key.state != KeyState.ISSUED:
        return (
            _(
                "An administrator issues the certificate (Issue certificates…); until then the "
                "user cannot sign."
            )
            if key is not None and key.state == KeyState.AWAITING_ISSUE
            else None
        )
    from core.clock import local_text

    tip = _("Serial {serial}\nIssued {when} by {by}").format(
        serial=key.serial_hex, when=local_text(key.issued_at), by=key.issued_by
    )
    return tip + ("\n" + _("Holds a key slot of the site CA") if key.holds_ca_slot else "")


class UsersModel(ReadModelTable):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._keys: dict[str, Any] = {}

    def set_keys(self, keys: list[Any]) -> None:
        """Signing key states by username (shown in the last column)."""
        self._keys = {k.username: k for k in keys}
        if self._items:
            self.dataChanged.emit(self.index(0, KEY), self.index(len(self._items) - 1, KEY))

    def key_of(self, username: str) -> Any:
        return self._keys.get(username)

    def signing_keys(self) -> list[Any]:
        return list(self._keys.values())

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
                role_words(user.role),
                status_text(user),
                locked_text(user),
                initial_text(user),
                key_text(self._keys.get(user.username)),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == KEY:
            return key_tip(self._keys.get(user.username))
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QColor(theme.GREY)
        if role == Qt.ItemDataRole.FontRole and not user.active:
            font = QFont()
            font.setItalic(True)
            return font
        return None
