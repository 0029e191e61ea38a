"""Every version of one check's value: who, when, what, why; for an instrument value, when the
instrument measured it (and in which zone its clock was read) beside when it was entered."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from core.clock import local_text
from core.i18n import N_, _
from core.readmodels import ResultVersionView
from core.words import ENTRY_KIND_WORDS  # the column "Version": "v2 · correction"
from ui import theme
from ui.models.base import ReadModelTable

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    N_("Version"),
    N_("Value"),
    N_("Verdict"),
    N_("Recorded by"),
    N_("Entered"),
    N_("Measured (instrument)"),
    N_("Reason / comment"),
)


def measured_when(v: ResultVersionView) -> str:
    """ "<local time> (instrument: <zone>)" for an instrument value, else ""."""
    if v.measured_at is None:
        return ""
    return _("{when} (instrument: {zone})").format(
        when=local_text(v.measured_at), zone=v.measured_zone or _("zone not stated")
    )


def measured_text(v: ResultVersionView) -> str:
    """ "measured <local time> (instrument: <zone>)" for an instrument value, else ""."""
    if v.measured_at is None:
        return ""
    return _("measured {when}").format(when=measured_when(v))


def timing_text(v: ResultVersionView) -> str:
    """Why a measurement time outside its window was accepted, else ""."""
    return _("time accepted: {reason}").format(reason=v.timing_reason) if v.timing_reason else ""


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
            x
            for x in (
                v.reason,
                v.comment and _("comment: {comment}").format(comment=v.comment),
                v.deviation,
                timing_text(v),
            )
            if x
        )
        values = (
            f"v{v.version} · {ENTRY_KIND_WORDS.get(v.kind, v.kind)}",
            v.display,
            f"{style.icon} {style.word}",
            v.recorded_by_name,
            local_text(v.recorded_at),
            measured_when(v) or "—",
            why,
        )
        if role == Qt.ItemDataRole.ToolTipRole:
            measured = f"\n{measured_text(v)}" if v.measured_at is not None else ""
            return (
                _("{rule}\ntyped: {typed}\nsource: {source}").format(
                    rule=v.shown_rule, typed=v.raw_text, source=v.source
                )
                + measured
            )
        return values[index.column()]
