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

from core.i18n import _
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
        self.submit = button(submit, self, default=True, tip=_("Enter"))
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without changing anything"))
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
        self.message.info(_("Saving…"))
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
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _password(name: str, parent: QWidget) -> QLineEdit:
    return field(name, parent, password=True)


class AddUserDialog(_UserDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, _("Add a user"), _("Add user"), parent)
        from core.auth.roles import ROLE_WORDS, Role

        self.explanation.setText(
            _(
                "The new user logs in with the initial password you give here and must then "
                "choose their own. Usernames are lower case and can never be reused."
            )
        )
        self.username = field(_("Username"), self, placeholder=_("e.g. jsmith"))
        self.full_name = field(
            _("Full name"), self, placeholder=_("as it should appear on signatures")
        )
        self.role = TouchCombo(self)
        self.role.setAccessibleName(_("Role"))
        self.role.setMinimumHeight(theme.TOUCH)
        for role in Role:
            self.role.addItem(ROLE_WORDS[role], role.value)  # shown in words, stored as the value
        self.role_rights = label("", self, role="subtle")
        self.role_rights.setAccessibleName(_("What this role may do"))
        self.role.currentIndexChanged.connect(self._show_rights)
        self._show_rights()
        self.password = _password(_("Initial password"), self)
        self.repeat = _password(_("Repeat the initial password"), self)
        self.admin_password = _password(_("Your password (administrator)"), self)
        self._row(_("Username"), self.username)
        self._row(_("Full name"), self.full_name)
        self._row(_("Role"), self.role)
        self.form.addRow("", self.role_rights)
        self._row(_("Initial password"), self.password)
        self._row(_("Repeat"), self.repeat)
        self._row(_("Your password"), self.admin_password)  # adding a person is a binding act
        self.username.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self._refuse(
                _("The two passwords differ. Type the initial password again."), self.repeat
            )
            return
        if not self.admin_password.text():
            self._refuse(_("Type your own password to add the user."), self.admin_password)
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
        from core.auth.roles import PERMISSION_WORDS, Permission, allows, role_words

        role = self.role.currentData()
        may = [PERMISSION_WORDS[p] for p in Permission if allows(role, p)]
        self.role_rights.setText(
            _("The {role} role may {rights}.").format(role=role_words(role), rights=_listed(may))
            if may
            else ""
        )

    def done_text(self, user: UserView) -> str:
        from core.auth.roles import role_words

        return _(
            "{username} ({name}) added as {role}. Give them the initial "
            "password in person; they choose their own at their first log-in."
        ).format(username=user.username, name=user.full_name, role=role_words(user.role))


def deactivate_after_reauthentication(
    db: Database, admin: Actor, password: str, username: str, reason: str
) -> UserView:
    """The admin proves who they are (a failure counts towards their lockout), then acts."""
    from core.services.users import deactivate_user

    return deactivate_user(db, admin, username, reason, admin_password=password)


class DeactivateUserDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            _("Deactivate {username}").format(username=user.username),
            _("Deactivate"),
            parent,
        )
        from core.auth.roles import role_words

        self.user = user
        self.explanation.setText(
            _(
                "{name} ({username}, {role}) will no longer be able to log in "
                "or sign.\n\n"
                "• The account stays in the database; it is not deleted.\n"
                "• Everything they recorded and signed stays in the batch records and the audit "
                "trail, under their name.\n"
                "• The username '{username}' is never used again, by anyone.\n"
                "• This cannot be undone here.\n\n"
                "Give the reason (it is kept in the audit trail) and your own password to confirm."
            ).format(name=user.full_name, username=user.username, role=role_words(user.role))
        )
        self.reason = field(_("Reason"), self, placeholder=_("e.g. left the company on 2026-11-30"))
        self.password = _password(_("Your password"), self)
        self._row(_("Reason"), self.reason)
        self._row(_("Your password"), self.password)
        self.reason.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.password.text():
            self._refuse(_("Type your own password to confirm."), self.password)
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
        return _(
            "{username} is deactivated: no more log-ins. Their records stay, and the "
            "username is never reused."
        ).format(username=user.username)


class ResetPasswordDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            _("Reset the password of {username}").format(username=user.username),
            _("Reset password"),
            parent,
        )
        self.user = user
        self.explanation.setText(
            _(
                "{name} gets a new initial password and must choose their own at their "
                "next log-in. A lock after failed log-ins is lifted too. Give them the initial "
                "password in person."
            ).format(name=user.full_name)
        )
        self.password = _password(_("New initial password"), self)
        self.repeat = _password(_("Repeat the new initial password"), self)
        self.reason = field(_("Reason"), self, placeholder=_("e.g. forgot the password"))
        self._row(_("New initial password"), self.password)
        self._row(_("Repeat"), self.repeat)
        self._row(_("Reason"), self.reason)
        self.password.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self._refuse(_("The two passwords differ. Type the new password again."), self.repeat)
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
        return _(
            "{username} has a new initial password and chooses their own at the next log-in."
        ).format(username=user.username)


class UnlockUserDialog(_UserDialog):
    def __init__(self, context: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(
            context, _("Unlock {username}").format(username=user.username), _("Unlock"), parent
        )
        self.user = user
        self.explanation.setText(
            _(
                "The account of {name} was locked after {n} failed "
                "log-ins. Unlocking lets them try their password again. If they forgot it, reset "
                "the password instead."
            ).format(name=user.full_name, n=user.failed_attempts)
        )
        self.reason = field(_("Reason"), self, placeholder=_("e.g. identity confirmed by phone"))
        self._row(_("Reason"), self.reason)
        self.reason.setFocus()

    def _submit(self) -> None:
        if self.busy:
            return
        from core.services.users import unlock_user

        self._run(
            unlock_user, self.context.db, self.context.actor, self.user.username, self.reason.text()
        )

    def done_text(self, user: UserView) -> str:
        return _("{username} is unlocked and may log in again.").format(username=user.username)
