"""Assess a process excursion from the review: link a deviation of the lot (anyone who may open
deviations; a new one can be opened here), or, for QA, assess it without a deviation with the
reason the product is not affected.

One core call (`excursion_assessment.assess_excursion`) on a worker; core decides and its refusal
stays in the dialog. On success ``finished_with`` carries core's ExcursionView and the dialog
closes. Only the QA choice is refused in advance, by role (core checks it again)."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.words import deviation_status_words
from ui import theme
from ui.widgets.common import Message, button, label
from ui.widgets.fitted import ElidingCombo

if TYPE_CHECKING:
    from core.readmodels import DeviationView
    from core.signing_views import ReviewItem
    from ui.context import AppContext


def excursion_id(item: ReviewItem) -> int | None:
    """The excursion an excursion item of the review is about (core gives its id as ``ref``)."""
    return int(item.ref) if item.ref and item.ref.isdigit() else None


class ExcursionDialog(QDialog):
    finished_with = Signal(object)  # ExcursionView

    def __init__(self, context: AppContext, lot: str, item: ReviewItem, parent: QWidget | None):
        from core.auth.roles import Permission, role_words

        super().__init__(parent)
        self.context, self.lot, self.item = context, lot, item
        self.excursion = excursion_id(item)
        self.busy = False
        self.dialog: Any = None
        self.deviations: tuple[DeviationView, ...] = ()
        title = _("Assess process excursion #{id} · lot {lot}").format(id=self.excursion, lot=lot)
        self.setWindowTitle(title)
        self.setAccessibleName(_("Assess process excursion"))
        self.setModal(True)
        self.setMinimumWidth(860)
        self.about = label(f"<b>{item.title}</b><br>{item.detail}", self)
        self.about.setAccessibleName(_("The excursion"))
        self.by_deviation = QRadioButton(_("Link a deviation of this lot"), self)
        self.by_deviation.setAccessibleName(_("Link a deviation"))
        self.by_qa = QRadioButton(
            _("Assess it without a deviation (QA): the product is not affected"), self
        )
        self.by_qa.setAccessibleName(_("QA assessment without a deviation"))
        self.ways = QButtonGroup(self)
        for radio in (self.by_deviation, self.by_qa):
            self.ways.addButton(radio)
        self.deviation = ElidingCombo(_("Deviation"), self)
        self.deviation.addItem(_("Reading the lot's deviations…"), None)
        self.new_deviation = button(_("New deviation…"), self, tip=_("Open a deviation for it"))
        self.new_deviation.setAutoDefault(False)
        self.may_open = context.can(Permission.OPEN_DEVIATION)
        self.may_assess = context.can(Permission.ASSESS_EXCURSION)
        self.by_deviation.setEnabled(self.may_open)
        self.new_deviation.setEnabled(self.may_open)
        self.by_qa.setEnabled(self.may_assess)
        role = role_words(context.actor.role) if context.actor else _("nobody")
        self.qa_only = label(
            _(
                "Only QA assesses an excursion without a deviation; your role ({role}) links one."
            ).format(role=role),
            self,
            role="subtle",
        )
        self.qa_only.setVisible(not self.may_assess)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName(_("Reason"))
        self.reason.setPlaceholderText(
            _("what happened, how long, why the product is not affected (QA: required)")
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(theme.TOUCH * 2)
        self.message = Message(self)
        self.submit = button(_("Save assessment"), self, default=True, tip=_("Enter"))
        self.cancel = button(_("Cancel"), self, tip=_("Esc: close without saving"))
        self.cancel.setAutoDefault(False)
        self._lay_out()
        chain = [self.by_deviation, self.deviation, self.new_deviation, self.by_qa, self.reason]
        for first, second in pairwise([*chain, self.submit, self.cancel]):
            QWidget.setTabOrder(first, second)
        self.by_deviation.toggled.connect(self._way_changed)
        self.new_deviation.clicked.connect(self.open_new_deviation)
        self.submit.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        (self.by_deviation if self.may_open else self.by_qa).setChecked(True)
        self._way_changed()
        self._load_deviations()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(label(self.windowTitle(), self, role="title"))
        layout.addWidget(self.about)
        layout.addWidget(self.by_deviation)
        row = QHBoxLayout()
        row.setContentsMargins(34, 0, 0, 0)  # under its choice
        row.addWidget(self.deviation, 1)
        row.addWidget(self.new_deviation)
        layout.addLayout(row)
        layout.addWidget(self.by_qa)
        layout.addWidget(self.qa_only)
        layout.addWidget(label(_("<b>Reason</b> (kept with the assessment)"), self))
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout.addLayout(buttons)

    # -- the lot's deviations --------------------------------------------------------------------

    def _load_deviations(self) -> None:
        from core.services.batches import show_batch

        self.context.tasks.run(
            show_batch,
            self.context.db,
            self.lot,
            on_done=lambda view: self.show_deviations(view.deviations),
            on_error=self._refused,
            owner=self,
        )

    def show_deviations(self, deviations: tuple[DeviationView, ...], chosen: str = "") -> None:
        self.deviation.clear()
        if len(deviations) != 1:
            what = _("Choose the deviation…") if deviations else _("No deviation yet: open one")
            self.deviation.addItem(what, None)
        for dev in deviations:
            status = deviation_status_words(dev.status)
            self.deviation.addItem(f"{dev.ref} · {status} · {dev.description}", dev.ref)
            self.deviation.setItemData(
                self.deviation.count() - 1, dev.description, Qt.ItemDataRole.ToolTipRole
            )
        if chosen:
            self.deviation.setCurrentIndex(self.deviation.findData(chosen))
        self.deviations = tuple(deviations)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for its wrapped lines at its width (a message may add some)."""
        self.layout().activate()
        need = self.layout().totalHeightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    def _say(self, kind: str, text: str) -> None:
        getattr(self.message, kind)(text)
        self._fit_height()

    def _way_changed(self, *_args: Any) -> None:
        linking = self.by_deviation.isChecked()
        self.deviation.setEnabled(linking)
        self.message.clear()

    def open_new_deviation(self) -> None:
        from ui.dialogs.deviation import DeviationDialog

        dialog = DeviationDialog(self.lot, "", "", self)
        dialog.description.setText(f"Process excursion {self.item.title}")
        dialog.submitted.connect(self._deviation_submitted)
        self.dialog = dialog
        dialog.open()

    def _deviation_submitted(self, _check: str, classification: str, description: str) -> None:
        from core.services.deviations import open_deviation
        from ui.errors import message_of

        dialog = self.dialog

        def opened(view: DeviationView) -> None:
            dialog.accept()
            self.show_deviations((*self.deviations, view), view.ref)
            self.by_deviation.setChecked(True)
            self.message.clear()  # an earlier "choose the deviation" is answered
            self.submit.setFocus()

        self.context.tasks.run(
            open_deviation,
            self.context.db,
            self.context.actor,
            self.lot,
            classification,
            description,
            on_done=opened,
            on_error=lambda e: dialog.refused(message_of(e)),
            owner=self,
        )

    # -- saving ----------------------------------------------------------------------------------

    def _submit(self) -> None:
        from core.services.excursion_assessment import assess_excursion

        if self.busy or self.excursion is None:
            return
        deviation = self.deviation.currentData() if self.by_deviation.isChecked() else None
        if self.by_deviation.isChecked() and deviation is None:
            self._say("error", _("Choose the deviation to link (or open a new one)."))
            self.deviation.setFocus()
            return
        self._busy(True)
        self._say("info", _("Saving…"))
        self.context.tasks.run(
            assess_excursion,
            self.context.db,
            self.context.actor,
            self.lot,
            self.excursion,
            deviation=deviation,
            reason=self.reason.toPlainText().strip() or None,
            on_done=self._done,
            on_error=self._refused,
            owner=self,
        )

    def _done(self, view: Any) -> None:
        self._busy(False)
        self.finished_with.emit(view)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self._busy(False)
        self._say("error", message_of(error))

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(_("Saving…") if busy else _("Save assessment"))
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
