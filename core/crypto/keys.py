"""The site certificate authority, the users' signing keys and their certificates.

ECDSA P-256 with SHA-256 throughout. A user's private key is stored wrapped: encrypted with
AES-256-GCM under a key that argon2id derives from the user's password. The wrapped blob is a
small self-describing JSON document, so that the KDF and cipher parameters can change later
without breaking keys wrapped earlier.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.low_level import Type, hash_secret_raw
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from core.errors import DomainError

ORGANISATION = "Lotbook"
CA_VALIDITY = timedelta(days=20 * 365 + 5)  # 20 years, leap days included
USER_VALIDITY = timedelta(days=10 * 365 + 3)  # 10 years, leap days included
BACKDATE = timedelta(minutes=5)  # tolerate small clock differences between workstations

WRAP_FORMAT = "lotbook-wrapped-key"
WRAP_VERSION = 1
# OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1 (as for log-in). (The
# test suite swaps in cheap ones; tests/core/test_kdf_parameters.py asserts these.)
KDF_PARAMS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
# Upper bounds on what a blob may ask for, so that a crafted blob cannot exhaust the machine.
KDF_LIMITS = {"time_cost": 16, "memory_cost": 1024 * 1024, "parallelism": 8}
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32


class KeyLocked(DomainError):
    """The password given does not unlock the wrapped signing key."""


class KeyUnreadable(DomainError):
    """A stored signing key is damaged or in a format this Lotbook does not know."""


@dataclass(frozen=True)
class CertificateInfo:
    serial_hex: str
    subject_name: str  # CN: the person's full name (the CA's name for the CA certificate)
    username: str | None  # UID; None for the CA certificate
    role: str | None  # OU; None for the CA certificate
    not_before: datetime  # UTC
    not_after: datetime  # UTC
    issuer_name: str  # CN of the issuer
    sha256_fingerprint: str  # hex, lower case


def new_signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def new_site_ca(site_name: str, now: datetime) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """A new site CA: its private key and its self-signed certificate (PEM)."""
    _require_aware(now)
    key = new_signing_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Lotbook site CA – {site_name}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


def issue_user_certificate(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert_pem: bytes,
    *,
    username: str,
    full_name: str,
    role: str,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime,
) -> bytes:
    """A signing certificate (PEM) for one user, issued by the site CA.

    Key usage is digitalSignature + nonRepudiation: pyHanko requires nonRepudiation of a PDF
    signer's certificate by default (when signing with a validation context and when validating)
    and does not require an extended key usage.
    """
    _require_aware(now)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            x509.NameAttribute(NameOID.USER_ID, username),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
        ]
    )
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + USER_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_info(cert_pem: bytes) -> CertificateInfo:
    cert = x509.load_pem_x509_certificate(cert_pem)
    return CertificateInfo(
        serial_hex=format(cert.serial_number, "x"),
        subject_name=_attribute(cert.subject, NameOID.COMMON_NAME) or "",
        username=_attribute(cert.subject, NameOID.USER_ID),
        role=_attribute(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        issuer_name=_attribute(cert.issuer, NameOID.COMMON_NAME) or "",
        sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
    )


def wrap_private_key(key: ec.EllipticCurvePrivateKey, password: str) -> bytes:
    """The private key (PKCS#8 DER) encrypted under the password, as a self-describing blob."""
    kdf = {"name": "argon2id", **KDF_PARAMS, "salt": _b64(os.urandom(SALT_BYTES))}
    nonce = os.urandom(NONCE_BYTES)
    header = {
        "format": WRAP_FORMAT,
        "version": WRAP_VERSION,
        "kdf": kdf,
        "cipher": {"name": "aes-256-gcm", "nonce": _b64(nonce)},
    }
    plaintext = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    wrapping_key = _derive(password, kdf)
    ciphertext = AESGCM(wrapping_key).encrypt(nonce, plaintext, _associated_data(header))
    blob = {**header, "ciphertext": _b64(ciphertext)}
    return json.dumps(blob, sort_keys=True).encode("ascii")


def unwrap_private_key(blob: bytes, password: str) -> ec.EllipticCurvePrivateKey:
    """The private key in a wrapped blob. Raises KeyLocked for a wrong password."""
    header, ciphertext = _parse_blob(blob)
    wrapping_key = _derive(password, header["kdf"])
    nonce = _unb64(header["cipher"]["nonce"])
    try:
        plaintext = AESGCM(wrapping_key).decrypt(nonce, ciphertext, _associated_data(header))
    except InvalidTag:
        raise KeyLocked("The password does not unlock this signing key.") from None
    key = serialization.load_der_private_key(plaintext, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyUnreadable("The stored signing key is not an ECDSA key; issue a new one.")
    return key


def rewrap_private_key(blob: bytes, old_password: str, new_password: str) -> bytes:
    """The same private key wrapped under a new password (fresh salt and nonce)."""
    return wrap_private_key(unwrap_private_key(blob, old_password), new_password)


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("certificate times must be timezone-aware (UTC)")


def _derive(password: str, kdf: dict) -> bytes:
    return hash_secret_raw(
        secret=password.encode("utf-8"),
        salt=_unb64(kdf["salt"]),
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost"],
        parallelism=kdf["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _associated_data(header: dict) -> bytes:
    """The header is authenticated with the ciphertext: its parameters cannot be swapped."""
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")


def _parse_blob(blob: bytes) -> tuple[dict, bytes]:
    damaged = KeyUnreadable(
        "The stored signing key is damaged or in an unknown format; "
        "ask an administrator to issue a new signing key."
    )
    try:
        document = json.loads(blob)
        if document["format"] != WRAP_FORMAT:
            raise damaged
        if document["version"] != WRAP_VERSION:
            raise KeyUnreadable(
                f"The stored signing key has format version {document['version']}, which this "
                "Lotbook cannot read; update Lotbook."
            )
        header = {key: document[key] for key in ("format", "version", "kdf", "cipher")}
        ciphertext = _unb64(document["ciphertext"])
        kdf, cipher = header["kdf"], header["cipher"]
        known = (
            kdf["name"] == "argon2id"
            and cipher["name"] == "aes-256-gcm"
            and len(_unb64(cipher["nonce"])) == NONCE_BYTES
            and len(_unb64(kdf["salt"])) >= 8
            and all(
                type(kdf[name]) is int and 1 <= kdf[name] <= limit
                for name, limit in KDF_LIMITS.items()
            )
        )
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise damaged from None
    if not known:
        raise damaged
    return header, ciphertext


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
