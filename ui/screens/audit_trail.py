"""The audit trail: every change in order, filtered by lot, user, kind of action and date; the
full old/new and hashes of one event; events dated ahead of a later clock (an open clock
incident) marked ⚠; the chain check with progress, and every problem it found; export for
reviewers.

Everything is read by core on a worker thread: the screen stays usable while a long trail loads
or the chain is verified."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, ngettext
from ui import theme
from ui.file_dialogs import place
from ui.models.audit_events import AuditEventsModel
from ui.screens.base import Screen
from ui.widgets.audit_detail import EventDetail
from ui.widgets.busy import hold, release, run_for
from ui.widgets.common import Message, TouchCombo, button, field, label
from ui.widgets.dates import DateFilter
from ui.widgets.flow import flow_bar
from ui.widgets.problem_list import ProblemList
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.audit import ChainReport
    from core.readmodels import AuditEventView
    from core.records.clock_incidents import ClockIncidentView
    from ui.context import AppContext

ACTIONS = (
    N_("All"),  # the first: every action (the others are action codes, shown as they are)
    "auth.",
    "user.",
    "template.",
    "batch.",
    "result.",
    "deviation.",
    "setting.",
    "clock.",
    "site.",
)
_EXPORT_FILTERS = (N_("CSV for spreadsheets (*.csv)"), N_("JSON with the chain check (*.json)"))


def load_trail(db, **filters: Any) -> tuple[list[AuditEventView], list[ClockIncidentView]]:
    """The events matching the filters, and the open clock incidents, in one worker call."""
    from core.services.audit_trail import events
    from core.services.clock_incidents import incidents

    return events(db, **filters), incidents(db, only_open=True)


class _Progress(QObject):
    """Carries the verifier's progress (called on the worker thread) to the GUI thread."""

    changed = Signal(int, int)


class AuditTrailScreen(Screen):
    title = N_("Audit trail")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._load_id = 0
        self._relay: _Progress | None = None
        self.export_dialog: QFileDialog | None = None
        self.model = AuditEventsModel(self)

        self.heading = label(_("Audit trail"), self, role="title")
        self.verify_button = button(
            _("Verify chain"), self, tip=_("Recompute every hash and name the first broken event")
        )
        self.export_button = button(
            _("Export…"),
            self,
            tip=_(
                "Save the whole trail, or the filtered lot's events, as CSV or JSON, with the "
                "result of the chain check"
            ),
        )
        self.export_button.setVisible(self._may_export())
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.verify_button)
        top.addWidget(self.export_button)

        self.filters, flow = flow_bar(self)
        self.lot = field(_("Lot"), self.filters, placeholder=_("any lot"))
        self.user = field(_("User"), self.filters, placeholder=_("any user"))
        self.action = TouchCombo(self.filters)
        self.action.setAccessibleName(_("Action"))
        self.action.setMinimumHeight(theme.TOUCH)
        self.action.addItems([_(ACTIONS[0]), *ACTIONS[1:]])
        self.since = DateFilter(_("From date"), self.filters)
        self.until = DateFilter(_("To date"), self.filters)
        self.apply_button = button(_("Show"), self.filters, tip=_("Apply the filters (Enter)"))
        self.clear_button = button(_("Clear filters"), self.filters)
        for text, widget in (
            (_("Lot"), self.lot),
            (_("User"), self.user),
            (_("Action"), self.action),
            (_("From"), self.since),
            (_("To"), self.until),
        ):
            flow.addWidget(_pair(text, widget, self.filters))
        flow.addWidget(self.apply_button)
        flow.addWidget(self.clear_button)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(_("Chain check progress"))
        self.progress.setFormat(_("%v of %m events checked"))
        self.progress.setMinimumHeight(theme.TOUCH // 2)
        self.progress.hide()
        self.verify_message = Message(self)
        self.verify_message.setAccessibleName(_("Chain check result"))
        self.problems = ProblemList(_("Problems the chain check found"), self)
        self.message = Message(self)
        self.count = label("", self, role="subtle")
        self.count.setAccessibleName(_("Events shown"))
        self.ahead = label("", self, role="error")
        self.ahead.setAccessibleName(_("Events dated ahead"))
        self.ahead.setToolTip(
            _(
                "The events marked ⚠: their dates cannot be trusted until an administrator finds "
                "which clock was wrong and clears the incident (Admin → Clock incidents)"
            )
        )
        self.ahead.hide()

        self.table = BenchTable(_("Audit events"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({3: 20, 4: 16, 5: 12, 6: 18})
        self.table.setMinimumHeight(theme.TOUCH * 3)  # two rows in view, also under a long result
        self.detail = EventDetail(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 5)  # the events first: the detail of one below (drag for more)
        split.setStretchFactor(1, 1)
        self.splitter = split

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.progress)
        layout.addWidget(self.verify_message)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)
        layout.addWidget(self.count)
        layout.addWidget(self.ahead)
        layout.addWidget(split, 1)

        self.apply_button.clicked.connect(self.reload)
        self.clear_button.clicked.connect(self.clear_filters)
        self.lot.returnPressed.connect(self.reload)
        self.user.returnPressed.connect(self.reload)
        self.since.entered.connect(self.reload)
        self.until.entered.connect(self.reload)
        self.action.activated.connect(lambda _index: self.reload())
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.choose_export)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self._show_selected()

    # -- loading ---------------------------------------------------------------------------------

    def activate(self, **arguments: Any) -> None:
        if "lot" in arguments:
            self.lot.setText(str(arguments["lot"] or ""))
        self.export_button.setVisible(self._may_export())
        self.lot.setFocus()  # a scanned lot number filters at once (the scanner ends with Enter)
        self.reload()

    def filters_now(self) -> dict[str, str | None]:
        action = self.action.currentText()
        return {
            "lot": self.lot.text().strip() or None,
            "user": self.user.text().strip().lower() or None,
            "action": None if self.action.currentIndex() <= 0 else action,
            "since": self.since.local_day_start(),
            "until": self.until.local_day_start(days_later=1),
        }

    def reload(self) -> None:
        if self.context.db is None:
            return
        filters = self.filters_now()
        if self.since.is_set() and self.until.is_set() and self.since.date() > self.until.date():
            self.message.error(_("The 'From' date is after the 'To' date. Change one of them."))
            return
        self._load_id += 1
        load_id = self._load_id
        self.message.clear()
        self.count.setText(_("Loading events…"))
        run_for(
            self,
            load_trail,
            self.context.db,
            **filters,
            on_done=lambda both: self._loaded(load_id, *both, filters),
            on_error=lambda error: self._failed(load_id, error),
        )

    def _loaded(
        self,
        load_id: int,
        rows: list[AuditEventView],
        incidents: list[ClockIncidentView],
        filters: dict,
    ) -> None:
        if load_id != self._load_id:
            return  # a newer filter was applied meanwhile
        selected = self._selected_event()
        self.model.set_events(rows)
        self.model.set_incidents(incidents)
        self.table.fit_columns()
        filtered = any(value is not None for value in filters.values())
        n = len(rows)
        if filtered:
            shown = ngettext(
                "{n} event matching the filters, newest first. "
                "Select one to see its full change and hashes.",
                "{n} events matching the filters, newest first. "
                "Select one to see its full change and hashes.",
                n,
            )
        else:
            shown = ngettext(
                "{n} event, newest first. Select one to see its full change and hashes.",
                "{n} events, newest first. Select one to see its full change and hashes.",
                n,
            )
        self.count.setText(shown.format(n=n))
        ahead = self.model.ahead_text()
        self.ahead.setText(ahead)
        self.ahead.setVisible(bool(ahead))
        row = self.model.row_of(selected.seq) if selected is not None else None
        if row is not None:
            self.table.select_row(row)
        else:
            self._show_selected()

    def _failed(self, load_id: int, error: BaseException) -> None:
        if load_id != self._load_id:
            return
        from ui.errors import message_of

        self.model.set_events([])
        self.count.setText(_("No events shown."))
        self.ahead.hide()
        self.message.error(message_of(error))
        self._show_selected()

    def clear_filters(self) -> None:
        self.lot.clear()
        self.user.clear()
        self.action.setCurrentIndex(0)
        self.since.clear_date()
        self.until.clear_date()
        self.reload()

    # -- detail ----------------------------------------------------------------------------------

    def _selected_event(self) -> AuditEventView | None:
        row = self.table.selected_row()
        return self.model.event_at(row) if row is not None else None

    def _show_selected(self, *_args: Any) -> None:
        self.detail.show_event(self._selected_event())

    # -- chain check -----------------------------------------------------------------------------

    def verify(self) -> None:
        if self.context.db is None:
            return
        from core.services.audit_trail import verify

        relay = _Progress(self)
        relay.changed.connect(self._progressed)
        self._relay = relay
        hold(self.verify_button)
        self.problems.hide()
        self.progress.setRange(0, 0)  # busy until the first report gives the total
        self.progress.show()
        self.verify_message.info(
            _("Checking every event of the audit trail… you can keep working.")
        )
        run_for(
            self,
            verify,
            self.context.db,
            relay.changed.emit,  # emitted on the worker thread, delivered on the GUI thread
            on_done=self._verified,
            on_error=self._verify_failed,
        )

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _verified(self, report: ChainReport) -> None:
        release(self.verify_button)
        if report.intact:
            self.progress.setRange(0, max(report.events, 1))
            self.progress.setValue(max(report.events, 1))
            self.model.mark_broken(None)
            self.verify_message.ok(report.summary())
            return
        self.progress.hide()  # the walk stopped at the break: the message says where
        self.model.mark_broken(report.first_broken)
        text = report.summary().rstrip(".") + "."
        self.problems.show_problems(report.problems)
        if report.problems:
            n = len(report.problems)
            text += " " + ngettext(
                "{n} problem listed below.", "{n} problems listed below.", n
            ).format(n=n)
        row = self.model.row_of(report.first_broken) if report.first_broken else None
        if row is not None:
            self.table.select_row(row)
            text += " " + _("It is marked ✖ and selected in the list.")
        self.verify_message.error(
            text + " " + _("Report this to QA: the record may have been altered.")
        )

    def _verify_failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        release(self.verify_button)
        self.progress.hide()
        self.verify_message.error(message_of(error))

    # -- export ----------------------------------------------------------------------------------

    def _may_export(self) -> bool:
        from core.auth.roles import Permission

        return self.context.can(Permission.EXPORT_AUDIT)

    def choose_export(self) -> None:
        if not self._may_export():
            return
        from datetime import date

        lot = self.lot.text().strip()
        dialog = QFileDialog(self, _("Export the audit trail"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([_(f) for f in _EXPORT_FILTERS])
        dialog.setDefaultSuffix("csv")
        place(dialog)
        dialog.selectFile(f"audit-trail-{lot or 'all'}-{date.today():%Y%m%d}.csv")
        dialog.filterSelected.connect(
            lambda chosen: dialog.setDefaultSuffix("json" if "json" in chosen.lower() else "csv")
        )
        dialog.fileSelected.connect(self.export_to)
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, path: str) -> None:
        from core.services.audit_trail import export

        target = Path(path)
        fmt = "json" if target.suffix.lower() == ".json" else "csv"
        lot = self.lot.text().strip() or None
        what = _("the events of lot {lot}").format(lot=lot) if lot else _("every event")
        hold(self.export_button)
        self.message.info(
            _("Exporting the events of lot {lot} to {target}…").format(lot=lot, target=target)
            if lot
            else _("Exporting every event to {target}…").format(target=target)
        )

        def done(count: int) -> None:
            release(self.export_button)
            self.message.ok(
                ngettext(
                    "Exported {n} event ({what}) to {target}, with the result of the chain check.",
                    "Exported {n} events ({what}) to {target}, with the result of the chain check.",
                    count,
                ).format(n=count, what=what, target=target)
            )

        def failed(error: BaseException) -> None:
            from ui.errors import message_of

            release(self.export_button)
            self.message.error(message_of(error))

        run_for(
            self,
            export,
            self.context.db,
            target,
            fmt,
            lot=lot,
            actor=self.context.actor,
            force=True,  # the save dialog asked before replacing a file
            on_done=done,
            on_error=failed,
        )


def _pair(text: str, widget: QWidget, parent: QWidget) -> QWidget:
    """A field with its label, kept together when the filter bar wraps."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    caption = label(text, holder)
    caption.setWordWrap(False)
    caption.setBuddy(widget)
    row.addWidget(caption)
    row.addWidget(widget)
    return holder
