"""Issue 5 benchmark, one run: export a complete CAR-T batch (every check recorded, growth curves,
every verification signed, reviewed, 2,000 audit events on the lot) to a sealed PDF.

(a) `export_pdf` end to end — re-authentication, unlocking the key, reading the batch, rendering,
    the embedded batch data, the PAdES seal, writing and auditing — median of 5 (goal ≤ 2 s);
(b) the same tables (steps with their history rows, the audit extract) built with bare reportlab:
    no curves, no signature, no attachment, no PDF/A; median of 5, and the ratio (a)/(b);
(c) `verify_pdf` of the exported file: seal and every embedded e-signature; median of 20.
"""

from __future__ import annotations

import statistics
import time

from core.clock import utc_iso
from core.services import audit_trail, batches
from core.services.pdf_verification import verify_pdf
from core.services.reports import export_pdf
from core.services.signing_keys import ca_certificate_pem
from tests.benchmarks.export_setup import LOT, PW, build_export_site, quinn


def _bare_reportlab(view, events, path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ]
    )
    story = []
    for step in view.steps:
        rows = [["Check", "Value", "Spec", "Verdict", "By", "When"]]
        for c in step.checks:
            for v in c.history:
                rows.append(
                    [c.id, v.display, c.spec[:40], v.verdict, v.recorded_by, utc_iso(v.recorded_at)]
                )
        story += [Table(rows, repeatRows=1, style=style), Spacer(1, 6)]
    rows = [["Seq", "At", "User", "Action", "Entity", "New"]]
    rows += [[e.seq, e.at, e.user, e.action, e.entity_id, (e.new or "")[:60]] for e in events]
    story.append(Table(rows, repeatRows=1, style=style))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_export_of_a_complete_car_t_batch(tmp_path, report):
    db = build_export_site(tmp_path)
    actor = quinn(db)
    view = batches.show_batch(db, LOT)
    events = audit_trail.events(db, lot=LOT)
    exports, bare, pages = [], [], 0
    for i in range(5):
        start = time.perf_counter()
        out = export_pdf(db, actor, PW, LOT, tmp_path / f"summary-{i}.pdf")
        exports.append(time.perf_counter() - start)
        pages = out.pages
        start = time.perf_counter()
        _bare_reportlab(view, events, tmp_path / f"bare-{i}.pdf")
        bare.append(time.perf_counter() - start)
    pdf = (tmp_path / "summary-0.pdf").read_bytes()
    ca = ca_certificate_pem(db)
    checks = []
    for _ in range(20):
        start = time.perf_counter()
        result = verify_pdf(pdf, ca)
        checks.append(time.perf_counter() - start)
        assert result.ok, result.problems
    export_s, bare_s = statistics.median(exports), statistics.median(bare)
    figures = {
        "audit events on the lot": len(events),
        "checks recorded": sum(1 for c in view.checks() if c.current),
        "e-signatures embedded": len(result.e_signatures),
        "pages": pages,
        "pdf bytes": len(pdf),
        "export median s (goal <= 2)": round(export_s, 3),
        "bare reportlab tables median s": round(bare_s, 3),
        "ratio export / bare": round(export_s / bare_s, 2),
        "verify-pdf median ms": round(statistics.median(checks) * 1000, 1),
    }
    report("export_pdf", figures)
    assert len(events) >= 2000
    assert export_s <= 2.0
