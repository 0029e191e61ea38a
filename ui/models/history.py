"""Every version of one check's value: who, when, what, why."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.readmodels import ResultVersionView
from ui import theme
from ui.models.base import ReadModelTable

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Version", "Value", "Verdict", "Kind", "Recorded by", "When", "Reason / comment")


class HistoryModel(ReadModelTable):
    columns = COLUMNS

    def __init__(self, versions: tuple[ResultVersionView, ...], parent=None) -> None:
        super().__init__(parent, versions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        v = self._items[index.row()]
        style = theme.verdict_style(v.verdict, v.final)
        why = "; ".join(
            x for x in (v.reason, v.comment and f"comment: {v.comment}", v.deviation) if x
        )
        values = (
            f"v{v.version}",
            v.display,
            f"{style.icon} {style.word}",
            v.kind,
            v.recorded_by_name,
            local_text(v.recorded_at),
            why,
        )
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{v.rule}\ntyped: {v.raw_text}\nsource: {v.source}"
        return values[index.column()]
