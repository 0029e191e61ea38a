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
    weight = ("batch", "record", LOT, "CART-IPC-10-WEIGHT", "68", "--user", "tess")
    assert cli(*weight, password=TECH_PW).code == 0
    shown = cli("batch", "show", LOT, "--all").out
    assert "does not apply (only when CART-IPC-10-WEIGHT (Patient body weight) ≤ 50 kg)" in shown
    before = _events(cli)
    r = cli("batch", "record", LOT, "CART-REL-05", "91", "--user", "tess", password=TECH_PW)
    _refused(r, "recorded by QC analysts")
    assert _events(cli) == before
    assert _qc(cli, "CART-REL-05", "91").code == 0


@pytest.fixture
def reviewed(stocked_cli):
    """The lot filled (release results by QC), verified and reviewed, its audit trail too."""
    cli = stocked_cli
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
    assert "status Released" in r.out  # the status in words


def test_exceptional_release_on_the_command_line(stocked_cli):
    cli = stocked_cli
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


@pytest.mark.sqlite_only(reason="the demo is a SQLite file of its own; no site database is used")
def test_review_says_nothing_needs_review_only_when_nothing_does(tmp_path, cli):
    target = tmp_path / "demo.db"
    assert cli("--db", str(target), "demo").code == 0
    for lot in ("CT-2026-0031", "CT-2026-0040", "CT-2026-0042"):
        r = cli("--db", str(target), "review", lot)
        items = cli("--db", str(target), "review", lot, "--json").json()["items"]
        assert ("Nothing needs review." in r.out) == (items == []), lot
    assert "Nothing needs review." in cli("--db", str(target), "review", "CT-2026-0031").out


@pytest.fixture
def pending(stocked_cli):
    """Released with the 14-day sterility pending, and its certificate of analysis issued."""
    from core.demo.sample_batch import fill_batch
    from core.services.users import authenticate
    from core.store import open_database

    cli = stocked_cli
    db = open_database(cli.url)
    try:
        tess, cleo = (authenticate(db, name, TECH_PW) for name in ("tess", "cleo"))
        fill_batch(db, tess, LOT, qc=cleo, skip=frozenset({"CART-REL-12"}), password=TECH_PW)
    finally:
        db.dispose()
    _verify_steps(cli)
    assert cli("sign", LOT, "--meaning", "REVIEWED", "--user", "sam", password=TECH_PW).code == 0
    assert cli("audit", "review", LOT, "--user", "quinn", password=TECH_PW).code == 0
    assert _approve(cli, "released_pending").code == 0
    return cli


def test_the_released_pending_lot_moves_when_its_result_arrives(pending, tmp_path):
    cli = pending
    first = tmp_path / "coa-1.pdf"
    coa = ("export-pdf", LOT, "--coa", "--user", "quinn")
    assert cli(*coa[:2], "-o", str(first), *coa[2:], password=TECH_PW).code == 0
    r = cli("batch", "record", LOT, "CART-IPC-07-GLC-D3", "9", "--user", "tess", password=TECH_PW)
    _refused(r, "only its pending release results")
    r = _qc(cli, "CART-REL-12", "pass")
    assert r.code == 0 and "now released" in r.out
    assert {b["lot"]: b["status"] for b in cli("batch", "list", "--json").json()}[LOT] == (
        "released"
    )
    second = tmp_path / "coa-2.pdf"
    assert cli(*coa[:2], "-o", str(second), *coa[2:], password=TECH_PW).code == 0
    old = cli("verify-pdf", str(first))
    assert old.code == 0 and "SUPERSEDED" in old.out
    assert "SUPERSEDED" not in cli("verify-pdf", str(second)).out


def test_a_failure_after_release_needs_a_deviation_and_qa(pending):
    cli = pending
    before = _events(cli)
    _refused(_qc(cli, "CART-REL-12", "fail", "--comment", "growth day 9"), "open a deviation")
    assert _events(cli) == before
    ref = cli(
        "deviation",
        "open",
        LOT,
        "--class",
        "critical",
        "--text",
        "Sterility growth after release",
        "--check",
        "CART-REL-12",
        "--user",
        "cleo",
        "--json",
        password=TECH_PW,
    ).json()["ref"]
    r = _qc(cli, "CART-REL-12", "fail", "--deviation", ref)
    assert r.code == 0 and "out of specification after release" in r.out
    listed = cli("batch", "list", "--json").json()
    assert listed[0]["lot"] == LOT and listed[0]["status"] == "post_release_oos"  # shown first
    review = cli("review", LOT)
    assert "Out of specification after release" in review.out
    _refused(_approve(cli, "post_release_oos", "--deviation", ref), "physician")
    r = _approve(cli, "post_release_oos", "--deviation", ref, "--physician", PHYSICIAN)
    assert r.code == 0, r.err
    assert "Post-release out of specification, acknowledged" in r.out
    listed = {b["lot"]: b["status"] for b in cli("batch", "list", "--json").json()}
    assert listed[LOT] == "post_release_oos_ack"


def test_an_excursion_is_assessed_on_the_command_line(signing_site, tmp_path):
    cli = signing_site
    log = tmp_path / "reactor.csv"
    rows = [
        f"2026-11-02T0{h}:00:00Z,7.2,{t}" for h, t in ((1, 37.0), (2, 39.5), (3, 39.6), (4, 37.0))
    ]
    log.write_text("# timezone: UTC\ntimestamp,pH,temperature (°C)\n" + "\n".join(rows) + "\n")
    assert cli("import", str(log), "--batch", LOT, "--user", "tess", password=TECH_PW).code == 0
    items = cli("review", LOT, "--json").json()["items"]
    excursion = next(i for i in items if i["kind"] == "excursion")
    assert excursion["blocking"] and excursion["ref"] == "1"
    assess = ("excursion", "assess", LOT, "1")
    _refused(
        cli(*assess, "--reason", "probe drift, no impact", "--user", "tess", password=TECH_PW),
        "assess process excursions",
    )
    r = cli(
        *assess,
        "--reason",
        "Heater fault for 2 h; within the validated range",
        "--user",
        "quinn",
        password=TECH_PW,
    )
    assert r.code == 0 and "assessed" in r.out
    items = cli("review", LOT, "--json").json()["items"]
    assert not next(i for i in items if i["kind"] == "excursion")["blocking"]
