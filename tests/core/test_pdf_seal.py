"""The PAdES seal of a report PDF and its offline verification."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from core.crypto import issue_user_certificate, new_signing_key, new_site_ca
from core.reports.seal import Attachment, SealFailed, seal_pdf
from core.reports.verify_pdf import embedded_files, verify_sealed_pdf
from core.version import app_root

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
REASON = "Batch summary for QA disposition"
BATCH_JSON = json.dumps({"lot": "LOT-0001", "values": [1.5, 2.25], "note": "Zellzahl µ"}).encode()
BOX = (330.0, 40.0, 560.0, 110.0)


def _report_pdf() -> bytes:
    """A two-page report as the renderer makes it: DejaVu Sans embedded, no base-14 font."""
    if "TestDejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        font = app_root() / "resources" / "fonts" / "DejaVuSans.ttf"
        pdfmetrics.registerFont(TTFont("TestDejaVuSans", str(font)))
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842), initialFontName="TestDejaVuSans")
    for number in (1, 2):
        canvas.setFont("TestDejaVuSans", 12)
        canvas.drawString(72, 770, f"Batch summary LOT-0001 — page {number} of 2")
        canvas.drawString(72, 750, "Viable cell density 1.5 × 10⁶ cells/mL")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _user(ca, username: str, full_name: str):
    ca_key, ca_pem = ca
    key = new_signing_key()
    cert = issue_user_certificate(
        ca_key,
        ca_pem,
        username=username,
        full_name=full_name,
        role="qa",
        public_key=key.public_key(),
        now=NOW,
    )
    return key, cert


@pytest.fixture(scope="module")
def site_ca():
    return new_site_ca("Bench 1", NOW)


@pytest.fixture(scope="module")
def quinn(site_ca):
    return _user(site_ca, "qa1", "Quinn Auditor")


@pytest.fixture(scope="module")
def report() -> bytes:
    return _report_pdf()


@pytest.fixture(scope="module")
def sealed(site_ca, quinn, report) -> bytes:
    key, cert = quinn
    return seal_pdf(
        report,
        key=key,
        cert_pem=cert,
        ca_cert_pem=site_ca[1],
        signer_name="Quinn Auditor",
        reason=REASON,
        location="Bench 1",
        page=1,
        box=BOX,
        attachments=[Attachment("batch.json", BATCH_JSON, "application/json", "Batch data")],
        now=NOW,
        time_zone="Europe/Berlin",
    )


def _byte_range(pdf: bytes) -> list[int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    return [int(group) for group in match.groups()]


def test_sealed_report_verifies(site_ca, sealed):
    check = verify_sealed_pdf(sealed, site_ca[1])
    assert check.problems == ()
    assert check.ok
    assert check.signer_name == "Quinn Auditor"
    assert check.signer_username == "qa1"
    assert check.reason == REASON
    assert check.signing_time == NOW
    assert check.intact and check.trusted and check.covers_whole_file
    assert not check.modified_after


def test_seal_is_one_incremental_update_over_the_report(report, sealed):
    assert sealed.startswith(report)
    assert sealed.count(b"%%EOF") == report.count(b"%%EOF") + 1
    start, first, gap_end, rest = _byte_range(sealed)
    assert start == 0 and gap_end + rest == len(sealed)  # signature covers all but /Contents
    gap = sealed[first:gap_end]
    assert gap.startswith(b"<") and gap.endswith(b">")  # ... and /Contents is just the hex CMS


def test_attachment_reads_back_byte_for_byte_as_an_associated_file(sealed):
    assert embedded_files(sealed) == {"batch.json": BATCH_JSON}
    root = PdfReader(BytesIO(sealed)).trailer["/Root"]
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == "batch.json" and spec["/Desc"] == "Batch data"
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_sealed_file_stays_pdf_1_7(sealed):
    """pyHanko would raise /Version to 2.0 for ECDSA keys; a PDF/A-3 report must not claim it."""
    root = PdfReader(BytesIO(sealed)).trailer["/Root"]
    assert root.get("/Version") in (None, "/1.7")
    assert "/ISO_" not in root["/Extensions"]


XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance><pdf:Producer>Lotbook report</pdf:Producer>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def test_seal_leaves_info_and_xmp_metadata_as_rendered(site_ca, quinn, report):
    """pyHanko would rewrite /Producer and ModDate in /Info and XMP so that they disagree."""
    writer = PdfWriter(clone_from=BytesIO(report))
    writer.add_metadata({"/Producer": "Lotbook report", "/ModDate": "D:20261102080000Z"})
    writer.xmp_metadata = XMP
    rendered = BytesIO()
    writer.write(rendered)
    sealed = seal_pdf(
        rendered.getvalue(),
        key=quinn[0],
        cert_pem=quinn[1],
        ca_cert_pem=site_ca[1],
        signer_name="Quinn Auditor",
        reason=REASON,
        location="Bench 1",
        page=0,
        box=BOX,
        now=NOW,
    )
    before = PdfReader(BytesIO(rendered.getvalue()))
    after = PdfReader(BytesIO(sealed))
    assert dict(after.metadata) == dict(before.metadata)
    assert after.metadata["/Producer"] == "Lotbook report"
    xmp = after.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert xmp == XMP
    assert verify_sealed_pdf(sealed, site_ca[1]).ok


def test_visible_seal_sits_on_the_requested_page(sealed):
    reader = PdfReader(BytesIO(sealed))
    assert "/Annots" not in reader.pages[0]
    (widget,) = [ref.get_object() for ref in reader.pages[1]["/Annots"]]
    assert widget["/FT"] == "/Sig" and widget["/T"] == "LotbookSeal"
    assert [float(v) for v in widget["/Rect"]] == list(BOX)
    assert int(widget["/F"]) & 4  # printable, as PDF/A requires
    assert "/N" in widget["/AP"]


def _fonts(resources, seen: set) -> list:
    """Every font dictionary reachable from a resource dictionary (forms included)."""
    found = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.idnum in seen:
            continue
        seen.add(xobject.idnum)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found.extend(_fonts(xobject.get("/Resources"), seen))
    return found


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(_embedded(part.get_object()) for part in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_every_font_in_the_sealed_file_is_embedded(sealed):
    reader = PdfReader(BytesIO(sealed))
    seen: set = set()
    fonts = []
    for page in reader.pages:
        fonts.extend(_fonts(page.get("/Resources"), seen))
        for annotation in page.get("/Annots") or []:
            appearance = annotation.get_object()["/AP"]["/N"].get_object()
            fonts.extend(_fonts(appearance.get("/Resources"), seen))
    names = {str(font["/BaseFont"]) for font in fonts}
    assert any(name.endswith("DejaVuSans-Bold") for name in names)  # the stamp's title
    assert [str(font["/BaseFont"]) for font in fonts if not _embedded(font)] == []


def test_flipped_byte_in_signed_content_breaks_the_seal(site_ca, report, sealed):
    content_ref = PdfReader(BytesIO(report)).pages[0]["/Contents"].indirect_reference
    object_at = sealed.index(b"\n%d 0 obj" % content_ref.idnum)
    position = sealed.index(b"stream", object_at) + len(b"stream\n") + 10
    start, length, _, _ = _byte_range(sealed)
    assert start <= position < start + length  # inside the signed bytes
    tampered = bytearray(sealed)
    tampered[position] ^= 0x01

    check = verify_sealed_pdf(bytes(tampered), site_ca[1])
    assert not check.ok
    assert not check.intact
    assert check.trusted  # the signer is still this site's user: the content is what changed
    assert any("altered" in problem for problem in check.problems)


def test_update_appended_with_pyhanko_is_reported(site_ca, sealed):
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Approved batch")
    writer.update_container(info)
    output = BytesIO()
    writer.write(output)

    check = verify_sealed_pdf(output.getvalue(), site_ca[1])
    assert not check.ok
    assert check.intact  # the sealed revision itself is untouched
    assert check.modified_after and not check.covers_whole_file
    assert any("changed after it was sealed" in problem for problem in check.problems)


def test_annotation_appended_with_pypdf_is_reported(site_ca, sealed):
    writer = PdfWriter(BytesIO(sealed), incremental=True)
    note = FreeText(text="released", rect=(50, 50, 200, 100))
    writer.add_annotation(page_number=0, annotation=note)
    output = BytesIO()
    writer.write(output)

    check = verify_sealed_pdf(output.getvalue(), site_ca[1])
    assert not check.ok
    assert check.modified_after


def test_bytes_appended_after_the_seal_are_reported(site_ca, sealed):
    check = verify_sealed_pdf(sealed + b"\n% appended\n", site_ca[1])
    assert not check.ok and not check.covers_whole_file
    assert any("whole file" in problem for problem in check.problems)


def test_seal_of_another_sites_ca_is_not_trusted(sealed):
    _, other_ca_pem = new_site_ca("Bench 2", NOW)
    check = verify_sealed_pdf(sealed, other_ca_pem)
    assert not check.ok
    assert check.intact and not check.trusted
    assert any("not by this site's CA" in problem for problem in check.problems)


def test_untrusted_seal_logs_no_traceback(sealed, caplog):
    _, other_ca_pem = new_site_ca("Bench 2", NOW)
    with caplog.at_level(logging.DEBUG):
        check = verify_sealed_pdf(sealed, other_ca_pem)
    assert not check.trusted
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= 40] == []


def test_garbage_and_unsigned_files_are_refused_with_a_reason(site_ca, report):
    garbage = verify_sealed_pdf(b"PK\x03\x04 this is a zip, not a PDF", site_ca[1])
    assert not garbage.ok
    assert garbage.problems and "not a readable PDF" in garbage.problems[0]
    unsigned = verify_sealed_pdf(report, site_ca[1])
    assert not unsigned.ok
    assert unsigned.problems == ("The PDF carries no seal: it has no digital signature.",)


def test_damaged_signature_blob_is_refused(site_ca, sealed):
    contents_at = sealed.index(b"/Contents <") + len(b"/Contents <") + 40
    damaged = bytearray(sealed)
    damaged[contents_at] = ord("0") if damaged[contents_at] != ord("0") else ord("1")
    check = verify_sealed_pdf(bytes(damaged), site_ca[1])
    assert not check.ok
    assert check.problems


def test_seal_refuses_a_certificate_of_another_ca(site_ca, report):
    other_key, other_cert = _user(new_site_ca("Bench 2", NOW), "qa1", "Quinn Auditor")
    with pytest.raises(SealFailed, match="not issued by this site's CA"):
        seal_pdf(
            report,
            key=other_key,
            cert_pem=other_cert,
            ca_cert_pem=site_ca[1],
            signer_name="Quinn Auditor",
            reason=REASON,
            location="Bench 1",
            page=0,
            box=BOX,
            now=NOW,
        )


def test_seal_refuses_a_key_that_is_not_the_certificates(site_ca, quinn, report):
    with pytest.raises(SealFailed, match="does not belong"):
        seal_pdf(
            report,
            key=new_signing_key(),
            cert_pem=quinn[1],
            ca_cert_pem=site_ca[1],
            signer_name="Quinn Auditor",
            reason=REASON,
            location="Bench 1",
            page=0,
            box=BOX,
            now=NOW,
        )


def test_seal_refuses_a_page_the_report_does_not_have(site_ca, quinn, report):
    with pytest.raises(SealFailed, match="page 3"):
        seal_pdf(
            report,
            key=quinn[0],
            cert_pem=quinn[1],
            ca_cert_pem=site_ca[1],
            signer_name="Quinn Auditor",
            reason=REASON,
            location="Bench 1",
            page=2,
            box=BOX,
            now=NOW,
        )


def test_stamp_time_zone_must_be_known(site_ca, quinn, report):
    with pytest.raises(SealFailed, match="Mars/Olympus"):
        seal_pdf(
            report,
            key=quinn[0],
            cert_pem=quinn[1],
            ca_cert_pem=site_ca[1],
            signer_name="Quinn Auditor",
            reason=REASON,
            location="Bench 1",
            page=0,
            box=BOX,
            now=NOW,
            time_zone="Mars/Olympus",
        )


def test_stamp_shows_the_time_with_its_zone():
    from core.reports.seal import _local_time_text

    assert _local_time_text(NOW, "UTC") == "2026-11-02 08:00:00 UTC"
    assert _local_time_text(NOW, "Europe/Berlin") == "2026-11-02 09:00:00 CET (UTC+01:00)"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert _local_time_text(summer, "America/New_York") == "2026-07-01 08:00:00 EDT (UTC-04:00)"


def test_seal_checked_against_a_recreated_ca_of_the_same_name_is_not_trusted(sealed):
    _, recreated_ca_pem = new_site_ca("Bench 1", NOW)  # same name as the sealing CA, new key
    check = verify_sealed_pdf(sealed, recreated_ca_pem)
    assert not check.ok and check.intact and not check.trusted
    assert any("not signed with its key" in problem for problem in check.problems)
