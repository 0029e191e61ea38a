"""Creating a site: its first admin, its certificate authority and, when given, its time zone."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.services import audit_trail, signing_keys
from core.services.settings import show_policy
from core.services.site import init_site
from tests.conftest import ADMIN_PASSWORD


def test_a_site_made_with_its_time_zone(tmp_path):
    db = init_site(
        f"sqlite:///{tmp_path / 'site.db'}",
        "ada",
        "Ada Admin",
        ADMIN_PASSWORD,
        time_zone="Europe/Berlin",
    )
    try:
        assert show_policy(db).time_zone == "Europe/Berlin"
        (event,) = audit_trail.events(db, action="setting.change")
        assert "Europe/Berlin" in event.new and event.user == "ada"
        assert signing_keys.ca_certificate_pem(db).startswith(b"-----BEGIN CERTIFICATE-----")
    finally:
        db.dispose()


def test_an_unknown_time_zone_leaves_nothing_behind(tmp_path):
    path = tmp_path / "site.db"
    with pytest.raises(DomainError, match="not a time zone"):
        init_site(f"sqlite:///{path}", "ada", "Ada Admin", ADMIN_PASSWORD, time_zone="Mars/Base")
    assert not path.exists()
