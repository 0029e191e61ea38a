"""Site CA, user certificates, password-wrapped signing keys and signed statements."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from core.crypto import (
    KeyLocked,
    KeyUnreadable,
    certificate_info,
    check_certificate,
    issue_user_certificate,
    new_signing_key,
    new_site_ca,
    rewrap_private_key,
    sign_statement,
    unwrap_private_key,
    verify_statement,
    wrap_private_key,
)
from core.errors import DomainError

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PASSWORD = "bench-pass-2026"


@pytest.fixture(scope="module")
def site_ca():
    return new_site_ca("Bench 1", NOW)


@pytest.fixture(scope="module")
def quinn(site_ca):
    ca_key, ca_pem = site_ca
    key = new_signing_key()
    cert = issue_user_certificate(
        ca_key,
        ca_pem,
        username="qa1",
        full_name="Quinn Auditor",
        role="qa",
        public_key=key.public_key(),
        now=NOW,
    )
    return key, cert


def _pkcs8(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_wrapped_key_unwraps_to_the_same_key():
    key = new_signing_key()
    blob = wrap_private_key(key, PASSWORD)
    unwrapped = unwrap_private_key(blob, PASSWORD)
    assert unwrapped.private_numbers() == key.private_numbers()


def test_wrong_password_raises_key_locked_with_a_message():
    blob = wrap_private_key(new_signing_key(), PASSWORD)
    with pytest.raises(KeyLocked) as caught:
        unwrap_private_key(blob, "not-the-password")
    assert isinstance(caught.value, DomainError)
    assert str(caught.value) == "The password does not unlock this signing key."


def test_rewrap_changes_the_password_and_keeps_the_key():
    key = new_signing_key()
    blob = wrap_private_key(key, PASSWORD)
    rewrapped = rewrap_private_key(blob, PASSWORD, "a-new-pass-2027")
    assert unwrap_private_key(rewrapped, "a-new-pass-2027").private_numbers() == (
        key.private_numbers()
    )
    with pytest.raises(KeyLocked):
        unwrap_private_key(rewrapped, PASSWORD)
    assert json.loads(rewrapped)["kdf"]["salt"] != json.loads(blob)["kdf"]["salt"]


def test_rewrap_with_wrong_old_password_is_refused():
    blob = wrap_private_key(new_signing_key(), PASSWORD)
    with pytest.raises(KeyLocked):
        rewrap_private_key(blob, "wrong-pass-2026", "a-new-pass-2027")


def test_blob_is_self_describing_and_holds_no_plaintext_key(production_kdf):
    key = new_signing_key()
    blob = wrap_private_key(key, PASSWORD)
    document = json.loads(blob)
    assert document["format"] == "lotbook-wrapped-key"
    assert document["version"] == 1
    assert document["kdf"]["name"] == "argon2id"
    assert (document["kdf"]["time_cost"], document["kdf"]["memory_cost"]) == (2, 19 * 1024)
    assert document["kdf"]["parallelism"] == 1
    assert len(base64.b64decode(document["kdf"]["salt"])) == 16
    assert document["cipher"]["name"] == "aes-256-gcm"
    assert len(base64.b64decode(document["cipher"]["nonce"])) == 12

    der = _pkcs8(key)
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    ciphertext = base64.b64decode(document["ciphertext"])
    for secret in (der, scalar):
        assert secret not in blob
        assert secret not in ciphertext
        assert base64.b64encode(secret) not in blob
    assert PASSWORD.encode() not in blob


def test_header_is_authenticated_with_the_ciphertext():
    blob = wrap_private_key(new_signing_key(), PASSWORD)
    document = json.loads(blob)
    document["cipher"]["nonce"] = base64.b64encode(bytes(12)).decode()
    with pytest.raises(KeyLocked):
        unwrap_private_key(json.dumps(document).encode(), PASSWORD)


def test_damaged_or_newer_blob_is_refused_with_a_reason():
    blob = wrap_private_key(new_signing_key(), PASSWORD)
    with pytest.raises(KeyUnreadable, match="damaged"):
        unwrap_private_key(blob[:-20], PASSWORD)
    with pytest.raises(KeyUnreadable, match="damaged"):
        unwrap_private_key(b"-----BEGIN PRIVATE KEY-----", PASSWORD)
    newer = json.loads(blob)
    newer["version"] = 2
    with pytest.raises(KeyUnreadable, match="update Lotbook"):
        unwrap_private_key(json.dumps(newer).encode(), PASSWORD)
    greedy = json.loads(blob)
    greedy["kdf"]["memory_cost"] = 64 * 1024 * 1024  # 64 GiB: refused before deriving
    with pytest.raises(KeyUnreadable):
        unwrap_private_key(json.dumps(greedy).encode(), PASSWORD)


def test_user_certificate_names_the_user_and_the_ca(site_ca, quinn):
    _, ca_pem = site_ca
    _, cert_pem = quinn
    info = certificate_info(cert_pem)
    assert info.subject_name == "Quinn Auditor"
    assert info.username == "qa1"
    assert info.role == "qa"
    assert info.issuer_name == "Lotbook site CA – Bench 1"
    assert info.issuer_name == certificate_info(ca_pem).subject_name
    assert info.not_before == NOW - timedelta(minutes=5)
    assert info.not_before.tzinfo is not None and info.not_after.utcoffset() == timedelta(0)
    assert 10 * 365 <= (info.not_after - NOW).days <= 10 * 366
    cert = x509.load_pem_x509_certificate(cert_pem)
    assert int(info.serial_hex, 16) == cert.serial_number
    assert cert.serial_number.bit_length() > 64
    assert len(info.sha256_fingerprint) == 64
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Lotbook"


def test_user_certificate_extensions_fit_a_pdf_signer(site_ca, quinn):
    ca_cert = x509.load_pem_x509_certificate(site_ca[1])
    cert = x509.load_pem_x509_certificate(quinn[1])
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and not constraints.value.ca
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)


def test_site_ca_certificate(site_ca):
    ca_key, ca_pem = site_ca
    cert = x509.load_pem_x509_certificate(ca_pem)
    assert cert.subject == cert.issuer
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign
    assert cert.public_key().public_numbers() == ca_key.public_key().public_numbers()
    info = certificate_info(ca_pem)
    assert info.subject_name == "Lotbook site CA – Bench 1"
    assert info.username is None
    assert 20 * 365 <= (info.not_after - NOW).days <= 20 * 366
    assert check_certificate(ca_pem, ca_pem, NOW) is None  # self-signed


def test_check_certificate_accepts_a_certificate_of_this_ca(site_ca, quinn):
    assert check_certificate(quinn[1], site_ca[1], NOW + timedelta(days=400)) is None


def test_check_certificate_refuses_another_ca(quinn):
    _, other_ca_pem = new_site_ca("Bench 1", NOW)  # same name, different key
    problem = check_certificate(quinn[1], other_ca_pem, NOW)
    assert problem == "The certificate was not issued by this site's CA."


def test_check_certificate_refuses_a_time_outside_validity(site_ca, quinn):
    late = NOW + timedelta(days=11 * 365)
    problem = check_certificate(quinn[1], site_ca[1], late)
    assert problem is not None
    assert problem.startswith(f"The certificate was not valid at {late:%Y-%m-%d}")
    early = check_certificate(quinn[1], site_ca[1], NOW - timedelta(hours=1))
    assert early is not None and "not valid at 2026-11-02 07:00 UTC" in early


def test_statement_signature_verifies_with_the_signers_certificate(quinn):
    key, cert = quinn
    statement = b'{"lot":"LOT-0001","meaning":"approved"}'
    signature = sign_statement(key, statement)
    assert verify_statement(cert, statement, signature)


def test_tampered_statement_does_not_verify(quinn):
    key, cert = quinn
    signature = sign_statement(key, b'{"lot":"LOT-0001","meaning":"approved"}')
    assert not verify_statement(cert, b'{"lot":"LOT-0002","meaning":"approved"}', signature)
    assert not verify_statement(cert, b"anything", b"not a DER signature")


def test_signature_by_another_users_key_does_not_verify(site_ca, quinn):
    _, cert = quinn
    statement = b'{"lot":"LOT-0001","meaning":"approved"}'
    mallory_key = new_signing_key()
    assert not verify_statement(cert, statement, sign_statement(mallory_key, statement))
