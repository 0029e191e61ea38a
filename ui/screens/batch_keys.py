"""The batch record at the bench without a mouse: the keys (F6 the steps, F8 the scan field,
Enter in the steps goes to the first open check), what comes next once a step's checks are all
in, and a barcode scan routed by what it is wherever the focus is (ui/scanner.py tells a scan
from typing; core/scan_routing.py decides where it belongs)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.i18n import _


class BenchKeysMixin:
    """For BatchScreen: uses its step list, form, signing panel, message and context."""

    # -- keys: F6 the steps, F8 the scan field, Enter in the steps opens the checks ---------------

    def _keys(self) -> None:
        from PySide6.QtGui import QKeySequence, QShortcut

        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("F6"), self, self.step_list.setFocus).setContext(here)
        QShortcut(QKeySequence("F8"), self, self.focus_scan).setContext(here)
        # Enter in the list (activated): not a shortcut, which would take a scan's Enter first
        self.step_list.activated.connect(lambda _index: self._into_checks())
        self.step_list.setToolTip(_("Steps (F6): ↑/↓ choose, Enter goes to the first open check"))
        self.form.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scroll area is no place to type

    def _into_checks(self) -> None:
        if not self.form.focus_next_open():
            self.message.info(
                _("Every check of step {step} is recorded.").format(
                    step=self.form.step.id if self.form.step else ""
                )
            )

    def focus_scan(self) -> None:
        row = self.form.first_open_scan()
        if row is None:
            self.message.info(
                _("No scan check is open in this step (a scan goes where it belongs).")
            )
            return
        row.entry.setFocus()
        self.form.ensureWidgetVisible(row)

    def _after_last_check(self) -> None:
        """The step's checks are all in: say what comes next and put the focus there."""
        step = self.form.step
        if step is None:
            return
        panel = self.signing
        row = self.step_list.currentIndex().row()
        following = self.steps.step(row + 1) if row + 1 < self.steps.rowCount() else None
        if panel.perform.isVisible() and panel.perform.isEnabled():
            panel.perform.setFocus()
            self.message.info(
                _(
                    "Every check of {step} is in. Next: sign it as performed (Enter), or F6 and ↓ "
                    "for {following}."
                ).format(step=step.id, following=following.id)
                if following
                else _("Every check of {step} is in. Next: sign it as performed (Enter).").format(
                    step=step.id
                )
            )
        elif following is not None:
            self.step_list.setFocus()
            self.message.info(
                _("Every check of {step} is in. Next: step {following} (↓, then Enter).").format(
                    step=step.id, following=following.id
                )
            )
        else:
            self.step_list.setFocus()
            self.message.info(
                _("Every check of {step} is in: that was the last step.").format(step=step.id)
            )

    # -- a barcode scan, wherever the focus is (ui/scanner.py, core/scan_routing.py) -------------

    def handle_scan(self, code: str, focus: QWidget | None) -> None:
        from core.scan_routing import ScanTarget, recorded_values, route_scan

        if self.view is None or self.form.step is None:
            return
        focused = next(
            (
                r.check
                for r in self.form.rows.values()
                if focus is not None and r.isAncestorOf(focus)
            ),
            None,
        )
        route = route_scan(
            code,
            lot=self.view.lot,
            coi=self.view.coi_id,
            step_checks=self.form.step.checks,
            values=recorded_values(self.view.steps),
            focused=focused,
        )
        if route.target in (ScanTarget.SCAN_CHECK, ScanTarget.TEXT_CHECK):
            row = self.form.row(route.check_id)
            row.entry.setText(route.code)  # the scan replaces whatever the field held
            row.entry.setFocus()
            self.form.ensureWidgetVisible(row)
            self._submit(route.check_id, route.code)
        elif route.target == ScanTarget.THIS_LOT:
            self.message.info(
                _("Scanned {code}: the lot number of this batch. Nothing recorded.").format(
                    code=route.code
                )
            )
        else:
            self._find_scanned_batch(route.code)

    def _find_scanned_batch(self, code: str) -> None:
        """A scan no check of this step expects: another batch's lot or COI opens that batch;
        anything else is refused in words, and nothing is recorded."""
        from core.services.batches import list_batches, named_exactly

        step = self.form.step

        def found(rows: list) -> None:
            batch = named_exactly(rows, code)
            if batch is not None:
                self.context.go("batch", lot=batch.lot)
                return
            self.message.error(
                _(
                    "Scanned {code}: no check of step {step} takes a scan and no batch has that "
                    "lot or chain-of-identity id. Nothing was recorded."
                ).format(code=code, step=step.id)
            )

        self.context.tasks.run(
            list_batches,
            self.context.db,
            text=code,
            on_done=found,
            on_error=self._failed,
            owner=self,
        )
