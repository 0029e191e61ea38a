"""Every version of one check's value: who, when, what, why."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.readmodels import ResultVersionView
from ui import theme

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Version", "Value", "Verdict", "Kind", "Recorded by", "When", "Reason / comment")


class HistoryModel(QAbstractTableModel):
    def __init__(self, versions: tuple[ResultVersionView, ...], parent=None) -> None:
        super().__init__(parent)
        self._versions = list(versions)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._versions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        v = self._versions[index.row()]
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
