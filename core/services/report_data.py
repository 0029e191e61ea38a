"""Gathering what a PDF report shows, and the batch data embedded in it, from the database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.auth import Actor
from core.models import AuditHead, InstrumentFile, Signature, SigningKey, SiteAuthority, id_of
from core.readmodels import plain
from core.records.batch_record import build_batch_view, load_batch
from core.records.custody import custody_trail
from core.records.point_of_use import batch_uses
from core.reports.embedded import EMBEDDED_FORMAT
from core.reports.model import BatchReport, ImportedFileView
from core.services import audit_trail
from core.services.growth import growth_view
from core.services.review import build_review
from core.services.settings import show_policy
from core.services.site import site_label
from core.services.traces import trace_view
from core.store import Database
from core.version import app_version


def report_time_zone(db: Database) -> str:
    """The site's zone, else this computer's, else UTC (an IANA name, shown on every time)."""
    from core.clock import local_zone_name

    return show_policy(db).time_zone or local_zone_name()


def _files(session: Session, batch_id: int) -> tuple[ImportedFileView, ...]:
    rows = session.exec(
        select(InstrumentFile)
        .where(InstrumentFile.batch_id == batch_id)
        .order_by(col(InstrumentFile.id))
    ).all()
    return tuple(
        ImportedFileView(
            filename=f.filename,
            sha256=f.sha256,
            profile=f.profile,
            kind=f.kind,
            rows=f.rows,
            size=f.size,
            imported_by=f.imported_by,
            imported_at=f.imported_at,
        )
        for f in rows
    )


def build_report(
    db: Database, lot: str, actor: Actor, purpose: str, *, draft: bool = False
) -> BatchReport:
    from core.services.product_facts import issued_certificates, product_facts
    from core.services.review import site_zone

    with db.read() as session:
        batch = load_batch(session, lot)
        view = build_batch_view(session, batch)
        review = build_review(session, batch, view)
        files = _files(session, id_of(batch))
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
        lot = batch.lot
        product = product_facts(session, batch, view, site_zone(session))
        uses = batch_uses(session, id_of(batch))
        custody = custody_trail(session, batch.lot)
    growth = growth_view(db, lot)
    trace = trace_view(db, lot)
    return BatchReport(
        batch=view,
        review=review,
        audit_events=tuple(audit_trail.events(db, lot=lot)),
        growth=growth if growth.series else None,
        trace=trace if trace.channels else None,
        files=files,
        site_name=site_label(db),
        time_zone=report_time_zone(db),
        generated_at=db.clock.now(),
        generated_by=actor.username,
        generated_by_name=actor.full_name,
        purpose=purpose,
        app_version=app_version(),
        chain_head_seq=head_seq,
        chain_head_hash=head_hash,
        product=product,
        draft=draft,
        earlier_certificates=issued_certificates(db, lot),
        uses=uses,
        custody=custody,
    )


def embedded_batch_data(db: Database, report: BatchReport) -> dict:
    """The batch as data, with every e-signature's statement, content, signature and certificate,
    so each can be verified offline against the site CA."""
    with db.read() as session:
        batch = load_batch(session, report.batch.lot)
        rows = session.exec(
            select(Signature).where(Signature.batch_id == batch.id).order_by(col(Signature.id))
        ).all()
        certs = {
            id_of(k): k.cert_pem
            for k in session.exec(
                select(SigningKey).where(col(SigningKey.id).in_({r.signing_key_id for r in rows}))
            ).all()
        }
        ca = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
        ca_pem = ca.cert_pem if ca else None
        entries = [_entry(r, certs, report) for r in rows]
    return {
        "format": EMBEDDED_FORMAT,
        "version": 1,
        "generated_at": _iso(report.generated_at),
        "generated_by": report.generated_by,
        "app_version": report.app_version,
        "time_zone": report.time_zone,
        "audit_chain_head": {"seq": report.chain_head_seq, "hash": report.chain_head_hash},
        "site_ca_certificate": ca_pem,
        "batch": plain(report.batch),
        "review": plain(report.review),
        "files": plain(list(report.files)),
        "e_signatures": entries,
        "audit_events": plain(list(report.audit_events)),
    }


def _entry(r: Signature, certs: dict[int, str | None], report: BatchReport) -> dict:
    state = next((s for s in report.batch.signatures if s.id == r.id), None)
    return {
        "id": r.id,
        "lot": r.lot,
        "scope": r.scope,
        "meaning": r.meaning,
        "signer": r.signer,
        "signer_name": r.signer_name,
        "signer_role": r.signer_role,
        "signed_at": _iso(r.signed_at),
        "disposition": r.disposition,
        "reason": r.reason,
        "details": r.details,
        "state_at_export": state.state if state else "unknown",
        "state_detail": state.state_detail if state else "",
        "content": r.content,
        "content_sha256": r.content_sha256,
        "statement": r.statement,
        "crypto_signature": r.crypto_signature,
        "certificate": certs.get(r.signing_key_id),
    }


def _iso(when: datetime) -> str:
    from core.clock import utc_iso

    return utc_iso(when)
