"""The review-by-exception items of a batch as a table: what happened, whether it blocks release
(in words, not colour alone), where in the record, when (local time) and by whom. Formatting
only: the items and their blocking come from core (`services.review.review_batch`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from core.clock import local_text
from core.signing_views import ReviewItem
from ui import theme
from ui.models.base import ReadModelTable
from ui.models.batches import short_local

# the detail last: it takes the room left (and the whole of it is in the tooltip)
COLUMNS = ("Kind", "Release", "Item", "Step / check", "When", "Who", "Detail")
KIND, BLOCKING, TITLE, WHERE, WHEN, WHO, DETAIL = range(len(COLUMNS))
BLOCKS = "✖ Blocks release"
NOTED = "— noted"

_Index = QModelIndex | QPersistentModelIndex


def where_text(item: ReviewItem) -> str:
    if item.check_id:
        return item.check_id
    return item.step_id or "batch"


def _text(item: ReviewItem, column: int) -> str:
    if column == KIND:
        return item.kind_label
    if column == BLOCKING:
        return BLOCKS if item.blocking else NOTED
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

    def set_review_items(self, items: tuple[ReviewItem, ...]) -> None:
        # what blocks release first, then in the record's order
        self.set_items(sorted(items, key=lambda i: not i.blocking))

    def review_item(self, row: int) -> ReviewItem | None:
        return self.item_at(row)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item: ReviewItem = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHEN and item.at:
                return local_text(item.at)
            if column in (TITLE, DETAIL):
                return f"{item.title}\n{item.detail}" if item.detail else item.title
            return _text(item, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _text(item, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == BLOCKING and item.blocking:
            return QColor(theme.VERMILLION)
        if role == Qt.ItemDataRole.FontRole and column == BLOCKING and item.blocking:
            font = QFont()
            font.setBold(True)
            return font
        return None
