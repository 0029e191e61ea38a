"""Signing keys and the site CA: who can issue, what unlocks a key, what a reset does."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from sqlmodel import select

from core.crypto.keys import certificate_info
from core.errors import AuthenticationFailed
from core.models import AuthoritySlot, SigningKey
from core.services import batches, recording, signing_keys, users
from core.services.signing import sign
from core.services.signing_keys import NoSigningCertificate
from core.states import KeyState
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user

LOT = "CT-0300"


def _state(db, username):
    return next(k for k in signing_keys.key_states(db) if k.username == username)


def test_init_makes_the_ca_and_certifies_the_first_admin(site):
    ada = _state(site, "ada")
    assert ada.state == "issued" and ada.holds_ca_slot
    ca = certificate_info(signing_keys.ca_certificate_pem(site))
    assert ca.subject_name.startswith("Lotbook site CA") and ca.username is None


def test_a_key_is_made_only_with_the_users_own_password_and_waits_for_issue(site, admin):
    users.create_user(site, admin, "tess", "Tess Technician", "technician", "initial-pass-2026")
    assert _state(site, "tess").state == "none"  # the admin knows the initial password
    users.change_password(site, "tess", "initial-pass-2026", USER_PASSWORD)
    assert _state(site, "tess").state == KeyState.AWAITING_ISSUE
    tess = users.authenticate(site, "tess", USER_PASSWORD)
    batches.start_batch(site, tess, "cart-auto-lv", LOT, "COI-W123426000042")
    recording.record_value(site, tess, LOT, "CART-IPC-00-SLOT", "SLOT-1")
    with pytest.raises(NoSigningCertificate, match="waiting to be issued"):
        sign(site, tess, USER_PASSWORD, LOT, "PERFORMED", step_id="CART-S00")


def test_issuing_needs_the_admins_password(site, admin, tech):
    with pytest.raises(AuthenticationFailed):
        signing_keys.issue_certificates(site, admin, "wrong-password-1")
    assert _state(site, "tess").state == KeyState.AWAITING_ISSUE
    (issued,) = signing_keys.issue_certificates(site, admin, ADMIN_PASSWORD)
    assert issued.username == "tess" and issued.state == "issued" and issued.issued_by == "ada"
    with site.read() as session:
        cert = signing_keys.active_key(session, "tess").cert_pem.encode()
    info = certificate_info(cert)
    assert (info.username, info.subject_name, info.role) == (
        "tess",
        "Tess Technician",
        "technician",
    )


def test_a_certified_admin_gets_a_ca_slot_and_can_issue(site, admin):
    make_user(site, admin, "adam", "admin", "Adam Second")
    signing_keys.issue_certificates(site, admin, ADMIN_PASSWORD)
    assert _state(site, "adam").holds_ca_slot
    make_user(site, admin, "tess", "technician", "Tess Technician")
    adam = users.authenticate(site, "adam", USER_PASSWORD)
    (issued,) = signing_keys.issue_certificates(site, adam, USER_PASSWORD)
    assert issued.username == "tess" and issued.issued_by == "adam"


@pytest.mark.sqlite_only(reason="reads the database's own files (the SQLite file and its WAL)")
def test_the_ca_private_key_is_never_stored_in_the_clear(site, admin):
    from core.crypto.envelope import open_with

    with site.read() as session:
        _, admin_key = signing_keys.unlock(session, "ada", ADMIN_PASSWORD)
        sealed = session.exec(select(AuthoritySlot)).one().sealed_key
    ca_der = open_with(admin_key, sealed)
    ca_key = serialization.load_der_private_key(ca_der, None)
    raw = ca_key.private_numbers().private_value.to_bytes(32, "big")
    site.dispose()
    data = b"".join(p.read_bytes() for p in site.path.parent.glob(site.path.name + "*"))
    assert len(data) > 100_000
    assert ca_der not in data and raw not in data


def test_password_change_keeps_the_key_and_reset_retires_it(site, admin, tech, tech2):
    signing_keys.issue_certificates(site, admin, ADMIN_PASSWORD)
    batches.start_batch(site, tech, "cart-auto-lv", LOT, "COI-W123426000042")
    recording.record_value(site, tech, LOT, "CART-IPC-00-SLOT", "SLOT-1")
    old = sign(site, tech, USER_PASSWORD, LOT, "PERFORMED", step_id="CART-S00")
    users.change_password(site, "tess", USER_PASSWORD, "new-bench-pass-77")
    assert _state(site, "tess").serial_hex == old.certificate_serial  # same key, re-wrapped
    users.reset_password(site, admin, "tess", "initial-again-2026", "forgot it")
    with site.read() as session:
        keys = session.exec(select(SigningKey).where(SigningKey.username == "tess")).all()
        assert [k.retired_at is not None for k in keys] == [True]
        assert "reset" in keys[0].retire_reason
    users.change_password(site, "tess", "initial-again-2026", "third-bench-pass-9")
    assert _state(site, "tess").state == KeyState.AWAITING_ISSUE
    signing_keys.issue_certificates(site, admin, ADMIN_PASSWORD)
    assert _state(site, "tess").serial_hex != old.certificate_serial
    # the signature made with the retired key still verifies against its own certificate
    (kept,) = next(s for s in batches.show_batch(site, LOT).steps if s.id == "CART-S00").signatures
    assert kept.valid and kept.certificate_serial == old.certificate_serial
