"""The history of one value: every version, oldest first, with who, when (entered, and for an
instrument value when the instrument measured it, in which zone) and why. The selected version
(the newest at first) is written out in full under the table, so nothing is cut off."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from core.clock import local_text
from core.i18n import _
from core.readmodels import CheckView, ResultVersionView
from ui.models.history import HistoryModel, measured_text, timing_text
from ui.widgets.common import button, label
from ui.widgets.tables import BenchTable


def version_text(v: ResultVersionView) -> str:
    """One version in full: value, verdict rule, who, entered, measured, why."""
    parts = [
        _("v{version} ({kind}): {value} — {rule}").format(
            version=v.version, kind=v.kind, value=v.display, rule=v.shown_rule
        ),
        _("{person}, entered {when}").format(
            person=v.recorded_by_name, when=local_text(v.recorded_at)
        ),
    ]
    parts += [x for x in (measured_text(v), timing_text(v)) if x]
    parts += [
        x
        for x in (
            v.reason,
            v.comment and _("comment: {comment}").format(comment=v.comment),
            v.deviation,
        )
        if x
    ]
    return " · ".join(parts)


class HistoryDialog(QDialog):
    def __init__(self, check: CheckView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("History of {name}").format(name=check.name))
        self.resize(1340, 480)  # within a 1366×768 bench screen
        self.model = HistoryModel(check.history, self)
        self.table = BenchTable(_("History of {name}").format(name=check.id), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 16, 1: 18, 2: 24, 3: 20, 4: 26, 5: 48}, widest=16)
        # the instrument's time only where an instrument measured: room for the reasons
        self.table.setColumnHidden(5, all(v.measured_at is None for v in check.history))
        self.detail = label("", self)
        self.detail.setAccessibleName(_("Selected version"))
        close = button(_("Close"), self, default=True, tip=_("Esc"))
        close.setMaximumWidth(200)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        spec = _("<b>{name}</b> ({id}) — spec: {spec}").format(
            name=escape(check.name), id=escape(check.id), spec=escape(check.spec)
        )
        if check.caveat:
            spec += f"<br>⚠ {escape(check.caveat)}"
        self.heading = label(spec, self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(close)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.select_row(self.model.rowCount() - 1)

    def _selected(self, *_args: object) -> None:
        row = self.table.selected_row()
        version = self.model.item_at(row) if row is not None else None
        self.detail.setText(version_text(version) if version is not None else "")
