"""Log in, choose a new password at first log-in, and unlock after the idle lock.

The password is checked by core (argon2id, lockout) on a worker thread; core's messages are shown
as they are, under the fields."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import LANGUAGES, _, language
from ui.context import AppContext
from ui.widgets.common import Message, TouchCombo, button, field, form_label, label, panel

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it

if TYPE_CHECKING:
    from core.auth.identity import Actor


class LoginScreen(QWidget):
    """Modes: "login" (anyone), "lock" (the same user resumes, or another takes over)."""

    logged_in = Signal(object)  # Actor
    language_chosen = Signal(str)  # a language picked here (core.i18n code)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.mode = "login"
        self._current_password = ""
        self.setAccessibleName(_("Log in"))

        box = panel(self)
        box.setMinimumWidth(520)
        box.setMaximumWidth(640)
        self.title = label(_("Log in to Lotbook"), box, role="title")
        self.subtitle = label("", box, role="subtle")
        self.username = field(_("Username"), box)
        self.password = field(_("Password"), box, password=True)
        self.new_password = field(_("New password"), box, password=True)
        self.repeat_password = field(_("Repeat the new password"), box, password=True)
        self.message = Message(box)
        self.submit = button(_("Log in"), box, default=True, tip=_("Enter"))
        self.switch = button(
            _("Another user"), box, tip=_("Log in as someone else; drafts are kept")
        )
        self.switch.hide()
        self.language = TouchCombo(box)
        self.language.setAccessibleName(_("Language"))
        self.language.setToolTip(_("The language Lotbook speaks to you in; kept as yours"))
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(language())))
        self.language.activated.connect(self._language_picked)

        form = QFormLayout()
        form.addRow(form_label(_("Username"), box), self.username)
        form.addRow(form_label(_("Password"), box), self.password)
        form.addRow(form_label(_("New password"), box), self.new_password)
        form.addRow(form_label(_("Repeat"), box), self.repeat_password)
        form.addRow(form_label(_("Language"), box), self.language)
        self._form = form
        self._show_new_password(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.switch)
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(14)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.submit.clicked.connect(self._submit)
        for edit in (self.username, self.password, self.new_password, self.repeat_password):
            edit.returnPressed.connect(self._submit)
        self.switch.clicked.connect(self._another_user)
        self.context.database_changed.connect(self._database_ready)
        self._database_ready()

    # -- modes -----------------------------------------------------------------------------------

    def show_login(self, username: str = "") -> None:
        """The log-in form, the focus where typing starts: on the password when the username is
        known (the administrator the first-run wizard just made), else on the username."""
        self.mode = "login"
        self.title.setText(_("Log in to Lotbook"))
        self.username.setReadOnly(False)
        self.username.setText(username)
        self.switch.hide()
        self._reset()
        (self.password if username else self.username).setFocus()

    def show_lock(self, actor: Actor) -> None:
        self.mode = "lock"
        self.title.setText(_("Locked"))
        self.subtitle.setText(
            _(
                "{name} was away. Their unsaved entries are kept. Type your password to carry "
                "on, or let another user log in."
            ).format(name=actor.full_name)
        )
        self.username.setText(actor.username)
        self.username.setReadOnly(True)
        self.switch.show()
        self._reset()
        self.password.setFocus()

    def _another_user(self) -> None:
        self.username.setReadOnly(False)
        self.username.clear()
        self.subtitle.setText(_("Log in as another user. The first user's drafts stay unsaved."))
        self.username.setFocus()

    def _reset(self) -> None:
        self.password.clear()
        self.new_password.clear()
        self.repeat_password.clear()
        self._show_new_password(False)
        self.message.clear()
        self.submit.setText(_("Log in") if self.mode == "login" else _("Unlock"))
        self._database_ready()

    def _show_new_password(self, visible: bool) -> None:
        for edit in (self.new_password, self.repeat_password):
            self._form.setRowVisible(edit, visible)

    def _database_ready(self) -> None:
        ready = self.context.db is not None
        self.submit.setEnabled(ready)
        if not ready:
            self.subtitle.setText(_("Opening the database…"))
        elif self.mode == "login":
            self.subtitle.setText(_("Database: {name}").format(name=self.context.db.display_name))

    def database_failed(self, message: str) -> None:
        self.submit.setEnabled(False)
        self.subtitle.setText(_("The database cannot be opened."))
        self.message.error(message)

    def _language_picked(self, _index: int) -> None:
        code = self.language.currentData()
        if code and code != language():
            self.language_chosen.emit(code)

    # -- actions ---------------------------------------------------------------------------------

    def _submit(self) -> None:
        if self.context.db is None or not self.submit.isEnabled():
            return
        username = self.username.text().strip().lower()
        if not username:
            self.message.error(_("Type your username."))
            self.username.setFocus()
            return
        if self.new_password.isVisible():
            self._change_password(username)
            return
        password = self.password.text()
        if not password:
            self.message.error(_("Type your password."))
            self.password.setFocus()
            return
        from core.services.log_in import log_in

        self._busy(True)
        self.context.tasks.run(
            log_in,
            self.context.db,
            username,
            password,
            on_done=self._authenticated,
            on_error=self._refused,
        )

    def _change_password(self, username: str) -> None:
        new, repeat = self.new_password.text(), self.repeat_password.text()
        if new != repeat:
            self.message.error(_("The two new passwords differ."))
            self.repeat_password.setFocus()
            return
        from core.services.log_in import log_in
        from core.services.users import change_password

        def change_then_log_in() -> Actor:
            change_password(self.context.db, username, self._current_password, new)
            return log_in(self.context.db, username, new)

        self._busy(True)
        self.context.tasks.run(
            change_then_log_in, on_done=self._authenticated, on_error=self._refused
        )

    def _authenticated(self, actor: Actor) -> None:
        self._busy(False)
        self._current_password = ""
        self.password.clear()
        self.new_password.clear()
        self.repeat_password.clear()
        self.message.clear()
        self.logged_in.emit(actor)

    def _refused(self, error: BaseException) -> None:
        from core.errors import PasswordChangeRequired
        from ui.errors import message_of

        self._busy(False)
        if isinstance(error, PasswordChangeRequired):
            self._current_password = self.password.text()
            self._show_new_password(True)
            self.message.info(
                _(
                    "This is your first log-in (or your password was reset): choose your own "
                    "password, at least 10 characters."
                )
            )
            self.submit.setText(_("Set password and log in"))
            self.new_password.setFocus()
            return
        self.message.error(message_of(error))
        if self.new_password.isVisible():  # the new password was refused: type it again
            self.new_password.clear()
            self.repeat_password.clear()
            self.new_password.setFocus()
            return
        self.password.clear()
        self.password.setFocus()

    def _busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy and self.context.db is not None)
        from PySide6.QtCore import Qt  # the Qt namespace is costly to load: not at start-up

        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)
