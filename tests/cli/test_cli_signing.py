"""Signing, review, disposition and the sealed PDF, driven through the command line."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import SIGNING_LOT, TECH_PW

LOT = SIGNING_LOT


def _fill(cli):
    from core.demo.sample_batch import fill_batch
    from core.services.users import authenticate
    from core.store import open_database

    db = open_database(cli.url)
    try:
        tess, cleo = (authenticate(db, name, TECH_PW) for name in ("tess", "cleo"))
        fill_batch(db, tess, LOT, qc=cleo, password=TECH_PW)
    finally:
        db.dispose()


def _verify_steps(cli):
    r = cli("batch", "show", LOT, "--json")
    for step in r.json()["steps"]:
        if step["state"] == "awaiting_verification":
            r2 = cli(
                "sign",
                LOT,
                "--meaning",
                "VERIFIED",
                "--step",
                step["id"],
                "--user",
                "vic",
                password=TECH_PW,
            )
            assert r2.code == 0, r2.err


def test_sign_rules_and_review_on_the_command_line(stocked_cli):
    cli = stocked_cli
    r = cli(
        "batch", "record", LOT, "CART-IPC-00-SLOT", "SLOT-4", "--user", "tess", password=TECH_PW
    )
    assert r.code == 0
    r = cli(
        "sign",
        LOT,
        "--meaning",
        "performed",
        "--step",
        "CART-S00",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    assert "Performed by [step:CART-S00]: Tess Technician (tess, technician)" in r.out
    r = cli(
        "sign",
        LOT,
        "--meaning",
        "VERIFIED",
        "--step",
        "CART-S00",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 1 and "a second person verifies it" in r.err
    r = cli(
        "sign",
        LOT,
        "--meaning",
        "VERIFIED",
        "--step",
        "CART-S00",
        "--user",
        "vic",
        password="not-vics-password",
    )
    assert r.code == 1 and "Wrong password" in r.err
    r = cli("review", LOT)
    assert "BLOCKS" in r.out and "Missing required value" in r.out
    assert "Release blocked:" in r.out
    r = cli(
        "batch",
        "correct",
        LOT,
        "CART-IPC-00-SLOT",
        "SLOT-5",
        "--reason",
        "typo",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0
    r = cli("batch", "show", LOT)
    assert "INVALIDATED: Changed after signing: CART-IPC-00-SLOT" in r.out


def test_release_export_and_verify_pdf(stocked_cli, tmp_path):
    cli = stocked_cli
    _fill(cli)
    _verify_steps(cli)
    r = cli("sign", LOT, "--meaning", "REVIEWED", "--user", "sam", password=TECH_PW)
    assert r.code == 0, r.err
    r = cli("audit", "review", LOT, "--user", "quinn", password=TECH_PW)
    assert r.code == 0, r.err
    pdf = tmp_path / "summary.pdf"
    r = cli(
        "export-pdf",
        LOT,
        "-o",
        str(pdf),
        "--approve",
        "released",
        "--reason",
        "All release tests within specification",
        "--user",
        "quinn",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    assert "Approved by (QA disposition): Quinn QA" in r.out and pdf.exists()
    assert "released" in cli("batch", "show", LOT).out
    r = cli("verify-pdf", str(pdf))
    assert r.code == 0, r.out + r.err
    assert "Seal: VALID — Quinn QA (quinn)" in r.out and "Result: VERIFIED" in r.out
    assert r.out.count(": verified") >= 3  # every e-signature checked on its own
    ca = tmp_path / "site-ca.pem"
    assert cli("ca", "export", "-o", str(ca)).code == 0
    assert cli("verify-pdf", str(pdf), "--ca", str(ca), "--db", str(tmp_path / "none.db")).code == 0

    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Type /Page") + 1  # a byte inside the signed content
    flipped = tmp_path / "flipped.pdf"
    data[at] ^= 0x01
    flipped.write_bytes(bytes(data))
    r = cli("verify-pdf", str(flipped), "--ca", str(ca))
    assert r.code == 1 and "Result: FAILED" in r.out

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    edited = tmp_path / "edited.pdf"
    with pdf.open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        writer.root["/Lang"] = generic.pdf_string("de")  # one small edit, appended
        writer.update_root()
        with edited.open("wb") as out:
            writer.write(out)
    assert edited.stat().st_size > pdf.stat().st_size
    r = cli("verify-pdf", str(edited), "--ca", str(ca))
    assert r.code == 1 and "Result: FAILED" in r.out and "changed after it was sealed" in r.out
    assert "Traceback" not in r.err

    coa = tmp_path / "coa.pdf"
    r = cli("export-pdf", LOT, "-o", str(coa), "--coa", "--user", "quinn", password=TECH_PW)
    assert r.code == 0, r.err
    assert cli("verify-pdf", str(coa), "--ca", str(ca)).code == 0
    assert Path(coa).stat().st_size < pdf.stat().st_size
