"""The main window: a thin shell. A header (navigation, who is logged in, local time, large text,
lock), and a stack of screens made on first use. No business logic lives here."""

from __future__ import annotations

import importlib
import os

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.auth.roles import permission_words, role_words
from core.i18n import N_, _, language
from ui import theme
from ui.backup_watch import BackupWatch
from ui.clock_watch import ClockWatch
from ui.context import AppContext
from ui.screens.base import Screen
from ui.screens.login import LoginScreen
from ui.widgets.common import button, label

TYPE_CHECKING = False  # not `typing`: start-up must not pay for importing it

if TYPE_CHECKING:
    from typing import Any

    from core.auth.identity import Actor

# name: (module, class, permission needed (core.auth.roles.Permission name) or "", nav label)
SCREENS: dict[str, tuple[str, str, str, str]] = {
    "batches": ("ui.screens.batch_list", "BatchListScreen", "", N_("&Batches")),
    "batch": ("ui.screens.batch_record", "BatchScreen", "", ""),
    "qc": ("ui.screens.qc_results", "QCResultsScreen", "", ""),
    "custody": ("ui.screens.custody", "CustodyScreen", "", ""),
    "review": ("ui.screens.review", "ReviewScreen", "REVIEW_BATCH", N_("&Review")),
    "audit": ("ui.screens.audit_trail", "AuditTrailScreen", "", N_("&Audit trail")),
    "templates": ("ui.screens.templates", "TemplatesScreen", "APPROVE_TEMPLATE", N_("&Templates")),
    "materials": (
        "ui.screens.materials_equipment",
        "MaterialsEquipmentScreen",
        "",
        N_("Mat&erials"),
    ),
    "admin": ("ui.screens.admin", "AdminScreen", "MANAGE_USERS", N_("Ad&min")),
}
HOME = "batches"


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("Lotbook")
        self.resize(1366, 768)
        self._screens: dict[str, Screen] = {}
        self.current: str | None = None

        self.header = self._build_header()
        self.stack = QStackedWidget(self)
        self.login = self._make_login()
        self.stack.addWidget(self.login)
        self._chosen_language: str | None = None  # picked at the login window, kept at log-in
        body = QWidget(self)
        layout = self._body = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

        context.navigate.connect(self.open_screen)
        context.locked_changed.connect(self._locked_changed)
        context.actor_changed.connect(self._actor_changed)
        context.database_changed.connect(self._database_changed)
        context.tasks.busy_changed.connect(self._busy)
        self.backups = BackupWatch(context, self.statusBar())  # scheduled backups, when due
        self.clock_watch = ClockWatch(context, self.statusBar())  # an open clock incident
        QShortcut(QKeySequence("Ctrl+L"), self, activated=context.lock)
        self._scanner: Any = None  # made at the first log-in: not a cost of start-up
        self._show_login()

    def _make_login(self) -> LoginScreen:
        login = LoginScreen(self.context, self.stack)
        login.logged_in.connect(self._logged_in)
        login.language_chosen.connect(self._language_chosen)
        return login

    # -- language --------------------------------------------------------------------------------

    def retranslate(self, code: str) -> None:
        """The app in ``code`` from now on: the header and the login window made again in it
        (what was typed kept), every screen made again when next opened."""
        from ui.language import apply_language

        apply_language(code)
        large = self.large.isChecked()
        old_header, self.header = self.header, self._build_header()
        self.large.blockSignals(True)
        self.large.setChecked(large)
        self.large.blockSignals(False)
        self._body.replaceWidget(old_header, self.header)
        old_header.deleteLater()
        old, self.login = self.login, self._make_login()
        showing = self.stack.currentWidget() is old
        self.stack.insertWidget(self.stack.indexOf(old), self.login)
        self.stack.removeWidget(old)
        typed = old.username.text()
        old.deleteLater()
        self._drop_screens()
        if showing:
            self.stack.setCurrentWidget(self.login)
        actor = self.context.actor
        if self.context.locked and actor is not None:
            self.login.show_lock(actor)
        else:
            self.login.show_login(typed)
        self._refresh_header()
        db = self.context.db
        self.statusBar().showMessage(
            _("Database: {name}").format(name=db.display_name) if db else ""
        )

    def _language_chosen(self, code: str) -> None:
        self._chosen_language = code
        self.retranslate(code)

    def _site_language(self) -> None:
        """Once the database is open, the login window speaks the site's language (unless a
        language was picked there already)."""
        from core.number_display import set_site_mark
        from core.services.language import site_reading

        def shown(reading: tuple[str, str]) -> None:
            code, mark = reading
            set_site_mark(mark)  # numbers are shown with the site's decimal mark
            if self._chosen_language is None and self.context.actor is None and code != language():
                self.retranslate(code)

        self.context.tasks.run(
            site_reading, self.context.db, on_done=shown, on_error=lambda _error: None
        )

    # -- header ----------------------------------------------------------------------------------

    def _build_header(self) -> QFrame:
        header = QFrame(self)
        header.setProperty("role", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(4)  # German in large text still fits 1366 px (tests/ui/test_languages_ui)
        brand = label("Lotbook", header, role="title")
        row.addWidget(brand)
        self.nav: dict[str, Any] = {}
        for name, (*_unused, text) in SCREENS.items():
            if not text:
                continue
            b = button(_(text), header)
            b.setCheckable(True)
            b.clicked.connect(lambda _checked=False, n=name: self.open_screen(n, self._carried(n)))
            self.nav[name] = b
            row.addWidget(b)
        row.addStretch(1)
        self.who = QLabel("", header)
        self.who.setAccessibleName(_("Logged-in user"))
        self.clock = QLabel("", header)
        self.clock.setAccessibleName(_("Local time"))
        self.large = button("A+", header, tip=_("Large text (Ctrl+Shift+L)"))
        self.large.setCheckable(True)
        self.large.setAccessibleName(_("Large text"))
        self.large.toggled.connect(self._large_text)
        QShortcut(QKeySequence("Ctrl+Shift+L"), header, activated=self.large.toggle)
        self.lock_button = button(_("Lock"), header, tip=_("Lock the screen now (Ctrl+L)"))
        self.lock_button.clicked.connect(self.context.lock)
        self.logout = button(_("Log out"), header)
        self.logout.clicked.connect(self.context.log_out)
        # who and when one above the other: the header fits 1366 px in large text too
        stacked = QVBoxLayout()
        stacked.setSpacing(0)
        for widget in (self.who, self.clock):
            stacked.addWidget(widget)
        row.addLayout(stacked)
        for widget in (self.large, self.lock_button, self.logout):
            row.addWidget(widget)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(15_000)
        self._update_clock()
        return header

    def _update_clock(self) -> None:
        now = QDateTime.currentDateTime()
        zone = now.timeZoneAbbreviation()
        self.clock.setText(f"{now.toString('yyyy-MM-dd HH:mm')} {zone}")

    def _large_text(self, on: bool) -> None:
        app = QApplication.instance()
        theme.apply(app, large=on)

    def _refresh_header(self) -> None:
        actor = self.context.actor
        if actor is not None:  # aligned here, not when built: importing Qt's enums costs start-up
            from PySide6.QtCore import Qt

            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            for widget in (self.who, self.clock):
                widget.setAlignment(right)
        logged_in = actor is not None and not self.context.locked
        for name, b in self.nav.items():
            b.setVisible(logged_in and self._allowed(name))
            b.setChecked(name == self.current)
        for widget in (self.lock_button, self.logout):
            widget.setVisible(logged_in)
        self.who.setText(f"{actor.full_name} · {role_words(actor.role)}" if logged_in else "")

    # -- screens ---------------------------------------------------------------------------------

    def open_screen(self, name: str, arguments: dict | None = None) -> Screen | None:
        if self.context.actor is None or self.context.locked:
            return None
        module, cls, permission, _nav = SCREENS[name]
        if not self._allowed(name):
            from core.auth.roles import Permission

            what = permission_words(Permission[permission])
            self.statusBar().showMessage(
                "✖ "
                + _("Your role ({role}) may not {what}.").format(
                    role=self.context.actor.role, what=what
                )
            )
            return None
        screen = self._screens.get(name)
        if screen is None:
            screen = getattr(importlib.import_module(module), cls)(self.context, self.stack)
            self._screens[name] = screen
            self.stack.addWidget(screen)
        self.current = name
        self.stack.setCurrentWidget(screen)
        screen.activate(**(arguments or {}))
        self._refresh_header()
        return screen

    @property
    def scanner(self) -> Any:
        """The wedge-scanner detector (ui/scanner.py), made on first use."""
        if self._scanner is None:
            from ui.scanner import ScanDetector

            self._scanner = ScanDetector(
                self._takes_scans,
                self,
                prefix=os.environ.get("LOTBOOK_SCAN_PREFIX", ""),
                suffix=os.environ.get("LOTBOOK_SCAN_SUFFIX", ""),
            )
            self._scanner.scanned.connect(self._scanned)
        return self._scanner

    def _carried(self, name: str) -> dict:
        """What a screen opened from the bar takes along: the review opens on the lot on screen."""
        screen = self._screens.get(self.current) if self.current else None
        lot = getattr(screen, "lot", None)
        return {"lot": lot} if name == "review" and lot else {}

    def _takes_scans(self, widget: QWidget) -> bool:
        """A scan is the current screen's when it takes scans and the keys were typed in it."""
        screen = self._screens.get(self.current) if self.current else None
        return (
            screen is not None
            and not self.context.locked
            and self.stack.currentWidget() is screen
            and hasattr(screen, "handle_scan")
            and (widget is self or self.isAncestorOf(widget))
        )

    def _scanned(self, code: str, widget: QWidget) -> None:
        screen = self._screens.get(self.current) if self.current else None
        if screen is not None and hasattr(screen, "handle_scan"):
            screen.handle_scan(code, widget)

    def _allowed(self, name: str) -> bool:
        permission = SCREENS[name][2]
        if not permission:
            return True
        from core.auth.roles import Permission

        return self.context.can(Permission[permission])

    def screen(self, name: str) -> Screen | None:
        return self._screens.get(name)

    def _drop_screens(self) -> None:
        for screen in self._screens.values():
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self._screens.clear()
        self.current = None

    def _show_login(self) -> None:
        self.stack.setCurrentWidget(self.login)
        self.login.show_login()
        self._refresh_header()

    def _logged_in(self, actor: Actor) -> None:
        self.scanner  # noqa: B018 — listening for scans from the first log-in on
        current = self.context.actor
        if self.context.locked and current is not None and actor.username == current.username:
            self.context.resume(actor)  # the same person carries on, in the same language
            return
        from core.services.language import set_user_language, user_language

        chosen, db = self._chosen_language, self.context.db

        def their_language() -> str:
            """The language picked at the login window becomes theirs; else their own choice,
            else the site's."""
            if chosen is not None:
                return set_user_language(db, actor, chosen)
            return user_language(db, actor.username)

        def go_on(code: str) -> None:
            self._chosen_language = None
            if code != language():
                self.retranslate(code)
            if self.context.locked and self.context.actor is not None:
                self.context.resume(actor)
            else:
                self.context.log_in(actor)
                self.open_screen(HOME)

        self.context.tasks.run(
            their_language, on_done=go_on, on_error=lambda _error: go_on(language())
        )

    def _locked_changed(self, locked: bool) -> None:
        if locked:
            self.stack.setCurrentWidget(self.login)  # GxP data hidden, screens (and drafts) kept
            self.login.show_lock(self.context.actor)
        elif self.current is not None and self.current in self._screens:
            self.stack.setCurrentWidget(self._screens[self.current])
            self._screens[self.current].activate()
        else:
            self.open_screen(HOME)
        self._refresh_header()

    def _actor_changed(self) -> None:
        # Another user (or nobody): screens are made again for them; drafts stay per user.
        self._drop_screens()
        if self.context.actor is None:
            self._show_login()
        elif not self.context.locked:
            self.open_screen(HOME)
        self._refresh_header()

    def _database_changed(self) -> None:
        db = self.context.db
        self.statusBar().showMessage(
            _("Database: {name}").format(name=db.display_name) if db else ""
        )
        if db is not None and self._chosen_language is None and self.context.actor is None:
            self._site_language()

    def _busy(self, busy: bool) -> None:
        """A busy cursor only for work that lasts: flipping it costs more than a quick call."""
        self._is_busy = busy
        if busy:
            QTimer.singleShot(300, self._still_busy)
        else:
            self.unsetCursor()

    def _still_busy(self) -> None:
        if getattr(self, "_is_busy", False):
            from PySide6.QtCore import Qt

            self.setCursor(Qt.CursorShape.BusyCursor)

    def show_page(self, widget: QWidget) -> None:
        """A full-window page outside the screen stack (the first-run wizard)."""
        if self.stack.indexOf(widget) < 0:
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self._refresh_header()
