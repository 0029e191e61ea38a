"""Release decisions as the exported PDFs show them, through the real export path (sealed): a
draft certificate marked DRAFT on every page, a certificate that supersedes the one issued
before the pending result arrived, a failure after release acknowledged by QA, and an
instrument's own measurement time beside its entry time in the batch summary."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from core.demo.build import CART_LOT, MSC_LOT
from core.demo.people import DEMO_PASSWORD
from core.reports.batch_summary import render_batch_summary
from core.reports.coa import render_certificate_of_analysis
from core.reports.text import LocalTime
from core.reports.watermark import DRAFT_MARK
from core.services import audit_trail, deviations, imports, recording, users
from core.services.pdf_verification import verify_pdf
from core.services.reports import export_pdf
from core.services.signing import sign
from core.services.signing_keys import ca_certificate_pem
from tests.core.report_samples import PENDING_LOT, built_report, demo_copy
from tests.data import INSTRUMENT_SAMPLES

TIMING_REASON = "Instrument clock not reset after its battery change; today's harvest count"
RCL = "CART-REL-09"


@pytest.fixture
def demo(tmp_path):
    db = demo_copy(tmp_path)
    try:
        yield db
    finally:
        db.dispose()


def who(db, name):
    return users.authenticate(db, name, DEMO_PASSWORD)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str | list[str]) -> str:
    return re.sub(r"\s+", "", " ".join(text) if isinstance(text, list) else text)


def resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def test_a_draft_certificate_says_draft_on_every_page_and_stays_pdfa(demo, tmp_path):
    out = export_pdf(
        demo, who(demo, "quinn"), DEMO_PASSWORD, CART_LOT, tmp_path / "d.pdf", coa=True, draft=True
    )
    data = out.path.read_bytes()
    text = pages(data)
    assert len(text) == out.pages >= 2
    for page in text:
        assert DRAFT_MARK in page  # the banner atop every page
        assert "DRAFT certificate of analysis · Lot CT-2026-0042" in page
    assert flat("DRAFT — Certificate of analysis") in flat(text[0])
    assert flat("Certificate issue DRAFT — not issued; not a certificate of analysis") in flat(text)
    assert flat("Not yet dispositioned") in flat(text)
    assert flat(
        "This draft is not a certificate of analysis and does not release the product."
    ) in flat(text)
    reader = PdfReader(io.BytesIO(data))
    assert "DRAFT" in reader.metadata["/Title"]
    # the watermark is opaque vector text in the embedded font: nothing transparent
    assert b"/SMask" not in data
    assert not re.search(rb"/(CA|ca) (0(\.\d+)?|\.\d+)\b", data)
    for page in reader.pages:
        for font in (resolve(resolve(page["/Resources"]).get("/Font")) or {}).values():
            assert "Helvetica" not in str(resolve(font)["/BaseFont"])
    assert verify_pdf(data, ca_certificate_pem(demo)).ok
    (event,) = audit_trail.events(demo, lot=CART_LOT, action="report.export")
    assert json.loads(event.new)["draft"] is True


def test_a_draft_of_a_non_autologous_lot_makes_no_autologous_claim(demo):
    text = flat(pages(render_certificate_of_analysis(built_report(demo, MSC_LOT, draft=True)).data))
    assert flat(DRAFT_MARK) in text
    assert "Forautologoususeonly" not in text


def test_the_certificate_after_the_pending_result_supersedes_the_earlier_one(demo, tmp_path):
    quinn, cleo = who(demo, "quinn"), who(demo, "cleo")
    first = export_pdf(demo, quinn, DEMO_PASSWORD, PENDING_LOT, tmp_path / "coa-1.pdf", coa=True)
    first_text = flat(pages(first.path.read_bytes()))
    assert "Supersedes" not in first_text
    assert flat("Certificate issue 1") in first_text
    assert flat("Still pending: CART-REL-09") in first_text
    # the RCL result arrives and conforms: the lot is released, and a new certificate issued
    recording.record_value(demo, cleo, PENDING_LOT, RCL, "Not detected")
    second = export_pdf(demo, quinn, DEMO_PASSWORD, PENDING_LOT, tmp_path / "coa-2.pdf", coa=True)
    text = flat(pages(second.path.read_bytes()))
    (issued, _) = audit_trail.events(demo, lot=PENDING_LOT, action="report.export")
    local = LocalTime(built_report(demo, PENDING_LOT).time_zone)
    assert (
        flat(
            f"Supersedes: Issue 2 of this certificate. It supersedes issue 1 of {local(issued.at)} "
            f"(Quinn Quality (quinn), SHA-256 {first.sha256[:16]}…, file coa-1.pdf), which is no "
            "longer valid."
        )
        in text
    )
    assert flat("Certificate issue 2 (supersedes issue 1)") in text
    assert flat("Batch status Released Certificate issue") in text
    # QA's decision stays what it was; the certificate says nothing is pending any more
    assert flat("Released with results pending") in text and "Stillpending" not in text
    assert flat("Every pending result has since been recorded.") in text


def test_a_failure_after_release_is_acknowledged_on_every_pdf(demo):
    quinn, cleo = who(demo, "quinn"), who(demo, "cleo")
    ref = deviations.open_deviation(
        demo,
        cleo,
        PENDING_LOT,
        "critical",
        "RCL detected in the release sample after release.",
        RCL,
    ).ref
    recording.record_value(demo, cleo, PENDING_LOT, RCL, "Detected", deviation=ref)
    notified = "Dr Hana Novak informed by phone and in writing; patient monitoring started"
    sign(
        demo,
        quinn,
        DEMO_PASSWORD,
        PENDING_LOT,
        "APPROVED",
        disposition="post_release_oos",
        reason="RCL detected after infusion; patient follow-up per protocol",
        deviation=ref,
        physician=notified,
    )
    report = built_report(demo, PENDING_LOT)
    coa = flat(pages(render_certificate_of_analysis(report).data))
    summary = flat(pages(render_batch_summary(report).data))
    for text in (coa, summary):
        assert flat("Out of specification after release: acknowledged by QA") in text
        assert flat("Post-release out of specification, acknowledged") in text
        assert flat(notified) in text and ref in text
    assert (
        flat(
            "A release result failed after the lot was released. CART-REL-09 Replication-competent "
            f"lentivirus (RCL) Detected (specification Not detected). QA acknowledged the failure "
            f"under deviation {ref}"
        )
        in coa
    )
    assert flat("Disposition 1 of 2 (superseded by the later disposition)") in coa
    assert flat("Disposition 2 of 2 (current)") in coa
    # the review lists the failure first, by its own name
    exceptions = summary[summary.index("Exceptionsforreview") :]
    assert exceptions.index(flat("Out of specification after release")) < exceptions.index(
        "Editedaftersigning"
    )


def test_the_summary_shows_the_instrument_time_beside_the_entry_time(demo, tmp_path):
    tess = who(demo, "tess")
    imports.import_file(
        demo,
        tess,
        CART_LOT,
        INSTRUMENT_SAMPLES / "nucleoview-nc200-export.csv",
        step="CART-S09",
        timezone="Europe/Berlin",
        reason=TIMING_REASON,
    )
    report = built_report(demo, CART_LOT)
    current = report.batch.check("CART-IPC-09-VCD").current
    assert current.measured_at is not None and current.timing_reason == TIMING_REASON
    local = LocalTime(report.time_zone)
    text = flat(pages(render_batch_summary(report).data))
    step = text[text.index(flat("CART-S09 · Harvest")) :]  # the step table, not the review
    row = step[step.index("CART-IPC-09-VCD") : step.index("CART-IPC-09-VOL")]
    assert flat(f"entered {local(current.recorded_at)}") in row
    assert flat(f"measured {local(current.measured_at)}") in row
    assert flat(current.measured_zone) in row
    assert current.measured_at.year == 2023 and "2023-11-20" in row
    assert flat(f"measurement time accepted outside its window: {TIMING_REASON}") in row
    # the review by exception names the accepted instrument time too
    exceptions = text[text.index("Exceptionsforreview") : text.index("Batchrecord")]
    assert flat("Instrument time outside its window") in exceptions
    assert flat(TIMING_REASON) in exceptions


def test_the_summary_shows_caveats_beside_example_limits_and_checks_that_do_not_apply(demo):
    report = built_report(demo, CART_LOT)
    limit = "[P] example limit: not yet confirmed by the site's QA (template not approved)"
    viability = report.batch.check("CART-IPC-04-VIAB")  # 78.5 %: below its alert limit
    batch = report.batch.with_checks([replace(viability, caveat=limit)])
    shown = replace(report, batch=replace(batch, template_approved=False))
    text = flat(pages(render_batch_summary(shown).data))
    header = text[: text.index("Exceptionsforreview")]
    assert (
        flat("NOT APPROVED by the site's QA: limits tagged [P], [T] or [?] are examples") in header
    )
    assert flat("Status In progress") in header
    # beside the limit in the review by exception and in the step table, nowhere else
    exceptions = text[text.index("Exceptionsforreview") : text.index("Batchrecord")]
    alert = f"78.5 % ({viability.spec}) below 80.0 % (alert limit) {limit}"
    assert flat(alert) in exceptions
    assert flat(f"{viability.spec} {limit}") in text[text.index("Batchrecord") :]
    assert text.count(flat(limit)) == 2
    # a check whose condition does not hold: "does not apply", with when it would
    step = text[text.index("CART-IPC-03-TEMP-CRYO") :]
    assert (
        step.index("doesnotapply")
        < step.index(
            flat("applies only when CART-IPC-02-FORM (Starting material shipped) is Cryopreserved")
        )
        < step.index("CART-IPC-03-VOL")
    )
