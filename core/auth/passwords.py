"""Password hashing with argon2id (argon2-cffi) at OWASP's recommended minimum; password rules."""

from __future__ import annotations

from typing import TypedDict

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import DomainError
from core.i18n import N_


class Argon2Parameters(TypedDict):
    time_cost: int
    memory_cost: int  # KiB
    parallelism: int


# OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. (The test suite swaps
# HASHER for a cheap one; tests/core/test_kdf_parameters.py asserts these in a fresh process.)
PARAMETERS: Argon2Parameters = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
HASHER = PasswordHasher(**PARAMETERS, type=Type.ID)

MIN_LENGTH = 10


class WeakPassword(DomainError):
    """A new password does not meet the site's rules."""


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)


def check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword.said(N_("The password must have at least {n} characters."), n=MIN_LENGTH)
    if password.strip() != password:
        raise WeakPassword.said(N_("The password must not start or end with a space."))
    if username.lower() in password.lower():
        raise WeakPassword.said(N_("The password must not contain the username."))
    if len(set(password)) < 4:
        raise WeakPassword.said(
            N_("The password is too simple: use at least 4 different characters.")
        )
