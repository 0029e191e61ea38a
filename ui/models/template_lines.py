"""The checks of a template version, one row each, grouped by step in the template's order."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.i18n import N_, _
from core.services.template_contents import TemplateCheckLine
from ui.models.base import ReadModelTable

Index = QModelIndex | QPersistentModelIndex


def line_text(line: TemplateCheckLine) -> str:
    """One check written out in full (under the table: nothing is cut)."""
    parts = [f"{line.check_id} · {line.name} ({line.type}{', ' + line.unit if line.unit else ''})"]
    parts.append(_("spec: {spec}").format(spec=line.spec))
    if line.rules:
        parts.append(", ".join(line.rules))
    if line.source:
        parts.append(_("source {source}").format(source=line.source))
    return " — ".join(parts)


class TemplateLinesModel(ReadModelTable):
    columns = (
        N_("Step"),
        N_("Check"),
        N_("Name"),
        N_("Type"),
        N_("Unit"),
        N_("Spec"),
        N_("Rules"),
        N_("Source"),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line: TemplateCheckLine = self._items[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return line_text(line)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            line.step_id,
            line.check_id,
            line.name,
            line.type,
            line.unit or "—",
            line.spec,
            ", ".join(line.rules) or "—",
            line.source or "—",
        )[index.column()]
