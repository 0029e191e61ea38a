"""What a PDF report is built from: plain, frozen read models gathered in one read transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from core.curve_views import GrowthView, TraceView
from core.readmodels import AuditEventView, BatchView
from core.signing_views import ReviewView
from core.use_views import BatchUseView

if TYPE_CHECKING:
    from core.records.custody import CustodyTrail


@dataclass(frozen=True)
class ImportedFileView:
    filename: str
    sha256: str
    profile: str  # instrument profile (vicell-blu, nucleoview-nc200, bioreactor-log …)
    kind: str  # counts | trace
    rows: int
    size: int
    imported_by: str
    imported_at: datetime  # UTC


@dataclass(frozen=True)
class ProductFacts:
    """What a certificate of analysis states about the product beyond its test results."""

    storage: str | None  # storage condition (template [product])
    shelf_life_months: int | None
    manufactured_on: date | None  # local date of the manufacture step's first entry
    expires_on: date | None  # manufactured_on + shelf life
    fill_volume: str | None  # "50.0 mL" (the check that measures fill_volume)
    containers: str | None  # "1 bags"
    body_weight: str | None  # the patient's weight behind the dose ("68.0 kg")
    dose_band: str | None  # which dose band applies and the dose judged: "flat dose …"
    autologous: bool  # "For autologous use only"
    source: str  # source tags of the storage / shelf-life figures
    caveat: str | None  # the figures are examples the site's QA has not confirmed


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate of analysis exported before (from the audit trail)."""

    issued_at: datetime  # UTC
    issued_by: str
    sha256: str
    file: str


@dataclass(frozen=True)
class BatchReport:
    batch: BatchView
    review: ReviewView  # items, signatures (with their state), audit-trail review mark
    audit_events: tuple[AuditEventView, ...]  # every audit event of this lot, oldest first
    growth: GrowthView | None  # growth curves (None: the template has none)
    trace: TraceView | None  # process trace channels (None or empty: no trace)
    files: tuple[ImportedFileView, ...]
    site_name: str
    time_zone: str  # IANA zone the report shows local times in ("Europe/Berlin")
    generated_at: datetime  # UTC
    generated_by: str  # username
    generated_by_name: str
    purpose: str  # "Batch summary for QA disposition"
    app_version: str
    chain_head_seq: int
    chain_head_hash: str
    product: ProductFacts | None = None
    draft: bool = False  # a certificate printed as DRAFT (no disposition yet): not a certificate
    earlier_certificates: tuple[IssuedCertificate, ...] = field(default=())  # it supersedes them
    uses: tuple[BatchUseView, ...] = field(default=())  # lots and equipment at their points of use
    custody: CustodyTrail | None = None  # autologous batches: the hand-offs of the material


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered, not yet sealed PDF and where its visible seal goes."""

    data: bytes
    pages: int
    seal_page: int  # 0-based page index of the box reserved for the visible seal
    seal_box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom-left
