"""A complete CAR-T batch for the export benchmark: every check recorded, growth curves, a
process trace, every verification signed, reviewed, and 2,000 audit events on the lot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.clock import FixedClock
from core.demo.sample_batch import fill_batch
from core.demo.stock import stock_site
from core.services import audit_trail, batches, recording, signing_keys, users
from core.services.review import mark_audit_trail_reviewed
from core.services.signing import sign
from core.services.site import init_site
from core.services.template_approval import approve_drafts
from core.store import Database

LOT = "CT-2026-0900"
ADMIN_PW = "bench-admin-2026"
PW = "bench-pass-2026"
EVENTS = 2000
# number checks a technician re-counts (corrections), cycling until the lot has EVENTS events
RECOUNTS = [f"CART-IPC-07-VCD-D{d}" for d in range(11)] + [
    f"CART-IPC-07-VIAB-D{d}" for d in range(11)
]


def _person(db: Database, admin, name: str, role: str, full: str):
    users.create_user(db, admin, name, full, role, "initial-" + PW)
    users.change_password(db, name, "initial-" + PW, PW)
    return users.authenticate(db, name, PW)


def build_export_site(folder: Path) -> Database:
    clock = FixedClock(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), step=timedelta(seconds=20))
    db = init_site(f"sqlite:///{folder / 'export.db'}", "ada", "Ada Admin", ADMIN_PW, clock=clock)
    admin = users.authenticate(db, "ada", ADMIN_PW)
    tess = _person(db, admin, "tess", "technician", "Tess Technician")
    vic = _person(db, admin, "vic", "technician", "Vic Verifier")
    sam = _person(db, admin, "sam", "supervisor", "Sam Supervisor")
    quinn = _person(db, admin, "quinn", "qa", "Quinn Quality")
    cleo = _person(db, admin, "cleo", "qc", "Cleo Control")
    signing_keys.issue_certificates(db, admin, ADMIN_PW)
    approve_drafts(db, quinn, PW, "Benchmark site: example limits confirmed")
    stock_site(db, admin, tess, quinn, PW, today=db.clock.now().date())  # the scanned lots
    batches.start_batch(db, tess, "cart-auto-lv", LOT, "COI-W123426000900")
    fill_batch(db, tess, LOT, qc=cleo, password=PW)
    view = batches.show_batch(db, LOT)
    current = {c: view.check(c).current.value for c in RECOUNTS}
    events = len(audit_trail.events(db, lot=LOT))
    n = 0
    while events < EVENTS:
        check = RECOUNTS[n % len(RECOUNTS)]
        value = f"{float(current[check]) * (1.001 if n % 2 else 0.999):.4g}"
        out = recording.correct_value(db, tess, LOT, check, value, f"re-count {n}")
        current[check] = out.entry.current.value
        events += 1 + len(out.derived)
        n += 1
    for step in batches.show_batch(db, LOT).steps:
        if step.verify and not step.verified:
            sign(db, vic, PW, LOT, "VERIFIED", step_id=step.id)
    sign(db, sam, PW, LOT, "REVIEWED")
    mark_audit_trail_reviewed(db, quinn, PW, LOT)
    db.clock = clock
    return db


def quinn(db: Database):
    return users.authenticate(db, "quinn", PW)
