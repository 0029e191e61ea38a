"""First run: there is no site database yet. Create it, with its first administrator, or open the
demo database (a file of its own, built on first use) to look around.

Both go to core on a worker (`site.init_site`, or `demo.build_demo` + `open_database`); core's
refusals (weak password, bad username, a file already there) are shown under the fields."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from ui.context import AppContext
from ui.widgets.common import Message, button, field, form_label, label, panel


def create_site(
    url: str, username: str, full_name: str, password: str, time_zone: str
) -> tuple[Any, int]:
    """On a worker: the new site database (with its CA and time zone) and its idle-lock minutes."""
    from core.services.settings import show_policy
    from core.services.site import init_site

    db = init_site(url, username, full_name, password, time_zone=time_zone)
    return db, show_policy(db).idle_lock_minutes


def prepare_demo(url: str) -> tuple[Any, int]:
    """On a worker: the demo database (built when missing) and its idle-lock minutes."""
    from core.demo.build import open_demo
    from core.services.settings import show_policy

    db = open_demo(url)
    return db, show_policy(db).idle_lock_minutes


def where(url: str) -> str:
    """The database's place in words: a file path, or the server URL without its password."""
    from core.paths import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def path_label(name: str, text: str, parent: QWidget) -> QLabel:
    """A place on disk, shown whole: the path wraps after any separator when it is long."""
    shown = label(text.replace("/", "/\u200b").replace("\\", "\\\u200b"), parent)
    shown.setAccessibleName(name)
    shown.setAccessibleDescription(text)
    shown.setToolTip(text)
    return shown


class FirstRunScreen(QWidget):
    finished = Signal()  # the context has its database: the log-in screen comes next

    def __init__(self, context: AppContext, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.url = url
        self._working = False
        self.admin_username = ""  # the administrator made, once the site database is created
        self.setAccessibleName(_("First run"))
        from core.paths import demo_db_url

        self.demo_url = demo_db_url()

        self.title = label(
            _("Welcome to Lotbook: there is no site database yet"), self, role="title"
        )
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: no way to know how far along
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Working"))
        self.progress.setMaximumHeight(10)
        self.progress.hide()

        choices = QHBoxLayout()
        choices.setSpacing(16)
        choices.addWidget(self._create_panel(), 2)
        choices.addWidget(self._demo_panel(), 1)
        self._where = self.message  # the panel whose work is under way (its message)
        body = QVBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.title)
        body.addLayout(choices)
        body.addWidget(self.progress)
        holder = QWidget(self)
        holder.setLayout(body)
        holder.setMaximumWidth(1200)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.addWidget(holder, 1, Qt.AlignmentFlag.AlignHCenter)  # the height its lines need

        self.create_button.clicked.connect(self.create)
        self.demo_button.clicked.connect(self.open_demo)
        for edit in self._fields():
            edit.returnPressed.connect(lambda edit=edit: self._entered(edit))
        QShortcut(QKeySequence("Ctrl+D"), self, self.open_demo)
        chain = [self.on_file, self.on_server, self.server_url, *self._fields(), self.create_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)  # the order the form reads in, not made in
        self.username.setFocus()

    def _create_panel(self) -> QWidget:
        create = panel(self)
        create.setAccessibleName(_("Create the site database"))
        self.location = path_label(_("Site database location"), where(self.url), create)
        self.on_file = QRadioButton(_("On this computer"), create)
        self.on_server = QRadioButton(_("On the site server (PostgreSQL)"), create)
        self.on_file.setChecked(True)
        self.server_url = field(
            _("Site server URL"),
            create,
            placeholder="postgresql+psycopg://lotbook@db-server/lotbook",
        )
        self.server_url.setEnabled(False)
        self.on_server.toggled.connect(self._place_chosen)
        from core.clock import local_zone_name

        self.time_zone = field(_("Site time zone"), create, placeholder=_("e.g. Europe/Berlin"))
        self.time_zone.setText(local_zone_name())
        self.time_zone.setToolTip(
            _(
                "IANA name, e.g. Europe/Berlin: instrument times without a zone are read in it "
                "and reports show times in it."
            )
        )
        self.username = field(_("Administrator's username"), create, placeholder=_("e.g. ada"))
        self.full_name = field(
            _("Administrator's full name"), create, placeholder=_("As it appears on signatures")
        )
        self.password = field(_("Password"), create, password=True)
        self.repeat = field(_("Repeat the password"), create, password=True)
        self.rules = label(
            _("The password: at least 10 characters, not containing the username."),
            create,
            role="subtle",
        )
        self.message = Message(create)
        self.create_button = button(
            _("Create site database"),
            create,
            tip=_("Create the database and its administrator (Enter)"),
            default=True,
        )
        self.create_button.setAutoDefault(False)  # stays the primary action when focus moves
        form = QFormLayout()
        form.setVerticalSpacing(8)
        places = QHBoxLayout()
        places.setSpacing(16)
        places.addWidget(self.on_file)
        places.addWidget(self.on_server)
        places.addStretch(1)
        form.addRow(form_label(_("Database"), create), places)
        form.addRow(form_label(_("File"), create), self.location)
        form.addRow(form_label(_("Server"), create), self.server_url)
        self.form = form
        form.setRowVisible(self.server_url, False)  # the file or the server: one row at a time
        who = QHBoxLayout()  # side by side, as the passwords: the form fits a 1366×768 screen
        who.setSpacing(12)
        who.addWidget(self.username, 2)
        who.addWidget(form_label(_("Full name"), create))
        who.addWidget(self.full_name, 3)
        form.addRow(form_label(_("Username"), create), who)
        passwords = QHBoxLayout()  # side by side: the form fits a 1366×768 screen
        passwords.setSpacing(12)
        passwords.addWidget(self.password, 1)
        passwords.addWidget(form_label(_("Repeat"), create))
        passwords.addWidget(self.repeat, 1)
        form.addRow(form_label(_("Password"), create), passwords)
        form.addRow("", self.rules)
        form.addRow(form_label(_("Time zone"), create), self.time_zone)
        inner = QVBoxLayout(create)
        inner.setContentsMargins(24, 16, 24, 16)
        inner.setSpacing(10)
        inner.addWidget(label(_("Create the site database"), create, role="title"))
        inner.addWidget(
            label(
                _(
                    "The first user is the administrator: they add everyone else and issue their "
                    "signing certificates from the site's certificate authority, made now."
                ),
                create,
            )
        )
        inner.addLayout(form)
        inner.addStretch(1)
        last = QHBoxLayout()  # the refusal beside the button it answers: no row pushed off screen
        last.setSpacing(12)
        last.addWidget(self.message, 1)
        last.addWidget(
            self.create_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        )
        inner.addLayout(last)
        return create

    def _demo_panel(self) -> QWidget:
        from core.demo.people import DEMO_PASSWORD

        demo = panel(self)
        demo.setAccessibleName(_("Open the demo database"))
        about = label(
            _(
                "Example users, three batches under way (CAR\u2011T, MSC, AAV) and their audit "
                "trail, in a file of its own: nothing in it ever goes into the site database."
            ),
            demo,
        )
        self.demo_location = path_label(_("Demo database location"), where(self.demo_url), demo)
        users = label(
            _(
                "Users: tess and vic (technicians), sam (supervisor), quinn (QA), ada "
                "(administrator)."
            ),
            demo,
        )
        password = label(_("Password: {password}").format(password=DEMO_PASSWORD), demo)
        password.setWordWrap(False)  # whole, to be read and typed as it is
        password.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_message = Message(demo)
        self.demo_button = button(
            _("Open the demo"), demo, tip=_("Open (or build) the demo database (Ctrl+D)")
        )
        side = QVBoxLayout(demo)
        side.setContentsMargins(24, 20, 24, 20)
        side.setSpacing(12)
        side.addWidget(label(_("Just looking?"), demo, role="title"))
        side.addWidget(about)
        side.addWidget(self.demo_location)
        side.addWidget(users)
        side.addWidget(password)
        side.addWidget(self.demo_message)
        side.addStretch(1)
        side.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignRight)
        return demo

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on a focused button presses it (outside a dialog, Qt only does this for Space)."""
        focus = self.focusWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focus, QPushButton):
            focus.click()
            return
        super().keyPressEvent(event)

    def _fields(self) -> list[QLineEdit]:
        return [self.username, self.full_name, self.password, self.repeat, self.time_zone]

    def _place_chosen(self, server: bool) -> None:
        self.server_url.setEnabled(server)
        self.form.setRowVisible(self.server_url, server)
        self.form.setRowVisible(self.location, not server)
        if server:
            self.server_url.setFocus()

    def site_url(self) -> str | None:
        """Where the site database goes: the file shown, or the server URL typed."""
        if not self.on_server.isChecked():
            return self.url
        text = self.server_url.text().strip()
        return text or None

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.working():
            self.username.setFocus()

    # -- actions ---------------------------------------------------------------------------------

    def _entered(self, edit: QLineEdit) -> None:
        """Enter moves to the next empty field; when all are filled, creates the site."""
        fields = self._fields()
        for following in fields[fields.index(edit) + 1 :] + fields[: fields.index(edit)]:
            if not following.text():
                following.setFocus()
                return
        self.create()

    def working(self) -> bool:
        return self._working

    def create(self) -> None:
        if self.working():
            return
        username, full_name = self.username.text().strip(), self.full_name.text().strip()
        password, repeat = self.password.text(), self.repeat.text()
        url = self.site_url()
        if url is None or not url.startswith(("postgresql", "sqlite")):
            self.message.error(
                _("Give the site server's URL, e.g. {example}.").format(
                    example="postgresql+psycopg://lotbook@db-server/lotbook"
                )
            )
            self.server_url.setFocus()
            return
        for edit, value, what in (
            (self.username, username, _("Give the administrator's username.")),
            (self.full_name, full_name, _("Give the administrator's full name.")),
            (self.password, password, _("Choose the administrator's password.")),
        ):
            if not value:
                self.message.error(what)
                edit.setFocus()
                return
        if password != repeat:
            self.message.error(_("The two passwords differ: type the password again in both."))
            self.password.clear()
            self.repeat.clear()
            self.password.setFocus()
            return
        self._busy(self.message, _("Creating the site database and its administrator…"))
        self.admin_username = username  # the log-in screen that follows has it typed
        self.context.tasks.run(
            create_site,
            url,
            username,
            full_name,
            password,
            self.time_zone.text().strip(),
            on_done=self._opened,
            on_error=self._refused,
        )

    def open_demo(self) -> None:
        if self.working():
            return
        self.admin_username = ""
        from core.paths import sqlite_path

        path = sqlite_path(self.demo_url)
        building = path is not None and not path.exists()
        self._busy(
            self.demo_message,
            _("Building the demo database (first use: a few seconds)…")
            if building
            else _("Opening the demo database…"),
        )
        self.context.tasks.run(
            prepare_demo, self.demo_url, on_done=self._opened, on_error=self._refused
        )

    def _opened(self, result: tuple[Any, int]) -> None:
        db, minutes = result
        shown = self._busy(None)
        self.password.clear()
        self.repeat.clear()
        shown.ok(_("Database ready: {name}").format(name=db.display_name))
        self.context.set_database(db, minutes)
        self.finished.emit()

    def _refused(self, error: BaseException) -> None:
        """Core's refusal under the panel that was working; the input it names (its ``field``,
        the same in every language) gets the focus."""
        from core.auth.passwords import WeakPassword
        from core.fields import Field
        from ui.errors import message_of

        shown = self._busy(None)
        shown.error(message_of(error))
        if shown is not self.message:
            return
        field = getattr(error, "field", None)
        if isinstance(error, WeakPassword) or field == Field.PASSWORD:
            self.password.clear()
            self.repeat.clear()
            self.password.setFocus()
            return
        edit = {
            Field.USERNAME: self.username,
            Field.FULL_NAME: self.full_name,
            Field.TIME_ZONE: self.time_zone,
        }.get(field)
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def _busy(self, where: Message | None, text: str = "") -> Message:
        """Working (``where`` says what, in that panel), or done: the panel that was working."""
        busy = where is not None
        if busy:
            self._where = where
        self._working = busy
        self.progress.setVisible(busy)
        for widget in (
            *self._fields(),
            self.create_button,
            self.demo_button,
            self.on_file,
            self.on_server,
        ):
            widget.setEnabled(not busy)
        self.server_url.setEnabled(not busy and self.on_server.isChecked())
        self.message.clear()
        self.demo_message.clear()
        if busy:
            where.info(text)
        return self._where
