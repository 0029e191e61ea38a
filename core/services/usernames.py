"""Usernames as people type them: checked by the free-text rule before any look-up, password
hashing, lockout counting or audit event, so an impossible one costs nothing and writes little."""

from __future__ import annotations

from core.errors import AuthenticationFailed, InvalidValue
from core.fields import Field, about
from core.i18n import SOURCE, in_language
from core.store import Database
from core.text_rules import USERNAME, optional_text, visible


def typed_username(text: str) -> str:
    """A typed username as it is looked up: checked (core.text_rules), lower case; "" if blank."""
    with about(Field.USERNAME):
        return (optional_text(text, USERNAME) or "").lower()


def login_username(db: Database, typed: str) -> str:
    """The username a log-in names. One no account can have (longer than the column, control
    characters, bidirectional overrides, invisible only) is refused with a short audit event:
    ``auth.login_failed`` naming its first 64 characters, made visible, and its real length."""
    try:
        return typed_username(typed)
    except InvalidValue as refused:
        shown = visible(" ".join(typed[:200].split()))[: USERNAME.limit] or "?"
        recorded = str(refused)
        with in_language(SOURCE):  # the audit trail keeps the refusal in the canonical language
            try:
                typed_username(typed)
            except InvalidValue as canonical:
                recorded = str(canonical)
        with db.unit_of_work(shown) as uow:
            uow.audit(
                "auth.login_failed",
                "user",
                shown,
                new={"username_length": len(typed)},
                reason=f"username refused: {recorded}",
            )
        raise AuthenticationFailed(str(refused)) from None
