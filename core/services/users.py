"""User verbs: authenticate, create, deactivate, change or reset a password, unlock.

Every change is audited in the same transaction. Failed log-ins are audited too, and lock the
account after the site's threshold (default 5). Users are never deleted and names never reused.
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from core.auth import Actor, Permission
from core.auth.passwords import check_new_password, hash_password, needs_rehash, verify_password
from core.auth.policy import read_policy
from core.auth.roles import parse_role
from core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    DomainError,
    NotFound,
    PasswordChangeRequired,
    PermissionDenied,
)
from core.fields import Field, about
from core.i18n import N_, _, ngettext
from core.models import User
from core.readmodels import UserView
from core.records.accounts import acting_user
from core.services import signing_keys
from core.services.usernames import login_username
from core.services.usernames import typed_username as _username
from core.store import Database, UnitOfWork
from core.text_rules import FULL_NAME, REASON, optional_text
from core.version import command_name

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


def _view(user: User) -> UserView:
    return UserView(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        active=user.active,
        locked=user.locked,
        failed_attempts=user.failed_attempts,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
    )


def _find(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def _get(session: Session, username: str) -> User:
    user = _find(session, username)
    if user is None:
        raise NotFound(
            _("There is no user '{user}'. Check the spelling (usernames are lower case).").format(
                user=username
            )
        )
    return user


def _actor(user: User) -> Actor:
    return Actor(username=user.username, full_name=user.full_name, role=user.role)


# -- log in ---------------------------------------------------------------------------------------


def authenticate(
    db: Database, username: str, password: str, *, allow_initial: bool = False
) -> Actor:
    """Check a username and password. Failures are audited and count towards the lockout.

    An account with an initial password raises PasswordChangeRequired unless ``allow_initial``.
    A username no account can have (too long, control characters ...) is refused before any
    look-up or password hashing, with a short audit event.
    """
    username = login_username(db, username)
    with db.read() as session:
        user = _find(session, username)
        if (
            user is not None
            and user.active
            and not user.locked
            and verify_password(user.password_hash, password)
            and user.failed_attempts == 0
            and not needs_rehash(user.password_hash)
        ):
            actor = _actor(user)
            if user.must_change_password and not allow_initial:
                raise _change_required(username)
            if user.must_change_password or signing_keys.active_key(session, username):
                return actor
            # the first log-in with a password of one's own: make the signing key
            with db.unit_of_work(username) as uow:
                signing_keys.ensure_key(uow, username, password)
            return actor
    failure: AuthenticationFailed | None = None
    with db.unit_of_work(username or "?") as uow:
        user = _find(uow.session, username)
        if user is None:
            uow.audit("auth.login_failed", "user", username or "?", reason="unknown username")
            failure = AuthenticationFailed(_("Unknown username or wrong password."))
        elif not user.active:
            uow.audit("auth.login_failed", "user", username, reason="account deactivated")
            failure = AuthenticationFailed(
                _("The account '{user}' is deactivated. Ask an administrator.").format(
                    user=username
                )
            )
        elif user.locked:
            uow.audit("auth.login_failed", "user", username, reason="account locked")
            failure = AuthenticationFailed(_locked_message(username))
        elif not verify_password(user.password_hash, password):
            failure = _count_failure(uow, user)
        else:
            _successful_login(uow, user, password)
            actor = _actor(user)
            must_change = user.must_change_password
    if failure is not None:
        raise failure
    if must_change and not allow_initial:
        raise _change_required(username)
    return actor


def _change_required(username: str) -> PasswordChangeRequired:
    return PasswordChangeRequired(
        _(
            "The password of '{user}' is an initial one. Choose your own first: log in to the "
            "app, which asks for it."
        ).format(user=username),
        cli_hint=_("Or: `{command} user passwd --user {user}`.").format(
            command=command_name(), user=username
        ),
    )


def _locked_message(username: str) -> str:
    return _(
        "The account '{user}' is locked after repeated wrong passwords. Ask an administrator "
        "to unlock it."
    ).format(user=username)


def _count_failure(uow: UnitOfWork, user: User) -> AuthenticationFailed:
    limit = read_policy(uow.session).lockout_attempts
    before = user.failed_attempts
    user.failed_attempts = before + 1
    uow.audit(
        "auth.login_failed",
        "user",
        user.username,
        old={"failed_attempts": before},
        new={"failed_attempts": user.failed_attempts},
        reason="wrong password",
    )
    if user.failed_attempts >= limit:
        user.locked = True
        uow.audit(
            "user.lock",
            "user",
            user.username,
            old={"locked": False},
            new={"locked": True},
            reason=f"{limit} failed log-in attempts",
            user="system",
        )
        uow.session.add(user)
        return AuthenticationFailed(_locked_message(user.username))
    uow.session.add(user)
    left = limit - user.failed_attempts
    return AuthenticationFailed(
        ngettext(
            "Wrong password for '{user}'. {n} attempt left before the account is locked.",
            "Wrong password for '{user}'. {n} attempts left before the account is locked.",
            left,
        ).format(user=user.username, n=left)
    )


def _successful_login(uow: UnitOfWork, user: User, password: str) -> None:
    if user.failed_attempts:
        uow.audit(
            "auth.login",
            "user",
            user.username,
            old={"failed_attempts": user.failed_attempts},
            new={"failed_attempts": 0},
        )
        user.failed_attempts = 0
    if needs_rehash(user.password_hash):
        # Same password, stronger hashing parameters: not a change of the credential itself.
        user.password_hash = hash_password(password)
    uow.session.add(user)


# -- administration -------------------------------------------------------------------------------


def create_user(
    db: Database,
    admin: Actor,
    username: str,
    full_name: str,
    role: str,
    initial_password: str,
    *,
    admin_password: str | None = None,
) -> UserView:
    """A new account with an initial password its user must replace at the first log-in. With
    ``admin_password`` the administrator proves who they are first, as the GUI asks."""
    username = _username(username)
    with about(Field.FULL_NAME):
        full_name = optional_text(full_name, FULL_NAME) or ""
    role_value = parse_role(role)
    if not USERNAME.match(username):
        raise DomainError(
            _(
                "'{user}' cannot be a username: 2–32 characters, lower-case letters, digits, "
                "'.', '_' or '-', starting with a letter."
            ).format(user=username),
            field=Field.USERNAME,
        )
    if len(full_name) < 3:
        raise DomainError(
            _("Give the person's full name as it should appear on signatures."),
            field=Field.FULL_NAME,
        )
    with about(Field.PASSWORD):
        check_new_password(initial_password, username)
    if admin_password is not None:
        admin = authenticate(db, admin.username, admin_password)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_USERS)
        if _find(uow.session, username) is not None:
            raise AlreadyExists(
                _(
                    "The username '{user}' is taken or was used before (users are never deleted "
                    "and names are never reused). Choose another."
                ).format(user=username),
                field=Field.USERNAME,
            )
        user = User(
            username=username,
            full_name=full_name,
            role=role_value.value,
            password_hash=hash_password(initial_password),
            must_change_password=True,
            created_at=uow.now,
        )
        uow.session.add(user)
        uow.audit(
            "user.create",
            "user",
            username,
            new={
                "username": username,
                "full_name": full_name,
                "role": role_value.value,
                "active": True,
            },
        )
        return _view(user)


def create_first_admin(uow: UnitOfWork, username: str, full_name: str, password: str) -> User:
    """The site's first administrator, made by `init` in the unit of work that creates the site."""
    username = _username(username)
    with about(Field.FULL_NAME):
        full_name = optional_text(full_name, FULL_NAME) or ""
    if not USERNAME.match(username):
        raise DomainError(
            _("'{user}' cannot be a username (lower-case letters and digits).").format(
                user=username
            ),
            field=Field.USERNAME,
        )
    if len(full_name) < 3:
        raise DomainError(
            _("Give the administrator's full name as it should appear on signatures."),
            field=Field.FULL_NAME,
        )
    with about(Field.PASSWORD):
        check_new_password(password, username)
    user = User(
        username=username,
        full_name=full_name,
        role="admin",
        password_hash=hash_password(password),
        must_change_password=False,
        created_at=uow.now,
        password_changed_at=uow.now,
    )
    uow.session.add(user)
    uow.audit(
        "user.create",
        "user",
        username,
        new={"username": username, "full_name": full_name, "role": "admin", "active": True},
        reason="first administrator of a new site",
    )
    return user


def deactivate_user(
    db: Database, admin: Actor, username: str, reason: str, *, admin_password: str | None = None
) -> UserView:
    """Deactivate an account (never deleted). With ``admin_password`` the administrator proves
    who they are first, as the GUI asks for a binding action; a wrong one counts towards their
    own lockout and is audited like any failed log-in."""
    reason = _reason(reason)
    if admin_password is not None:
        admin = authenticate(db, admin.username, admin_password)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_USERS)
        user = _get(uow.session, _username(username))
        if user.username == admin.username:
            raise PermissionDenied.said(
                N_("You cannot deactivate your own account; ask another admin.")
            )
        if not user.active:
            raise DomainError(_("'{user}' is already deactivated.").format(user=user.username))
        user.active = False
        uow.session.add(user)
        uow.audit(
            "user.deactivate",
            "user",
            user.username,
            old={"active": True},
            new={"active": False},
            reason=reason,
        )
        return _view(user)


def unlock_user(db: Database, admin: Actor, username: str, reason: str) -> UserView:
    reason = _reason(reason)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_USERS)
        user = _get(uow.session, _username(username))
        if not user.locked:
            raise DomainError(_("'{user}' is not locked.").format(user=user.username))
        uow.audit(
            "user.unlock",
            "user",
            user.username,
            old={"locked": True, "failed_attempts": user.failed_attempts},
            new={"locked": False, "failed_attempts": 0},
            reason=reason,
        )
        user.locked, user.failed_attempts = False, 0
        uow.session.add(user)
        return _view(user)


def reset_password(
    db: Database, admin: Actor, username: str, initial_password: str, reason: str
) -> UserView:
    """An admin gives a new initial password; the user must choose their own at next log-in."""
    reason = _reason(reason)
    username = _username(username)
    check_new_password(initial_password, username)
    with db.unit_of_work(admin.username) as uow:
        acting_user(uow.session, admin, Permission.MANAGE_USERS)
        user = _get(uow.session, username)
        user.password_hash = hash_password(initial_password)
        user.must_change_password = True
        signing_keys.retire_key(uow, user.username, f"password reset by {admin.username}")
        was_locked = user.locked
        user.locked, user.failed_attempts = False, 0
        uow.session.add(user)
        uow.audit(
            "user.password_reset",
            "user",
            user.username,
            old={"locked": was_locked},
            new={"password": "reset (initial)", "locked": False},
            reason=reason,
        )
        return _view(user)


def change_password(db: Database, username: str, current: str, new: str) -> UserView:
    """A user replaces their own password (an initial one included), proving the current one."""
    actor = authenticate(db, username, current, allow_initial=True)
    if new == current:
        raise DomainError(_("The new password must differ from the current one."))
    check_new_password(new, actor.username)
    with db.unit_of_work(actor.username) as uow:
        user = _get(uow.session, actor.username)
        was_initial = user.must_change_password
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.password_changed_at = uow.now
        uow.session.add(user)
        uow.audit(
            "user.password_change",
            "user",
            user.username,
            old={"initial": was_initial},
            new={"password": "changed by its owner"},
        )
        if was_initial:
            signing_keys.ensure_key(uow, user.username, new)
        else:
            signing_keys.rewrap_key(uow, user.username, current, new)
        return _view(user)


def list_users(db: Database) -> list[UserView]:
    with db.read() as session:
        return [_view(u) for u in session.exec(select(User).order_by(User.username)).all()]


def _reason(reason: str | None) -> str:
    text = optional_text(reason, REASON) or ""
    if len(text) < 3:
        raise DomainError(_("Give a reason: it is kept in the audit trail."))
    return text
