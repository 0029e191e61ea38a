"""Materials from the command line: define, receive with a CoA, QA's e-signed release, show, list
and recall ("which batches used cytokine lot X?") with --json, and the refusals with their exit
codes (1 refused with one line on stderr, 2 usage)."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from core.models import Batch, MaterialLot, MaterialUse, id_of
from core.store import open_database
from tests.cli.conftest import SIGNING_LOT, TECH_PW
from tests.raw_db import raw_sql

EXPIRY = "2099-12-31"
REASON = "CoA reviewed against IL7-SPEC-03: conforms"


def _define(cli, user="quinn"):
    return cli(
        "material",
        "define",
        "il7",
        "--name",
        "Interleukin-7",
        "--kind",
        "cytokine",
        "--supplier",
        "Acme Bio",
        "--unit",
        "µg",
        "--user",
        user,
        password=TECH_PW,
    )


def _receive(cli, lot="L-2291", *extra):
    return cli(
        "material",
        "receive",
        "IL7",
        lot,
        "--expiry",
        EXPIRY,
        "--quantity",
        "500 µg",
        *extra,
        "--user",
        "tess",
        password=TECH_PW,
    )


def _release(cli, lot="L-2291", user="quinn", password=TECH_PW):
    return cli(
        "material", "release", "IL7", lot, "--reason", REASON, "--user", user, password=password
    )


@pytest.fixture
def coa(tmp_path):
    path = tmp_path / "IL7-L2291-CoA.pdf"
    path.write_bytes(b"%PDF-1.7 certificate of analysis, lot L-2291, conforms\n")
    return path


@pytest.fixture
def il7_site(signing_site):
    cli = signing_site
    r = _define(cli)
    assert r.code == 0 and "Material IL7 defined" in r.out, r.err
    return cli


def test_define_receive_release_show_and_list(il7_site, coa):
    cli = il7_site
    r = _receive(cli, "L-2291", "--coa", str(coa))
    assert r.code == 0 and "in quarantine" in r.out and "with its certificate" in r.out, r.err
    r = cli("material", "show", "IL7", "L-2291", "--json")
    shown = r.json()
    assert (shown["status"], shown["quantity_received"], shown["expiry"]) == (
        "quarantine",
        "500",
        EXPIRY,
    )
    assert shown["attachments"][0]["sha256"] == hashlib.sha256(coa.read_bytes()).hexdigest()
    r = cli(
        "material",
        "release",
        "IL7",
        "L-2291",
        "--reason",
        REASON,
        "--user",
        "quinn",
        "--password-stdin",
        stdin=TECH_PW + "\n",
    )
    assert r.code == 0 and "is now released" in r.out and "Quinn QA (quinn)" in r.out, r.err
    assert "signature verifies" in r.out
    r = cli("material", "show", "IL7", "L-2291")
    assert r.code == 0 and "status: released" in r.out and "on hand 500 µg" in r.out
    assert "QA decision: quarantine → released: Quinn QA" in r.out
    (decision,) = cli("material", "show", "IL7", "L-2291", "--json").json()["decisions"]
    assert decision["signature_valid"] and decision["decided_by_name"] == "Quinn QA"
    assert _receive(cli, "L-2300").code == 0
    listed = cli("material", "list", "--status", "released", "--json").json()
    assert [v["lot_number"] for v in listed] == ["L-2291"]
    r = cli("material", "list", "--material", "il7")
    assert r.code == 0 and "L-2291" in r.out and "L-2300" in r.out and "quarantine" in r.out
    assert [m["code"] for m in cli("material", "catalogue", "--json").json()] == ["IL7"]
    r = cli("audit", "list", "--action", "material", "--json")
    actions = [e["action"] for e in r.json()]
    assert actions == [
        "material.define",
        "material_lot.receive",
        "material_lot.attach_coa",
        "material_lot.decide",
        "material_lot.receive",
    ]
    assert cli("audit", "verify").code == 0


def test_refusals_and_their_exit_codes(il7_site, coa):
    cli = il7_site
    r = _define(cli, user="tess")
    assert r.code == 1 and "may not define materials" in r.err and r.err.count("\n") == 1
    r = _define(cli)
    assert r.code == 1 and "already exists" in r.err
    r = cli(
        "material",
        "receive",
        "IL7",
        "L-1",
        "--expiry",
        "2000-01-01",
        "--quantity",
        "5",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 1 and "expired stock is not received" in r.err
    r = cli(
        "material",
        "receive",
        "IL7",
        "L-1",
        "--expiry",
        "31.12.2099",
        "--quantity",
        "5",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 1 and "YYYY-MM-DD" in r.err
    assert _receive(cli).code == 0
    r = _release(cli)
    assert r.code == 1 and "attach its certificate of analysis first" in r.err
    assert "material attach-coa IL7 L-2291 FILE" in r.err and r.err.count("\n") == 1
    r = cli("material", "attach-coa", "IL7", "L-2291", str(coa), "--user", "tess", password=TECH_PW)
    assert r.code == 0 and "kept with lot L-2291" in r.out
    r = _release(cli, user="tess")
    assert r.code == 1 and "may not release" in r.err
    r = _release(cli, password="not-the-password")
    assert r.code == 1 and "Wrong password" in r.err
    r = cli("material", "release", "IL7", "L-2291", "--user", "quinn", password=TECH_PW)
    assert r.code == 2  # --reason is required
    assert cli("material", "show", "IL7", "L-2291", "--json").json()["status"] == "quarantine"
    assert (
        cli(
            "material",
            "reject",
            "IL7",
            "L-2291",
            "--reason",
            "Failed identity test",
            "--user",
            "quinn",
            password=TECH_PW,
        ).code
        == 0
    )
    r = _release(cli)
    assert r.code == 1 and "final" in r.err
    r = cli("material", "show", "IL7", "L-9999")
    assert r.code == 1 and "no lot L-9999 of IL7" in r.err


def _use(url: str, batch_lot: str, quantity: str) -> None:
    """A use of lot L-2291 by a batch, as the point of use would write it."""
    db = open_database(url)
    try:
        with db.unit_of_work("tess") as uow:
            batch = uow.session.exec(select(Batch).where(Batch.lot == batch_lot)).one()
            lot = uow.session.exec(
                select(MaterialLot).where(MaterialLot.lot_number == "L-2291")
            ).one()
            uow.session.add(
                MaterialUse(
                    batch_id=id_of(batch),
                    check_id="CART-S01-IL7",
                    lot_id=id_of(lot),
                    quantity=quantity,
                    status_at_use=lot.status,
                    due_at_use=lot.expiry,
                    used_at=uow.now,
                    used_by="tess",
                )
            )
    finally:
        db.dispose()


def test_recall_answers_which_batches_used_the_lot(il7_site, coa):
    cli = il7_site
    assert _receive(cli, "L-2291", "--coa", str(coa)).code == 0
    assert _release(cli).code == 0
    r = cli(
        "batch",
        "start",
        "--template",
        "cart-auto-lv",
        "--lot",
        "CT-0778",
        "--coi",
        "COI-W123426000043",
        "--user",
        "tess",
        password=TECH_PW,
    )
    assert r.code == 0, r.err
    r = cli("material", "recall", "IL7", "L-2291", "--json")
    assert r.code == 0 and r.json()["batches"] == [] and r.json()["uses"] == []
    _use(cli.url, SIGNING_LOT, "120.5")
    _use(cli.url, "CT-0778", "80")
    recall = cli("material", "recall", "IL7", "L-2291", "--json").json()
    assert (recall["material"], recall["lot"]) == ("IL7", "L-2291")
    assert recall["batches"] == [SIGNING_LOT, "CT-0778"]
    first = recall["uses"][0]
    assert (first["batch_lot"], first["quantity"], first["status_at_use"]) == (
        SIGNING_LOT,
        "120.5",
        "released",
    )
    assert first["product"] and first["used_by"] == "tess" and first["deviation"] is None
    r = cli("material", "recall", "IL7", "L-2291")
    assert r.code == 0 and f"used by 2 batches: {SIGNING_LOT}, CT-0778" in r.out
    shown = cli("material", "show", "IL7", "L-2291", "--json").json()
    assert (shown["quantity_used"], shown["on_hand"]) == ("200.5", "299.5")


def test_a_lot_released_in_the_table_alone_fails_audit_verify(il7_site):
    cli = il7_site
    assert _receive(cli).code == 0
    assert cli("audit", "verify").code == 0
    raw_sql(cli.url, "UPDATE material_lot SET status = 'released'")
    r = cli("audit", "verify")
    assert r.code == 1 and "material_lot:" in r.out + r.err, r.out + r.err
