"""The PDF batch summary and certificate of analysis, rendered from the real demo database."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from core.demo.build import CART_LOT, MSC_LOT
from core.reports.batch_summary import render_batch_summary
from core.reports.coa import render_certificate_of_analysis
from core.reports.curves import decimate
from core.signing_views import SignatureState
from tests.core.report_samples import (
    INVALIDATED_DETAIL,
    MSC_RELEASE,
    QUARANTINE_REASON,
    TIME_ZONE,
    demo_database,
    report_for,
    with_many_audit_events,
    with_many_corrections,
)

LOTS = (CART_LOT, MSC_LOT)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    db = demo_database(tmp_path_factory.mktemp("demo"))
    try:
        yield {lot: report_for(db, lot) for lot in LOTS}
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def summaries(reports):
    return {lot: render_batch_summary(report) for lot, report in reports.items()}


@pytest.fixture(scope="module")
def texts(summaries):
    return {lot: pages_text(pdf.data) for lot, pdf in summaries.items()}


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    """Text without white space: cells wrap long values over lines."""
    return re.sub(r"\s+", "", text)


def local(when: datetime, seconds: bool = False) -> str:
    shown = "%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z"
    return when.astimezone(ZoneInfo(TIME_ZONE)).strftime(shown)


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def fonts_of(reader: PdfReader) -> list[dict]:
    found = []
    for page in reader.pages:
        resources = resolve(page.get("/Resources")) or {}
        for font in (resolve(resources.get("/Font")) or {}).values():
            found.append(resolve(font))
    return found


@pytest.mark.parametrize("lot", LOTS)
def test_every_recorded_value_and_check_id_is_printed(reports, summaries, texts, lot):
    text = squeeze("".join(texts[lot]))
    batch = reports[lot].batch
    recorded = 0
    for check in batch.checks():
        assert squeeze(check.id) in text, check.id
        if check.current is not None:
            recorded += 1
            assert squeeze(check.current.display) in text, (check.id, check.current.display)
    assert recorded > 20


@pytest.mark.parametrize("lot", LOTS)
def test_every_signature_is_printed_with_its_manifestation(reports, summaries, texts, lot):
    text = " ".join(texts[lot])
    flat = squeeze(text)
    for signature in reports[lot].review.signatures:
        assert signature.signer_name in text
        assert squeeze(signature.label) in flat
        assert squeeze(local(signature.signed_at)) in flat
    assert "INVALIDATED" in text
    assert squeeze(INVALIDATED_DETAIL) in flat
    assert "Quarantined" in text
    assert squeeze(QUARANTINE_REASON) in flat


def test_a_broken_signature_reads_not_valid(reports):
    report = reports[MSC_LOT]
    review = report.review
    broken = replace(
        review.signatures[0], state=SignatureState.BROKEN.value, state_detail="bad signature"
    )
    pdf = render_batch_summary(replace(report, review=replace(review, signatures=(broken,))))
    assert "NOT VALID – bad signature" in " ".join(pages_text(pdf.data))


def test_corrections_show_old_and_new_value_reason_and_who(reports, summaries, texts):
    batch = reports[CART_LOT].batch
    flat = squeeze("".join(texts[CART_LOT]))
    corrected = [c for c in batch.checks() if c.corrected]
    assert corrected
    for check in corrected:
        old, new = check.history[0], check.history[-1]
        assert squeeze(f"{old.display} → {new.display}") in flat
        assert squeeze(new.reason) in flat
        assert squeeze(local(new.recorded_at)) in flat


def test_oos_value_shows_its_verdict_word_and_deviation(reports, summaries, texts):
    flat = squeeze("".join(texts[MSC_LOT]))
    oos = [c for c in reports[MSC_LOT].batch.checks() if c.verdict == "oos"]
    assert oos
    assert "OOS" in flat
    for check in oos:
        if check.current.deviation:
            assert squeeze(f"deviation {check.current.deviation}") in flat


@pytest.mark.parametrize("lot", LOTS)
def test_footer_on_every_page(reports, summaries, lot):
    pdf, report = summaries[lot], reports[lot]
    pages = pages_text(pdf.data)
    assert len(pages) == pdf.pages > 3
    head = f"#{report.chain_head_seq} {report.chain_head_hash[:16]}"
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {pdf.pages}" in text
        assert head in text
        assert f"Lot {lot}" in text
        assert f"Lotbook {report.app_version}" in text


@pytest.mark.parametrize("lot", LOTS)
def test_every_font_is_embedded_and_no_standard_font_is_used(summaries, lot):
    reader = PdfReader(io.BytesIO(summaries[lot].data))
    fonts = fonts_of(reader)
    assert fonts
    for font in fonts:
        assert "Helvetica" not in str(font["/BaseFont"])
        descriptors = [font.get("/FontDescriptor")]
        descriptors += [resolve(d).get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
        descriptors = [resolve(d) for d in descriptors if d is not None]
        assert descriptors, font["/BaseFont"]
        for descriptor in descriptors:
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("lot", LOTS)
def test_pdfa_catalog_metadata_and_no_transparency(reports, summaries, lot):
    data = summaries[lot].data
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    intents = resolve(root["/OutputIntents"])
    intent = resolve(intents[0])
    assert intent["/S"] == "/GTS_PDFA1"
    profile = resolve(intent["/DestOutputProfile"])
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # an ICC profile
    metadata = resolve(root["/Metadata"])
    assert "/Filter" not in metadata
    xmp = metadata.get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    producer = f"Lotbook {reports[lot].app_version}"
    assert f"<pdf:Producer>{producer}</pdf:Producer>" in xmp
    assert reader.metadata["/Producer"] == producer
    assert lot in reader.metadata["/Title"] and lot in xmp
    assert "/ID" in reader.trailer
    assert b"/SMask" not in data
    assert not re.search(rb"/(CA|ca) (0(\.\d+)?|\.\d+)\b", data)
    for page in reader.pages:
        resources = resolve(page["/Resources"])
        for state in (resolve(resources.get("/ExtGState")) or {}).values():
            state = resolve(state)
            assert state.get("/CA", 1) == 1 and state.get("/ca", 1) == 1


@pytest.mark.parametrize("lot", LOTS)
def test_seal_box_is_on_the_last_page_inside_its_bounds(summaries, lot):
    pdf = summaries[lot]
    reader = PdfReader(io.BytesIO(pdf.data))
    assert pdf.seal_page == len(reader.pages) - 1
    page = reader.pages[pdf.seal_page]
    box = page.mediabox
    x1, y1, x2, y2 = pdf.seal_box
    assert float(box.left) <= x1 < x2 <= float(box.right)
    assert float(box.bottom) + 40 <= y1 < y2 <= float(box.top) - 30  # clear of footer and head
    assert (x2 - x1, y2 - y1) == pytest.approx((240, 70))
    assert "Electronic seal" in page.extract_text()


def test_certificate_of_analysis_lists_release_tests_and_disposition(reports):
    report = reports[MSC_LOT]
    pdf = render_certificate_of_analysis(report)
    text = " ".join(pages_text(pdf.data))
    flat = squeeze(text)
    assert pdf.pages <= 2
    assert "Certificate of analysis" in text
    release = [c for s in report.batch.steps if s.is_release for c in s.checks]
    for check in release:
        assert squeeze(check.name) in flat, check.name
    for check_id, _value, _comment in MSC_RELEASE:
        assert squeeze(report.batch.check(check_id).current.display) in flat
    assert "OOS" in text
    # the product facts as far as the record holds them; an allogeneic product makes no
    # autologous claim
    storage = "Vapour-phase liquid nitrogen, with continuous temperature monitoring"
    assert squeeze(f"Storage condition {storage}") in flat
    assert squeeze("Manufacture date not recorded yet") in flat
    assert squeeze("Expiry date — (6 months after manufacture; not recorded yet)") in flat
    assert "autologous use" not in text
    assert squeeze("Batch status In progress") in flat
    # the disposition with its manifestation
    approval = next(s for s in report.review.signatures if s.meaning == "APPROVED")
    assert squeeze("Disposition Quarantined") in flat
    assert squeeze(f"Reason {QUARANTINE_REASON}") in flat
    assert squeeze("Signed by Quinn Quality (quinn, qa)") in flat
    assert squeeze(f"Date and time {local(approval.signed_at, seconds=True)}") in flat
    assert squeeze("Meaning Approved by (QA disposition)") in flat
    assert "Page 1 of" in text
    x1, y1, x2, y2 = pdf.seal_box
    assert 0 <= x1 < x2 <= 595.3 and 0 <= y1 < y2 <= 841.9


def test_certificate_without_approval_says_not_yet_dispositioned(reports):
    report = reports[CART_LOT]
    review = replace(
        report.review,
        signatures=tuple(s for s in report.review.signatures if s.meaning != "APPROVED"),
    )
    pdf = render_certificate_of_analysis(replace(report, review=review))
    text = " ".join(pages_text(pdf.data))
    flat = squeeze(text)
    assert "Not yet dispositioned" in text
    assert "No release test result recorded yet" in text
    assert (
        squeeze(
            f"For autologous use only. Only for the patient identified by chain of "
            f"identity {report.batch.coi_id}."
        )
        in flat
    )
    # the weight is not recorded yet: whether the per-kg or the flat dose applies is not known
    for condition in ("≤ 50 kg", "> 50 kg"):
        weight = f"CART-IPC-10-WEIGHT (Patient body weight) {condition}"
        assert squeeze(f"applies only when {weight}: not known yet") in flat


def test_a_long_audit_trail_renders_fast(reports):
    report = with_many_audit_events(reports[CART_LOT], 2000)
    started = time.perf_counter()
    pdf = render_batch_summary(report)
    elapsed = time.perf_counter() - started
    assert elapsed < 4.0, f"{elapsed:.1f} s"  # about 0.5 s here; room for a busy CI machine
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages > 40  # 2,000 events, mostly two lines each
    tail = " ".join(page.extract_text() for page in reader.pages[-2:])
    assert re.search(r"\b2000\b", tail)
    assert f"Page {pdf.pages} of {pdf.pages}" in tail
    assert pdf.seal_page == pdf.pages - 1


def test_a_long_correction_history_prints_every_version_one_line_each(reports):
    base = render_batch_summary(reports[CART_LOT])
    report = with_many_corrections(reports[CART_LOT], 600)
    started = time.perf_counter()
    pdf = render_batch_summary(report)
    elapsed = time.perf_counter() - started
    assert elapsed < 4.0, f"{elapsed:.1f} s"  # about 0.4 s here
    pages = pages_text(pdf.data)
    flat = squeeze(" ".join(pages))
    check = next(c for c in report.batch.checks() if len(c.history) > 600)
    for before, after in zip(check.history, check.history[1:], strict=False):
        assert squeeze(f"v{before.version} → v{after.version}: {before.display}") in flat
        assert squeeze(f"reason: {after.reason}") in flat
    # one line per history row: 600 rows of about 10 pt fill about 9 pages
    assert pdf.pages <= base.pages + 10
    # a page that starts within the history says whose it is, under the repeated header
    continued = [p for p in pages if f"{check.id} {check.name} · history continued" in p]
    assert len(continued) >= 7
    assert all("Recorded by · when" in p for p in continued)


def test_fast_table_wraps_breaks_long_tokens_and_caps_lines():
    from core.reports.fasttable import FastTable, text_width
    from core.reports.fonts import MONO

    digest = "ab" * 64  # a SHA-256 hex digest and more: no space to break at
    table = FastTable(
        [60.0, 120.0],
        ("Key", "Value"),
        [["hash", digest], ["long", "word " * 200]],
        column_fonts=[None, MONO],
        max_lines=[None, 6],
    )
    table.wrap(180, 800)
    (_, hash_rows), (_, long_rows) = table.rows[0].lines, table.rows[1].lines
    pieces = ["".join(t for _, _, t in line) for line in hash_rows]
    assert "".join(pieces) == digest and len(pieces) > 1
    for piece in pieces:
        assert text_width(piece, MONO, 6.5) <= 120 - 6 + 1e-6
    assert len(long_rows) == 6
    assert "".join(t for _, _, t in long_rows[-1]).endswith("…")
    # split: the rows that fit, the rest under the header again
    rows = [[str(i), f"value {i}"] for i in range(100)]
    table = FastTable([60.0, 120.0], ("Key", "Value"), rows)
    _, height = table.wrap(180, 800)
    first, rest = table.split(180, height / 2)
    assert first.wrap(180, 800)[1] <= height / 2
    assert len(first.rows) + len(rest.rows) == 100
    assert rest.header is table.header


def test_traces_are_thinned_with_min_max_and_broken_at_gaps():
    n = 2_000_000
    times = 1.8e9 + np.arange(n, dtype=float)
    values = np.sin(np.arange(n) / 5000.0)
    values[700_000] = 9.0  # a one-sample spike must survive
    values[1_000_000:1_000_050] = np.nan  # the log paused
    values[1_500_000] = np.nan
    segments = decimate(times, values)
    assert len(segments) == 3
    drawn = sum(len(t) for t, _ in segments)
    assert drawn <= 1500 + 2 * len(segments)
    assert max(float(v.max()) for _, v in segments) == 9.0
    assert segments[0][0][-1] < times[1_000_000] < segments[1][0][0]
    for seg_t, _ in segments:
        assert np.all(np.diff(seg_t) > 0)


def test_short_traces_are_drawn_as_recorded():
    times = np.arange(10, dtype=float)
    values = np.array([1, 2, np.nan, 4, 5, 6, np.nan, np.nan, 9, 10], dtype=float)
    segments = decimate(times, values)
    assert [list(v) for _, v in segments] == [[1, 2], [4, 5, 6], [9, 10]]


def test_times_print_in_the_report_zone(reports, summaries, texts):
    report = reports[CART_LOT]
    text = " ".join(texts[CART_LOT])
    started = report.batch.started_at.replace(tzinfo=report.batch.started_at.tzinfo or UTC)
    assert local(started) in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST)", text)
    assert local(report.generated_at) in text
    assert (report.generated_at - timedelta(0)).tzinfo is not None
