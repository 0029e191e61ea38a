"""The review-by-exception items of a batch as a table: what happened, whether it blocks release
(in words, not colour alone), where in the record, when (local time) and by whom; and what the
lot waits for in each of its states, in words. Formatting only: the items, their blocking and
the blockers come from core (`services.review.review_batch`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.clock import local_text
from core.i18n import N_, _
from core.models.batches import BatchStatus
from core.signing_views import ItemKind, ReviewItem, ReviewView
from ui import theme
from ui.models.base import ReadModelTable
from ui.models.batches import short_local, status_words

# the detail last: it takes the room left (and the whole of it is in the tooltip)
COLUMNS = (
    N_("Kind"),
    N_("Release"),
    N_("Item"),
    N_("Step / check"),
    N_("When"),
    N_("Who"),
    N_("Detail"),
)
KIND, BLOCKING, TITLE, WHERE, WHEN, WHO, DETAIL = range(len(COLUMNS))
# What an item does to the release, in the catalogue's words: translated where shown
# (``blocking_text``); ``blocking_of`` gives the untranslated one, the key of TIPS.
BLOCKS = N_("✖ Blocks release")
NOTED = N_("— noted")
AWAITS_QA = N_("✖ Awaits QA")  # a result failed after release: QA acknowledges it
FLAGGED = N_("▲ Flagged")  # what would block a release, in a lot already released
PENDING = N_("○ Pending")  # a release result not in yet, allowed to follow release
TIPS = {
    BLOCKS: N_("Blocks the release (and the batch review) until it is resolved"),
    AWAITS_QA: N_("Failed after release: QA acknowledges it (deviation, physician notified)"),
    PENDING: N_(
        "A release result that may follow release: it does not block a release with results pending"
    ),
    NOTED: N_("For the reviewer to see; it does not block the release"),
    FLAGGED: N_(
        "It would block a release; the lot is already released (its disposition says how "
        "this was dealt with)"
    ),
}

_Index = QModelIndex | QPersistentModelIndex


def where_text(item: ReviewItem) -> str:
    if item.check_id:
        return item.check_id
    return item.step_id or _("batch")


def blocking_text(item: ReviewItem, released: bool = False) -> str:
    """Whether the item holds the lot up, in words (core's ``blocking``, told by its kind);
    ``released``: the lot is past its release, which nothing can block any more."""
    return _(blocking_of(item, released))


def blocking_of(item: ReviewItem, released: bool = False) -> str:
    """``blocking_text`` untranslated (one of BLOCKS, AWAITS_QA, FLAGGED, PENDING, NOTED)."""
    if item.blocking:
        if item.kind == ItemKind.POST_RELEASE_OOS:
            return AWAITS_QA
        return FLAGGED if released else BLOCKS
    if item.kind == ItemKind.MISSING_VALUE:  # core blocks every missing value but a pending one
        return PENDING
    return NOTED


def blockers_text(review: ReviewView) -> str:
    """What the lot waits for, in words, for each of its states (core's blockers)."""
    status, blockers = review.status, " · ".join(review.approval_blockers)
    words = status_words(status)
    if status == BatchStatus.POST_RELEASE_OOS:
        return f"✖ {words}: {blockers}"
    if status in (BatchStatus.RELEASED, BatchStatus.EXCEPTIONAL_RELEASE, BatchStatus.REJECTED):
        return "✔ " + _("Disposition made: {status}. The record is locked.").format(status=words)
    if status == BatchStatus.RELEASED_PENDING:
        pending = [
            i.check_id or i.title
            for i in review.items
            if i.kind == ItemKind.MISSING_VALUE and not i.blocking
        ]
        if pending:
            return "✔ " + _(
                "Disposition made: {status}. Still to come: {pending}. A pending result that "
                "fails comes back to QA."
            ).format(status=words, pending=", ".join(pending))
        return "✔ " + _(
            "Disposition made: {status}. A pending result that fails comes back to QA."
        ).format(status=words)
    if status == BatchStatus.POST_RELEASE_OOS_ACK:
        return "✔ " + _("Disposition made: {status}.").format(status=words)
    quarantined = status == BatchStatus.QUARANTINED
    if blockers:
        if quarantined:
            return "✖ " + _("Quarantined by QA · Release blocked: {blockers}").format(
                blockers=blockers
            )
        return "✖ " + _("Release blocked: {blockers}").format(blockers=blockers)
    if quarantined:
        return "✔ " + _("Quarantined by QA · Ready for QA disposition")
    return "✔ " + _("Ready for QA disposition")


def closed_text(review: ReviewView) -> str:
    """Why a review act (review, disposition) cannot be signed for the lot in its state."""
    status, lot = review.status, review.lot
    if status in (BatchStatus.RELEASED, BatchStatus.EXCEPTIONAL_RELEASE, BatchStatus.REJECTED):
        return _("The record of lot {lot} is locked ({status}).").format(
            lot=lot, status=status_words(status)
        )
    if status == BatchStatus.RELEASED_PENDING:
        return _(
            "Lot {lot} is released with results pending: only its pending results are recorded "
            "and signed now; it comes back to QA if one fails."
        ).format(lot=lot)
    if status == BatchStatus.POST_RELEASE_OOS:
        return _(
            "A result of lot {lot} failed after release: QA acknowledges it (Approve …)."
        ).format(lot=lot)
    return _("Lot {lot}: {status}; nothing is left to sign.").format(
        lot=lot, status=status_words(status)
    )


def _text(item: ReviewItem, column: int, released: bool = False) -> str:
    if column == KIND:
        return item.kind_label
    if column == BLOCKING:
        return blocking_text(item, released)
    if column == TITLE:
        return item.title
    if column == DETAIL:
        return item.detail or "—"
    if column == WHERE:
        return where_text(item)
    if column == WHEN:
        return short_local(item.at) if item.at else "—"
    if column == WHO:
        return item.by or "—"
    return ""


class ReviewItemsModel(ReadModelTable):
    columns = COLUMNS

    released = False  # the lot is past its release (core.models.batches.RELEASED_STATES)

    def set_review_items(self, items: tuple[ReviewItem, ...], released: bool = False) -> None:
        self.released = released
        # a failure after release, then what blocks, then the rest in the record's order
        self.set_items(
            sorted(items, key=lambda i: (i.kind != ItemKind.POST_RELEASE_OOS, not i.blocking))
        )

    def review_item(self, row: int) -> ReviewItem | None:
        return self.item_at(row)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item: ReviewItem = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(item, column, self.released)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHEN and item.at:
                return local_text(item.at)
            if column in (TITLE, DETAIL):
                return f"{item.title}\n{item.detail}" if item.detail else item.title
            if column == BLOCKING:
                return _(TIPS[blocking_of(item, self.released)])
            return _text(item, column, self.released)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _text(item, column, self.released)
        if role == Qt.ItemDataRole.ForegroundRole and column == BLOCKING and item.blocking:
            return QColor(theme.VERMILLION)
        if role == Qt.ItemDataRole.FontRole and column == BLOCKING and item.blocking:
            font = QFont()
            font.setBold(True)
            return font
        return None
