"""The right-hand column of the batch record: "Details" (the focused check) and "Curves" (the
batch's growth and process curves, made the first time that tab is shown, so neither the screen
nor the app's start-up pays for pyqtgraph until someone asks for a curve)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.i18n import _


class DetailsAndCurves(QTabWidget):
    curves_made = Signal(object)  # the CurvesPanel, once

    def __init__(self, context: Any, details: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName(_("Details and curves"))
        self.lot: str | None = None
        self.curves: Any = None  # CurvesPanel
        self.page = QWidget(self)
        QVBoxLayout(self.page).setContentsMargins(0, 0, 0, 0)
        self.addTab(details, _("Details"))
        self.addTab(self.page, _("Curves"))
        # both tabs whole ("Cur" no more): the panel is at least as wide as they need, and folds
        # away when the checks need the room (BatchScreen._room_for_form)
        self.tabBar().setUsesScrollButtons(False)
        self.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.currentChanged.connect(self._tab)

    def set_lot(self, lot: str | None) -> None:
        """The batch shown (again): its curves follow, the growth curve is read afresh."""
        self.lot = lot
        if self.curves is None:
            return
        if self.curves.lot != lot:
            self.curves.set_lot(lot)
        else:
            self.curves.refresh_growth()

    def after_entry(self, checks: list[Any]) -> None:
        """After the verdict is on screen: a new growth value reloads the growth curve (on a
        worker; nothing at all while the curves were never opened)."""
        if self.curves is None:
            return
        from core.curve_views import QUANTITIES

        if any(c.measures in QUANTITIES for c in checks):
            self.curves.refresh_growth()

    def _tab(self, index: int) -> None:
        if self.widget(index) is self.page and self.curves is None:
            from ui.widgets.curves_panel import CurvesPanel  # pyqtgraph from here on

            self.curves = CurvesPanel(self.context, self.page)
            self.curves.set_lot(self.lot)
            self.page.layout().addWidget(self.curves)
            self.curves_made.emit(self.curves)
