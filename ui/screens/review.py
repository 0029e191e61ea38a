"""Review by exception: for one lot, only what needs a human (out-of-spec values, corrections,
open deviations, missing values, steps awaiting verification …), what still blocks its release,
whether its audit trail was reviewed, and its signatures. From here a supervisor or QA opens an
item in the batch record, assesses a process excursion, closes a deviation, marks the audit trail
reviewed, signs the review, approves the disposition (or acknowledges a result that failed after
release) and exports the sealed summary or certificate of analysis (a DRAFT for a lot without a
disposition).

Every action is a core call on a worker; core decides what is allowed and its refusal is shown
in the dialog or here. The review is read again after each action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from core.i18n import N_, _
from core.models.batches import RELEASED_STATES
from core.signing_views import DISPOSITION_LABEL, ItemKind, Meaning
from ui.dialogs.review_acts import exported_text
from ui.models.batches import short_local, status_cell
from ui.models.review_items import ReviewItemsModel, blockers_text, closed_text
from ui.screens.base import Screen
from ui.widgets.common import Message, button, label
from ui.widgets.fitted import ElidingCombo
from ui.widgets.signatures_panel import signatures_html
from ui.widgets.tables import BenchTable
from ui.widgets.wrap_bar import WrapBar

if TYPE_CHECKING:
    from core.signing_views import ReviewItem, ReviewView
    from ui.context import AppContext


def read_review(db: Any, lot: str) -> tuple[ReviewView, bool]:
    """On a worker: the review, and whether the lot has a QA disposition (a certificate of
    analysis can be issued; otherwise only a draft)."""
    from core.services.reports import DISPOSED
    from core.services.review import review_batch

    review = review_batch(db, lot)
    return review, review.status in DISPOSED


def audit_text(review: ReviewView) -> str:
    mark = review.audit_review
    if mark is None:
        return _("Audit trail: not reviewed yet.")
    said = (
        _("Audit trail reviewed by {who} at {when} (current)")
        if mark.current
        else _("Audit trail reviewed by {who} at {when} (the batch changed since: review it again)")
    )
    return said.format(who=mark.reviewed_by_name, when=short_local(mark.reviewed_at))


class ReviewScreen(Screen):
    title = N_("Review")
    loaded = Signal(str)  # lot, once its review is on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.review: ReviewView | None = None
        self.disposed = False  # the lot has a QA disposition: a certificate, not a draft
        self.dialog: Any = None
        self.lots = ElidingCombo(_("Lot"), self)  # a long status ends in "…"; the list shows it all
        self.lots.setMinimumWidth(480)
        self.refresh = button(_("Refresh"), self, tip=_("Read the review again (F5)"))
        self.refresh.setShortcut("F5")
        self.blockers = label("", self)
        self.blockers.setAccessibleName(_("Release blockers"))
        self.audit = label("", self)
        self.audit.setAccessibleName(_("Audit trail review"))
        self.message = Message(self)
        self.review_refusal: str | None = None  # core's reason "Review batch" cannot be signed
        self.model = ReviewItemsModel(self)
        self.table = BenchTable(_("Review items"), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 22, 1: 17, 2: 36, 3: 17, 4: 20, 5: 8}, widest=30)
        self.signatures = label("", self)
        self.signatures.setAccessibleName(_("Batch signatures"))
        self.signatures.setTextFormat(Qt.TextFormat.RichText)
        self.signatures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = self.signed_scroll = QScrollArea(self)  # five lines (large text too), then scrolls
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.signatures)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setStyleSheet("QScrollArea, QScrollArea QWidget { background: transparent; }")

        self.open_item = button(
            _("Open in batch record"), self, tip=_("The selected item, in place")
        )
        self.close_deviation = button(_("Close deviation…"), self, tip=_("Conclusion and password"))
        self.assess = button(
            _("Assess excursion…"),
            self,
            tip=_("Link a deviation, or (QA) assess it with a reason"),
        )
        self.mark_audit = button(_("Mark audit trail reviewed…"), self, tip=_("Password needed"))
        self.review_sign = button(
            _("Review batch…"), self, tip=_("Sign the batch review (REVIEWED)")
        )
        self.approve = button(_("Approve disposition…"), self, tip=_("QA disposition (APPROVED)"))
        self.export = button(_("Export signed PDF…"), self, tip=_("Sealed batch summary"))
        self.coa = button(
            _("Certificate of analysis…"), self, tip=_("Sealed certificate of analysis")
        )
        for b in (self.mark_audit, self.review_sign, self.approve):
            b.setProperty("tip", b.toolTip())
        self.review_why = label("", self)  # why "Review batch" is off, in core's words
        self.review_why.setWordWrap(True)
        self.review_why.setAccessibleName(_("Why the batch cannot be reviewed yet"))
        self.review_why.hide()

        top = QHBoxLayout()
        top.addWidget(label(_("Review by exception"), self, role="title"))
        top.addStretch(1)
        top.addWidget(label(_("Lot"), self))
        top.addWidget(self.lots)
        top.addWidget(self.refresh)
        batch_actions = QHBoxLayout()  # what is done to the whole batch, above its items
        self.acts, self.exports = WrapBar(self), WrapBar(self)  # two rows in large text
        self.acts.add(self.mark_audit, self.review_sign, self.approve)
        self.exports.add(self.export, self.coa)
        batch_actions.addWidget(self.acts, 3)
        batch_actions.addWidget(self.exports, 2)
        signed = QVBoxLayout()
        signed.addWidget(label(_("<b>Batch signatures</b>"), self))
        signed.addWidget(scroll)
        bottom = QHBoxLayout()  # what is done to the selected item, under the items
        bottom.addWidget(self.open_item, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.assess, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.close_deviation, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addSpacing(16)
        bottom.addLayout(signed, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.blockers)
        layout.addWidget(self.audit)
        layout.addLayout(batch_actions)
        layout.addWidget(self.review_why)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.lots.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh.clicked.connect(lambda: self.activate())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_in_record())
        self.open_item.clicked.connect(self.open_in_record)
        self.close_deviation.clicked.connect(self.open_close_deviation)
        self.assess.clicked.connect(self.open_assess)
        self.mark_audit.clicked.connect(self.open_mark_audit)
        self.review_sign.clicked.connect(lambda: self.open_sign(Meaning.REVIEWED))
        self.approve.clicked.connect(lambda: self.open_sign(Meaning.APPROVED))
        self.export.clicked.connect(lambda: self.open_export(coa=False))
        self.coa.clicked.connect(lambda: self.open_export(coa=True))
        self._show_permitted()
        self._fit_signatures()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self._refit)  # once the buttons and labels took the new font

    def _refit(self) -> None:
        self._fit_table()
        self.acts.arrange()
        self.exports.arrange()
        self._fit_signatures()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_table()
        self._fit_signatures()

    def _fit_table(self) -> None:
        """Columns fitted; the detail, last, takes what room is left (its tooltip has it all)."""
        table = self.table
        table.fit_columns()
        last = self.model.columnCount() - 1
        others = sum(table.columnWidth(c) for c in range(last))
        least = table.fontMetrics().horizontalAdvance("0") * 8
        table.setColumnWidth(last, max(table.viewport().width() - others, least))

    def _fit_signatures(self) -> None:
        """As tall as the signatures need, up to five lines (large text too; then it scrolls)."""
        scroll, lines = self.signed_scroll, self.fontMetrics().lineSpacing()
        width = scroll.width() - scroll.verticalScrollBar().sizeHint().width()
        need = self.signatures.heightForWidth(max(width, 200)) + 4
        scroll.setFixedHeight(max(lines + 4, min(need, lines * 5 + 4)))

    # -- data ------------------------------------------------------------------------------------

    @property
    def lot(self) -> str | None:
        return self.lots.currentData()

    def activate(self, lot: str | None = None, **_arguments: Any) -> None:
        from core.services.batches import list_batches

        want = lot or self.lot
        self.context.tasks.run(
            list_batches,
            self.context.db,
            on_done=lambda batches: self._lots_loaded(batches, want),
            on_error=self._failed,
            owner=self,
        )

    def _lots_loaded(self, batches: list, want: str | None) -> None:
        self.lots.blockSignals(True)
        self.lots.clear()
        for b in batches:
            self.lots.addItem(f"{b.lot} · {b.product_family} · {status_cell(b.status)}", b.lot)
        index = self.lots.findData(want) if want else -1
        self.lots.setCurrentIndex(index if index >= 0 else 0)
        self.lots.blockSignals(False)
        if not batches:
            self.blockers.setText(_("No batches yet."))
        self.reload()

    def reload(self) -> None:
        if self.lot is None:
            return
        self.context.tasks.run(
            read_review,
            self.context.db,
            self.lot,
            on_done=self._loaded,
            on_error=self._failed,
            owner=self,
        )

    def _loaded(self, answer: tuple[ReviewView, bool]) -> None:
        review, disposed = answer
        if review.lot != self.lot:
            return  # another lot was chosen meanwhile
        self.review, self.disposed = review, disposed
        self.model.set_review_items(review.items, released=review.status in RELEASED_STATES)
        self._fit_table()
        blocked = bool(review.approval_blockers)  # core: () unless QA still has to decide
        self.blockers.setText(blockers_text(review))
        self.blockers.setProperty("role", "error" if blocked else "ok")
        self.audit.setText(audit_text(review))
        self.audit.setProperty("role", "" if review.audit_review else "subtle")
        for widget in (self.blockers, self.audit):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        batch = tuple(s for s in review.signatures if s.scope == "batch")
        self.signatures.setText(
            signatures_html(batch, statement=True) if batch else _("No batch signatures yet.")
        )
        self._fit_signatures()
        self._selection_changed()
        self._ask_review_refusal(review.lot)
        self.loaded.emit(review.lot)

    def _ask_review_refusal(self, lot: str) -> None:
        """Core's rules before any password: "Review batch" is off, with core's reason in its
        tooltip and on the screen, when the review could not be signed (the lot is blocked, it
        is your own work, no certificate …)."""
        from core.services.signing_rules import why_not_sign
        from core.signing_views import Meaning

        self.review_refusal = None
        self.review_why.hide()
        if not self.review_sign.isVisibleTo(self) or not self.review_sign.isEnabled():
            return
        self.context.tasks.run(
            why_not_sign,
            self.context.db,
            self.context.actor,
            lot,
            Meaning.REVIEWED,
            on_done=lambda reason: self._review_refusal_read(lot, reason),
            owner=self,
        )

    def _review_refusal_read(self, lot: str, reason: str | None) -> None:
        if lot != self.lot:
            return
        self.review_refusal = reason
        if reason:
            self.review_sign.setEnabled(False)
            self.review_sign.setToolTip(reason)
            self.review_sign.setAccessibleDescription(reason)
            self.review_why.setText(
                _("Review batch is not possible yet: {reason}").format(reason=reason)
            )
            self.review_why.show()

    def _failed(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def selected_item(self) -> ReviewItem | None:
        row = self.table.selected_row()
        return self.model.review_item(row) if row is not None else None

    def select_item(self, kind: str, check_id: str | None = None) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.review_item(row)
            if item.kind == kind and (check_id is None or item.check_id == check_id):
                self.table.select_row(row)
                return

    def _show_permitted(self) -> None:
        from core.auth.roles import Permission

        can = self.context.can
        self.close_deviation.setVisible(can(Permission.CLOSE_DEVIATION))
        self.mark_audit.setVisible(can(Permission.REVIEW_AUDIT_TRAIL))
        self.review_sign.setVisible(can(Permission.REVIEW_BATCH))
        self.assess.setVisible(can(Permission.OPEN_DEVIATION) or can(Permission.ASSESS_EXCURSION))
        self.approve.setVisible(can(Permission.APPROVE_BATCH))
        self.export.setVisible(can(Permission.EXPORT_REPORT))
        self.coa.setVisible(can(Permission.EXPORT_REPORT))

    def _selection_changed(self, *_args: Any) -> None:
        from core.services.dispositions import LOCKED, decision_open
        from core.services.review import AWAITING_DISPOSITION

        item, review = self.selected_item(), self.review
        self.open_item.setEnabled(item is not None)
        self.close_deviation.setEnabled(item is not None and item.kind == ItemKind.OPEN_DEVIATION)
        status = review.status if review is not None else None
        # core: an unassessed excursion blocks; a locked record takes no assessment
        self.assess.setEnabled(
            item is not None
            and item.kind == ItemKind.EXCURSION
            and item.blocking
            and status not in LOCKED
        )
        for b in (self.export, self.coa):
            b.setEnabled(review is not None)
        self.coa.setText(
            _("Certificate of analysis…") if self.disposed else _("Draft certificate of analysis…")
        )
        self.exports.arrange()  # the button's text changed
        self.coa.setToolTip(
            _("Sealed certificate of analysis")
            if self.disposed
            else _("No QA disposition yet: a DRAFT (marked on every page), not a certificate")
        )
        allowed = {
            self.mark_audit: status not in LOCKED,
            self.review_sign: status in AWAITING_DISPOSITION and not self.review_refusal,
            self.approve: decision_open(status) if status else False,
        }
        for b, ok in allowed.items():
            ok = ok and review is not None
            b.setEnabled(ok)
            b.setToolTip(b.property("tip") if ok else closed_text(review) if review else "")

    # -- actions ---------------------------------------------------------------------------------

    def open_in_record(self) -> None:
        item = self.selected_item()
        if item is None or self.lot is None:
            self.message.error(_("Select an item in the list first."))
            return
        self.context.go("batch", lot=self.lot, step=item.step_id, check=item.check_id)

    def open_close_deviation(self) -> None:
        from ui.dialogs.review_acts import close_deviation_dialog

        item = self.selected_item()
        if item is None or item.kind != ItemKind.OPEN_DEVIATION:
            self.message.error(_("Select an open deviation in the list first."))
            return
        dialog = close_deviation_dialog(self.context, item, self)
        self._open(dialog, lambda view: _("Deviation {ref} closed.").format(ref=view.ref))

    def open_assess(self) -> None:
        from ui.dialogs.excursion import ExcursionDialog

        item = self.selected_item()
        if item is None or item.kind != ItemKind.EXCURSION or self.lot is None:
            self.message.error(_("Select a process excursion in the list first."))
            return
        dialog = ExcursionDialog(self.context, self.lot, item, self)
        self._open(
            dialog,
            lambda view: _("Excursion #{n} assessed: {assessment}").format(
                n=view.id, assessment=view.assessment
            ),
        )

    def open_mark_audit(self) -> None:
        from ui.dialogs.review_acts import mark_audit_dialog

        lot = self.lot
        self._open(
            mark_audit_dialog(self.context, lot, self),
            lambda mark: _("Audit trail of lot {lot} marked reviewed by {who}.").format(
                lot=lot, who=mark.reviewed_by_name
            ),
        )

    def open_export(self, coa: bool) -> None:
        from ui.dialogs.review_acts import export_dialog

        draft = coa and not self.disposed
        dialog = export_dialog(self.context, self.lot, coa=coa, draft=draft, parent=self)
        self._open(dialog, lambda outcome: exported_text(outcome, draft))

    def open_sign(self, meaning: str) -> None:
        from core.auth.roles import Permission
        from ui.dialogs.sign import SignDialog

        if self.lot is None:
            return
        offer = meaning == Meaning.APPROVED and self.context.can(Permission.EXPORT_REPORT)
        dialog = SignDialog(self.context, self.lot, meaning, offer_export=offer, parent=self)
        self.dialog = dialog
        self.message.clear()
        dialog.accepted.connect(lambda: self._signed(dialog))
        dialog.open()

    def _signed(self, dialog: Any) -> None:
        sig = dialog.signature
        text = _("{label} {who}: lot {lot} signed.").format(
            label=sig.label, who=sig.signer_name, lot=sig.lot
        )
        if sig.disposition:
            text = _("Lot {lot}: {disposition} — {signed}").format(
                lot=sig.lot, disposition=DISPOSITION_LABEL.get(sig.disposition), signed=text
            )
        if dialog.export is not None:
            text += " " + exported_text(dialog.export)
        self.message.ok(text)
        self.activate()

    def _open(self, dialog: Any, done_text: Any) -> None:
        self.dialog = dialog
        self.message.clear()

        def finished(result: Any) -> None:
            self.message.ok(done_text(result))
            self.activate()

        dialog.finished_with.connect(finished)
        dialog.open()
