"""Exporting a batch as a sealed PDF (batch summary or certificate of analysis), and verifying one.

Export is a signature of its own: the exporter re-authenticates, their key (unlocked by that
password) seals the PDF with PAdES, and the export is audited with the file's SHA-256. The batch
data, with every e-signature and its certificate, travel inside the PDF as a JSON attachment.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from core import outputs
from core.auth import Actor, Permission
from core.errors import Conflict, DomainError
from core.faults import ReadOnlyDatabase
from core.i18n import N_, SOURCE, _, in_language, language
from core.models.batches import RELEASED_STATES, BatchStatus
from core.records.batch_record import load_batch
from core.reports.embedded import EMBEDDED_NAME
from core.reports.seal import Attachment, seal_pdf
from core.services import signing_keys
from core.services.report_data import build_report, embedded_batch_data
from core.services.signing import sign
from core.services.users import acting_user, authenticate
from core.signing_views import DISPOSITION_LABEL, SignatureView
from core.store import Database
from core.words import STATUS_WORDS

SUMMARY = N_("batch summary")  # also a code: ExportOutcome.kind (translated where shown)
COA = N_("certificate of analysis")
# A certificate of analysis is issued for a lot with a QA disposition (a draft otherwise).
DISPOSED = RELEASED_STATES | {BatchStatus.QUARANTINED, BatchStatus.REJECTED}


@dataclass(frozen=True)
class ExportOutcome:
    path: Path
    kind: str  # SUMMARY | COA
    lot: str
    sha256: str
    size: int
    pages: int
    sealed_by: str
    sealed_by_name: str
    purpose: str
    approval: SignatureView | None = None
    note: str | None = None  # e.g. the export could not be recorded in a read-only copy's trail


def render_sealed(
    db: Database,
    actor: Actor,
    password: str,
    lot: str,
    *,
    coa: bool = False,
    draft: bool = False,
    purpose: str,
) -> tuple[bytes, int]:
    """The sealed PDF as bytes, and its page count (nothing written, nothing audited)."""
    from core.reports.batch_summary import render_batch_summary
    from core.reports.coa import render_certificate_of_analysis

    with db.read() as session:
        key_row, key = signing_keys.unlock(session, actor.username, password)
        ca_pem = signing_keys.site_authority(session).cert_pem.encode("ascii")
        if key_row.cert_pem is None:  # unlock() refuses a key whose certificate is not issued
            raise RuntimeError(f"The signing key of '{actor.username}' has no certificate.")
        cert_pem = key_row.cert_pem.encode("ascii")
    report = build_report(db, lot, actor, purpose, draft=draft)
    rendered = (render_certificate_of_analysis if coa else render_batch_summary)(report)
    translated = language() != SOURCE
    with in_language(SOURCE):  # the machine-readable record is the same in every language
        record = report
        if translated:  # its words (states, meanings, items) in the record's language
            record = replace(
                build_report(db, lot, actor, purpose, draft=draft),
                generated_at=report.generated_at,
            )
        embedded = embedded_batch_data(db, record)
    data = json.dumps(embedded, ensure_ascii=False, separators=(",", ":"))
    sealed = seal_pdf(
        rendered.data,
        key=key,
        cert_pem=cert_pem,
        ca_cert_pem=ca_pem,
        signer_name=actor.full_name,
        reason=purpose,
        location=report.site_name,
        page=rendered.seal_page,
        box=rendered.seal_box,
        attachments=[
            Attachment(
                name=EMBEDDED_NAME,
                data=data.encode("utf-8"),
                mime_type="application/json",
                description=_("Lot {lot}: batch record data and e-signatures").format(
                    lot=report.batch.lot
                ),
            )
        ],
        now=report.generated_at,
        time_zone=report.time_zone,
    )
    return sealed, rendered.pages


def export_pdf(
    db: Database,
    actor: Actor,
    password: str,
    lot: str,
    path: Path,
    *,
    coa: bool = False,
    draft: bool = False,
    purpose: str | None = None,
    approval: SignatureView | None = None,
    force: bool = False,
    language: str | None = None,
) -> ExportOutcome:
    """Seal and write the batch summary, or the certificate of analysis (``coa``): refused for
    a lot without a disposition unless ``draft`` (then DRAFT is printed across every page).
    ``force`` replaces an existing file (never a database, folder or device: core/outputs).

    On a read-only copy of the database (an archive on read-only media) the PDF is still written
    — its seal names who exported it and when — and the outcome notes that the export could not
    be recorded in that copy's audit trail.

    ``language`` (an offered one): the document is written in it, else in the language of the
    moment (the exporting user's). Values, ids, units, the embedded batch data and the audit
    trail are the same in every language."""
    with _written_in(language):
        kind = COA if coa else SUMMARY
        authenticate(db, actor.username, password)
        with db.read() as session:
            acting_user(session, actor, Permission.EXPORT_REPORT)
            batch = load_batch(session, lot)
            lot, status = batch.lot, batch.status
        if coa and not draft and status not in DISPOSED:
            raise Conflict(
                _(
                    "Lot {lot} has no QA disposition yet ({status}): a certificate of analysis is "
                    "issued for a dispositioned lot. Export a draft (marked DRAFT, not a "
                    "certificate) to preview it."
                ).format(lot=lot, status=STATUS_WORDS.get(status, status))
            )
        draft = draft and coa
        purpose = purpose or (
            f"{'DRAFT ' if draft else ''}Certificate of analysis, lot {lot}"
            if coa
            else f"Batch summary, lot {lot}"
        )
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise DomainError(_("Give the file a .pdf name, not '{name}'.").format(name=path.name))
        outputs.check_target(path, force=force)  # before the work; checked again when written
        sealed, pages = render_sealed(
            db, actor, password, lot, coa=coa, draft=draft, purpose=purpose
        )
        digest = hashlib.sha256(sealed).hexdigest()
        note = None
        with outputs.output_file(path, force=force) as partial:
            partial.write_bytes(sealed)
            try:
                with db.unit_of_work(actor.username) as uow:
                    uow.audit(
                        "report.export",
                        "batch",
                        lot,
                        lot=lot,
                        new={
                            "kind": kind,
                            "file": path.name,
                            "sha256": digest,
                            "pages": pages,
                            "purpose": purpose,
                            **({"draft": True} if draft else {}),
                        },
                    )
            except ReadOnlyDatabase as error:
                note = _("this export could not be recorded in the audit trail: {error}").format(
                    error=error
                )
        return ExportOutcome(
            path=path,
            kind=kind,
            lot=lot,
            sha256=digest,
            size=len(sealed),
            pages=pages,
            sealed_by=actor.username,
            sealed_by_name=actor.full_name,
            purpose=purpose,
            approval=approval,
            note=note,
        )


def _written_in(language: str | None) -> AbstractContextManager[object]:
    """The block in ``language`` (checked as an offered one), or in the language of the moment."""
    from core.services.language import checked_language

    return nullcontext() if language is None else in_language(checked_language(language))


def approve_and_export(
    db: Database,
    actor: Actor,
    password: str,
    lot: str,
    path: Path,
    *,
    disposition: str,
    reason: str,
    deviation: str | None = None,
    physician: str | None = None,
    force: bool = False,
) -> ExportOutcome:
    """QA's disposition and the summary that bears it, sealed by the approver, in one act."""
    outputs.check_target(path, force=force)  # a file that cannot be written refuses the act
    signature = sign(
        db,
        actor,
        password,
        lot,
        "APPROVED",
        disposition=disposition,
        reason=reason,
        deviation=deviation,
        physician=physician,
    )
    with in_language(SOURCE):  # the purpose is stored with the export's audit event
        label = DISPOSITION_LABEL.get(signature.disposition or "", signature.disposition)
    return export_pdf(
        db,
        actor,
        password,
        lot,
        path,
        purpose=f"QA disposition of lot {signature.lot}: {label}",
        approval=signature,
        force=force,
    )
