"""Refusals name the input they are about (``DomainError.field``, a ``core.fields.Field``), the
same in every language, so a front can point at it without reading the words: the first-run
checks (username, full name, password, time zone), starting a batch (lot, chain-of-identity id)
and recording a hand-off (its time, location, scanned id, password)."""

from __future__ import annotations

import pytest

from core.auth.passwords import WeakPassword
from core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    DomainError,
    InvalidValue,
    PermissionDenied,
    ScanMismatch,
)
from core.fields import Field, about
from core.i18n import N_, set_language
from core.services import batches
from core.services.custody import record_custody
from core.services.settings import set_setting
from core.services.site import init_site
from core.services.users import create_user
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.core.test_custody import COI, LOT, _mini, _started

LANGUAGES = pytest.mark.parametrize("language", ["en", "pseudo"])


def _field_of(call, *args, **kwargs) -> str | None:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.field


# -- the error ------------------------------------------------------------------------------------


def test_an_error_names_its_field_when_given_one_and_none_otherwise():
    assert DomainError("No.").field is None
    assert DomainError("No.", field=Field.LOT).field == "lot"
    said = InvalidValue.said(N_("'{lot}' is wrong."), lot="X", keyword={"field": Field.LOT})
    assert (said.field, said.canonical) == (Field.LOT, "'X' is wrong.")
    denied = PermissionDenied("No.", username="tess", field=Field.PASSWORD)
    assert (denied.username, denied.field) == ("tess", "password")
    assert PermissionDenied("No.", "tess").field is None


def test_about_names_the_field_of_a_refusal_that_names_none_and_keeps_one_that_does():
    with pytest.raises(InvalidValue) as refused, about(Field.FULL_NAME):
        raise InvalidValue("Too long.")
    assert refused.value.field == Field.FULL_NAME
    with pytest.raises(DomainError) as refused, about(Field.FULL_NAME):
        raise DomainError("Taken.", field=Field.USERNAME)
    assert refused.value.field == Field.USERNAME
    with pytest.raises(ValueError), about(Field.LOT):
        raise ValueError("not a refusal: left as it is")


# -- first run ------------------------------------------------------------------------------------


@LANGUAGES
@pytest.mark.parametrize(
    ("username", "full_name", "password", "zone", "field"),
    [
        ("Olga Owner", "Olga Owner", ADMIN_PASSWORD, None, Field.USERNAME),
        ("ol\x1bga", "Olga Owner", ADMIN_PASSWORD, None, Field.USERNAME),
        ("olga", "Olga Owner", "olga-2026!", None, Field.PASSWORD),
        ("olga", "Olga Owner", "short", None, Field.PASSWORD),
        ("olga", "Ol", ADMIN_PASSWORD, None, Field.FULL_NAME),
        ("olga", "Olga\u202eOwner", ADMIN_PASSWORD, None, Field.FULL_NAME),
        ("olga", "Olga Owner", ADMIN_PASSWORD, "Mars/Olympus", Field.TIME_ZONE),
    ],
    ids=["username", "username_text", "password", "short_password", "full_name", "bidi", "zone"],
)
def test_creating_a_site_names_the_refused_input(
    tmp_path, language, username, full_name, password, zone, field
):
    set_language(language)
    path = tmp_path / "site.db"
    with pytest.raises(DomainError) as refused:
        init_site(f"sqlite:///{path}", username, full_name, password, time_zone=zone)
    assert refused.value.field == field
    assert not path.exists()
    if field == Field.PASSWORD:
        assert isinstance(refused.value, WeakPassword)


def test_creating_a_user_names_the_refused_input(site, admin):
    def create(username="ulla", full_name="Ulla User", password="initial-" + USER_PASSWORD):
        return create_user(site, admin, username, full_name, "technician", password)

    assert _field_of(create, username="Ulla User") == Field.USERNAME
    assert _field_of(create, full_name="U") == Field.FULL_NAME
    assert _field_of(create, full_name="Ulla\x07User") == Field.FULL_NAME
    assert _field_of(create, password="ulla-2026-pass") == Field.PASSWORD
    create()
    with pytest.raises(AlreadyExists) as taken:
        create()
    assert taken.value.field == Field.USERNAME


def test_an_unknown_site_time_zone_names_the_time_zone(site, admin):
    field = _field_of(set_setting, site, admin, "time_zone", "Mars/Olympus", "moved (CC-1)")
    assert field == Field.TIME_ZONE


# -- starting a batch -----------------------------------------------------------------------------


@LANGUAGES
def test_starting_a_batch_names_the_lot_or_the_chain_of_identity_id(site, tech, language):
    set_language(language)
    start = batches.start_batch
    assert _field_of(start, site, tech, "msc-expanded", "CT 42") == Field.LOT
    assert _field_of(start, site, tech, "msc-expanded", "CT-1", "C O I") == Field.COI_ID
    assert _field_of(start, site, tech, "cart-auto-lv", "CT-1") == Field.COI_ID  # autologous
    start(site, tech, "msc-expanded", "CT-1")
    with pytest.raises(AlreadyExists) as taken:
        start(site, tech, "aav-hek293", "CT-1")
    assert taken.value.field == Field.LOT


# -- recording a hand-off -------------------------------------------------------------------------


@pytest.fixture
def auto(site, admin, people, tmp_path):
    """Lot AUTO-1 with a custody plan, started by tess on 2026-11-02 09:00 in Berlin; the clock
    then reads 2026-11-12."""
    return _started(site, admin, people, tmp_path, _mini())


@LANGUAGES
@pytest.mark.parametrize(
    ("kind", "at", "extra", "field"),
    [
        ("shipped", "2026-11-12 09:30", {}, Field.OCCURRED_AT),  # in the future
        ("handoff", "2026-11-02 08:30", {}, Field.OCCURRED_AT),  # before the batch
        ("handoff", "3/11/2026 10:00", {}, Field.OCCURRED_AT),  # not the form taken
        ("handoff", "", {}, Field.OCCURRED_AT),
        ("handoff", "2026-11-03 10:00", {"location": " "}, Field.LOCATION),
        ("handoff", "2026-11-03 10:00", {"location": "Suite\x1bB"}, Field.LOCATION),
        ("handoff", "2026-11-03 10:00", {"coi_scanned": " "}, Field.COI_ID),
        ("handoff", "2026-11-03 10:00", {"coi_scanned": "COI-W999999000001"}, Field.COI_ID),
        ("received", "2026-11-02 08:30", {}, Field.PASSWORD),  # e-signed: no password
        ("received", "2026-11-02 08:30", {"password": "wrong-password-1"}, Field.PASSWORD),
    ],
    ids=[
        "future",
        "before",
        "form",
        "empty_time",
        "no_location",
        "location_text",
        "no_scan",
        "mismatch",
        "no_password",
        "wrong_password",
    ],
)
def test_recording_a_hand_off_names_the_refused_input(
    auto, people, language, kind, at, extra, field
):
    set_language(language)
    typed = {"coi_scanned": COI, "location": "Suite B", **extra}
    with pytest.raises(DomainError) as refused:
        record_custody(auto, people["tech"], LOT, kind, occurred_at=at, **typed)
    assert refused.value.field == field
    if "COI-W" in typed["coi_scanned"] and typed["coi_scanned"] != COI:
        assert isinstance(refused.value, ScanMismatch)
    if "password" in extra:
        assert isinstance(refused.value, AuthenticationFailed)
