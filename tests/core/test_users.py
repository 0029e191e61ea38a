"""Users: argon2id, initial passwords, lockout after 5 failures, deactivation, roles; audited."""

from __future__ import annotations

import pytest

from core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    PasswordChangeRequired,
    PermissionDenied,
)
from core.services import audit_trail, users
from tests.conftest import ADMIN_PASSWORD, APPROVER, USER_PASSWORD, make_user


def _actions(db, entity_id: str) -> list[str]:
    return [e.action for e in audit_trail.events(db) if e.entity_id == entity_id]


def test_passwords_are_argon2id_at_owasp_parameters(production_kdf, site):
    from core.auth.passwords import HASHER
    from tests.raw_db import raw_sql

    ((stored,),) = raw_sql(site, "SELECT password_hash FROM app_user WHERE username='ada'")
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored
    assert (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism) == (2, 19456, 1)
    assert ADMIN_PASSWORD not in stored


def test_new_user_must_choose_own_password_first(site, admin):
    users.create_user(site, admin, "tess", "Tess Technician", "technician", "initial-pass-1")
    with pytest.raises(PasswordChangeRequired, match="initial one"):
        users.authenticate(site, "tess", "initial-pass-1")
    users.change_password(site, "tess", "initial-pass-1", USER_PASSWORD)
    actor = users.authenticate(site, "tess", USER_PASSWORD)
    assert (actor.username, actor.full_name, actor.role) == (
        "tess",
        "Tess Technician",
        "technician",
    )
    assert _actions(site, "tess") == ["user.create", "user.password_change"]


def test_lockout_after_five_failures_is_audited_and_admin_unlocks(site, admin, tech):
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationFailed, match=f"{5 - attempt} attempt"):
            users.authenticate(site, "tess", "wrong password")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.authenticate(site, "tess", "wrong password")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.authenticate(site, "tess", USER_PASSWORD)  # even the right one, now
    actions = _actions(site, "tess")
    assert actions.count("auth.login_failed") == 6
    assert actions.count("user.lock") == 1
    users.unlock_user(site, admin, "tess", "identity confirmed by supervisor")
    assert users.authenticate(site, "tess", USER_PASSWORD).username == "tess"
    assert "user.unlock" in _actions(site, "tess")


def test_a_success_resets_the_failure_count(site, tech):
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            users.authenticate(site, "tess", "nope nope nope")
    users.authenticate(site, "tess", USER_PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed, match="left"):
            users.authenticate(site, "tess", "nope nope nope")


def test_deactivated_users_cannot_log_in_and_names_are_never_reused(site, admin, tech):
    users.deactivate_user(site, admin, "tess", "left the company")
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        users.authenticate(site, "tess", USER_PASSWORD)
    with pytest.raises(AlreadyExists, match="never reused"):
        users.create_user(site, admin, "tess", "Another Tess", "technician", "initial-pass-2")
    assert [u.username for u in users.list_users(site) if u.username != APPROVER] == [
        "ada",
        "tess",
    ]  # never deleted
    old_new = next(e for e in audit_trail.events(site) if e.action == "user.deactivate")
    assert old_new.old == '{"active":true}' and old_new.new == '{"active":false}'
    assert old_new.reason == "left the company"


def test_only_admins_manage_users(site, tech):
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.create_user(site, tech, "zed", "Zed Zulu", "technician", "initial-pass-3")


def test_an_acting_user_deactivated_meanwhile_is_refused(site, admin):
    qa = make_user(site, admin, "quinn", "qa")
    users.deactivate_user(site, admin, "quinn", "role change")
    with pytest.raises(PermissionDenied, match="no longer active"):
        users.create_user(site, qa, "zed", "Zed Zulu", "technician", "initial-pass-3")


@pytest.mark.parametrize(
    "password, message",
    [("short", "at least 10"), ("tess-is-great-2026", "username"), ("aaaaaaaaaaaa", "too simple")],
)
def test_weak_passwords_are_refused(site, admin, password, message):
    with pytest.raises(Exception, match=message):
        users.create_user(site, admin, "tess", "Tess Technician", "technician", password)
    assert [u.username for u in users.list_users(site) if u.username != APPROVER] == ["ada"]


def test_unknown_username_fails_like_a_wrong_password(site):
    with pytest.raises(AuthenticationFailed, match="Unknown username or wrong password"):
        users.authenticate(site, "nobody", "whatever-it-is")
    assert "auth.login_failed" in _actions(site, "nobody")


def test_password_reset_gives_an_initial_password_and_unlocks(site, admin, tech):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.authenticate(site, "tess", "wrong wrong wrong")
    users.reset_password(site, admin, "tess", "temporary-pass-9", "forgotten password")
    with pytest.raises(PasswordChangeRequired):
        users.authenticate(site, "tess", "temporary-pass-9")


def test_the_lockout_threshold_is_a_site_setting(site, admin, tech):
    from core.errors import DomainError
    from core.services.settings import set_setting, show_policy

    assert show_policy(site).lockout_attempts == 5
    with pytest.raises(DomainError, match="between 3 and 10"):
        set_setting(site, admin, "lockout_attempts", "1", "too strict")
    with pytest.raises(PermissionDenied):
        set_setting(site, tech, "lockout_attempts", "3", "I want it so")
    set_setting(site, admin, "lockout_attempts", "3", "site SOP-IT-004 rev 2")
    event = [e for e in audit_trail.events(site) if e.action == "setting.change"][-1]
    assert (event.old, event.new) == ('{"lockout_attempts":5}', '{"lockout_attempts":3}')
    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="left"):
            users.authenticate(site, "tess", "wrong password")
    with pytest.raises(AuthenticationFailed, match="locked"):
        users.authenticate(site, "tess", "wrong password")


def test_deactivation_with_the_admin_password_reauthenticates(site, admin, tech):
    with pytest.raises(AuthenticationFailed, match="Wrong password"):
        users.deactivate_user(site, admin, "tess", "left", admin_password="not it at all")
    assert [u.active for u in users.list_users(site) if u.username == "tess"] == [True]
    users.deactivate_user(site, admin, "tess", "left the site", admin_password=ADMIN_PASSWORD)
    assert [u.active for u in users.list_users(site) if u.username == "tess"] == [False]
