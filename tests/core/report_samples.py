"""Sample report inputs for the PDF tests: the real demo database, read through the services,
plus a hand-made review (items and three signatures) until the real report builder exists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.readmodels import BatchView, CheckView
from core.reports.model import BatchReport, ImportedFileView
from core.services import audit_trail, recording, users
from core.services.batches import show_batch
from core.services.demo import CART_LOT, DEMO_PASSWORD, MSC_LOT, build_demo
from core.services.growth import growth_view
from core.services.traces import trace_view
from core.signing_views import (
    ItemKind,
    Meaning,
    ReviewItem,
    ReviewView,
    SignatureState,
    SignatureView,
)
from core.store import Database
from core.version import app_version

TIME_ZONE = "Europe/Berlin"
INVALIDATED_DETAIL = "content changed after signing: CART-IPC-07-VCD-D4 corrected (v2)"
QUARANTINE_REASON = "Awaiting the impact assessment of the open deviation; release tests pending."
# Release results recorded on the MSC batch, so its certificate has results to show.
MSC_RELEASE = (
    ("MSC-REL-01", "Conforms", None),
    ("MSC-REL-02-CD73", "98.1", None),
    ("MSC-REL-06", "78.0", "Thaw-recovery sample; retest ordered"),
    ("MSC-REL-12", "0.12", None),
)


def demo_database(tmp_path: Path) -> Database:
    """The demo database (about 3 s), with a few MSC release results recorded by Tess."""
    db = build_demo(f"sqlite:///{tmp_path / 'demo.db'}")
    tess = users.authenticate(db, "tess", DEMO_PASSWORD)
    for check_id, value, comment in MSC_RELEASE:
        recording.record_value(db, tess, MSC_LOT, check_id, value, comment=comment)
    return db


def _first_recorded(batch: BatchView) -> CheckView:
    return next(c for c in batch.checks() if c.current is not None)


def _signature(n: int, batch: BatchView, meaning: Meaning, **kw) -> SignatureView:
    base = dict(
        id=n,
        lot=batch.lot,
        scope="batch",
        step_id=None,
        meaning=meaning.value,
        signer="quinn",
        signer_name="Quinn Quality",
        signer_role="qa",
        signed_at=datetime.now(UTC) - timedelta(hours=2),
        disposition=None,
        reason=None,
        content_sha256=f"{n:02x}" * 32,
        certificate_serial=f"5f3a{n:04x}c0ffee",
        state=SignatureState.VALID.value,
        state_detail="",
    )
    return SignatureView(**(base | kw))


def sample_review(batch: BatchView) -> ReviewView:
    first = _first_recorded(batch)
    corrected = next((c for c in batch.checks() if c.corrected), first)
    verified_step = corrected.step_id
    signatures = (
        _signature(
            1,
            batch,
            Meaning.PERFORMED,
            scope=f"step:{first.step_id}",
            step_id=first.step_id,
            signer="tess",
            signer_name="Tess Technician",
            signer_role="technician",
            signed_at=first.current.recorded_at + timedelta(minutes=20),
        ),
        _signature(
            2,
            batch,
            Meaning.VERIFIED,
            scope=f"step:{verified_step}",
            step_id=verified_step,
            signer="vic",
            signer_name="Victor Verifier",
            signer_role="technician",
            signed_at=corrected.history[0].recorded_at + timedelta(minutes=15),
            state=SignatureState.INVALIDATED.value,
            state_detail=INVALIDATED_DETAIL,
        ),
        _signature(3, batch, Meaning.APPROVED, disposition="quarantined", reason=QUARANTINE_REASON),
    )
    items = [
        ReviewItem(
            kind=ItemKind.OUT_OF_SPEC.value if c.current.verdict == "oos" else ItemKind.CORRECTION,
            title=f"{c.id} {c.name}: {c.current.display} ({c.spec})",
            detail=c.current.comment or c.current.deviation or c.current.reason or "",
            blocking=c.current.verdict == "oos",
            step_id=c.step_id,
            check_id=c.id,
            ref=c.current.deviation,
            at=c.current.recorded_at,
            by=c.current.recorded_by,
        )
        for c in batch.checks()
        if c.current is not None and (c.current.verdict == "oos" or c.corrected)
    ]
    items.append(
        ReviewItem(
            kind=ItemKind.INVALIDATED_SIGNATURE.value,
            title="Verified by Victor Verifier: signature invalidated",
            detail=INVALIDATED_DETAIL,
            blocking=True,
            step_id=verified_step,
            ref="2",
        )
    )
    return ReviewView(
        lot=batch.lot,
        status=batch.status,
        items=tuple(items),
        signatures=signatures,
        audit_review=None,
        approval_blockers=("Release tests without a result", "An invalidated signature"),
    )


def report_for(db: Database, lot: str) -> BatchReport:
    batch = show_batch(db, lot)
    trace = trace_view(db, lot)
    head = audit_trail.events(db)[-1]
    files: tuple[ImportedFileView, ...] = ()
    source = next((e.source for c in trace.channels for e in c.excursions), None)
    if trace.channels:
        files = (
            ImportedFileView(
                filename=f"{lot}-bioreactor.csv",
                sha256=(source or "file:" + "ab" * 32).removeprefix("file:"),
                profile="bioreactor-log",
                kind="trace",
                rows=len(trace.channels[0].times),
                size=1_843_210,
                imported_by="tess",
                imported_at=batch.started_at + timedelta(days=10),
            ),
        )
    return BatchReport(
        batch=batch,
        review=sample_review(batch),
        audit_events=tuple(audit_trail.events(db, lot=lot)),
        growth=growth_view(db, lot),
        trace=trace,
        files=files,
        site_name="Lotbook Demo Cell Therapy Unit",
        time_zone=TIME_ZONE,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        generated_by="quinn",
        generated_by_name="Quinn Quality",
        purpose="Batch summary for QA disposition",
        app_version=app_version(),
        chain_head_seq=head.seq,
        chain_head_hash=head.hash,
    )


def sample_report(tmp_path: Path, lot: str = CART_LOT) -> BatchReport:
    db = demo_database(tmp_path)
    try:
        return report_for(db, lot)
    finally:
        db.dispose()


def with_many_audit_events(report: BatchReport, count: int) -> BatchReport:
    """The same report with ``count`` audit events (the lot's own, repeated)."""
    events = report.audit_events
    repeated = tuple(replace(events[i % len(events)], seq=i + 1) for i in range(count))
    return replace(report, audit_events=repeated)


def with_many_corrections(report: BatchReport, count: int) -> BatchReport:
    """The same report with its first corrected check corrected ``count`` times more (each
    correction a history row under the check, as on a batch re-counted again and again)."""
    batch = report.batch
    check = next(c for c in batch.checks() if c.corrected)
    last = check.history[-1]
    extra = tuple(
        replace(
            last,
            version=last.version + i,
            kind="correction",
            display=f"{i}.{i % 7} cells/mL",
            reason=f"re-count {i}",
            recorded_at=last.recorded_at + timedelta(minutes=i),
        )
        for i in range(1, count + 1)
    )
    corrected = replace(check, history=check.history + extra, current=extra[-1])
    steps = tuple(
        replace(s, checks=tuple(corrected if c.id == check.id else c for c in s.checks))
        for s in batch.steps
    )
    return replace(report, batch=replace(batch, steps=steps))
