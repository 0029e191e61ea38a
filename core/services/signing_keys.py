"""Signing keys and the site certificate authority (Part 11 §11.70: the technology link).

- `init` creates the site CA. Its private key is never stored in the clear: it is sealed to each
  administrator's signing key (a key slot), so issuing certificates needs an administrator's
  password.
- Each user's signing key is made the first time they authenticate with a password of their own
  (never an initial one an administrator knows), wrapped under that password, and waits for an
  administrator to issue its certificate. A password change re-wraps the same key; a password
  reset retires it, so the user's next own password makes a new key (old signatures stay
  verifiable against the old certificate, which is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from core.auth import Actor, Permission
from core.auth.passwords import verify_password
from core.auth.roles import Role
from core.errors import AuthenticationFailed, DomainError, NotFound, PermissionDenied
from core.i18n import N_, _
from core.models import AuthoritySlot, SigningKey, SiteAuthority, User, id_of
from core.states import KeyState
from core.store import Database, UnitOfWork
from core.text_rules import SITE_NAME, clean_text
from core.version import command_name

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec


# The crypto library is imported when a key is used, not when users log in or batches are read.
def _keys():
    from core.crypto import keys

    return keys


def _envelope():
    from core.crypto import envelope

    return envelope


def _serialization():
    from cryptography.hazmat.primitives import serialization

    return serialization


class NoSigningCertificate(DomainError):
    """The user cannot sign yet: no key, or its certificate is not issued."""


@dataclass(frozen=True)
class SigningKeyView:
    username: str
    full_name: str
    role: str
    state: KeyState
    serial_hex: str | None
    requested_at: datetime | None
    issued_at: datetime | None
    issued_by: str | None
    holds_ca_slot: bool


def _pem(key) -> str:
    return key.public_bytes(
        _serialization().Encoding.PEM, _serialization().PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _ca_key_bytes(ca_key) -> bytes:
    return ca_key.private_bytes(
        _serialization().Encoding.DER,
        _serialization().PrivateFormat.PKCS8,
        _serialization().NoEncryption(),
    )


def active_key(session: Session, username: str) -> SigningKey | None:
    return session.exec(
        select(SigningKey)
        .where(SigningKey.username == username, col(SigningKey.retired_at).is_(None))
        .order_by(col(SigningKey.id).desc())
    ).first()


def site_authority(session: Session) -> SiteAuthority:
    row = session.exec(select(SiteAuthority).order_by(col(SiteAuthority.id))).first()
    if row is None:
        raise NotFound(
            _("This site has no certificate authority yet: ask an administrator to create it."),
            cli_hint=_("An administrator runs `{command} ca create --user ADMIN`.").format(
                command=command_name()
            ),
        )
    return row


def ca_certificate_pem(db: Database) -> bytes:
    with db.read() as session:
        return site_authority(session).cert_pem.encode("ascii")


# -- creating ---------------------------------------------------------------------------------


def create_site_authority(uow: UnitOfWork, admin: User, password: str, site_name: str) -> None:
    """The site CA, the admin's own key and certificate, and the admin's CA key slot."""
    session = uow.session
    if session.exec(select(SiteAuthority)).first() is not None:
        raise DomainError(_("This site already has a certificate authority."))
    ca_key, ca_pem = _keys().new_site_ca(clean_text(site_name, SITE_NAME), uow.now)
    authority = SiteAuthority(
        cert_pem=ca_pem.decode("ascii"), created_at=uow.now, created_by=admin.username
    )
    session.add(authority)
    uow.audit(
        "ca.create",
        "site_ca",
        _keys().certificate_info(ca_pem).serial_hex,
        new={
            "subject": _keys().certificate_info(ca_pem).subject_name,
            "sha256": _keys().certificate_info(ca_pem).sha256_fingerprint,
        },
    )
    key = active_key(session, admin.username) or request_key(uow, admin.username, password)
    _issue(uow, key, admin, ca_key, ca_pem, issuer=admin.username)
    _grant_slot(uow, admin.username, key, ca_key)


def request_key(uow: UnitOfWork, username: str, password: str) -> SigningKey:
    """A new signing key wrapped under the user's own password, waiting for its certificate."""
    private = _keys().new_signing_key()
    row = SigningKey(
        username=username,
        public_key_pem=_pem(private.public_key()),
        wrapped_key=_keys().wrap_private_key(private, password).decode("ascii"),
        requested_at=uow.now,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.audit(
        "signing_key.request",
        "signing_key",
        str(row.id),
        new={"username": username, "public_key": row.public_key_pem.splitlines()[1][:24] + "…"},
        user=username,
    )
    return row


def ensure_key(uow: UnitOfWork, username: str, password: str) -> None:
    """Called when a user proves their own password: make their key if they have none."""
    if active_key(uow.session, username) is None:
        request_key(uow, username, password)


def rewrap_key(uow: UnitOfWork, username: str, old_password: str, new_password: str) -> None:
    """A password change keeps the key; only what unlocks it changes."""
    row = active_key(uow.session, username)
    if row is None:
        request_key(uow, username, new_password)
        return
    row.wrapped_key = (
        _keys()
        .rewrap_private_key(row.wrapped_key.encode("ascii"), old_password, new_password)
        .decode("ascii")
    )
    uow.session.add(row)
    uow.audit(
        "signing_key.rewrap",
        "signing_key",
        str(row.id),
        new={"wrapped_under": "the new password of its owner"},
        user=username,
    )


def retire_key(uow: UnitOfWork, username: str, reason: str) -> None:
    """On a password reset: the key can no longer be unlocked by its owner alone."""
    row = active_key(uow.session, username)
    if row is None:
        return
    row.retired_at, row.retire_reason = uow.now, reason
    uow.session.add(row)
    for slot in uow.session.exec(
        select(AuthoritySlot).where(
            AuthoritySlot.signing_key_id == row.id, col(AuthoritySlot.retired_at).is_(None)
        )
    ).all():
        slot.retired_at = uow.now
        uow.session.add(slot)
    uow.audit(
        "signing_key.retire",
        "signing_key",
        str(row.id),
        old={"serial": row.serial_hex, "state": "active"},
        new={"state": "retired"},
        reason=reason,
    )


# -- unlocking --------------------------------------------------------------------------------


def unlock(
    session: Session, username: str, password: str
) -> tuple[SigningKey, ec.EllipticCurvePrivateKey]:
    """The user's issued key, unlocked by their password (raises if it cannot sign)."""
    row = usable_key(session, username)
    return row, _keys().unwrap_private_key(row.wrapped_key.encode("ascii"), password)


def usable_key(session: Session, username: str) -> SigningKey:
    """The user's key with its issued certificate; raises, saying what is missing, if none."""
    row = active_key(session, username)
    if row is None:
        raise NoSigningCertificate(
            _(
                "'{user}' has no signing key yet. It is made at the next log-in with a "
                "password of their own; an administrator then issues its certificate."
            ).format(user=username)
        )
    if row.cert_pem is None:
        raise NoSigningCertificate(
            _(
                "The signing certificate of '{user}' is waiting to be issued: ask an "
                "administrator to issue it (Admin → Users → Issue certificates)."
            ).format(user=username)
        )
    return row


def _unlock_ca(session: Session, admin: str, password: str):
    authority = site_authority(session)
    key_row, admin_key = unlock(session, admin, password)
    slot = session.exec(
        select(AuthoritySlot).where(
            AuthoritySlot.username == admin,
            AuthoritySlot.signing_key_id == key_row.id,
            col(AuthoritySlot.retired_at).is_(None),
        )
    ).first()
    if slot is None:
        raise PermissionDenied.said(
            N_(
                "'{admin}' holds no key slot of the site CA. An administrator who holds one "
                "issues certificates (they grant a slot to each administrator they certify)."
            ),
            admin=admin,
        )
    ca_key = _serialization().load_der_private_key(
        _envelope().open_with(admin_key, slot.sealed_key), None
    )
    return ca_key, authority.cert_pem.encode("ascii")


def _issue(
    uow: UnitOfWork, row: SigningKey, user: User, ca_key, ca_pem: bytes, issuer: str
) -> None:
    public = _serialization().load_pem_public_key(row.public_key_pem.encode("ascii"))
    cert = _keys().issue_user_certificate(
        ca_key,
        ca_pem,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        public_key=public,
        now=uow.now,
    )
    info = _keys().certificate_info(cert)
    row.cert_pem, row.serial_hex = cert.decode("ascii"), info.serial_hex
    row.issued_at, row.issued_by = uow.now, issuer
    uow.session.add(row)
    uow.audit(
        "signing_key.issue",
        "signing_key",
        str(row.id),
        old={"certificate": None},
        new={
            "username": user.username,
            "serial": info.serial_hex,
            "subject": info.subject_name,
            "role": user.role,
        },
        user=issuer,
    )


def _grant_slot(uow: UnitOfWork, username: str, row: SigningKey, ca_key) -> None:
    public = _serialization().load_pem_public_key(row.public_key_pem.encode("ascii"))
    uow.session.add(
        AuthoritySlot(
            username=username,
            signing_key_id=id_of(row),
            sealed_key=_envelope().seal_to(public, _ca_key_bytes(ca_key)),
            created_at=uow.now,
            created_by=uow.username,
        )
    )
    uow.audit("ca.slot_grant", "ca_key_slot", username, new={"signing_key": row.id})


def issue_certificates(
    db: Database, admin: Actor, password: str, usernames: list[str] | None = None
) -> list[SigningKeyView]:
    """An administrator, re-authenticating, issues waiting certificates (all, or those named)."""
    from core.records.accounts import acting_user

    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.ISSUE_CERTIFICATES)
        me = uow.session.exec(select(User).where(User.username == admin.username)).one()
        if not verify_password(me.password_hash, password):
            raise AuthenticationFailed(_("Wrong password: the certificates were not issued."))
        ca_key, ca_pem = _unlock_ca(uow.session, admin.username, password)
        waiting = uow.session.exec(
            select(SigningKey).where(
                col(SigningKey.retired_at).is_(None), col(SigningKey.cert_pem).is_(None)
            )
        ).all()
        wanted = {u.strip().lower() for u in usernames} if usernames else None
        issued = []
        for row in waiting:
            if wanted is not None and row.username not in wanted:
                continue
            user = uow.session.exec(select(User).where(User.username == row.username)).one()
            if not user.active:
                continue
            _issue(uow, row, user, ca_key, ca_pem, issuer=admin.username)
            if user.role == Role.ADMIN:
                _grant_slot(uow, user.username, row, ca_key)
            issued.append(user.username)
        if wanted and not issued:
            raise NotFound(
                _(
                    "No certificate is waiting for {users}. A user's key is made when they next "
                    "log in with a password of their own."
                ).format(users=", ".join(sorted(wanted)))
            )
    return [v for v in key_states(db) if v.username in issued]


def key_states(db: Database) -> list[SigningKeyView]:
    with db.read() as session:
        users = session.exec(select(User).order_by(User.username)).all()
        slots = {
            s.username
            for s in session.exec(
                select(AuthoritySlot).where(col(AuthoritySlot.retired_at).is_(None))
            ).all()
        }
        out = []
        for user in users:
            row = active_key(session, user.username)
            state = (
                KeyState.NONE
                if row is None
                else KeyState.ISSUED
                if row.cert_pem
                else KeyState.AWAITING_ISSUE
            )
            out.append(
                SigningKeyView(
                    username=user.username,
                    full_name=user.full_name,
                    role=user.role,
                    state=state,
                    serial_hex=row.serial_hex if row else None,
                    requested_at=row.requested_at if row else None,
                    issued_at=row.issued_at if row else None,
                    issued_by=row.issued_by if row else None,
                    holds_ca_slot=user.username in slots,
                )
            )
        return out


def create_authority_for_existing_site(
    db: Database, admin: Actor, password: str, site_name: str
) -> None:
    """For a database made before signatures existed: the admin creates the CA."""
    from core.records.accounts import acting_user

    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.ISSUE_CERTIFICATES)
        me = uow.session.exec(select(User).where(User.username == admin.username)).one()
        if not verify_password(me.password_hash, password):
            raise AuthenticationFailed(_("Wrong password: the certificate authority was not made."))
        create_site_authority(uow, me, password, site_name)
