"""The password-confirmed acts of the review screen, each one core call in a ReauthDialog: close
a deviation, mark the audit trail reviewed, export the sealed batch summary, the certificate of
analysis, or (for a lot without a QA disposition) a DRAFT certificate, marked DRAFT on every
page and not a certificate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.dialogs.disposition import default_pdf_path
from ui.dialogs.reauth import ReauthDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.signing_views import ReviewItem
    from ui.context import AppContext


def close_deviation_dialog(context: AppContext, item: ReviewItem, parent: QWidget) -> ReauthDialog:
    from core.services.deviations import close_deviation

    db, actor, ref = context.db, context.actor, item.ref
    return ReauthDialog(
        context,
        f"Close deviation {ref}",
        f"{item.title}<br>Closing it records your conclusion with your name and the time;"
        " it can no longer be changed.",
        "Close deviation",
        lambda password, text, _path: close_deviation(db, actor, password, ref, text),
        text=("Conclusion", "root cause, impact on the batch, CAPA", 10),
        working="Closing…",
        parent=parent,
    )


def mark_audit_dialog(context: AppContext, lot: str, parent: QWidget) -> ReauthDialog:
    from core.services.review import mark_audit_trail_reviewed

    db, actor = context.db, context.actor
    return ReauthDialog(
        context,
        f"Audit trail of lot {lot} reviewed",
        f"You confirm that you reviewed the audit trail of lot <b>{lot}</b> up to now. "
        "A later change to the batch's data makes this review out of date.",
        "Mark reviewed",
        lambda password, text, _path: mark_audit_trail_reviewed(
            db, actor, password, lot, text or None
        ),
        text=("Comment (optional)", "what you looked at, anything noted", 0),
        working="Saving…",
        parent=parent,
    )


def export_dialog(
    context: AppContext, lot: str, *, coa: bool, draft: bool, parent: QWidget
) -> ReauthDialog:
    """``draft``: the lot has no QA disposition yet; only a DRAFT certificate is offered."""
    from core.services.reports import export_pdf

    db, actor = context.db, context.actor
    kind = "certificate of analysis" if coa else "batch summary"
    draft = draft and coa
    if draft:
        title = f"Export a DRAFT certificate of analysis of lot {lot}"
        explanation = (
            f"Lot <b>{lot}</b> has no QA disposition yet, so no certificate of analysis can be "
            "issued. You can export a <b>DRAFT</b> to preview it: every page is marked DRAFT and "
            "it is not a certificate. It is sealed with your signing certificate and the export "
            "is kept in the audit trail with the file's SHA-256."
        )
        submit, path = "Seal and export the DRAFT", default_pdf_path(lot, f"{kind} DRAFT")
    else:
        title = f"Export the {kind} of lot {lot}"
        explanation = (
            f"The {kind} is written as a PDF sealed with your signing certificate; the export is "
            "kept in the audit trail with the file's SHA-256."
        )
        submit, path = "Seal and export", default_pdf_path(lot, kind)
    return ReauthDialog(
        context,
        title,
        explanation,
        submit,
        lambda password, _text, chosen: export_pdf(
            db, actor, password, lot, Path(chosen), coa=coa, draft=draft, force=True
        ),  # the file name is on screen: replacing an older PDF there is what the user asked
        path=path,
        working="Sealing the PDF…",
        parent=parent,
    )


def exported_text(outcome: Any, draft: bool = False) -> str:
    what = f"DRAFT {outcome.kind}" if draft else outcome.kind.capitalize()
    return (
        f"{what} of lot {outcome.lot} sealed by {outcome.sealed_by_name}: "
        f"{outcome.path} ({outcome.pages} pages, SHA-256 {outcome.sha256[:16]}…)."
    ) + (f" Note: {outcome.note}" if getattr(outcome, "note", None) else "")
