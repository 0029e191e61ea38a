"""Administration: user accounts, process template versions and site settings, in tabs.

Only for roles that may manage users (the shell hides the way here from others; core refuses
every change anyway). A user who reaches it without that right sees a plain refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.auth.roles import role_words
from core.i18n import N_, _
from ui.screens.base import Screen
from ui.widgets.common import Message, label

if TYPE_CHECKING:
    from ui.context import AppContext


class AdminScreen(Screen):
    title = N_("Administration")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.heading = label(_("Administration"), self, role="title")
        self.refusal = Message(self)
        self.refusal.setAccessibleName(_("Refusal"))
        self.tabs: QTabWidget | None = None
        self.users = self.templates = self.settings = self.backups = self.clock = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.heading)
        layout.addWidget(self.refusal)
        if not self._allowed():
            self._refuse()
            layout.addStretch(1)
            return
        from ui.screens.admin_backups import BackupsTab
        from ui.screens.admin_clock import ClockTab, tab_title
        from ui.screens.admin_settings import SettingsTab
        from ui.screens.admin_templates import TemplatesTab
        from ui.screens.admin_users import UsersTab

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Administration sections"))
        self.users = UsersTab(context, self.tabs)
        self.templates = TemplatesTab(context, self.tabs)
        self.settings = SettingsTab(context, self.tabs)
        self.tabs.addTab(self.users, _("&Users"))
        self.tabs.addTab(self.templates, _("&Templates"))
        self.tabs.addTab(self.settings, _("&Settings"))
        self.backups = BackupsTab(context, self.tabs)
        self.tabs.addTab(self.backups, _("Bac&kups"))
        self.clock = ClockTab(context, self.tabs)
        self.tabs.addTab(self.clock, tab_title(0))
        self.clock.open_count_changed.connect(
            lambda n: self.tabs.setTabText(self.tabs.indexOf(self.clock), tab_title(n))
        )
        layout.addWidget(self.tabs, 1)

    def _allowed(self) -> bool:
        from core.auth.roles import Permission

        return self.context.can(Permission.MANAGE_USERS)

    def _refuse(self) -> None:
        actor = self.context.actor
        role = role_words(actor.role) if actor is not None else _("nobody logged in")
        from core.auth.roles import Permission

        where = (
            " " + _("Template versions are approved under Templates.")
            if self.context.can(Permission.APPROVE_TEMPLATE)
            else ""
        )
        self.refusal.error(
            _(
                "Administration is for administrators. Your role ({role}) may not manage users, "
                "templates or site settings. Ask an administrator."
            ).format(role=role)
            + where
        )

    def activate(self, **arguments: Any) -> None:
        if self.tabs is None or not self._allowed():
            if self.tabs is not None:
                self.tabs.hide()
            self._refuse()
            return
        self.refusal.clear()
        self.users.reload()
        self.templates.reload()
        self.settings.reload()
        self.backups.reload()
        self.clock.reload()
        tab = arguments.get("tab")
        if tab in ("users", "templates", "settings", "backups", "clock"):
            self.tabs.setCurrentWidget(getattr(self, tab))
