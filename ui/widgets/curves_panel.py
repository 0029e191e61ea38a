"""The curves of the open batch, beside its record: growth (tab "Growth") and the process trace
(tab "Process"), an instrument-file import, following a bioreactor log as it is written, and a
"Detach" that moves the panel into a window of its own (a second screen at the bench) and back.

Everything slow runs on a worker through ``context.tasks``: loading the views, the import, each
poll of the live log. Results and refusals are shown in place; an import core refuses for want of
a reason (``NeedsReason``: a count measured before the batch, in the future, far from its step's
day) asks for it in place and imports the file again with it. pyqtgraph loads when first shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _, ngettext
from ui.errors import message_of
from ui.file_dialogs import place
from ui.widgets.common import Message, button, field, label
from ui.widgets.detach import Detacher
from ui.widgets.import_step import StepChoice
from ui.widgets.live_follow import POLL_MS, LiveFollower
from ui.widgets.wrap_bar import WrapBar

VIEWS = ("growth", "trace")


class CurvesPanel(QWidget):
    imported = Signal(object)  # ImportOutcome: values may have been recorded (reload the record)
    growth_loaded = Signal()
    trace_loaded = Signal()
    polled = Signal(object)  # a LiveUpdate, once shown

    def __init__(self, context: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName(_("Curves"))
        self.lot: str | None = None
        self.dialog: Any = None
        self._stale = dict.fromkeys(VIEWS, True)
        self._loading: set[str] = set()
        self._again: set[str] = set()

        self.import_ = button(
            _("Import instrument file…"), self, tip=_("Read a cell counter or bioreactor export")
        )
        self.follow = button(
            _("Follow log…"), self, tip=_("Follow a bioreactor log as it is written")
        )
        self.detach = button(_("Detach"), self, tip=_("Show the curves in a window of their own"))
        self.message = Message(self)
        self.status = label("", self, role="subtle")
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(_("Curves"))
        self.tabs.addTab(QLabel(_("Loading…")), _("Growth"))
        self.tabs.addTab(QLabel(_("Loading…")), _("Process"))
        self.growth: Any = None  # GrowthPanel, made when first shown
        self.trace: Any = None  # TracePanel, made when first shown

        self.bar = WrapBar(self)  # one row in a window, more in the narrow column
        self.bar.add(self.import_, self.follow, self.detach)
        self.status.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        self.asking = self._build_reason()
        layout.addWidget(self.asking, 1)
        self.choosing = StepChoice(self)  # a count whose sample id names no step
        self.choosing.chosen.connect(self._import_for_step)
        self.choosing.dropped.connect(self._drop_import)
        layout.addWidget(self.choosing, 1)
        self.current_step: Any = None  # () -> the step selected in the batch record, if any
        layout.addWidget(self.tabs, 1)

        self.live = LiveFollower(context, self)
        self.live.started.connect(self._following)
        self.live.polled.connect(self._polled)
        self.live.refused.connect(self._live_refused)
        self.live.failed.connect(self._live_failed)
        self.live.stopped.connect(self._stopped)
        self.detacher = Detacher(
            self, self.detach, lambda: _("Curves · {lot}").format(lot=self.lot or "")
        )
        self.import_.clicked.connect(self._ask_import)
        self.follow.clicked.connect(self._follow_clicked)

    # -- which batch, and when to load -----------------------------------------------------------

    def set_lot(self, lot: str | None) -> None:
        if lot == self.lot:
            return
        self.live.stop()
        self.lot = lot
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        """Load both views again (now if shown, else when next shown)."""
        self._stale = dict.fromkeys(VIEWS, True)
        self._load_stale()

    def refresh_growth(self) -> None:
        self._stale["growth"] = True
        self._load_stale()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ensure_plots()
        self._load_stale()

    def _ensure_plots(self) -> None:
        if self.growth is not None:
            return
        from ui.plots.growth import GrowthPanel  # pyqtgraph: the first time curves are shown
        from ui.plots.traces import TracePanel

        self.growth, self.trace = GrowthPanel(self), TracePanel(self)
        current = max(self.tabs.currentIndex(), 0)
        tabs = ((self.growth, _("Growth")), (self.trace, _("Process")))
        for index, (widget, title) in enumerate(tabs):
            old = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, title)
            old.deleteLater()
        self.tabs.setCurrentIndex(current)

    def _load_stale(self) -> None:
        if not self.isVisible() or self.lot is None or self.context.db is None:
            return
        for what in VIEWS:
            if self._stale[what]:
                self._stale[what] = False
                self._load(what)

    def _load(self, what: str) -> None:
        if what in self._loading:  # one load at a time; once more when it is back
            self._again.add(what)
            return
        from core.services.growth import growth_view
        from core.services.traces import trace_view

        self._loading.add(what)
        lot = self.lot
        self.context.tasks.run(
            growth_view if what == "growth" else trace_view,
            self.context.db,
            lot,
            on_done=lambda view: self._loaded(what, lot, view),
            on_error=lambda error: self._load_failed(what, error),
            owner=self,
        )

    def _loaded(self, what: str, lot: str, view: Any) -> None:
        self._loading.discard(what)
        if lot == self.lot:
            self._ensure_plots()
            if what == "growth":
                self.growth.show_growth(view)
                self.growth_loaded.emit()
            else:
                self.trace.show_trace(view)
                self.trace_loaded.emit()
        if what in self._again or lot != self.lot:
            self._again.discard(what)
            self._load(what)

    def _load_failed(self, what: str, error: BaseException) -> None:
        self._loading.discard(what)
        self._again.discard(what)
        self.message.error(message_of(error))

    # -- import ----------------------------------------------------------------------------------

    def _build_reason(self) -> QFrame:
        """In place: core's words on the measurement time, the reason, import again or not."""
        frame = QFrame(self)
        frame.setProperty("role", "demand")
        box = QVBoxLayout(frame)
        box.setContentsMargins(10, 8, 10, 8)
        self.reason_text = label("", frame)
        self.reason_text.setAccessibleName(_("Why a reason is needed"))
        words = QScrollArea(frame)  # core's words whole, however narrow the column
        words.setWidgetResizable(True)
        words.setFrameShape(QFrame.Shape.NoFrame)
        words.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        words.setWidget(self.reason_text)
        self.reason = field(
            _("Reason for the measurement time"), frame, placeholder=_("why it is here")
        )
        caption = label(_("<b>Your reason</b> (10 characters or more; QA sees it):"), frame)
        caption.setBuddy(self.reason)
        self.reason_import = button(
            _("Import with this reason"), frame, tip=_("Enter"), default=True
        )
        self.reason_cancel = button(_("Do not import"), frame, tip=_("Esc: nothing is imported"))
        self.reason_cancel.setAutoDefault(False)
        bar = WrapBar(frame)
        bar.add(self.reason_import, self.reason_cancel)
        box.addWidget(words, 1)
        box.addWidget(caption)
        box.addWidget(self.reason)
        box.addWidget(bar)
        self.reason.returnPressed.connect(self._import_with_reason)
        self.reason_import.clicked.connect(self._import_with_reason)
        self.reason_cancel.clicked.connect(self._drop_import)
        QShortcut(QKeySequence("Esc"), frame, self._drop_import).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.pending: Path | None = None  # the file waiting for a reason or a step
        self.pending_step: str | None = None  # the step chosen for it
        frame.hide()
        return frame

    def _ask(self, on: bool, what: QWidget | None = None) -> None:
        """While a reason (or a step) is asked for, it has the column: the plots wait."""
        what = what or self.asking
        for frame in (self.asking, self.choosing):
            frame.setVisible(on and frame is what)
        self.tabs.setVisible(not on)

    def _import_for_step(self, step: str) -> None:
        if self.pending is not None and self.import_.isEnabled():
            self.import_file(str(self.pending), step=step)

    def _import_with_reason(self) -> None:
        if self.pending is not None and self.import_.isEnabled():
            self.import_file(str(self.pending), self.reason.text(), step=self.pending_step)

    def _drop_import(self) -> None:
        if self.pending is None:
            return
        name, self.pending, self.pending_step = self.pending.name, None, None
        self._ask(False)
        self.reason.clear()
        self.message.info(_("{file} was not imported.").format(file=name))
        self.import_.setFocus()

    def _ask_import(self) -> None:
        self.dialog = _file_dialog(self, _("Import an instrument file"), must_exist=True)
        self.dialog.setNameFilters(
            [_("Instrument exports (*.csv *.txt *.tsv *.xml *.xlsx)"), _("All files (*)")]
        )
        self.dialog.fileSelected.connect(self.import_file)
        self.dialog.open()

    def import_file(self, path: str, reason: str | None = None, step: str | None = None) -> None:
        from core.services.imports import import_file

        self.pending_step = step
        self.message.info(_("Importing {file}…").format(file=Path(path).name))
        self.import_.setEnabled(False)
        self.reason_import.setEnabled(False)
        self.context.tasks.run(
            import_file,
            self.context.db,
            self.context.actor,
            self.lot,
            Path(path),
            reason=reason,
            step=step,
            on_done=lambda outcome: self._imported(outcome, reason),
            on_error=lambda error: self._import_refused(error, Path(path)),
            owner=self,
        )

    def _imported(self, outcome: Any, reason: str | None = None) -> None:
        self.import_.setEnabled(True)
        self.reason_import.setEnabled(True)
        self.pending, self.pending_step = None, None
        self._ask(False)
        self.reason.clear()
        kept = (
            " "
            + _("Reason for the measurement time kept: “{reason}”.").format(reason=reason.strip())
            if reason
            else ""
        )
        self.message.ok(describe_import(outcome) + kept)
        self.message.setToolTip(
            _("Profile {profile}; SHA-256 {sha256}.").format(
                profile=outcome.profile, sha256=outcome.sha256
            )
            + " "
            + " ".join(outcome.notes)
        )
        self.refresh()
        self.imported.emit(outcome)

    def _import_refused(self, error: BaseException, path: Path | None = None) -> None:
        from core.errors import NeedsReason
        from core.instruments.model import SampleNamesNoStep

        self.import_.setEnabled(True)
        self.reason_import.setEnabled(True)
        if isinstance(error, SampleNamesNoStep) and path is not None and error.choices:
            self.pending = path  # the same file again, for the step a person chooses
            self.message.clear()
            selected = self.current_step() if self.current_step else None
            self.choosing.ask(message_of(error), error.choices, selected)
            self._ask(True, self.choosing)
            self.choosing.steps.setFocus()
            return
        if isinstance(error, NeedsReason) and path is not None:
            self.pending = path  # the same file again, with the reason core asks for
            self.message.clear()
            self.reason_text.setText(f"✖ {message_of(error)}")
            self._ask(True)
            self.reason.setFocus()
            self.reason.selectAll()  # a reason core did not take is replaced by typing
            return
        self.pending, self.pending_step = None, None
        self._ask(False)
        self.message.error(message_of(error))  # names the file and its line

    # -- following a live log --------------------------------------------------------------------

    def _follow_clicked(self) -> None:
        if self.live.following:
            self.live.stop()
            return
        self.dialog = _file_dialog(self, _("Follow a bioreactor log"), must_exist=False)
        self.dialog.setNameFilters([_("Logs (*.csv *.txt *.log)"), _("All files (*)")])
        self.dialog.fileSelected.connect(self.follow_log)
        self.dialog.open()

    def follow_log(self, path: str) -> None:
        self.follow.setEnabled(False)
        self.message.info(_("Starting to follow {file}…").format(file=Path(path).name))
        self.live.start(self.lot, Path(path))

    def _following(self, name: str) -> None:
        self.follow.setEnabled(True)
        self._follow_label(_("Stop following"), _("Stop reading the log (what is stored stays)"))
        self.message.clear()
        self.status.setText(
            "● "
            + _("Following {file}, every {seconds:g} s").format(file=name, seconds=POLL_MS / 1000)
        )
        self.status.show()

    def _polled(self, update: Any) -> None:
        feed = self.live.feed
        if feed is not None and feed.lot != self.lot:
            return  # the last look at a log of the batch shown before (it is stored)
        if self.trace is not None and (update.points or update.excursions):
            missing = self.trace.append(update)
            if missing:
                self._load_channels(missing)
        if update.lines and self.live.feed is not None:
            self.status.setText(
                "● "
                + ngettext(
                    "Following {file}: {n} new line",
                    "Following {file}: {n} new lines",
                    update.lines,
                ).format(file=self.live.feed.path.name, n=update.lines)
            )
        self.polled.emit(update)

    def _load_channels(self, keys: set[str]) -> None:
        """The log brought channels the trace does not show yet: load them while polling waits
        (so no point is shown twice), then go on."""
        from core.services.traces import trace_view

        self.live.held = True

        def loaded(view: Any) -> None:
            self.live.held = False
            self.trace.add_channels(view)

        def failed(error: BaseException) -> None:
            self.live.held = False
            self.message.error(message_of(error))

        self.context.tasks.run(
            trace_view,
            self.context.db,
            self.lot,
            sorted(keys),
            on_done=loaded,
            on_error=failed,
            owner=self,
        )

    def _live_refused(self, error: BaseException) -> None:
        self.follow.setEnabled(True)
        self.message.error(message_of(error))

    def _live_failed(self, error: BaseException) -> None:
        self.follow.setEnabled(True)
        self._follow_label(_("Follow log…"), _("Follow a bioreactor log as it is written"))
        self.status.clear()
        self.status.hide()
        self.message.error(_("{error} Following has stopped.").format(error=message_of(error)))

    def _stopped(self, name: str) -> None:
        self._follow_label(_("Follow log…"), _("Follow a bioreactor log as it is written"))
        self.status.clear()
        self.status.hide()
        self.message.info(_("Stopped following {file}; what was read is stored.").format(file=name))

    def _follow_label(self, text: str, tip: str) -> None:
        self.follow.setText(text)
        self.follow.setAccessibleName(text)
        self.follow.setToolTip(tip)
        self.bar.arrange()


def _file_dialog(parent: QWidget, title: str, must_exist: bool) -> QFileDialog:
    """Qt's own file dialog (the same on every bench PC), opened without blocking."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(
        QFileDialog.FileMode.ExistingFile if must_exist else QFileDialog.FileMode.AnyFile
    )
    dialog.setAccessibleName(title)
    place(dialog)
    return dialog


def describe_import(outcome: Any) -> str:
    """What an import brought, in a few words (the notes go to the tooltip)."""
    from ui.theme import verdict_style

    parts = [
        ngettext("{file} imported ({n} row).", "{file} imported ({n} rows).", outcome.rows).format(
            file=outcome.filename, n=outcome.rows
        )
    ]
    if outcome.recorded:
        shown = ", ".join(
            f"{check} {value} {verdict_style(verdict).icon} {verdict_style(verdict).word}"
            for check, value, verdict in outcome.recorded
        )
        parts.append(_("Recorded: {values}.").format(values=shown))
    if outcome.points:
        n = len(outcome.points)
        parts.append(ngettext("{n} channels.", "{n} channels.", n).format(n=n))
    if outcome.excursions:
        n = outcome.excursions
        parts.append(ngettext("{n} excursion.", "{n} excursions.", n).format(n=n))
    return " ".join(parts)
