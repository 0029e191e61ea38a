"""`validate` on the command line: a sealed IQ/OQ report, its audit event, and the exit codes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.cli.conftest import ADMIN_PW, TECH_PW


def _report(cli, path: Path, user: str = "tess", password: str = TECH_PW):
    return cli("validate", "--report", str(path), "--user", user, password=password)


@pytest.fixture
def issued(site_cli):
    Path(os.environ["LOTBOOK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    return site_cli


def test_validate_needs_an_issued_certificate_and_the_right_password(site_cli, tmp_path):
    pdf = tmp_path / "iqoq.pdf"
    r = _report(site_cli, pdf)
    assert r.code == 1 and "waiting to be issued" in r.err and not pdf.exists()
    assert site_cli("ca", "issue", "--user", "ada", password=ADMIN_PW).code == 0
    r = _report(site_cli, pdf, password="not-the-password")
    assert r.code == 1 and "Wrong password" in r.err and not pdf.exists()
    r = _report(site_cli, tmp_path / "iqoq.txt")
    assert r.code == 1 and ".pdf" in r.err


@pytest.mark.slow  # an end-to-end run the whole suite (make test) keeps
def test_validate_writes_a_sealed_report_and_audits_it(issued, tmp_path):
    from core.reports.verify_pdf import embedded_files, verify_sealed_pdf

    cli = issued
    assert cli("ca", "issue", "--user", "ada", password=ADMIN_PW).code == 0
    pdf = tmp_path / "iqoq.pdf"
    r = _report(cli, pdf)
    assert r.code == 0, r.out + r.err
    assert "N/A   IQ-01  Installed files match the bundle manifest: running from source" in r.out
    assert "PASS  OQ-24" in r.out and "Validation passed: 14 IQ and 24 OQ items" in r.out
    data = pdf.read_bytes()
    assert f"SHA-256 {hashlib.sha256(data).hexdigest()}" in r.out
    assert not list(tmp_path.glob(".*.partial"))

    ca = tmp_path / "ca.pem"
    assert cli("ca", "export", "-o", str(ca)).code == 0
    seal = verify_sealed_pdf(data, ca.read_bytes())
    assert seal.ok and seal.signer_username == "tess"
    assert seal.reason == "Installation and operational qualification"
    results = json.loads(embedded_files(data)["lotbook-validation.json"])
    assert results["passed"] is True and results["run_by"]["name"] == "Tess Technician"
    assert [i["id"] for i in results["oq"]][-1] == "OQ-24"

    events = cli("audit", "list", "--action", "validation.run", "--json").json()
    (event,) = events
    assert event["user"] == "tess" and hashlib.sha256(data).hexdigest() in event["new"]
    assert json.loads(event["new"])["result"] == "passed"
    assert cli("audit", "verify").code == 0

    r = cli("verify-pdf", str(pdf))
    assert "Seal: VALID — Tess Technician (tess)" in r.out
    assert "purpose: Installation and operational qualification" in r.out


def test_verify_pdf_accepts_the_validation_report(issued, tmp_path, monkeypatch):
    from core.validation.model import Item, Outcome

    monkeypatch.setattr(
        "core.validation.run.run_oq",
        lambda policy, on_item=None, **_: [Item("OQ-01", "t", "e", "o", Outcome.PASS)],
    )
    assert issued("ca", "issue", "--user", "ada", password=ADMIN_PW).code == 0
    pdf = tmp_path / "iqoq.pdf"
    assert _report(issued, pdf).code == 0
    r = issued("verify-pdf", str(pdf))
    assert r.code == 0, r.out
    assert "validation report" in r.out and "Result: VERIFIED" in r.out
    data = bytearray(pdf.read_bytes())
    data[data.index(b"/Type /Page") + 1] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert issued("verify-pdf", str(pdf)).code == 1


def test_a_failed_item_gives_exit_1_and_still_a_sealed_audited_report(
    issued, tmp_path, monkeypatch
):
    from core.validation.model import Item, Outcome

    failing = Item(
        "OQ-01", "Audit event", "an event", "no event written", Outcome.FAIL, ("11.10(e)",)
    )
    monkeypatch.setattr(
        "core.validation.run.run_oq",
        lambda policy, on_item=None, **_: [on_item(failing) if on_item else None, failing][1:],
    )
    assert issued("ca", "issue", "--user", "ada", password=ADMIN_PW).code == 0
    pdf = tmp_path / "failed.pdf"
    r = _report(issued, pdf)
    assert r.code == 1 and "FAIL  OQ-01  Audit event: no event written" in r.out
    assert "Validation FAILED: OQ-01" in r.out and pdf.exists()
    (event,) = issued("audit", "list", "--action", "validation.run", "--json").json()
    assert json.loads(event["new"])["failed"] == ["OQ-01"]
