"""Every loaded version of every process template: what it is, whether QA approved it (by whom,
when) and its SHA-256 (short, the full digest on hover); ``details_text`` adds who loaded it when
and how many example limits an approval confirms (the line under the table)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.i18n import N_, _, ngettext
from core.readmodels import TemplateSummary
from ui.models.base import ReadModelTable

COLUMNS = (
    N_("Key"),
    N_("Version"),
    N_("Status"),
    N_("Approved by"),
    N_("Approved at"),
    "SHA-256",
    N_("Title"),  # last: it takes the room left, so long titles show whole where they can
)
STATUS, SHA, TITLE = 2, 5, 6
_NUMBERS = {1}

_Index = QModelIndex | QPersistentModelIndex


def status_text(t: TemplateSummary) -> str:
    """The version's status in words, with an icon (never colour alone)."""
    return "✔ " + _("Approved") if t.approved else "✎ " + _("Draft — awaits QA")


def status_sentence(t: TemplateSummary) -> str:
    """One sentence about the version's status (the tab's selection line and tooltips)."""
    if t.approved:
        return _(
            "{key} version {version} was approved by {by}, {when}: new batches may start on it."
        ).format(
            key=t.key, version=t.version, by=t.approved_by_name, when=local_text(t.approved_at)
        )
    return ngettext(
        "{key} version {version} is a draft: no batch starts on it until QA approves it and "
        "confirms its {n} example limit.",
        "{key} version {version} is a draft: no batch starts on it until QA approves it and "
        "confirms its {n} example limits.",
        t.example_limits,
    ).format(key=t.key, version=t.version, n=t.example_limits)


def details_text(t: TemplateSummary) -> str:
    """Everything else about a version, for the line under the table."""
    n = t.example_limits
    return ngettext(
        "{title} ({family}): {steps} steps, {checks} checks, {n} example limit. "
        "Loaded by {by}, {when}. SHA-256 {sha256}",
        "{title} ({family}): {steps} steps, {checks} checks, {n} example limits. "
        "Loaded by {by}, {when}. SHA-256 {sha256}",
        n,
    ).format(
        title=t.title,
        family=t.product_family,
        steps=t.steps,
        checks=t.checks,
        n=n,
        by=t.loaded_by,
        when=local_text(t.loaded_at),
        sha256=t.sha256,
    )


class TemplateVersionsModel(ReadModelTable):
    columns = COLUMNS

    def set_templates(self, rows: list[TemplateSummary]) -> None:
        self.set_items(rows)

    def template_at(self, row: int) -> TemplateSummary | None:
        return self.item_at(row)

    def row_of(self, key: str, version: int) -> int | None:
        for row, t in enumerate(self._items):
            if t.key == key and t.version == version:
                return row
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                t.key,
                str(t.version),
                status_text(t),
                t.approved_by_name or "—",
                local_text(t.approved_at) if t.approved_at else "—",
                f"{t.sha256[:12]}…",
                t.title,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == SHA:
                return f"SHA-256 {t.sha256}"
            if column == TITLE:
                return _("{title} ({family}): {steps} steps, {checks} checks").format(
                    title=t.title, family=t.product_family, steps=t.steps, checks=t.checks
                )
            if column == STATUS:
                return status_sentence(t)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
