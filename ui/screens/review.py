"""Review by exception: for one lot, only what needs a human (out-of-spec values, corrections,
open deviations, missing values, steps awaiting verification …), what still blocks its release,
whether its audit trail was reviewed, and its signatures. From here a supervisor or QA opens an
item in the batch record, closes a deviation, marks the audit trail reviewed, signs the review,
approves the disposition and exports the sealed summary or certificate of analysis.

Every action is a core call on a worker; core decides what is allowed and its refusal is shown
in the dialog or here. The review is read again after each action."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from core.signing_views import DISPOSITION_LABEL, ItemKind, Meaning
from ui import theme
from ui.models.batches import short_local, status_words
from ui.models.review_items import ReviewItemsModel
from ui.screens.base import Screen
from ui.widgets.common import Message, button, label
from ui.widgets.signatures_panel import signatures_html
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.signing_views import ReviewItem, ReviewView
    from ui.context import AppContext


def blockers_text(review: ReviewView) -> str:
    if review.status in ("released", "rejected"):
        return f"✔ Disposition made: {status_words(review.status)}"
    if review.approval_blockers:
        return "✖ Release blocked: " + " · ".join(review.approval_blockers)
    return "✔ Ready for QA disposition"


def audit_text(review: ReviewView) -> str:
    mark = review.audit_review
    if mark is None:
        return "Audit trail: not reviewed yet."
    state = "current" if mark.current else "the batch changed since: review it again"
    return (
        f"Audit trail reviewed by {mark.reviewed_by_name} at {short_local(mark.reviewed_at)} "
        f"({state})"
    )


class ReviewScreen(Screen):
    title = "Review"
    loaded = Signal(str)  # lot, once its review is on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.review: ReviewView | None = None
        self.dialog: Any = None
        self.lots = QComboBox(self)
        self.lots.setAccessibleName("Lot")
        self.lots.setMinimumHeight(theme.TOUCH)
        self.lots.setMinimumWidth(380)
        self.refresh = button("Refresh", self, tip="Read the review again (F5)")
        self.refresh.setShortcut("F5")
        self.blockers = label("", self)
        self.blockers.setAccessibleName("Release blockers")
        self.audit = label("", self)
        self.audit.setAccessibleName("Audit trail review")
        self.message = Message(self)
        self.model = ReviewItemsModel(self)
        self.table = BenchTable("Review items", self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 22, 1: 17, 2: 36, 3: 17, 4: 20, 5: 8}, widest=30)
        self.signatures = label("", self)
        self.signatures.setAccessibleName("Batch signatures")
        self.signatures.setTextFormat(Qt.TextFormat.RichText)
        self.signatures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.signatures)
        scroll.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 8)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setStyleSheet("QScrollArea, QScrollArea QWidget { background: transparent; }")

        self.open_item = button("Open in batch record", self, tip="The selected item, in place")
        self.close_deviation = button("Close deviation…", self, tip="Conclusion and password")
        self.mark_audit = button("Mark audit trail reviewed…", self, tip="Password needed")
        self.review_sign = button("Review batch…", self, tip="Sign the batch review (REVIEWED)")
        self.approve = button("Approve disposition…", self, tip="QA disposition (APPROVED)")
        self.export = button("Export signed PDF…", self, tip="Sealed batch summary")
        self.coa = button("Certificate of analysis…", self, tip="Sealed certificate of analysis")

        top = QHBoxLayout()
        top.addWidget(label("Review by exception", self, role="title"))
        top.addStretch(1)
        top.addWidget(label("Lot", self))
        top.addWidget(self.lots)
        top.addWidget(self.refresh)
        batch_actions = QHBoxLayout()  # what is done to the whole batch, above its items
        for b in (self.mark_audit, self.review_sign, self.approve):
            batch_actions.addWidget(b)
        batch_actions.addStretch(1)
        batch_actions.addWidget(self.export)
        batch_actions.addWidget(self.coa)
        signed = QVBoxLayout()
        signed.addWidget(label("<b>Batch signatures</b>", self))
        signed.addWidget(scroll)
        bottom = QHBoxLayout()  # what is done to the selected item, under the items
        bottom.addWidget(self.open_item, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.close_deviation, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addSpacing(16)
        bottom.addLayout(signed, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.blockers)
        layout.addWidget(self.audit)
        layout.addLayout(batch_actions)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.lots.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh.clicked.connect(lambda: self.activate())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_in_record())
        self.open_item.clicked.connect(self.open_in_record)
        self.close_deviation.clicked.connect(self.open_close_deviation)
        self.mark_audit.clicked.connect(self.open_mark_audit)
        self.review_sign.clicked.connect(lambda: self.open_sign(Meaning.REVIEWED))
        self.approve.clicked.connect(lambda: self.open_sign(Meaning.APPROVED))
        self.export.clicked.connect(lambda: self.open_export(coa=False))
        self.coa.clicked.connect(lambda: self.open_export(coa=True))
        self._show_permitted()

    # -- data ------------------------------------------------------------------------------------

    @property
    def lot(self) -> str | None:
        return self.lots.currentData()

    def activate(self, lot: str | None = None, **_: Any) -> None:
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
            self.lots.addItem(f"{b.lot} · {b.product_family} · {status_words(b.status)}", b.lot)
        index = self.lots.findData(want) if want else -1
        self.lots.setCurrentIndex(index if index >= 0 else 0)
        self.lots.blockSignals(False)
        if not batches:
            self.blockers.setText("No batches yet.")
        self.reload()

    def reload(self) -> None:
        from core.services.review import review_batch

        if self.lot is None:
            return
        self.context.tasks.run(
            review_batch,
            self.context.db,
            self.lot,
            on_done=self._loaded,
            on_error=self._failed,
            owner=self,
        )

    def _loaded(self, review: ReviewView) -> None:
        if review.lot != self.lot:
            return  # another lot was chosen meanwhile
        self.review = review
        self.model.set_review_items(review.items)
        self.table.fit_columns()
        blocked = review.approval_blockers and review.status not in ("released", "rejected")
        self.blockers.setText(blockers_text(review))
        self.blockers.setProperty("role", "error" if blocked else "ok")
        self.audit.setText(audit_text(review))
        self.audit.setProperty("role", "" if review.audit_review else "subtle")
        for widget in (self.blockers, self.audit):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        batch = tuple(s for s in review.signatures if s.scope == "batch")
        self.signatures.setText(signatures_html(batch) if batch else "No batch signatures yet.")
        self._selection_changed()
        self.loaded.emit(review.lot)

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
        self.approve.setVisible(can(Permission.APPROVE_BATCH))
        self.export.setVisible(can(Permission.EXPORT_REPORT))
        self.coa.setVisible(can(Permission.EXPORT_REPORT))

    def _selection_changed(self, *_: Any) -> None:
        item = self.selected_item()
        self.open_item.setEnabled(item is not None)
        self.close_deviation.setEnabled(item is not None and item.kind == ItemKind.OPEN_DEVIATION)
        for b in (self.export, self.coa):
            b.setEnabled(self.review is not None)
        # a released or rejected record is locked: no more review acts, only exports
        open_record = self.review is not None and self.review.status not in ("released", "rejected")
        for b in (self.mark_audit, self.review_sign, self.approve):
            b.setEnabled(open_record)
            b.setToolTip("" if open_record else "The record of this lot is locked.")

    # -- actions ---------------------------------------------------------------------------------

    def open_in_record(self) -> None:
        item = self.selected_item()
        if item is None or self.lot is None:
            self.message.error("Select an item in the list first.")
            return
        self.context.go("batch", lot=self.lot, step=item.step_id, check=item.check_id)

    def open_close_deviation(self) -> None:
        from core.services.deviations import close_deviation
        from ui.dialogs.reauth import ReauthDialog

        item = self.selected_item()
        if item is None or item.kind != ItemKind.OPEN_DEVIATION:
            self.message.error("Select an open deviation in the list first.")
            return
        db, actor, ref = self.context.db, self.context.actor, item.ref
        self._open(
            ReauthDialog(
                self.context,
                f"Close deviation {ref}",
                f"{item.title}<br>Closing it records your conclusion with your name and the time;"
                " it can no longer be changed.",
                "Close deviation",
                lambda password, text, _path: close_deviation(db, actor, password, ref, text),
                text=("Conclusion", "root cause, impact on the batch, CAPA", 10),
                working="Closing…",
                parent=self,
            ),
            lambda view: f"Deviation {view.ref} closed.",
        )

    def open_mark_audit(self) -> None:
        from core.services.review import mark_audit_trail_reviewed
        from ui.dialogs.reauth import ReauthDialog

        db, actor, lot = self.context.db, self.context.actor, self.lot
        self._open(
            ReauthDialog(
                self.context,
                f"Audit trail of lot {lot} reviewed",
                f"You confirm that you reviewed the audit trail of lot <b>{lot}</b> up to now. "
                "A later change to the batch's data makes this review out of date.",
                "Mark reviewed",
                lambda password, text, _path: mark_audit_trail_reviewed(
                    db, actor, password, lot, text or None
                ),
                text=("Comment (optional)", "what you looked at, anything noted", 0),
                working="Saving…",
                parent=self,
            ),
            lambda mark: f"Audit trail of lot {lot} marked reviewed by {mark.reviewed_by_name}.",
        )

    def open_export(self, coa: bool) -> None:
        from core.services.reports import export_pdf
        from ui.dialogs.reauth import ReauthDialog
        from ui.dialogs.sign import default_pdf_path

        db, actor, lot = self.context.db, self.context.actor, self.lot
        kind = "certificate of analysis" if coa else "batch summary"
        self._open(
            ReauthDialog(
                self.context,
                f"Export the {kind} of lot {lot}",
                f"The {kind} is written as a PDF sealed with your signing certificate; the "
                "export is kept in the audit trail with the file's SHA-256.",
                "Seal and export",
                lambda password, _text, path: export_pdf(
                    db, actor, password, lot, Path(path), coa=coa
                ),
                path=default_pdf_path(lot, kind),
                working="Sealing the PDF…",
                parent=self,
            ),
            _exported_text,
        )

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
        text = f"{sig.label} {sig.signer_name}: lot {sig.lot} signed."
        if sig.disposition:
            text = f"Lot {sig.lot}: {DISPOSITION_LABEL.get(sig.disposition)} — {text}"
        if dialog.export is not None:
            text += " " + _exported_text(dialog.export)
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


def _exported_text(outcome: Any) -> str:
    return (
        f"{outcome.kind.capitalize()} of lot {outcome.lot} sealed by {outcome.sealed_by_name}: "
        f"{outcome.path} ({outcome.pages} pages, SHA-256 {outcome.sha256[:16]}…)."
    )
