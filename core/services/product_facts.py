"""The facts a certificate of analysis states about the product: manufacture date and expiry
(from the template's shelf life), storage condition, fill volume and container count, the body
weight behind the dose and the dose band it selects, the autologous statement; and the
certificates issued for the lot before (a new one supersedes them)."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime, tzinfo

from sqlmodel import Session

from core.i18n import _
from core.readmodels import BatchView, CheckView
from core.records.batch_record import batch_template
from core.reports.model import IssuedCertificate, ProductFacts
from core.services import audit_trail
from core.states import EntryKind
from core.store import Database
from core.templates.model import TemplateDef, example_tags

COA_KIND = "certificate of analysis"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of the month where that day does not exist)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _measuring(view: BatchView, quantity: str) -> CheckView | None:
    found = [c for c in view.checks() if c.measures == quantity and c.current is not None]
    return found[0] if found else None


def _dose_band(tdef: TemplateDef, view: BatchView, weight: CheckView | None) -> str | None:
    """The dose checks that apply at this weight (per kg, or a flat total), with their values."""
    if weight is None:
        return None
    banded = {c.id for c in tdef.conditioned_by(weight.id)}
    release = {c.id for c in tdef.release.checks}
    chosen = [
        (c, c.current)
        for c in view.checks()
        if c.id in banded and c.applies and c.current is not None
    ]
    if any(c.id in release for c, _v in chosen):  # the release test's dose is the one certified
        chosen = [(c, current) for c, current in chosen if c.id in release]
    if not chosen:
        return None
    return "; ".join(f"{c.name}: {current.display} ({c.spec})" for c, current in chosen)


def _shown(check: CheckView | None) -> str | None:
    """The current value of a check found by ``_measuring`` (which keeps only checks with one)."""
    return check.current.display if check is not None and check.current is not None else None


def _count(check: CheckView | None) -> str | None:
    """A container count as said: "1 bag", "3 bags"."""
    if check is None or check.current is None:  # none found by ``_measuring``
        return None
    shown = check.current.display
    unit = check.unit or ""
    if check.current.value == "1" and unit.endswith("s"):
        return shown.removesuffix(unit) + unit[:-1]
    return shown


def product_facts(session: Session, batch, view: BatchView, zone: tzinfo) -> ProductFacts:
    _row, tdef = batch_template(session, batch)
    product = tdef.product
    made = _manufactured_on(tdef, view, zone)
    expires = (
        add_months(made, product.shelf_life_months)
        if made is not None and product.shelf_life_months
        else None
    )
    fill, units, weight = (
        _measuring(view, q) for q in ("fill_volume", "container_count", "body_weight")
    )
    tags = "".join(example_tags(product.source))
    caveat = None
    if tags and not view.template_approved:
        caveat = _(
            "{tags} example storage and shelf life: not yet confirmed by the site's QA"
        ).format(tags=tags)
    return ProductFacts(
        storage=product.storage,
        shelf_life_months=product.shelf_life_months,
        manufactured_on=made,
        expires_on=expires,
        fill_volume=_shown(fill),
        containers=_count(units),
        body_weight=_shown(weight),
        dose_band=_dose_band(tdef, view, weight),
        autologous=tdef.autologous,
        source=product.source,
        caveat=caveat,
    )


def _manufactured_on(tdef: TemplateDef, view: BatchView, zone: tzinfo) -> date | None:
    step_id = tdef.product.manufacture_step
    step = next((s for s in view.steps if s.id == step_id), None) if step_id else None
    if step is None:
        return None
    times = [v.recorded_at for c in step.checks for v in c.history if v.kind == EntryKind.ENTRY]
    return min(times).astimezone(zone).date() if times else None


def issued_certificates(db: Database, lot: str) -> tuple[IssuedCertificate, ...]:
    """Every certificate of analysis exported for ``lot``, oldest first (from the audit trail)."""
    out = []
    for event in audit_trail.events(db, lot=lot, action="report.export"):
        try:
            new = json.loads(event.new or "{}")
        except ValueError:
            continue
        if new.get("kind") != COA_KIND or new.get("draft"):
            continue
        out.append(
            IssuedCertificate(
                issued_at=datetime.fromisoformat(event.at),
                issued_by=event.user,
                sha256=str(new.get("sha256", "")),
                file=str(new.get("file", "")),
            )
        )
    return tuple(out)


def superseded_by(db: Database, lot: str, sha256: str) -> IssuedCertificate | None:
    """The newest certificate issued after the one with ``sha256``; None when it is the newest
    (or not a certificate of this lot)."""
    issued = issued_certificates(db, lot)
    index = next((i for i, c in enumerate(issued) if c.sha256 == sha256), None)
    if index is None or index == len(issued) - 1:
        return None
    return issued[-1]
