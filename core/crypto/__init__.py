"""Site CA, user signing keys and certificates (ECDSA P-256), password-wrapped private keys and
signed statements. Pure functions: nothing here touches the database."""

from core.crypto.keys import (
    CertificateInfo,
    KeyLocked,
    KeyUnreadable,
    certificate_info,
    issue_user_certificate,
    new_signing_key,
    new_site_ca,
    rewrap_private_key,
    unwrap_private_key,
    wrap_private_key,
)
from core.crypto.statements import check_certificate, sign_statement, verify_statement

__all__ = [
    "CertificateInfo",
    "KeyLocked",
    "KeyUnreadable",
    "certificate_info",
    "check_certificate",
    "issue_user_certificate",
    "new_signing_key",
    "new_site_ca",
    "rewrap_private_key",
    "sign_statement",
    "unwrap_private_key",
    "verify_statement",
    "wrap_private_key",
]
