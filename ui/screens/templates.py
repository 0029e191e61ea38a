"""Process templates, as QA meets them: every version with its status, and approving a draft
with an e-signature. (Administrators load template files under Administration → Templates; the
same tab is shown there.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.i18n import N_, _
from ui.screens.admin_templates import TemplatesTab
from ui.screens.base import Screen
from ui.widgets.common import label

if TYPE_CHECKING:
    from ui.context import AppContext


class TemplatesScreen(Screen):
    title = N_("Process templates")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.heading = label(_("Process templates"), self, role="title")
        self.templates = TemplatesTab(context, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.heading)
        layout.addWidget(self.templates, 1)

    def activate(
        self, key: str | None = None, version: int | None = None, **_arguments: Any
    ) -> None:
        self.templates.reload(select=(key, version) if key and version else None)
