"""The batch record: the heart of the bench. A header that never scrolls away (product, lot,
chain of identity, status, exceptions), the steps on the left with their state in words, the
checks of the current step in the middle, and on the right the details of the focused check or,
in a second tab, the batch's curves (made the first time that tab is shown).

Entry goes to core on a worker (`recording.record_value`); the screen shows core's verdict and
rule at once, keeps what was typed as a draft until it is saved, and asks in place for a comment
or a deviation when a value is out of specification."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QListView, QSplitter, QVBoxLayout, QWidget

from core.i18n import N_, _
from core.readmodels import BatchView, CheckView, RecordOutcome
from core.specs import Verdict
from core.states import DeviationStatus, StepState
from ui.dialogs.correction import CorrectionDialog
from ui.dialogs.deviation import DeviationDialog
from ui.dialogs.history import HistoryDialog
from ui.models.steps import StepsModel
from ui.screens.base import Screen
from ui.screens.batch_keys import BenchKeysMixin
from ui.screens.batch_labels import LabelPrinting
from ui.screens.batch_overrides import UseOverrides
from ui.screens.batch_signing import SigningMixin
from ui.widgets.batch_header import BatchHeader
from ui.widgets.check_details import CheckDetails
from ui.widgets.check_form import CheckForm
from ui.widgets.common import Message
from ui.widgets.side_tabs import DetailsAndCurves
from ui.widgets.signatures_panel import StepSignatures

FORM_ROOM = 830  # px the check form needs on its widest step (CAR-T: 795 + scroll bar)


class BatchScreen(SigningMixin, BenchKeysMixin, Screen):
    title = N_("Batch record")
    verdict_shown = Signal(str)  # check id: core's verdict for the entry is on screen
    entry_applied = Signal(str)  # check id: the entry and all it changed are on screen
    loaded = Signal(str)  # lot

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view: BatchView | None = None
        self.lot: str | None = None
        self.release_only = False
        self._goto: tuple | None = None  # (step, check) to show once loaded
        self.dialog: Any = None
        self.header = BatchHeader(self)
        self.message = Message(self)
        self.steps = StepsModel(self)
        self.step_list = QListView(self)
        self.step_list.setModel(self.steps)
        self.step_list.setAccessibleName(_("Steps"))
        self.step_list.setMinimumWidth(220)
        self.step_list.setSpacing(3)
        self.step_list.setUniformItemSizes(True)  # cheap to update after each entry
        self.step_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.form = CheckForm(self)
        self.details = CheckDetails(self)
        self.side = DetailsAndCurves(context, self.details, self)
        self.signing = StepSignatures(context, self)  # the step's signatures, under its checks
        self.overrides = UseOverrides(self)  # QA's override of a refused lot or equipment
        self.labels = LabelPrinting(self)  # the header's "Labels…"
        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form, 1)
        column.addWidget(self.signing)
        split = self.split = QSplitter(self)
        split.addWidget(self.step_list)
        split.addWidget(centre)
        split.addWidget(self.side)
        split.setStretchFactor(1, 1)
        split.setSizes([250, 880, 230])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)  # under the work: a message never moves the rows down

        self._keys()
        self.step_list.selectionModel().currentChanged.connect(self._step_chosen)
        self.header.back.clicked.connect(lambda: self.context.go("batches"))
        self.header.qc.clicked.connect(lambda: self.context.go("qc", lot=self.lot))
        self.header.custody.clicked.connect(lambda: self.context.go("custody", lot=self.lot))
        self.header.labels.clicked.connect(self.labels.open)
        self.form.submitted.connect(self._submit)
        self.form.advance.connect(lambda cid: self.form.focus_next_open(cid))
        self.form.justify_requested.connect(self._justify)
        self.form.correct_requested.connect(self._correct)
        self.form.history_requested.connect(self._history)
        self.form.open_deviation_requested.connect(self._open_deviation)
        self.form.draft_changed.connect(self._draft)
        self.side.curves_made.connect(self._curves_made)
        self.signing.signed.connect(lambda _signature: (self.message.clear(), self.reload()))
        QApplication.instance().focusChanged.connect(self._focus_changed)

    # -- loading ---------------------------------------------------------------------------------

    def activate(
        self,
        lot: str | None = None,
        release: bool | None = None,
        step: str | None = None,
        check: str | None = None,
        **_arguments: Any,
    ) -> None:
        if release is not None:
            self.release_only = release
        self._goto = (step, check) if step or check else None  # from the review screen
        if lot is not None and lot != self.lot:
            self.lot = lot
            self.view = None
        if self.lot is not None:
            self.reload()
            self.side.set_lot(self.lot)

    def reload(self) -> None:
        from core.services.batches import show_batch

        self.context.tasks.run(
            show_batch,
            self.context.db,
            self.lot,
            on_done=self._loaded,
            on_error=self._failed,
            owner=self,
        )

    def _loaded(self, view: BatchView) -> None:
        goto, self._goto = self._goto, None
        keep = self._goto_step(view, goto) or self._current_step_id()
        self.view = view
        self.header.show_batch(view, self.release_only)
        self.steps.set_steps(self._visible_steps())
        row = self.steps.row_of(keep) if keep else -1
        if row < 0:
            row = _where_work_continues(self._visible_steps())
        self.step_list.setCurrentIndex(self.steps.index(row))
        self._show_step(row)
        self._focus_goto(goto)
        self.loaded.emit(view.lot)

    def _visible_steps(self) -> tuple:
        steps = self.view.steps if self.view else ()
        if self.release_only:
            return tuple(s for s in steps if s.is_release)
        return steps

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    # -- steps -----------------------------------------------------------------------------------

    def _current_step_id(self) -> str | None:
        index = self.step_list.currentIndex()
        if not index.isValid():
            return None
        return self.steps.data(index, StepsModel.StepIdRole)

    def _step_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_step(current.row())

    def _show_step(self, row: int) -> None:
        if self.view is None or row < 0 or row >= self.steps.rowCount():
            return
        step = self.steps.step(row)
        actor = self.context.actor.username
        drafts = {c.id: self.context.drafts.get(actor, self.view.lot, c.id) for c in step.checks}
        browsing = self.step_list.hasFocus()  # arrows in the list: the focus stays there
        self.form.show_step(step, drafts, self._open_deviations())
        self.signing.show_step(self.view.lot, step)
        QTimer.singleShot(0, self, self._room_for_form)
        if not browsing and not self.form.focus_next_open():
            self.step_list.setFocus()

    def _open_deviations(self) -> list[str]:
        return (
            [d.ref for d in self.view.deviations if d.status != DeviationStatus.CLOSED]
            if self.view
            else []
        )

    # -- entry -----------------------------------------------------------------------------------

    def _submit(self, check_id: str, text: str) -> None:
        from core.services.recording import record_value

        row = self.form.row(check_id)
        row.set_busy(True)
        self.context.tasks.run(
            record_value,
            self.context.db,
            self.context.actor,
            self.view.lot,
            check_id,
            text,
            hold_if_out_of_spec=True,
            on_done=self._applied,
            on_error=lambda error: self._refused(check_id, error),
            quick=True,
            owner=self,
        )
        row.hint_if_slow()  # only if it did not finish at once

    def _applied(self, outcome: RecordOutcome, move_on: bool = True) -> None:
        entry = outcome.entry
        row = self.form.row(entry.id)
        if row is not None:  # the verdict first: it is what the technician waits for
            row.show_verdict(entry)
            self.verdict_shown.emit(entry.id)
        self._apply([entry, *outcome.derived], outcome.signatures)
        if row is not None:
            row.set_busy(False)
            if outcome.notes:
                row.message.info(" ".join(outcome.notes))
        self.context.drafts.drop(self.context.actor.username, self.view.lot, entry.id)
        if entry.current.verdict == Verdict.OOS and not entry.current.final and row is not None:
            row.comment.setFocus()
            # once the demand has its place in the layout (unless the step was left meanwhile)
            QTimer.singleShot(0, lambda: self._show_demand(row))
        elif move_on:
            if not self.form.focus_next_open(entry.id):
                self._after_last_check()
        elif row is not None:  # a correction: stay on the corrected value
            row.entry.setFocus()
        self.entry_applied.emit(entry.id)
        self.side.after_entry([entry, *outcome.derived])  # the curve, after the verdict

    def _show_message_of(self, row: Any) -> None:
        import shiboken6

        if shiboken6.isValid(row.message):
            self.form.ensureWidgetVisible(row.message)

    def _show_demand(self, row: Any) -> None:
        import shiboken6

        if shiboken6.isValid(row.demand):
            self.form.ensureWidgetVisible(row.demand)

    def _apply(self, checks: list[CheckView], signatures: tuple | None = None) -> None:
        """What core said an entry changed (no second read): the values, and the signatures
        when one may have changed state."""
        self.view = self.view.with_checks(checks)
        if signatures is not None:
            from core.records.signature_states import with_signatures

            self.view = with_signatures(self.view, signatures)
        self.form.update_checks(checks)
        self.steps.set_steps(self._visible_steps())
        if signatures is not None:
            self.header.show_batch(self.view, self.release_only)
        else:
            self.header.show_counts(self.view)
        self._show_signatures()

    # -- curves ----------------------------------------------------------------------------------

    @property
    def curves(self) -> Any:
        """The CurvesPanel, once the "Curves" tab has been shown (None before)."""
        return self.side.curves

    def _curves_made(self, panel: Any) -> None:
        panel.imported.connect(lambda _outcome: self.reload())  # it may have recorded values
        panel.current_step = self._current_step_id  # offered first when a file names no step
        panel.polled.connect(self._live_update)
        self._widen_side(max(400, int(self.split.width() * 0.4)))  # a wide screen: wide curves

    def _live_update(self, update: Any) -> None:
        """A new excursion in a followed log is an exception: the header counts it at once."""
        if any(event.kind == "detected" for _channel, event in update.excursions):
            self.reload()

    def _room_for_form(self) -> None:
        """The checks never cut: when the step's form needs more than its column (large text, a
        narrow screen), the side panel and then the step list give way, down to their minimum."""
        body = self.form.widget()
        if body is None:
            return
        bar = self.form.verticalScrollBar().sizeHint().width()
        need = body.minimumSizeHint().width() + bar + 2 * self.form.frameWidth()
        steps, form, side = self.split.sizes()
        short = need - form
        if short <= 0:
            return
        give = min(short, max(0, side - self.side.minimumSizeHint().width()))
        side, form, short = side - give, form + give, short - give
        give = min(short, max(0, steps - self.step_list.minimumWidth()))
        steps, form, short = steps - give, form + give, short - give
        if short > 0 and side > 0:  # large text on the bench screen: the details fold away
            side, form = 0, form + side  # (drag the splitter's right edge to bring them back)
        self.split.setSizes([steps, form, side])

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self._room_for_form)  # once the new font has its layout

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._room_for_form)

    def _widen_side(self, want: int = 400) -> None:
        """Room for the curves: from the steps list down to its minimum, and from the form only
        beyond what the widest step's checks need (FORM_ROOM); the splitter moves from there."""
        steps, form, side = self.split.sizes()
        take = min(max(0, want - side), max(0, steps - self.step_list.minimumWidth()))
        steps, side = steps - take, side + take
        take = min(max(0, want - side), max(0, form - FORM_ROOM))
        self.split.setSizes([steps, form - take, side + take])

    def _refused(self, check_id: str, error: BaseException) -> None:
        from core.errors import ScanMismatch, UseRefused
        from ui.errors import message_of

        row = self.form.row(check_id)
        if row is None:
            self.message.error(message_of(error))
            return
        row.set_busy(False)
        if isinstance(error, ScanMismatch | UseRefused):
            row.show_mismatch(str(error))
        else:
            row.show_refusal(message_of(error))
        self.overrides.after_refusal(row, error)  # a refused lot or equipment: QA may override
        row.entry.setFocus()
        # in view once the message has its place in the layout (unless the step was left)
        QTimer.singleShot(0, lambda: self._show_message_of(row))

    def _draft(self, check_id: str, text: str) -> None:
        if self.view is not None and self.context.actor is not None:
            self.context.drafts.put(self.context.actor.username, self.view.lot, check_id, text)

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if now is None or not self.isVisible():
            return
        for row in self.form.rows.values():
            if row.entry is now:
                self.details.show_check(row.check)
                return

    # -- out of spec: comment or deviation ------------------------------------------------------

    def _justify(self, check_id: str, comment: str, ref: str) -> None:
        from core.services.recording import justify_value

        self.context.tasks.run(
            justify_value,
            self.context.db,
            self.context.actor,
            self.view.lot,
            check_id,
            comment=comment or None,
            deviation=ref or None,
            on_done=self._applied,
            on_error=lambda error: self._refused(check_id, error),
            quick=True,
            owner=self,
        )

    def _open_deviation(self, check_id: str) -> None:
        row = self.form.row(check_id)
        dialog = DeviationDialog(self.view.lot, check_id, row.check.name if row else "", self)
        dialog.submitted.connect(self._deviation_submitted)
        self.dialog = dialog
        dialog.open()

    def _deviation_submitted(self, check_id: str, classification: str, description: str) -> None:
        from core.services.deviations import open_deviation

        dialog = self.dialog

        def opened(view: Any) -> None:
            dialog.accept()
            self.view = replace(self.view, deviations=(*self.view.deviations, view))
            self.form.set_deviations(self._open_deviations(), check_id, view.ref)
            self.header.show_batch(self.view, self.release_only)
            self._recheck_signatures()
            row = self.form.row(check_id)
            if row is not None:
                row.justify.setFocus()

        self.context.tasks.run(
            open_deviation,
            self.context.db,
            self.context.actor,
            self.view.lot,
            classification,
            description,
            check_id or None,
            on_done=opened,
            on_error=lambda error: dialog.refused(_message(error)),
        )

    # -- corrections and history ------------------------------------------------------------------

    def _correct(self, check_id: str) -> None:
        row = self.form.row(check_id)
        if row is None or row.check.current is None:
            return
        dialog = CorrectionDialog(row.check, self._open_deviations(), self)
        dialog.submitted.connect(self._correction_submitted)
        self.dialog = dialog
        dialog.open()

    def _correction_submitted(
        self, check_id: str, value: str, reason: str, comment: str, ref: str
    ) -> None:
        from core.services.recording import correct_value

        dialog = self.dialog

        def corrected(outcome: RecordOutcome) -> None:
            dialog.accept()
            self._applied(outcome, move_on=False)

        self.context.tasks.run(
            correct_value,
            self.context.db,
            self.context.actor,
            self.view.lot,
            check_id,
            value,
            reason,
            comment=comment or None,
            deviation=ref or None,
            on_done=corrected,
            on_error=lambda error: dialog.refused(_message(error)),
        )

    def _history(self, check_id: str) -> None:
        row = self.form.row(check_id)
        if row is None:
            return
        self.dialog = HistoryDialog(row.check, self)
        self.dialog.open()


def _where_work_continues(steps: tuple) -> int:
    """The step to open: the last one with entries if it still has open checks, else the next
    one after it that has (the first step for a new batch)."""
    started = [
        i
        for i, s in enumerate(steps)
        if s.state not in (StepState.NOT_STARTED, StepState.NOT_APPLICABLE)
    ]
    start = started[-1] if started else 0
    for i in range(start, len(steps)):
        if steps[i].state in (
            StepState.NOT_STARTED,
            StepState.IN_PROGRESS,
            StepState.HAS_EXCEPTIONS,
        ):
            return i
    return start


def _message(error: BaseException) -> str:
    from ui.errors import message_of

    return message_of(error)
