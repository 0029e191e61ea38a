"""Sealing a secret to one holder's public key (ECDH P-256 + HKDF-SHA256 + AES-256-GCM).

Used for the site CA's key slots: the CA private key is sealed to each administrator's signing
key, so only that administrator's password (which unlocks their signing key) opens it, and an
administrator can grant a slot to another without knowing their password."""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import DomainError

_INFO = b"lotbook key slot v1"


class EnvelopeUnreadable(DomainError):
    """A sealed secret does not open with the key given."""


def _kek(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(shared)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal_to(public_key: ec.EllipticCurvePublicKey, secret: bytes) -> str:
    ephemeral = ec.generate_private_key(public_key.curve)
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(ephemeral.exchange(ec.ECDH(), public_key), salt)
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return json.dumps(
        {
            "format": "lotbook-envelope",
            "version": 1,
            "kem": "ECDH-P256-HKDF-SHA256",
            "aead": "AES-256-GCM",
            "ephemeral": _b64(ephemeral_public),
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(kek).encrypt(nonce, secret, _INFO)),
        },
        sort_keys=True,
    )


def open_with(private_key: ec.EllipticCurvePrivateKey, sealed: str) -> bytes:
    try:
        data = json.loads(sealed)
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(
            private_key.curve, base64.b64decode(data["ephemeral"])
        )
        kek = _kek(private_key.exchange(ec.ECDH(), ephemeral), base64.b64decode(data["salt"]))
        return AESGCM(kek).decrypt(
            base64.b64decode(data["nonce"]), base64.b64decode(data["ciphertext"]), _INFO
        )
    except (InvalidTag, KeyError, ValueError) as error:
        raise EnvelopeUnreadable(
            "This key slot does not open with your signing key. Ask another administrator."
        ) from error
