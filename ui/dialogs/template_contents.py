"""A template version's contents, read-only: every step and check with its spec, its rules and
the source of each limit, for QA before approving and for anyone before starting a batch. The
selected check is written out in full under the table."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from core.i18n import _
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
        return _("approved by {name} {when}").format(
            name=summary.approved_by_name, when=local_text(summary.approved_at)
        )
    return _(
        "DRAFT: not approved by QA, it starts no batch; its {n} example "
        "limits are marked NOT CONFIRMED"
    ).format(n=summary.example_limits)


class TemplateContentsDialog(QDialog):
    def __init__(
        self, context: AppContext, template: TemplateSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.contents: Any = None
        title = _("{key} version {version}").format(key=template.key, version=template.version)
        self.setWindowTitle(_("Contents of {template}").format(template=title))
        self.setAccessibleName(_("Contents of {template}").format(template=title))
        self.resize(1340, 700)  # within a 1366×768 bench screen
        self.heading = label(f"<b>{escape(template.title)}</b> · {escape(title)}", self)
        self.heading.setAccessibleName(_("Template"))
        self.message = Message(self)
        self.message.info(_("Reading the template…"))
        self.model = TemplateLinesModel(self)
        self.table = BenchTable(_("Checks of {template}").format(template=title), self)
        self.table.setModel(self.model)
        self.table.set_column_caps({0: 10, 1: 18, 2: 28, 3: 8, 4: 8, 5: 30, 6: 24}, widest=16)
        self.detail = label("", self)
        self.detail.setAccessibleName(_("Selected check"))
        close = button(_("Close"), self, default=True, tip=_("Esc"))
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
        family = (
            _("{family}, autologous").format(family=t.product_family)
            if t.autologous
            else t.product_family
        )
        lines = [
            _(
                "<b>{title}</b> · {key} version {version} · {family} · "
                "{steps} steps, {checks} checks"
            ).format(
                title=escape(t.title),
                key=escape(t.key),
                version=t.version,
                family=escape(family),
                steps=len(contents.steps),
                checks=len(contents.checks),
            ),
            escape(status_text(t)),
            f"SHA-256 {t.sha256}",
        ]
        if contents.product:
            lines.append(_("Product: {product}").format(product=escape(contents.product)))
        self.heading.setText("<br>".join(lines))
        self.message.clear()
        self.model.set_items(contents.checks)
        self.table.fit_columns()
        self.table.select_row(0)
        self.table.setFocus()

    def _refused(self, error: BaseException) -> None:
        from ui.errors import message_of

        self.message.error(message_of(error))

    def _selected(self, *_args: object) -> None:
        row = self.table.selected_row()
        line = self.model.item_at(row) if row is not None else None
        if line is None or self.contents is None:
            self.detail.setText("")
            return
        step = next(s for s in self.contents.steps if s.id == line.step_id)
        about = (
            _("{step} · {name} · second-person verification") if step.verify else "{step} · {name}"
        ).format(step=step.id, name=step.name)
        self.detail.setText(f"{about}\n{line_text(line)}")
