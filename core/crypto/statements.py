"""Signed statements: a user's ECDSA signature over the bytes of what they attest, and the checks
that a signature and the certificate behind it hold up against the site CA."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def sign_statement(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """An ECDSA SHA-256 signature (DER) over ``data``."""
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_statement(cert_pem: bytes, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``data`` was made with the key of this certificate.

    A wrong, damaged or foreign signature gives False, never an exception.
    """
    public_key = x509.load_pem_x509_certificate(cert_pem).public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    try:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def check_certificate(cert_pem: bytes, ca_cert_pem: bytes, at: datetime) -> str | None:
    """None when the certificate was issued by this CA and was valid at ``at``; otherwise a
    sentence saying why it does not hold."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    if not _issued_by(cert, ca_cert):
        return "The certificate was not issued by this site's CA."
    moment = at.astimezone(UTC)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        return (
            f"The certificate was not valid at {_utc_text(moment)}: it is valid from "
            f"{_utc_text(cert.not_valid_before_utc)} to {_utc_text(cert.not_valid_after_utc)}."
        )
    return None


def _issued_by(cert: x509.Certificate, ca_cert: x509.Certificate) -> bool:
    ca_key = ca_cert.public_key()
    hash_algorithm = cert.signature_hash_algorithm
    if cert.issuer != ca_cert.subject or hash_algorithm is None:
        return False
    if not isinstance(ca_key, ec.EllipticCurvePublicKey):
        return False
    try:
        ca_key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hash_algorithm))
    except InvalidSignature:
        return False
    return True


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
