"""A template version's contents, read-only: every step and check with its spec, its rules and
the source of each limit, for QA before approving and for anyone before starting a batch. The
selected check is written out in full under the table."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from ui.models.template_lines import TemplateLinesModel, line_text
from ui.widgets.busy import run_for
from ui.widgets.common import Message, button, label
from ui.widgets.tables import BenchTable

if TYPE_CHECKING:
    from core.readmodels import TemplateSummary
    from ui.context import AppContext


def status_text(summary: Any) -> str:
    from core.clock import local_text

    if summary.approved:
        return f"approved by {summary.approved_by_name} {local_text(summary.approved_at)}"
    return (
        f"DRAFT: not approved by QA, it starts no batch; its {summary.example_limits} example "
        "limits are marked NOT CONFIRMED"
    )


class TemplateContentsDialog(QDialog):
    def __init__(
        self, context: AppContext, template: TemplateSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.contents: Any = None
        title = f"{template.key} version {template.version}"
        self.setWindowTitle(f"Contents of {title}")
        self.setAccessibleName(f"Contents of {title}")
        self.resize(1340, 700)  # within a 1366×768 bench screen
        self.heading = label(f"<b>{escape(template.title)}</b> · {escape(title)}", self)
        self.heading.setAccessibleName("Template")
        self.message = Message(self)
        self.message.info("Reading the template…")
        self.model = TemplateLinesModel(self)
        self.table = BenchTable(f"Checks of {title}", self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 10, 1: 18, 2: 28, 3: 8, 4: 8, 5: 30, 6: 24}, widest=16)
        self.detail = label("", self)
        self.detail.setAccessibleName("Selected check")
        close = button("Close", self, default=True, tip="Esc")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(bottom)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        from core.services.template_contents import template_contents

        run_for(
            self,
            template_contents,
            context.db,
            template.key,
            template.version,
            on_done=self._shown,
            on_error=self._refused,
        )

    def _shown(self, contents: Any) -> None:
        self.contents = contents
        t = contents.summary
        family = t.product_family + (", autologous" if t.autologous else "")
        lines = [
            f"<b>{escape(t.title)}</b> · {escape(t.key)} version {t.version} · {escape(family)} · "
            f"{len(contents.steps)} steps, {len(contents.checks)} checks",
            escape(status_text(t)),
            f"SHA-256 {t.sha256}",
        ]
        if contents.product:
            lines.append(f"Product: {escape(contents.product)}")
        self.heading.setText("<br>".join(lines))
        self.message.clear()
        self.model.set_items(contents.checks)
        self.table.fit_columns()
        self.table.select_row(0)
        self.table.setFocus()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _selected(self, *_: object) -> None:
        row = self.table.selected_row()
        line = self.model.item_at(row) if row is not None else None
        if line is None or self.contents is None:
            self.detail.setText("")
            return
        step = next(s for s in self.contents.steps if s.id == line.step_id)
        verify = " · second-person verification" if step.verify else ""
        self.detail.setText(f"{step.id} · {step.name}{verify}\n{line_text(line)}")
