"""Custody: the chain of custody of an autologous batch's material on one screen (from the batch
record's header, "Custody"). Its state in icon and words — COMPLETE, INCOMPLETE with what is
missing, no custody plan, or not autologous — the plan's expected hand-offs ticked off, every
hand-off in the order it happened (ui/models/custody.py) with the details of the selected one,
and "Record hand-off…" (ui/dialogs/custody_event.py); a chain-of-identity id scanned here opens
it with the scan filled in.

Core reads and records (core/services/custody.py) on a worker; after a hand-off the screen shows
the trail core returned, without a second read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.i18n import N_, _
from ui.models.custody import CustodyModel, event_details
from ui.screens.base import Screen
from ui.widgets.busy import run_for
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.records.custody import CustodyTrail
    from ui.context import AppContext


def state_of(trail: CustodyTrail) -> tuple[str, str]:
    """(style role, text with its icon) of the trail's state: never colour alone."""
    text = trail.status_text()
    if not trail.autologous or not trail.planned:
        return "subtle", f"ℹ {text}"
    if trail.complete:
        return "ok", f"✔ {text}"
    return "error", f"⚠ {text}"


def plan_text(trail: CustodyTrail) -> str:
    """The plan's expected hand-offs in order, each ticked when recorded (✔) or not (○)."""
    if not trail.planned:
        return ""
    done = " · ".join(f"{'✔' if e.done else '○'} {e.label}" for e in trail.expected)
    signed = ", ".join(e.words for e in trail.expected if e.signature_required and e.number == 1)
    if signed:
        return _("Plan: {steps}  —  e-signed: {signed}").format(steps=done, signed=signed)
    return _("Plan: {steps}").format(steps=done)


class CustodyScreen(Screen):
    title = N_("Custody")
    trail_shown = Signal(object)  # the CustodyTrail now on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        from core.auth.roles import Permission

        self.lot: str | None = None
        self.trail: CustodyTrail | None = None
        self.dialog: Any = None
        self.may_record = context.can(Permission.RECORD)

        top = QFrame(self)
        top.setProperty("role", "panel")
        self.heading = label(_("Custody"), top, role="title")
        self.heading.setWordWrap(False)  # "Custody · lot …" on one line, the COI beside it
        self.heading.setAccessibleName(_("Lot"))
        self.coi = QLabel("", top)
        self.coi.setProperty("role", "coi")
        self.coi.setAccessibleName(_("Chain of identity"))
        self.record = button(
            _("Record hand-off…"), top, tip=_("Scan the chain-of-identity id at a hand-off")
        )
        self.back = button(_("Batch record"), top, tip=_("Back to the steps of this batch"))
        grid = QGridLayout(top)
        grid.setContentsMargins(12, 6, 12, 6)
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.heading, 0, 0)
        grid.addWidget(self.coi, 0, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record)
        buttons.addWidget(self.back)
        grid.addLayout(buttons, 0, 2)
        grid.setColumnStretch(1, 1)

        self.state = label(_("Reading the custody trail…"), self)
        self.state.setAccessibleName(_("Custody trail state"))
        self.plan = label("", self)
        self.plan.setAccessibleName(_("Custody plan"))
        self.message = Message(self)
        self.message.setAccessibleName(_("Custody message"))
        self.model = CustodyModel(self)
        self.table = BenchTable(_("Custody trail"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 20, 1: 24, 2: 18, 3: 20, 4: 22, 7: 26}, widest=16)
        self.details = label("", self)
        self.details.setAccessibleName(_("Selected hand-off"))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(top)
        layout.addWidget(self.state)
        layout.addWidget(self.plan)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        self.record.clicked.connect(self.open_record)
        self.back.clicked.connect(lambda: self.context.go("batch", lot=self.lot))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.details.setFocus())
        self._enable()

    # -- data ------------------------------------------------------------------------------------

    def activate(self, lot: str | None = None, **_arguments: Any) -> None:
        if lot is not None and lot != self.lot:
            self.lot, self.trail = lot, None
            self.model.set_trail(None)
            self.message.clear()
            self.heading.setText(_("Custody · lot {lot}").format(lot=lot))
            self.coi.setText("")
            self._enable()
        self.reload()

    def reload(self) -> None:
        if self.lot is None:
            return
        from core.services.custody import custody_trail

        run_for(
            self,
            custody_trail,
            self.context.db,
            self.lot,
            on_done=self.show_trail,
            on_error=self._failed,
        )

    def show_trail(self, trail: CustodyTrail) -> None:
        if trail.lot != self.lot:
            return  # another batch was opened meanwhile
        self.trail = trail
        self.coi.setText(_("COI {coi}").format(coi=trail.coi_id) if trail.coi_id else "")
        self.model.set_trail(trail)
        self.table.fit_columns()
        role, text = state_of(trail)
        self.state.setProperty("role", role)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        self.state.setText(text)
        self.plan.setText(plan_text(trail))
        self.plan.setVisible(trail.planned)
        if trail.events:
            self.table.select_row(len(trail.events) - 1)  # the latest hand-off
        self._selected()
        self._enable()
        self.trail_shown.emit(trail)

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _selected(self, *_args: Any) -> None:
        row = self.table.selected_row()
        event = self.model.event_at(row) if row is not None else None
        self.details.setText(event_details(event) if event is not None else "")
        self.details.setVisible(event is not None)

    def _enable(self) -> None:
        trail = self.trail
        if not self.may_record:
            enabled, tip = False, _("Your role may not record values (hand-offs)")
        elif trail is None:
            enabled, tip = False, _("The custody trail is being read")
        elif not trail.autologous:
            enabled = False
            tip = _("Lot {lot} is not autologous: no custody trail is kept").format(lot=trail.lot)
        else:
            enabled, tip = True, _("Scan the chain-of-identity id at a hand-off; Enter moves on")
        self.record.setEnabled(enabled)
        self.record.setToolTip(tip)

    # -- recording a hand-off --------------------------------------------------------------------

    def open_record(self, scanned: str = "") -> None:
        if self.trail is None or not self.record.isEnabled():
            return
        from ui.dialogs.custody_event import CustodyEventDialog

        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = CustodyEventDialog(self.context, self.trail, self)
        self.dialog.finished_with.connect(self._recorded)
        if scanned:
            self.dialog.coi.setText(scanned)
            self.dialog.when.setFocus()
        self.dialog.open()

    def handle_scan(self, code: str, _focus: QWidget | None) -> None:
        """A scan on this screen (ui/scanner.py): the chain-of-identity id of a hand-off."""
        if not self.record.isEnabled():
            self.message.error(
                _("Scanned {code}: {why}. Nothing was recorded.").format(
                    code=code, why=self.record.toolTip()
                )
            )
            return
        self.open_record(code)

    def _recorded(self, trail: CustodyTrail) -> None:
        latest = max(trail.events, key=lambda e: e.id)
        what = latest.words[:1].upper() + latest.words[1:]
        self.message.ok(
            _("{what} recorded, e-signed by {who}.").format(what=what, who=latest.signer_name)
            if latest.signed
            else _("{what} recorded.").format(what=what)
        )
        self.show_trail(trail)
