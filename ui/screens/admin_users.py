"""Administration, users tab: every account (never deleted), and the dialogs that add, deactivate,
reset or unlock one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _
from core.states import KeyState
from ui.dialogs.users import (
    AddUserDialog,
    DeactivateUserDialog,
    ResetPasswordDialog,
    UnlockUserDialog,
)
from ui.models.users import UsersModel
from ui.widgets.busy import run_for
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.readmodels import UserView
    from ui.context import AppContext


class UsersTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName(_("Users"))
        self.dialog: Any = None  # the dialog opened last (tests type into it)
        self.model = UsersModel(self)
        self.table = BenchTable(_("User accounts"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({1: 30}, widest=34)
        self.add = button(_("Add user…"), self, tip=_("Create an account with an initial password"))
        self.deactivate = button(
            _("Deactivate…"),
            self,
            tip=_("The account and its records stay; it can no longer log in"),
        )
        self.reset = button(_("Reset password…"), self, tip=_("Give a new initial password"))
        self.unlock = button(_("Unlock…"), self, tip=_("Lift the lock after failed log-ins"))
        self.issue = button(
            _("Issue certificates…"),
            self,
            tip=_("Issue the signing certificates waiting for it (your password needed)"),
        )
        self.message = Message(self)
        self.hint = label(
            _("Users are never deleted: deactivate an account that is no longer needed."),
            self,
            role="subtle",
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.issue)
        buttons.addStretch(1)
        for b in (self.reset, self.unlock, self.deactivate):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)

        self.add.clicked.connect(self.open_add)
        self.deactivate.clicked.connect(lambda: self._open_for(DeactivateUserDialog))
        self.reset.clicked.connect(lambda: self._open_for(ResetPasswordDialog))
        self.unlock.clicked.connect(lambda: self._open_for(UnlockUserDialog))
        self.issue.clicked.connect(self.open_issue)
        from core.auth.roles import Permission

        self.issue.setVisible(context.can(Permission.ISSUE_CERTIFICATES))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._open_for(ResetPasswordDialog))
        self._selection_changed()

    # -- data ------------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        current = self.selected_user()
        keep = select or (current.username if current else None)
        run_for(
            self,
            users_and_keys,
            self.context.db,
            on_done=lambda both: self._loaded(*both, keep),
            on_error=self._failed,
        )

    def _loaded(self, users: list[UserView], keys: list, select: str | None) -> None:
        self.model.set_users(users)
        self.model.set_keys(keys)
        self.table.fit_columns()
        row = self.model.row_of(select) if select else None
        if row is not None:
            self.table.select_row(row)
        self._selection_changed()

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def selected_user(self) -> UserView | None:
        row = self.table.selected_row()
        return self.model.user_at(row) if row is not None else None

    def select(self, username: str) -> None:
        row = self.model.row_of(username)
        if row is not None:
            self.table.select_row(row)

    def _selection_changed(self, *_args: Any) -> None:
        user = self.selected_user()
        self.deactivate.setEnabled(user is not None and user.active)
        self.reset.setEnabled(user is not None and user.active)
        self.unlock.setEnabled(user is not None and user.active and user.locked)

    # -- dialogs ---------------------------------------------------------------------------------

    def open_add(self) -> None:
        self._open(AddUserDialog(self.context, self))

    def _open_for(self, kind: type) -> None:
        user = self.selected_user()
        if user is None:
            self.message.error(_("Select a user in the list first."))
            return
        self._open(kind(self.context, user, self))

    def _open(self, dialog: Any) -> None:
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        dialog.changed.connect(lambda user, d=dialog: self._changed(d, user))
        dialog.open()

    def open_issue(self) -> None:
        from core.auth.roles import role_words
        from core.services.signing_keys import issue_certificates
        from ui.dialogs.reauth import ReauthDialog

        waiting = [
            f"{k.full_name} ({k.username}, {role_words(k.role)})"
            for k in self.model.signing_keys()
            if k.state == KeyState.AWAITING_ISSUE
        ]
        listed = "<br>".join(f"• {w}" for w in waiting) or "• " + _("none at the moment")
        db, admin = self.context.db, self.context.actor
        dialog = ReauthDialog(
            self.context,
            _("Issue signing certificates"),
            _(
                "A user can sign once the site's certificate authority has issued a certificate "
                "for the key made at their first log-in with their own password. Certificates are "
                "issued now for:<br>{listed}"
            ).format(listed=listed),
            _("Issue certificates"),
            lambda password, _text, _path: issue_certificates(db, admin, password),
            working=_("Issuing…"),
            parent=self,
        )
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        dialog.finished_with.connect(self._issued)
        dialog.open()

    def _issued(self, issued: list) -> None:
        if issued:
            names = ", ".join(k.username for k in issued)
            self.message.ok(
                _("Signing certificates issued for {names}: they can sign now.").format(names=names)
            )
        else:
            self.message.ok(_("No certificate was waiting to be issued."))
        self.reload()

    def _changed(self, dialog: Any, user: UserView) -> None:
        self.message.ok(dialog.done_text(user))
        self.reload(select=user.username)


def users_and_keys(db: Any) -> tuple[list, list]:
    """Every account, and every signing key's state (one worker trip for the table)."""
    from core.services.signing_keys import key_states
    from core.services.users import list_users

    return list_users(db), key_states(db)
