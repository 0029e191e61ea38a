"""An item of equipment's page: what it is, its status and due dates as judged today (OVERDUE and
due soon by icon and word), whether it may be used today and why not; then in tabs its events
(calibrations, qualifications, maintenance, status changes, with their certificates) and the
batches that used it. Read only; the record comes from core (core/services/equipment.py
``show_equipment``) on a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from core.i18n import _
from ui.dialogs.equipment import item_facts
from ui.models.equipment import EventsModel, ItemUsesModel
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.records.equipment import EquipmentRecord
    from ui.context import AppContext


class EquipmentPageDialog(QDialog):
    def __init__(self, context: AppContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.code = context, code
        self.record: EquipmentRecord | None = None
        title = _("Equipment page · {code}").format(code=code)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(960)  # the tabs whole (no scroll buttons), in large text too
        self.heading = label(code, self, role="title")
        self.summary = label(_("Reading the item…"), self)
        self.summary.setAccessibleName(_("The item today"))
        self.message = Message(self)
        self.events_model = EventsModel(self)
        self.uses_model = ItemUsesModel(self)
        self.events = BenchTable(_("Events"), self)
        self.events.setModel(self.events_model)
        self.events.set_column_caps({6: 30}, widest=22)
        self.uses = BenchTable(_("Used by"), self)
        self.uses.setModel(self.uses_model)
        self.uses.set_column_caps({}, widest=24)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("The item's records"))
        self.tabs.tabBar().setUsesScrollButtons(False)
        self.tabs.addTab(self.events, _("&Events"))
        self.tabs.addTab(self.uses, _("&Used by"))
        self.close_button = button(_("Close"), self, tip=_("Esc"), default=True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(self.sizeHint())
        self._load()

    def sizeHint(self) -> QSize:
        """As large as is useful on the bench screen, within the screen it is on."""
        room = self.screen().availableGeometry()
        return QSize(min(1240, room.width() - 40), min(640, room.height() - 40))

    def _load(self) -> None:
        from core.services.equipment import show_equipment

        self.context.tasks.run(
            show_equipment,
            self.context.db,
            self.code,
            on_done=self.show_record,
            on_error=self._failed,
            owner=self,
        )

    def show_record(self, record: EquipmentRecord) -> None:
        self.record = record
        item = record.item
        self.heading.setText(f"{item.code} — {item.name}")
        self.summary.setText(item_facts(item))
        self.events_model.set_items(record.events)
        self.uses_model.set_items(record.uses)
        self.events.fit_columns()
        self.uses.fit_columns()
        self.tabs.setTabText(0, _("&Events ({n})").format(n=len(record.events)))
        self.tabs.setTabText(1, _("&Used by ({n})").format(n=len(record.uses)))

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))
