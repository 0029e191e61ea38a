"""Labels from the command line: print bag labels to a PDF and vial labels to ZPL, list what was
printed (text and --json); a reprint without --reason, an existing file without --force and an
unknown stock are refused with exit 1 and nothing written; a missing option is a usage error."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from tests.cli.conftest import TECH_PW

LOT = "CT-0555"
COI = "COI-W123426000042"
# The site has no time zone of its own: its days are this computer's.
EXPIRY = (datetime.now().astimezone().date() + timedelta(days=90)).isoformat()
STORAGE = "≤ −150 °C, vapour-phase LN2"


@pytest.fixture
def labels_cli(site_cli):
    cli = site_cli
    r = cli(
        "batch", "start", "--template", "cart-auto-lv", "--lot", LOT, "--coi", COI,
        "--user", "tess", password=TECH_PW,
    )  # fmt: skip
    assert r.code == 0, r.err
    return cli


def _print(cli, out, *options, kind="bag", count="2", stock="100x50", user="tess"):
    return cli(
        "label", "print", LOT, "--kind", kind, "--count", count, "--stock", stock,
        "--out", str(out), "--expiry", EXPIRY, "--storage", STORAGE, *options,
        "--user", user, password=TECH_PW,
    )  # fmt: skip


def test_print_list_and_reprint_from_the_command_line(labels_cli, tmp_path):
    cli = labels_cli
    bags = tmp_path / "bags.pdf"
    r = _print(cli, bags)
    assert r.code == 0, r.err
    digest = hashlib.sha256(bags.read_bytes()).hexdigest()
    assert f"Printed 2 bag labels for lot {LOT} (serials 1–2) to {bags}" in r.out
    assert "(PDF, bag labels (100 × 50 mm))" in r.out and f"SHA-256 {digest}" in r.out
    assert f"Labels printed for lot {LOT}, every kind: 2." in r.out

    again = tmp_path / "again.pdf"
    r = _print(cli, again)
    assert r.code == 1 and not again.exists()
    assert "2 bag labels were already printed" in r.err and "Add --reason TEXT." in r.err

    r = _print(cli, again, "--reason", "bag label smudged", "--json", count="1")
    assert r.code == 0, r.err
    shown = r.json()
    assert (shown["first_serial"], shown["last_serial"], shown["printed"]) == (3, 3, 3)
    assert shown["path"] == str(again)
    # the CAR-T template counts its labels printed: Lotbook wrote the new total into the check
    (counted,) = shown["counted"]
    assert (counted["id"], counted["value"]) == ("CART-IPC-10-LBL-PRINTED", "3")
    assert shown["sha256"] == hashlib.sha256(again.read_bytes()).hexdigest()

    vials = tmp_path / "vials.zpl"
    r = _print(cli, vials, "--zpl", "--dpi", "300", kind="vial", count="3", stock="38x13")
    assert r.code == 0, r.err
    zpl = vials.read_text("utf-8")
    assert zpl.count("^XA") == 3 and "^PW449" in zpl and f"L={LOT}|C={COI}|K=vial|S=3/3" in zpl

    listed = cli("label", "list", LOT, "--json").json()
    assert listed["printed"] == 6
    assert [(c["kind"], c["printed"], c["prints"]) for c in listed["counts"]] == [
        ("bag", 3, 2),
        ("sample", 0, 0),
        ("vial", 3, 1),
    ]
    assert [p["reason"] for p in listed["prints"]] == [None, "bag label smudged", None]
    r = cli("label", "list", LOT)
    assert r.code == 0 and f"Labels printed for lot {LOT}: 6." in r.out
    assert "bag label smudged" in r.out and "ZPL" in r.out and "1–3" in r.out


def test_refusals_exit_1_and_write_nothing(labels_cli, tmp_path):
    cli = labels_cli
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"keep me")
    r = _print(cli, taken)
    assert r.code == 1 and "already exists" in r.err and taken.read_bytes() == b"keep me"
    r = _print(cli, taken, "--force")
    assert r.code == 0 and taken.read_bytes().startswith(b"%PDF")

    out = tmp_path / "labels.pdf"
    r = _print(cli, out, stock="A4", kind="sample")
    assert r.code == 1 and "not a label stock" in r.err and not out.exists()
    r = _print(cli, out, kind="sample", user="ada")
    assert r.code == 1 and not out.exists()
    r = cli("label", "print", LOT, "--kind", "bag", "--out", str(out), "--user", "tess")
    assert r.code == 2 and "--count" in r.err  # a usage error
    assert cli("label", "list", "NO-SUCH-LOT").code == 1
