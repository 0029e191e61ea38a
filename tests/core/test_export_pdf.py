"""The sealed batch summary of a real signed batch: every value and every signature's
manifestation is in it, its embedded data verify, and the export is audited."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from core.demo.sample_batch import fill_batch
from core.errors import AuthenticationFailed
from core.reports.embedded import EMBEDDED_NAME
from core.reports.text import LocalTime
from core.services import audit_trail, batches, recording
from core.services.pdf_verification import verify_pdf
from core.services.report_data import report_time_zone
from core.services.reports import export_pdf
from core.services.review import mark_audit_trail_reviewed
from core.services.signing import sign
from core.services.signing_keys import ca_certificate_pem
from tests.conftest import USER_PASSWORD as PW


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def signed_batch(site, people, lot):
    tech, tech2 = people["tech"], people["tech2"]
    fill_batch(site, tech, lot, qc=people["qc"], password=PW)
    recording.correct_value(site, tech, lot, "CART-IPC-00-SLOT", "Suite 3", "wrong suite typed")
    for step in batches.show_batch(site, lot).steps:
        if step.verify and not step.verified:
            sign(site, tech2, PW, lot, "VERIFIED", step_id=step.id)
    sign(site, tech, PW, lot, "PERFORMED", step_id="CART-S04")
    sign(site, people["sup"], PW, lot, "REVIEWED")
    mark_audit_trail_reviewed(site, people["qa"], PW, lot)
    return lot


def test_the_summary_holds_every_value_and_signature(site, people, signed_batch, tmp_path):
    lot, qa = signed_batch, people["qa"]
    out = export_pdf(site, qa, PW, lot, tmp_path / "summary.pdf")
    data = out.path.read_bytes()
    text = _squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    view = batches.show_batch(site, lot)
    for check in view.checks():
        assert check.id in text
        if check.current:
            assert _squash(check.current.display.split(" ")[0]) in text, check.id
    assert _squash("Suite 3") in text and _squash("wrong suite typed") in text
    local = LocalTime(report_time_zone(site))
    assert len(view.signatures) >= 13
    for sig in view.signatures:
        assert _squash(sig.signer_name) in text and _squash(sig.label) in text
        assert _squash(local(sig.signed_at)) in text, sig
    # the export is audited with the file's hash, and the seal and e-signatures verify
    (event,) = audit_trail.events(site, lot=lot, action="report.export")
    assert out.sha256 in event.new and event.user == "quinn"
    result = verify_pdf(data, ca_certificate_pem(site))
    assert result.ok, result.problems
    assert result.seal.signer_name == "Quinn Quality" and result.lot == lot
    assert {e.meaning for e in result.e_signatures} == {"PERFORMED", "VERIFIED", "REVIEWED"}


def test_embedded_data_carry_each_signature_with_its_certificate(
    site, people, signed_batch, tmp_path
):
    from core.reports.verify_pdf import embedded_files

    out = export_pdf(site, people["qa"], PW, signed_batch, tmp_path / "s.pdf")
    data = out.path.read_bytes()
    embedded = json.loads(embedded_files(data)[EMBEDDED_NAME])
    assert embedded["batch"]["lot"] == signed_batch
    sig = embedded["e_signatures"][0]
    assert sig["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert json.loads(sig["statement"])["content_sha256"] == sig["content_sha256"]
    # an e-signature whose claimed content is swapped no longer verifies, even under a fresh seal
    from core.services.pdf_verification import _check_esignature

    forged = dict(sig, content=sig["content"].replace("CART", "CARX"))
    check = _check_esignature(forged, signed_batch, ca_certificate_pem(site))
    assert not check.ok and "content it claims" in " ".join(check.problems)


def test_export_needs_the_password_and_writes_nothing_without_it(site, people, lot, tmp_path):
    path = tmp_path / "summary.pdf"
    with pytest.raises(AuthenticationFailed):
        export_pdf(site, people["qa"], "not-the-password", lot, path)
    assert not path.exists() and not list(tmp_path.glob(".*partial"))
    assert not audit_trail.events(site, lot=lot, action="report.export")
