"""The steps of a batch, for the list on the left of the batch screen: state by icon and word."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from core.i18n import _
from core.readmodels import StepView
from core.states import StepState

STATE_ICONS = {
    StepState.NOT_STARTED: "○",
    StepState.IN_PROGRESS: "◐",
    StepState.AWAITING_VERIFICATION: "◷",
    StepState.VERIFIED: "☑",
    StepState.COMPLETE: "✔",
    StepState.NOT_APPLICABLE: "–",
    StepState.HAS_EXCEPTIONS: "✖",
    StepState.SIGNATURE_INVALIDATED: "⚠",
}
Index = QModelIndex | QPersistentModelIndex


class StepsModel(QAbstractListModel):
    StepIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._steps: list[StepView] = []

    def set_steps(self, steps: tuple[StepView, ...]) -> None:
        if [s.id for s in steps] == [s.id for s in self._steps]:
            # with_checks() replaces only the steps that changed: identity tells which
            changed = [
                i for i, (a, b) in enumerate(zip(self._steps, steps, strict=True)) if a is not b
            ]
            self._steps = list(steps)
            for row in changed:
                index = self.index(row)
                self.dataChanged.emit(index, index)
            return
        self.beginResetModel()
        self._steps = list(steps)
        self.endResetModel()

    def step(self, row: int) -> StepView:
        return self._steps[row]

    def row_of(self, step_id: str) -> int:
        for row, step in enumerate(self._steps):
            if step.id == step_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._steps)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        step = self._steps[index.row()]
        words = step.state_words
        if role == Qt.ItemDataRole.DisplayRole:
            name = step.name if not step.is_release else _("Release QC")
            return f"{STATE_ICONS.get(step.state, '•')} {name}\n    {words}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{step.id} {step.name}: {words}"
        if role == self.StepIdRole:
            return step.id
        return None
