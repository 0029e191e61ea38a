"""A check that counts labels (``counts = "labels"`` in the template) is written by Lotbook when
labels are printed for the batch (core/services/labels.py), with source "labels"; a person's
entry, correction or import for it is refused."""

from __future__ import annotations

from core.errors import Conflict
from core.i18n import _
from core.templates.model import CheckDef

COUNTED_SOURCE = "labels"  # the source of the values Lotbook writes when labels are printed


def refuse_typed(check: CheckDef, source: str) -> None:
    """Refuse a value for a counting check unless Lotbook's label printing writes it."""
    if check.counts is not None and source != COUNTED_SOURCE:
        raise Conflict(
            _(
                "{check} ({name}) is counted by Lotbook when labels are printed: it is "
                "never typed or corrected. Print the labels from Lotbook and their count is "
                "written here."
            ).format(check=check.id, name=check.name),
            cli_hint=_("Print them with: label print LOT --kind KIND --count N ..."),
        )
