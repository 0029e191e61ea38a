"""Materials and equipment: the material lots (ui/screens/materials.py) and the equipment
(ui/screens/equipment.py), one tab each, behind one button of the header (the header has no room
for two in large text at 1366 px). Every role may look; each tab shows the buttons of what the
role may do, and core decides. A scan on the screen goes to the tab on show: a lot number finds
its lot, an asset code its item."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.i18n import N_, _
from ui.screens.base import Screen
from ui.screens.equipment import EquipmentTab
from ui.screens.materials import MaterialLotsTab
from ui.widgets.common import label

if TYPE_CHECKING:
    from ui.context import AppContext


class MaterialsEquipmentScreen(Screen):
    title = N_("Materials and equipment")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.heading = label(_("Materials and equipment"), self, role="title")
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Materials and equipment sections"))
        self.lots = MaterialLotsTab(context, self.tabs)
        self.equipment = EquipmentTab(context, self.tabs)
        self.tabs.addTab(self.lots, _("Material &lots"))
        self.tabs.addTab(self.equipment, _("E&quipment"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)

    def activate(self, **arguments: Any) -> None:
        tab = arguments.get("tab")
        if tab in ("lots", "equipment"):
            self.tabs.setCurrentWidget(getattr(self, tab))
        self.lots.reload()
        self.equipment.reload()

    def handle_scan(self, code: str, _focus: QWidget | None) -> None:
        self.tabs.currentWidget().handle_scan(code)
