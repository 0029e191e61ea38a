"""Administration, clock incidents tab: every clock incident (open ones first) and "Clear
incident…" for the selected open one (a reason that says which clock was wrong, and the
administrator's password: ui/dialogs/reauth.py); the newest signed checkpoints of the audit trail
and "Sign a checkpoint now…". Everything is decided and done by core
(core/services/clock_incidents.py, core/services/checkpoints.py), on a worker thread.

A clock incident is opened by core when a write finds the newest audit events dated more than a
few minutes ahead of its clock; nobody is locked out, but the dates of those events cannot be
trusted, and every lot with events among them is blocked in review, until it is cleared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from core.i18n import _, ngettext
from ui.models.clock_incidents import CheckpointsModel, ClockIncidentsModel
from ui.widgets.busy import run_for
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.records.clock_incidents import ClockIncidentView
    from core.services.checkpoints import CheckpointView
    from ui.context import AppContext


def load_clock(db) -> tuple[list[ClockIncidentView], list[CheckpointView]]:
    """Every incident and every checkpoint, in one call on a worker."""
    from core.services.checkpoints import checkpoints
    from core.services.clock_incidents import incidents

    return incidents(db), checkpoints(db)


def tab_title(open_count: int) -> str:
    """The tab's title, warning while an incident is open."""
    if not open_count:
        return _("Cl&ock incidents")
    return "⚠ " + ngettext(
        "Cl&ock incidents ({n} open)", "Cl&ock incidents ({n} open)", open_count
    ).format(n=open_count)


class ClockTab(QWidget):
    open_count_changed = Signal(int)  # after each load: how many incidents are open

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.auth.roles import Permission

        self.context = context
        self.setAccessibleName(_("Clock incidents"))
        self.dialog: Any = None  # the dialog opened last (tests type into it)
        self.may_keep = context.can(Permission.KEEP_SYSTEM)
        self.loaded = False

        intro = label(
            _(
                "A workstation that finds audit events dated ahead of its own clock opens a clock "
                "incident: one of the clocks was wrong. Work goes on; the lots with those events "
                "are blocked in review until the incident is cleared here."
            ),
            self,
            role="subtle",
        )
        self.state = label(_("Reading the clock incidents…"), self)
        self.state.setAccessibleName(_("Clock incidents state"))
        self.clear = button(
            _("Clear incident…"),
            self,
            tip=_("Say which clock was wrong and how you know; your password signs it"),
        )
        self.message = Message(self)
        self.message.setAccessibleName(_("Clock incidents message"))
        self.model = ClockIncidentsModel(self)
        self.table = BenchTable(_("Clock incidents"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 9, 1: 20, 4: 14}, widest=30)

        self.sign = button(
            _("Sign a checkpoint now…"),
            self,
            tip=_("Sign the audit trail's current head with your key (your password needed)"),
        )
        self.checkpoint_model = CheckpointsModel(self)
        self.checkpoints = BenchTable(_("Signed checkpoints"), self)
        self.checkpoints.setModel(self.checkpoint_model)
        self.checkpoints.set_column_caps({1: 14, 2: 22}, widest=30)

        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignTop)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(8)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.message)
        upper_layout.addWidget(self.table, 1)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.setSpacing(8)
        heading = QHBoxLayout()
        heading.addWidget(
            label(
                _(
                    "<b>Signed checkpoints</b> — the audit trail's head, signed daily, before each "
                    "backup and on request; Verify on the Audit trail screen checks each one"
                ),
                lower,
            ),
            1,
        )
        heading.addWidget(self.sign, 0, Qt.AlignmentFlag.AlignTop)
        lower_layout.addLayout(heading)
        lower_layout.addWidget(self.checkpoints, 1)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.splitter = split

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addWidget(split, 1)

        self.clear.clicked.connect(self.open_clear)
        self.sign.clicked.connect(self.open_checkpoint)
        self.table.doubleClicked.connect(lambda _index: self.open_clear())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.sign.setEnabled(self.may_keep)
        if not self.may_keep:
            self.sign.setToolTip(_("Your role may not keep the system (checkpoints)"))
        self._selection_changed()

    # -- data ------------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        current = self.selected_incident()
        keep = select if select is not None else (current.id if current else None)
        run_for(
            self,
            load_clock,
            self.context.db,
            on_done=lambda both: self._loaded(*both, keep),
            on_error=self._failed,
        )

    def _loaded(
        self, incidents: list[ClockIncidentView], checkpoints: list[CheckpointView], keep
    ) -> None:
        self.loaded = True
        self.model.set_incidents(incidents)
        self.table.fit_columns()
        self.checkpoint_model.set_checkpoints(checkpoints)
        self.checkpoints.fit_columns()
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and self.model.open_count():
            row = 0  # the first open incident: what the administrator came for
        if row is not None:
            self.table.select_row(row)
        self._show_state()
        self._selection_changed()
        self.open_count_changed.emit(self.model.open_count())

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _show_state(self) -> None:
        count = self.model.open_count()
        if count == 0:
            total = self.model.rowCount()
            said = (
                ngettext(
                    "No clock incident is open ({n} cleared earlier).",
                    "No clock incident is open ({n} cleared earlier).",
                    total,
                ).format(n=total)
                if total
                else _("No clock incident is open.")
            )
            self._say("ok", "✔ " + said)
            return
        said = ngettext(
            "{n} clock incident is open: the dates of its events cannot be trusted. Find which "
            "clock was wrong, put it right, then clear the incident with your reason.",
            "{n} clock incidents are open: the dates of its events cannot be trusted. Find which "
            "clock was wrong, put it right, then clear the incident with your reason.",
            count,
        ).format(n=count)
        self._say("error", "⚠ " + said)

    def _say(self, role: str, text: str) -> None:
        self.state.setProperty("role", role)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        self.state.setText(text)

    def selected_incident(self) -> ClockIncidentView | None:
        row = self.table.selected_row()
        return self.model.incident_at(row) if row is not None else None

    def _selection_changed(self, *_args: Any) -> None:
        incident = self.selected_incident()
        if not self.may_keep:
            enabled, tip = False, _("Your role may not keep the system (clock incidents)")
        elif incident is None:
            enabled, tip = False, _("Select an open incident in the list first")
        elif not incident.open:
            enabled = False
            tip = _("Incident {n} is already cleared").format(n=incident.id)
        else:
            enabled = True
            tip = _("Clear incident {n}: say which clock was wrong; your password signs it").format(
                n=incident.id
            )
        self.clear.setEnabled(enabled)
        self.clear.setToolTip(tip)

    # -- acts ------------------------------------------------------------------------------------

    def open_clear(self) -> None:
        incident = self.selected_incident()
        if incident is None or not incident.open or not self.may_keep:
            return
        from core.services.clock_incidents import clear_incident
        from ui.dialogs.clock_clear import ClockClearDialog

        db, admin, number = self.context.db, self.context.actor, incident.id
        dialog = ClockClearDialog(
            self.context,
            incident,
            lambda password, text, _path: clear_incident(db, admin, password, number, text),
            parent=self,
        )
        self._open(dialog, self._cleared)

    def _cleared(self, incident: ClockIncidentView) -> None:
        self.message.ok(
            _("Clock incident {n} cleared by {who}: {reason}").format(
                n=incident.id, who=incident.cleared_by, reason=incident.clear_reason
            )
        )
        self.reload(select=incident.id)
        watch = getattr(self.window(), "clock_watch", None)
        if watch is not None:  # the status bar's warning, at once
            watch.check()

    def open_checkpoint(self) -> None:
        if not self.may_keep:
            return
        from core.services.checkpoints import write_checkpoint
        from ui.dialogs.clock_clear import FittedReauthDialog

        db, admin = self.context.db, self.context.actor
        dialog = FittedReauthDialog(
            self.context,
            _("Sign a checkpoint now"),
            _(
                "The audit trail's newest event and its hash are signed with your key. Verify "
                "then checks that the trail still holds that event as signed: a trail cut below "
                "it or rewritten under it is found."
            ),
            _("Sign checkpoint"),
            lambda password, _text, _path: write_checkpoint(db, admin, password, "request"),
            working=_("Signing…"),
            parent=self,
        )
        self._open(dialog, self._signed)

    def _signed(self, view: CheckpointView) -> None:
        self.message.ok(
            _("Checkpoint signed by {who} on event {seq}.").format(who=view.signer, seq=view.seq)
        )
        self.reload()

    def _open(self, dialog: Any, on_done: Any) -> None:
        if self.dialog is not None and not self.dialog.busy:
            self.dialog.deleteLater()
        self.message.clear()
        self.dialog = dialog
        dialog.finished_with.connect(on_done)
        dialog.open()
