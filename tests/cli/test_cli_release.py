"""The release rules on the command line: each refusal exits 1 with its reason on one line and
writes nothing; template approval, exceptional release, pending results, plausibility, QC."""

from __future__ import annotations

import pytest

from tests.cli.conftest import ADMIN_PW, TECH_PW, add_user
from tests.cli.test_cli_signing import LOT, _fill, _verify_steps

PHYSICIAN = "Dr A. Novak informed by phone on 3 Nov 14:10; requests the product"


def _refused(r, *words: str) -> None:
    assert r.code == 1, r.out + r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    for word in words:
        assert word in r.err, r.err


def _events(cli) -> int:
    return len(cli("audit", "list", "--batch", LOT, "--json").json())


def _qc(cli, *args: str):
    return cli("batch", "record", LOT, *args, "--user", "cleo", password=TECH_PW)


def test_a_draft_template_is_approved_by_qa_before_a_batch_starts(draft_cli):
    cli = draft_cli
    start = ("batch", "start", "--template", "cart-auto-lv", "--lot", "CT-1", "--coi", "COI-1234")
    _refused(cli(*start, "--user", "tess", password=TECH_PW), "No version", "approved")
    listed = cli("template", "list")
    assert "DRAFT" in listed.out and "template approve" in listed.out
    shown = cli("template", "show", "cart-auto-lv")
    assert "DRAFT: not approved by QA" in shown.out and "NOT CONFIRMED" in shown.out
    add_user(cli, "quinn", "qa", "Quinn QA")
    assert cli("ca", "issue", "quinn", "--user", "ada", password=ADMIN_PW).code == 0
    approve = ("template", "approve", "cart-auto-lv", "--version", "2", "--reason", "CC-7 done")
    _refused(cli(*approve, "--user", "tess", password=TECH_PW), "may not approve")
    r = cli(*approve, "--user", "quinn", password=TECH_PW)
    assert r.code == 0, r.err
    assert "Approved cart-auto-lv version 2: Quinn QA (quinn, qa)" in r.out
    assert "CART-REL-05 Viability: ≥ 80.0 % [P]" in r.out
    assert cli(*start, "--user", "tess", password=TECH_PW).code == 0
    shown = cli("template", "show", "cart-auto-lv", "--json").json()
    assert shown["status"] == "approved" and shown["approved_by"] == "Quinn QA"
    assert "--version" in cli("--help").out or "template" in cli("--help").out


def test_impossible_values_and_release_results_by_qc(signing_site):
    cli = signing_site
    before = _events(cli)
    r = cli("batch", "record", LOT, "CART-IPC-10-WEIGHT", "-70", "--user", "tess", password=TECH_PW)
    _refused(r, "is not possible", "body weight")
    r = _qc(cli, "CART-REL-05", "105")
    _refused(r, "is not possible", "percentage")
    r = cli("batch", "record", LOT, "CART-REL-05", "91", "--user", "tess", password=TECH_PW)
    _refused(r, "recorded by QC analysts")
    assert _events(cli) == before
    assert _qc(cli, "CART-REL-05", "91").code == 0


@pytest.fixture
def reviewed(signing_site):
    """The lot filled (release results by QC), verified and reviewed, its audit trail too."""
    cli = signing_site
    _fill(cli)
    _verify_steps(cli)
    assert cli("sign", LOT, "--meaning", "REVIEWED", "--user", "sam", password=TECH_PW).code == 0
    assert cli("audit", "review", LOT, "--user", "quinn", password=TECH_PW).code == 0
    return cli


def _approve(cli, disposition: str, *extra: str):
    return cli(
        "sign",
        LOT,
        "--meaning",
        "APPROVED",
        "--disposition",
        disposition,
        "--reason",
        "QA decision",
        *extra,
        "--user",
        "quinn",
        password=TECH_PW,
    )


def test_nothing_pending_refuses_released_pending_and_coa_needs_a_disposition(reviewed, tmp_path):
    cli = reviewed
    before = _events(cli)
    _refused(_approve(cli, "released_pending"), "No result is pending")
    coa = tmp_path / "coa.pdf"
    r = cli("export-pdf", LOT, "-o", str(coa), "--coa", "--user", "quinn", password=TECH_PW)
    _refused(r, "no QA disposition yet")
    assert not coa.exists() and _events(cli) == before
    r = cli(
        "export-pdf", LOT, "-o", str(coa), "--coa", "--draft", "--user", "quinn", password=TECH_PW
    )
    assert r.code == 0 and "DRAFT Certificate of analysis" in r.out
    assert _approve(cli, "released").code == 0
    r = cli("review", LOT)
    assert "status released" in r.out


def test_exceptional_release_on_the_command_line(signing_site):
    cli = signing_site
    r = cli(
        "deviation",
        "open",
        LOT,
        "--class",
        "major",
        "--text",
        "Release viability 76 % below 80 %",
        "--check",
        "CART-REL-05",
        "--user",
        "cleo",
        "--json",
        password=TECH_PW,
    )
    ref = r.json()["ref"]
    assert _qc(cli, "CART-REL-05", "76", "--deviation", ref).code == 0
    _fill(cli)
    _verify_steps(cli)
    verify = ("sign", LOT, "--meaning", "VERIFIED", "--step", "CART-S13", "--user", "vic")
    assert cli(*verify, password=TECH_PW).code == 0  # the release step, with its OOS result
    assert cli("sign", LOT, "--meaning", "REVIEWED", "--user", "sam", password=TECH_PW).code == 0
    _refused(_approve(cli, "released"), "CART-REL-05", "exceptional release")
    _refused(_approve(cli, "exceptional_release", "--deviation", ref), "physician")
    r = _approve(cli, "exceptional_release", "--deviation", ref, "--physician", PHYSICIAN)
    _refused(r, f"Deviation {ref} is still open")
    r = cli(
        "deviation",
        "close",
        ref,
        "--conclusion",
        "Patient material; no process fault",
        "--user",
        "quinn",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    assert cli("audit", "review", LOT, "--user", "quinn", password=TECH_PW).code == 0
    r = _approve(cli, "exceptional_release", "--deviation", ref, "--physician", PHYSICIAN)
    assert r.code == 0, r.err
    assert "Exceptional release (out of specification)" in r.out and PHYSICIAN in r.out
    listed = {b["lot"]: b["status"] for b in cli("batch", "list", "--json").json()}
    assert listed[LOT] == "exceptional_release"


def test_review_says_nothing_needs_review_only_when_nothing_does(tmp_path, cli):
    target = tmp_path / "demo.db"
    assert cli("--db", str(target), "demo").code == 0
    for lot in ("CT-2026-0031", "CT-2026-0040", "CT-2026-0042"):
        r = cli("--db", str(target), "review", lot)
        items = cli("--db", str(target), "review", lot, "--json").json()["items"]
        assert ("Nothing needs review." in r.out) == (items == []), lot
    assert "Nothing needs review." in cli("--db", str(target), "review", "CT-2026-0031").out
