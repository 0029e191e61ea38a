"""The checks of one step as a keyboard-first form: Tab follows the template order, Enter saves
and moves to the next open check. The release step is grouped by quality attribute."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from core.check_kinds import kind_of
from core.i18n import N_, _, first_upper
from core.readmodels import CheckView, StepView
from core.words import Words
from ui.widgets.check_row import CheckRow
from ui.widgets.common import label

ATTRIBUTE_ORDER = (
    "appearance",
    "identity",
    "strength",
    "viability",
    "purity",
    "potency",
    "safety",
    "characterisation",
)
# The release step's group headings, by quality attribute (an attribute not listed reads as
# its name, its first letter raised)
ATTRIBUTE_HEADINGS: Words[str] = Words(
    {
        "appearance": N_("Appearance"),
        "identity": N_("Identity"),
        "strength": N_("Strength"),
        "viability": N_("Viability"),
        "purity": N_("Purity"),
        "potency": N_("Potency"),
        "safety": N_("Safety"),
        "characterisation": N_("Characterisation"),
        "other": N_("Other"),
    }
)


class CheckForm(QScrollArea):
    submitted = Signal(str, str)
    advance = Signal(str)
    justify_requested = Signal(str, str, str)
    correct_requested = Signal(str)
    history_requested = Signal(str)
    open_deviation_requested = Signal(str)
    draft_changed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(_("Checks of the step"))
        self.rows: dict[str, CheckRow] = {}
        self.order: list[str] = []
        self.step: StepView | None = None
        self._body = QWidget(self)
        self.setWidget(self._body)

    def show_step(self, step: StepView, drafts: dict[str, str], deviations: list[str]) -> None:
        self.step = step
        self.rows.clear()
        self.order = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        heading = label(f"{step.id} · {step.name}", body, role="title")
        layout.addWidget(heading)
        if step.day or step.verify:
            bits = [
                _("day {day}").format(day=step.day) if step.day else "",
                _("second-person verification") if step.verify else "",
            ]
            layout.addWidget(label(" · ".join(b for b in bits if b), body, role="subtle"))
        for title, checks in self._groups(step):
            if title:
                words = ATTRIBUTE_HEADINGS.get(title) or first_upper(title)
                heading = QLabel(f"<b>{words}</b>", body)
                heading.setObjectName("attribute-heading")
                layout.addWidget(heading)
            for check in checks:
                row = CheckRow(check, body)
                row.set_deviations(deviations)
                if row.open and drafts.get(check.id):
                    row.entry.setText(drafts[check.id])
                self._wire(row)
                self.rows[check.id] = row
                self.order.append(check.id)
                layout.addWidget(row)
        layout.addStretch(1)
        self._set_tab_order()
        old = self.takeWidget()
        self.setWidget(body)
        self._body = body
        if old is not None:
            old.deleteLater()

    @staticmethod
    def _groups(step: StepView) -> list[tuple[str, list[CheckView]]]:
        if not step.is_release:
            return [("", list(step.checks))]
        groups: dict[str, list[CheckView]] = {}
        for check in step.checks:
            groups.setdefault(check.attribute or "other", []).append(check)
        rank = {name: i for i, name in enumerate(ATTRIBUTE_ORDER)}
        return sorted(groups.items(), key=lambda item: rank.get(item[0], len(rank)))

    def _wire(self, row: CheckRow) -> None:
        row.submitted.connect(self.submitted)
        row.advance.connect(self.advance)
        row.justify_requested.connect(self.justify_requested)
        row.correct_requested.connect(self.correct_requested)
        row.history_requested.connect(self.history_requested)
        row.open_deviation_requested.connect(self.open_deviation_requested)
        row.draft_changed.connect(self.draft_changed)

    def _set_tab_order(self) -> None:
        entries = [self.rows[cid].entry for cid in self.order if not self.rows[cid].check.derived]
        for first, second in itertools.pairwise(entries):
            QWidget.setTabOrder(first, second)

    def update_checks(self, checks: Iterable[CheckView]) -> None:
        for check in checks:
            row = self.rows.get(check.id)
            if row is not None:
                row.set_check(check)

    def set_deviations(
        self, refs: list[str], check_id: str | None = None, select: str = ""
    ) -> None:
        for cid, row in self.rows.items():
            row.set_deviations(refs, select if cid == check_id else None)

    def row(self, check_id: str) -> CheckRow | None:
        return self.rows.get(check_id)

    def focus_next_open(self, after: str | None = None) -> bool:
        """Focus the next check waiting for an entry (after ``after``, wrapping round)."""
        if not self.order:
            return False
        start = self.order.index(after) + 1 if after in self.order else 0
        ordered = self.order[start:] + self.order[:start]
        for cid in ordered:
            row = self.rows[cid]
            if row.open:
                row.entry.setFocus()
                self.ensureWidgetVisible(row)
                return True
        return False

    def first_open_scan(self) -> CheckRow | None:
        for cid in self.order:
            row = self.rows[cid]
            if row.open and kind_of(row.check).takes_scans:
                return row
        return None
