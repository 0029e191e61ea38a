"""The batch record's part in signing (a mixin of BatchScreen, kept apart so the screen stays
small): after an entry, a correction or a new deviation the signatures are read again, so one
over content that changed shows as invalidated at once; and the review screen can open the
record at a step or check."""

from __future__ import annotations

from typing import Any

from core.readmodels import BatchView
from ui.widgets.signatures_panel import with_signatures


class SigningMixin:
    view: BatchView | None
    context: Any
    steps: Any
    step_list: Any
    header: Any
    form: Any
    details: Any
    signing: Any
    release_only: bool

    def _recheck_signatures(self, _check_id: str = "") -> None:
        from core.services.batches import show_batch

        if self.view is not None and self.view.signatures:
            run = self.context.tasks.run
            run(show_batch, self.context.db, self.view.lot, on_done=self._resigned, owner=self)

    def _resigned(self, fresh: BatchView) -> None:
        if self.view is not None and fresh.lot == self.view.lot:
            self.view = with_signatures(self.view, fresh)
            self.steps.set_steps(self._visible_steps())
            self.header.show_batch(self.view, self.release_only)
            self._show_signatures()

    def _show_signatures(self) -> None:
        row = self.step_list.currentIndex().row()
        if self.view is not None and 0 <= row < self.steps.rowCount():
            self.signing.show_step(self.view.lot, self.steps.step(row))

    # -- opened from the review screen at a step or a check -------------------------------------

    @staticmethod
    def _goto_step(view: BatchView, goto: tuple | None) -> str | None:
        if not goto:
            return None
        step, check = goto
        if step:
            return step
        return next((s.id for s in view.steps for c in s.checks if c.id == check), None)

    def _focus_goto(self, goto: tuple | None) -> None:
        row = self.form.row(goto[1]) if goto and goto[1] else None
        if row is not None:
            row.entry.setFocus()
            self.form.ensureWidgetVisible(row)
            self.details.show_check(row.check)
