"""Administrator dialogs for user accounts: add, deactivate (with the admin's password), reset a
password, unlock. Each says what will happen, runs one core service call off the GUI thread and
shows core's refusal in place; on success it emits ``changed`` with the new UserView and closes.
Enter submits, Esc closes (not while the change is being saved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets.busy import run_for
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label

if TYPE_CHECKING:
    from core.auth.identity import Actor
    from core.readmodels import UserView
    from core.store import Database
    from ui.context import AppContext


class _UserDialog(QDialog):
    changed = Signal(object)  # UserView after the change

    def __init__(
        self, context: AppContext, title: str, submit: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.busy = False
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(620)
        self.heading = label(title, self, role="title")
        self.explanation = label("", self)
        self.form = QFormLayout()
        self.form.setSpacing(10)
        self.message = Message(self)
        self.submit = button(submit, self, default=True, tip="Enter")
        self.cancel = button("Cancel", self, tip="Esc: close without changing anything")
        self.cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.submit.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """Wrapped text needs more height at the width the dialog really got."""
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _row(self, text: str, widget: QWidget) -> None:
        caption = form_label(text, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)

    def _submit(self) -> None:
        raise NotImplementedError

    def done_text(self, user: UserView) -> str:
        """What the screen says once the change is saved."""
        raise NotImplementedError

    def _run(self, fn: Callable[..., UserView], *args: Any, **kwargs: Any) -> None:
        self._busy(True)
        self.message.info("Saving…")
        run_for(self, fn, *args, on_done=self._saved, on_error=self._refused, **kwargs)

    def _saved(self, view: UserView) -> None:
        self._busy(False)
        self.message.clear()
        self.changed.emit(view)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self._busy(False)
        self.message.error(message_of(error))
        self._fit_height()
        self._after_refusal(error)

    def _after_refusal(self, error: BaseException) -> None:
        """Where the focus goes after core said no (the first field by default)."""

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            return  # the change is being saved: its outcome is shown here first
        super().reject()

    def _refuse(self, text: str, widget: QWidget) -> None:
        self.message.error(text)
        self._fit_height()
        widget.setFocus()


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _password(name: str, parent: QWidget) -> QLineEdit:
    return field(name, parent, password=True)


class AddUserDialog(_UserDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Add a user", "Add user", parent)
        from core.auth.roles import Role

        self.explanation.setText(
            "The new user logs in with the initial password you give here and must then choose "
            "their own. Usernames are lower case and can never be reused."
        )
        self.username = field("Username", self, placeholder="e.g. jsmith")
        self.full_name = field("Full name", self, placeholder="as it should appear on signatures")
        self.role = TouchCombo(self)
        self.role.setAccessibleName("Role")
        self.role.setMinimumHeight(theme.TOUCH)
        for role in Role:
            self.role.addItem(role.value, role.value)
        self.role_rights = label("", self, role="subtle")
        self.role_rights.setAccessibleName("What this role may do")
        self.role.currentIndexChanged.connect(self._show_rights)
        self._show_rights()
        self.password = _password("Initial password", self)
        self.repeat = _password("Repeat the initial password", self)
        self.admin_password = _password("Your password (administrator)", self)
        self._row("Username", self.username)
        self._row("Full name", self.full_name)
        self._row("Role", self.role)
        self.form.addRow("", self.role_rights)
        self._row("Initial password", self.password)
        self._row("Repeat", self.repeat)
        self._row("Your password", self.admin_password)  # adding a person is a binding act
        self.username.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self._refuse("The two passwords differ. Type the initial password again.", self.repeat)
            return
        if not self.admin_password.text():
            self._refuse("Type your own password to add the user.", self.admin_password)
            return
        from core.services.users import create_user

        self._run(
            create_user,
            self.context.db,
            self.context.actor,
            self.username.text(),
            self.full_name.text(),
            self.role.currentData(),
            self.password.text(),
            admin_password=self.admin_password.text(),
        )

    def _after_refusal(self, error: BaseException) -> None:
        """A wrong administrator password: that field, cleared; otherwise the username."""
        from core.errors import AuthenticationFailed

        if isinstance(error, AuthenticationFailed):
            self.admin_password.clear()
            self.admin_password.setFocus()
        else:
            self.username.setFocus()

    def _show_rights(self) -> None:
        """What the chosen role may do, in core's words (its permissions)."""
        from core.auth.roles import Permission, allows

        role = self.role.currentData()
        may = [p.value for p in Permission if allows(role, p)]
        self.role_rights.setText(f"The {role} role may {_listed(may)}." if may else "")

    def done_text(self, user: UserView) -> str:
        return (
            f"{user.username} ({user.full_name}) added as {user.role}. Give them the initial "
            "password in person; they choose their own at their first log-in."
        )


def deactivate_after_reauthentication(
    db: Database, admin: Actor, password: str, username: str, reason: str
) -> UserView:
    """The admin proves who they are (a failure counts towards their lockout), then acts."""
    from core.services.users import deactivate_user

    return deactivate_user(db, admin, username, reason, admin_password=password)


class DeactivateUserDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(context, f"Deactivate {user.username}", "Deactivate", parent)
        self.user = user
        self.explanation.setText(
            f"{user.full_name} ({user.username}, {user.role}) will no longer be able to log in "
            "or sign.\n\n"
            "• The account stays in the database; it is not deleted.\n"
            "• Everything they recorded and signed stays in the batch records and the audit "
            "trail, under their name.\n"
            f"• The username '{user.username}' is never used again, by anyone.\n"
            "• This cannot be undone here.\n\n"
            "Give the reason (it is kept in the audit trail) and your own password to confirm."
        )
        self.reason = field("Reason", self, placeholder="e.g. left the company on 2026-11-30")
        self.password = _password("Your password", self)
        self._row("Reason", self.reason)
        self._row("Your password", self.password)
        self.reason.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.password.text():
            self._refuse("Type your own password to confirm.", self.password)
            return
        self._run(
            deactivate_after_reauthentication,
            self.context.db,
            self.context.actor,
            self.password.text(),
            self.user.username,
            self.reason.text(),
        )

    def _after_refusal(self, error: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()

    def done_text(self, user: UserView) -> str:
        return (
            f"{user.username} is deactivated: no more log-ins. Their records stay, and the "
            "username is never reused."
        )


class ResetPasswordDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(
            context, f"Reset the password of {user.username}", "Reset password", parent
        )
        self.user = user
        self.explanation.setText(
            f"{user.full_name} gets a new initial password and must choose their own at their "
            "next log-in. A lock after failed log-ins is lifted too. Give them the initial "
            "password in person."
        )
        self.password = _password("New initial password", self)
        self.repeat = _password("Repeat the new initial password", self)
        self.reason = field("Reason", self, placeholder="e.g. forgot the password")
        self._row("New initial password", self.password)
        self._row("Repeat", self.repeat)
        self._row("Reason", self.reason)
        self.password.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self._refuse("The two passwords differ. Type the new password again.", self.repeat)
            return
        from core.services.users import reset_password

        self._run(
            reset_password,
            self.context.db,
            self.context.actor,
            self.user.username,
            self.password.text(),
            self.reason.text(),
        )

    def done_text(self, user: UserView) -> str:
        return (
            f"{user.username} has a new initial password and chooses their own at the next log-in."
        )


class UnlockUserDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(context, f"Unlock {user.username}", "Unlock", parent)
        self.user = user
        self.explanation.setText(
            f"The account of {user.full_name} was locked after {user.failed_attempts} failed "
            "log-ins. Unlocking lets them try their password again. If they forgot it, reset "
            "the password instead."
        )
        self.reason = field("Reason", self, placeholder="e.g. identity confirmed by phone")
        self._row("Reason", self.reason)
        self.reason.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        from core.services.users import unlock_user

        self._run(
            unlock_user, self.context.db, self.context.actor, self.user.username, self.reason.text()
        )

    def done_text(self, user: UserView) -> str:
        return f"{user.username} is unlocked and may log in again."
