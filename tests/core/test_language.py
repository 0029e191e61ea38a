"""The language a person reads Lotbook in: their own choice, else the site's, else English;
chosen by themselves only, audited; refused when Lotbook is not offered in it."""

from __future__ import annotations

import json

import pytest

from core.errors import InvalidValue
from core.services import audit_trail
from core.services.language import (
    chosen_languages,
    set_user_language,
    site_language,
    user_language,
)


def test_a_person_reads_the_sites_language_until_they_choose_their_own(site, people):
    tech = people["tech"]
    assert site_language(site) == "en" and user_language(site, "tess") == "en"
    assert set_user_language(site, tech, "ko_KR.UTF-8") == "ko"
    assert user_language(site, "tess") == "ko" and user_language(site, "vic") == "en"
    assert chosen_languages(site) == {"tess": "ko"}
    (event,) = [e for e in audit_trail.events(site) if e.action == "user.language"]
    assert event.user == "tess" and json.loads(event.new) == {"language": "ko"}
    assert json.loads(event.old) == {"language": None}
    set_user_language(site, tech, "ko")  # the same again: nothing to record
    assert len([e for e in audit_trail.events(site) if e.action == "user.language"]) == 1
    set_user_language(site, tech, "Deutsch")
    assert user_language(site, "tess") == "de"


@pytest.mark.parametrize("code", ["fr", "zh_TW", "pseudo", ""])
def test_a_language_lotbook_is_not_offered_in_is_refused(site, people, code):
    with pytest.raises(InvalidValue, match="한국어"):
        set_user_language(site, people["tech"], code)
    assert user_language(site, "tess") == "en"


def test_a_refusal_is_shown_in_the_readers_language_and_kept_in_the_records(site, people):
    """The audit trail stays one language: a role refusal shown in the reader's language is
    kept in the canonical one."""
    from core.errors import PermissionDenied
    from core.i18n import in_language, pseudo
    from core.services.users import deactivate_user

    with in_language("pseudo"), pytest.raises(PermissionDenied) as refused:
        deactivate_user(site, people["tech"], "vic", "no longer on the team")
    assert refused.value.message.startswith("[")
    english = "tess (technician) may not manage users. Ask a user whose role allows it."
    assert refused.value.message == pseudo(
        "{user} ({role}) may not {action}. Ask a user whose role allows it."
    ).format(
        user="tess", role=pseudo("technician"), action=pseudo("manage users")
    )  # fmt: skip  (the role and the right in the reader's words too)
    (event,) = [e for e in audit_trail.events(site) if e.action == "auth.denied"]
    assert event.reason == english


def test_the_site_language_is_an_audited_setting(site, admin, people):
    from core.services.settings import set_setting

    set_setting(site, admin, "language", "zh_CN.UTF-8", "the Shanghai site reads Chinese")
    assert site_language(site) == "zh_CN" and user_language(site, "tess") == "zh_CN"
    set_user_language(site, people["tech"], "en")
    assert user_language(site, "tess") == "en" and user_language(site, "vic") == "zh_CN"
    with pytest.raises(InvalidValue, match="not a language"):
        set_setting(site, admin, "language", "fr", "no")
    assert site_language(site) == "zh_CN"
