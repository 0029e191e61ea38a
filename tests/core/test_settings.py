"""Site settings: changed together or not at all, each audited, and with the administrator's
password when it is given (as the GUI always does)."""

from __future__ import annotations

import pytest

from core.errors import AuthenticationFailed, DomainError
from core.services import audit_trail, settings, users
from tests.conftest import ADMIN_PASSWORD


def test_settings_change_together_with_one_event_each(site, admin):
    policy = settings.change_settings(
        site,
        admin,
        {"time_zone": "Europe/Berlin", "decimal_mark": "comma", "idle_lock_minutes": "7"},
        "cleanroom B goes live",
        admin_password=ADMIN_PASSWORD,
    )
    assert (policy.time_zone, policy.decimal_mark, policy.idle_lock_minutes) == (
        "Europe/Berlin",
        "comma",
        7,
    )
    events = audit_trail.events(site, action="setting.change")
    assert sorted(e.entity_id for e in events) == ["decimal_mark", "idle_lock_minutes", "time_zone"]
    assert {e.reason for e in events} == {"cleanroom B goes live"}
    assert audit_trail.verify(site).intact


def test_one_bad_value_changes_nothing(site, admin):
    with pytest.raises(DomainError, match="not a time zone"):
        settings.change_settings(
            site, admin, {"idle_lock_minutes": "7", "time_zone": "Mars/Olympus"}, "two at once"
        )
    assert settings.show_policy(site).idle_lock_minutes == 10
    assert not audit_trail.events(site, action="setting.change")


def test_a_wrong_administrator_password_changes_nothing_and_counts(site, admin):
    with pytest.raises(AuthenticationFailed):
        settings.change_settings(
            site, admin, {"idle_lock_minutes": "7"}, "shorter", admin_password="not it"
        )
    assert settings.show_policy(site).idle_lock_minutes == 10
    failed = audit_trail.events(site, action="auth.login_failed")
    assert failed and failed[-1].entity_id == admin.username


def test_adding_a_user_with_a_wrong_administrator_password_adds_nobody(site, admin):
    with pytest.raises(AuthenticationFailed):
        users.create_user(
            site, admin, "nina", "Nina New", "technician", "initial-pass-42", admin_password="x"
        )
    assert "nina" not in [u.username for u in users.list_users(site)]
    made = users.create_user(
        site,
        admin,
        "nina",
        "Nina New",
        "technician",
        "initial-pass-42",
        admin_password=ADMIN_PASSWORD,
    )
    assert made.username == "nina"
