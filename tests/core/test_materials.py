"""Materials and their lots: defined, received into quarantine, released by QA only with a
certificate of analysis (re-authenticated, e-signed, audited), stock on hand, recall, and a lot's
status changed behind Lotbook's back found by `audit verify`."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from core.crypto.statements import verify_statement
from core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from core.inputs import InputRefused
from core.models import Batch, MaterialLot, MaterialUse, id_of
from core.services import audit_trail, materials
from core.services.deviations import open_deviation
from core.services.material_lots import attach_coa, decide_lot, receive_lot
from core.states import LotStatus
from tests.conftest import USER_PASSWORD as PW
from tests.raw_db import raw_sql, without_guards

EXPIRY = "2027-03-31"  # the site clock reads 2026-11-02
REASON = "CoA reviewed against specification IL7-SPEC-03: conforms"


@pytest.fixture
def il2(site, people, admin):
    """QA quinn defined IL7 (counted in µg)."""
    return materials.define_material(
        site, people["qa"], "il7", "Interleukin-2", "cytokine", "Acme Bio", "µg"
    )


@pytest.fixture
def coa(tmp_path):
    path = tmp_path / "IL7-L2291-CoA.pdf"
    path.write_bytes(b"%PDF-1.7 certificate of analysis, lot L-2291, conforms\n")
    return path


def _receive(site, people, lot="L-2291", *, coa=None, quantity="500"):
    return receive_lot(site, people["tech"], "IL7", lot, EXPIRY, quantity, coa=coa)


def _release(site, people, lot="L-2291", reason=REASON):
    return decide_lot(site, people["qa"], PW, "IL7", lot, "released", reason)


def test_define_receive_and_list(site, people, il2, coa):
    assert (il2.code, il2.kind, il2.unit, il2.created_by) == ("IL7", "cytokine", "µg", "quinn")
    view = _receive(site, people, coa=coa, quantity="500,5 µg")
    assert view.status == view.effective_status == LotStatus.QUARANTINE
    assert view.quantity_received == Decimal("500.5") and view.on_hand == Decimal("500.5")
    assert view.expiry == date(2027, 3, 31) and view.received_by == "tess"
    (kept,) = view.attachments
    assert kept.sha256 == hashlib.sha256(coa.read_bytes()).hexdigest() and view.has_coa
    assert raw_sql(site, "SELECT quantity_received FROM material_lot") == [("500.5",)]
    _receive(site, people, "L-2300")
    listed = materials.lots(site, "il7")
    assert [v.lot_number for v in listed] == ["L-2291", "L-2300"]
    assert materials.lots(site, status="released") == []
    assert [m.code for m in materials.materials(site)] == ["IL7"]
    receive = audit_trail.events(site, action="material_lot.receive")
    assert [e.entity_id for e in receive] == ["IL7/L-2291", "IL7/L-2300"]
    assert json.loads(receive[0].new)["quantity"] == "500.5"
    (attached,) = audit_trail.events(site, action="material_lot.attach_coa")
    assert kept.sha256 in attached.new
    assert audit_trail.verify(site).intact


def test_define_is_refused_when_it_cannot_be_kept(site, people, il2):
    with pytest.raises(AlreadyExists, match="IL7 already exists"):
        materials.define_material(site, people["qa"], "IL7", "Other", "cytokine", "X", "µg")
    with pytest.raises(DomainError, match="reagent, medium, cytokine"):
        materials.define_material(site, people["qa"], "FBS", "Serum", "juice", "X", "mL")
    with pytest.raises(DomainError, match="unit"):
        materials.define_material(site, people["qa"], "FBS", "Serum", "medium", "X", " ")
    with pytest.raises(DomainError, match="cannot be a material code"):
        materials.define_material(site, people["qa"], "F B S", "Serum", "medium", "X", "mL")
    with pytest.raises(PermissionDenied):
        materials.define_material(site, people["tech"], "FBS", "Serum", "medium", "X", "mL")


@pytest.mark.parametrize(
    ("expiry", "quantity", "error", "words"),
    [
        ("31/03/2027", "500", InvalidValue, "YYYY-MM-DD"),
        ("2027-02-30", "500", InvalidValue, "not a real date"),
        ("2026-10-31", "500", Conflict, "expired stock is not received"),
        (EXPIRY, "-5", InvalidValue, "more than 0"),
        (EXPIRY, "0", InvalidValue, "more than 0"),
        (EXPIRY, "NaN", InvalidValue, "not a finite number"),
        (EXPIRY, "500 mL", InvalidValue, "takes µg"),
        (EXPIRY, "lots", InvalidValue, "not a number"),
    ],
)
def test_receive_refuses_what_cannot_be_stock(site, people, il2, expiry, quantity, error, words):
    with pytest.raises(error, match=words):
        receive_lot(site, people["tech"], "IL7", "L-1", expiry, quantity)
    assert raw_sql(site, "SELECT count(*) FROM material_lot") == [(0,)]


def test_receive_refuses_a_second_receipt_and_an_unknown_material(site, people, il2):
    _receive(site, people)
    with pytest.raises(AlreadyExists, match="already received"):
        _receive(site, people)
    with pytest.raises(NotFound, match="no material TEXMACS"):
        receive_lot(site, people["tech"], "texmacs", "L-1", EXPIRY, "1")


def test_a_coa_is_kept_once_and_must_be_a_real_file(site, people, il2, coa, tmp_path):
    _receive(site, people)
    view = attach_coa(site, people["tech"], "IL7", "L-2291", coa)
    assert view.attachments[0].size == coa.stat().st_size
    with pytest.raises(AlreadyExists, match="already attached"):
        attach_coa(site, people["tech"], "IL7", "L-2291", coa)
    missing = tmp_path / "nowhere.pdf"
    with pytest.raises(InputRefused, match=r"nowhere\.pdf does not exist"):
        attach_coa(site, people["tech"], "IL7", "L-2291", missing)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(InputRefused, match=r"empty\.pdf is empty"):
        attach_coa(site, people["tech"], "IL7", "L-2291", empty)
    with pytest.raises(InputRefused, match="folder"):
        attach_coa(site, people["tech"], "IL7", "L-2291", tmp_path)
    assert len(materials.lot(site, "IL7", "L-2291").attachments) == 1


def test_release_needs_the_coa_qa_and_the_password(site, people, il2, coa):
    _receive(site, people)
    with pytest.raises(Conflict, match="attach its certificate of analysis first"):
        _release(site, people)
    attach_coa(site, people["tech"], "IL7", "L-2291", coa)
    with pytest.raises(PermissionDenied):
        decide_lot(site, people["tech"], PW, "IL7", "L-2291", "released", REASON)
    with pytest.raises(AuthenticationFailed):
        decide_lot(site, people["qa"], "not-the-password", "IL7", "L-2291", "released", REASON)
    with pytest.raises(DomainError, match="at least 10"):
        _release(site, people, reason="ok")
    assert materials.lot(site, "IL7", "L-2291").status == LotStatus.QUARANTINE
    view = _release(site, people)
    assert view.status == view.effective_status == LotStatus.RELEASED
    assert (view.status_by, view.status_reason) == ("quinn", REASON)
    (decision,) = view.decisions
    assert decision.decided_by_name == "Quinn Quality" and decision.signature_valid
    assert decision.meaning == "QA decision: quarantine → released"
    denied = audit_trail.events(site, action="auth.denied")
    assert denied[-1].user == "tess"


def test_the_decision_statement_verifies_against_the_signers_certificate(site, people, il2, coa):
    _receive(site, people, coa=coa)
    _release(site, people)
    ((lot_id,),) = raw_sql(site, "SELECT id FROM material_lot")
    ((statement, signature, serial),) = raw_sql(
        site, "SELECT statement, crypto_signature, certificate_serial FROM material_lot_decision"
    )
    ((username, cert_pem),) = raw_sql(
        site,
        "SELECT username, cert_pem FROM signing_key WHERE serial_hex = :serial",
        {"serial": serial},
    )
    assert username == "quinn" and cert_pem
    cert = cert_pem.encode("ascii")
    raw = base64.b64decode(signature)
    assert verify_statement(cert, statement.encode("utf-8"), raw)
    said = json.loads(statement)
    assert said["lot"] == "L-2291" and said["material"] == "IL7" and said["lot_id"] == lot_id
    assert (said["old_status"], said["status"], said["reason"]) == (
        "quarantine",
        "released",
        REASON,
    )
    assert (said["signer"], said["signer_name"], said["signer_role"]) == (
        "quinn",
        "Quinn Quality",
        "qa",
    )
    assert said["signed_at"].startswith("2026-11-02") and said["certificate_serial"] == serial
    assert said["coa_sha256"] == [hashlib.sha256(coa.read_bytes()).hexdigest()]
    changed = statement.replace(REASON, "CoA not reviewed")
    assert not verify_statement(cert, changed.encode("utf-8"), raw)
    # the decision row changed behind Lotbook's back no longer matches what was signed
    without_guards(
        site, "material_lot_decision", "UPDATE material_lot_decision SET reason = 'not reviewed'"
    )
    assert not materials.lot(site, "IL7", "L-2291").decisions[0].signature_valid


def test_the_moves_qa_may_make(site, people, il2, coa):
    _receive(site, people, coa=coa)
    _release(site, people)
    with pytest.raises(Conflict, match="already released"):
        _release(site, people)
    back = decide_lot(
        site, people["qa"], PW, "IL7", "L-2291", "quarantine", "Supplier recall notice"
    )
    assert back.status == LotStatus.QUARANTINE
    rejected = decide_lot(
        site, people["qa"], PW, "IL7", "L-2291", "rejected", "Supplier recall notice SR-77"
    )
    assert rejected.status == LotStatus.REJECTED
    for status in ("released", "quarantine", "expired"):
        with pytest.raises(Conflict, match="final"):
            decide_lot(site, people["qa"], PW, "IL7", "L-2291", status, "trying to undo it")
    with pytest.raises(DomainError, match="not a lot status"):
        decide_lot(site, people["qa"], PW, "IL7", "L-2291", "approved", "not a status at all")
    decided = audit_trail.events(site, action="material_lot.decide")
    moves = [(json.loads(e.old)["status"], json.loads(e.new)["status"]) for e in decided]
    assert moves == [
        ("quarantine", "released"),
        ("released", "quarantine"),
        ("quarantine", "rejected"),
    ]
    assert decided[-1].reason == "Supplier recall notice SR-77" and decided[-1].user == "quinn"
    assert len(materials.lot(site, "IL7", "L-2291").decisions) == 3
    assert audit_trail.verify(site).intact


def test_expiry_decides_whatever_the_stored_status_says(site, people, il2, coa, clock):
    _receive(site, people, coa=coa)
    _receive(site, people, "L-2300", coa=coa)
    _release(site, people)
    clock.set(datetime(2027, 4, 2, 9, 0, tzinfo=UTC))  # past the expiry of 2027-03-31
    view = materials.lot(site, "IL7", "L-2291")
    assert (view.status, view.effective_status) == (LotStatus.RELEASED, LotStatus.EXPIRED)
    assert [v.lot_number for v in materials.lots(site, status="expired")] == ["L-2291", "L-2300"]
    with pytest.raises(Conflict, match="an expired lot cannot be released"):
        _release(site, people, "L-2300")
    expired = decide_lot(site, people["qa"], PW, "IL7", "L-2300", "expired", "Past its expiry date")
    assert expired.status == LotStatus.EXPIRED


def _use(site, batch_lot, lot_number, quantity, *, deviation_id=None, check="CART-S01-IL7"):
    """A use of a lot by a batch, as the point of use would write it."""
    with site.unit_of_work("tess") as uow:
        batch = uow.session.exec(select(Batch).where(Batch.lot == batch_lot)).one()
        lot = uow.session.exec(
            select(MaterialLot).where(MaterialLot.lot_number == lot_number)
        ).one()
        uow.session.add(
            MaterialUse(
                batch_id=id_of(batch),
                check_id=check,
                lot_id=id_of(lot),
                quantity=quantity,
                status_at_use=lot.status,
                due_at_use=lot.expiry,
                deviation_id=deviation_id,
                used_at=uow.now,
                used_by="tess",
            )
        )


def test_on_hand_is_received_less_used_and_recall_names_the_batches(site, people, il2, coa, lot):
    from core.services import batches

    _receive(site, people, coa=coa)
    _release(site, people)
    batches.start_batch(site, people["tech"], "cart-auto-lv", "CT-0101", "COI-W123426000043")
    dev = open_deviation(
        site, people["tech"], "CT-0101", "minor", "IL-2 lot used under QA override"
    )
    _use(site, lot, "L-2291", "120.5")
    _use(site, "CT-0101", "L-2291", "80")
    ((dev_id,),) = raw_sql(site, "SELECT id FROM deviation WHERE ref = :r", {"r": dev.ref})
    _use(site, "CT-0101", "L-2291", "0.25", deviation_id=dev_id, check="CART-S02-IL7")
    view = materials.lot(site, "IL7", "L-2291")
    assert view.quantity_used == Decimal("200.75")
    assert view.on_hand == Decimal("299.25") == view.quantity_received - view.quantity_used
    uses = materials.recall(site, "IL7", "L-2291")
    assert [u.batch_lot for u in uses] == [lot, "CT-0101", "CT-0101"]
    assert uses[0].used_at < uses[1].used_at < uses[2].used_at
    assert uses[0].product and uses[0].status_at_use == LotStatus.RELEASED
    assert [u.deviation for u in uses] == [None, None, dev.ref]
    assert uses[2].quantity == Decimal("0.25") and uses[2].check_id == "CART-S02-IL7"


def test_a_lot_status_changed_in_the_table_alone_fails_audit_verify(site, people, il2):
    _receive(site, people)
    assert audit_trail.verify(site).intact
    raw_sql(site, "UPDATE material_lot SET status = 'released' WHERE lot_number = 'L-2291'")
    assert materials.lot(site, "IL7", "L-2291").status == LotStatus.RELEASED  # as tampered
    report = audit_trail.verify(site)
    assert not report.intact
    text = " | ".join((report.reason, *report.problems))
    assert "material_lot:" in text and "changed" in text, text


def test_a_decision_keeps_its_meaning_as_qa_read_it(site, people, il2, coa):
    """QA reads the decision's meaning in Chinese: kept in the signed statement beside the
    canonical meaning, shown as signed with a translation to an English reader; changing the
    words read breaks the signature."""
    from core.i18n import in_language
    from core.records.materials import meaning_shown

    _receive(site, people, coa=coa)
    with in_language("zh_CN"):
        chinese = meaning_shown("quarantine", "released")
        _release(site, people)
    assert chinese != "QA decision: quarantine → released"
    ((statement,),) = raw_sql(site, "SELECT statement FROM material_lot_decision")
    said = json.loads(statement)
    assert said["meaning"] == "QA decision: quarantine → released"  # canonical, beside it
    assert said["read"] == {"language": "zh_CN", "text": chinese}
    (decision,) = materials.lots(site, "il7")[0].decisions
    assert decision.signature_valid and decision.meaning == chinese
    assert decision.meaning_signed.startswith(chinese) and "简体中文" in decision.meaning_signed
    assert decision.meaning_signed.endswith("“QA decision: quarantine → released”")
    with in_language("zh_CN"):
        (decision,) = materials.lots(site, "il7")[0].decisions
        assert decision.meaning_signed == chinese
    altered = statement.replace(chinese, "QA decision: quarantine → rejected")
    without_guards(
        site, "material_lot_decision", "UPDATE material_lot_decision SET statement = :s",
        {"s": altered},
    )  # fmt: skip
    (decision,) = materials.lots(site, "il7")[0].decisions
    assert not decision.signature_valid
