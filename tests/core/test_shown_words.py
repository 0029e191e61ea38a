"""Words put into a translated sentence are shown in the reader's language and case: a refusal
by role names the role and the permission in words while the audit trail keeps them in English;
a word that opens a sentence keeps the capital letters its translation has (never lowered by
``capitalize``); a disposition inside a sentence is its own word, not a lowered heading."""

from __future__ import annotations

import gettext

import pytest

import core.i18n
from core.auth.roles import PERMISSION_WORDS, ROLE_WORDS, Permission, Role, require, role_words
from core.errors import DomainError, PermissionDenied
from core.i18n import _, first_upper, in_language, pseudo
from core.services import audit_trail
from core.services.dispositions import required_details
from core.services.review import review_batch
from core.services.users import create_user
from core.states import Disposition
from core.words import DISPOSITION_LABEL, DISPOSITION_WORDS
from tests.conftest import USER_PASSWORD as PW
from tests.core.test_custody import LOT, _record
from tests.raw_db import without_guards

# German words the catalogue may not hold yet (the lead translates new words): the test sees them
# only where the catalogue still answers with the English.
GERMAN = {
    "technician": "Techniker",
    "manage users": "Benutzer verwalten",
    "exceptional release (out of specification)": "Ausnahmefreigabe (außerhalb der Spezifikation)",
}


class _Completed(gettext.NullTranslations):
    def __init__(self, real: gettext.NullTranslations) -> None:
        super().__init__()
        self.real = real

    def gettext(self, message: str) -> str:
        found = self.real.gettext(message)
        return GERMAN.get(message, found) if found == message else found


@pytest.fixture
def german(monkeypatch):
    real = core.i18n.catalogue
    completed = _Completed(real("de"))
    monkeypatch.setattr(
        core.i18n, "catalogue", lambda code: completed if code == "de" else real(code)
    )


# -- roles and permissions ------------------------------------------------------------------------


def test_every_role_and_permission_has_its_words_in_the_english_of_its_value():
    assert {Role(r) for r in ROLE_WORDS} == set(Role)
    assert all(ROLE_WORDS.raw[r] == r.value for r in Role)
    assert {Permission(p) for p in PERMISSION_WORDS} == set(Permission)
    assert all(PERMISSION_WORDS.raw[p] == p.value for p in Permission)
    assert role_words("auditor") == "auditor"  # one Lotbook does not know: as stored


def test_a_refusal_by_role_shows_german_words_and_keeps_english(german):
    with in_language("de"), pytest.raises(PermissionDenied) as refused:
        require("technician", Permission.MANAGE_USERS, "tess")
    message = str(refused.value)
    assert message.startswith("tess (Techniker) darf nicht Benutzer verwalten.")
    assert "technician" not in message and "manage users" not in message
    assert refused.value.canonical == (
        "tess (technician) may not manage users. Ask a user whose role allows it."
    )
    assert refused.value.username == "tess"
    with in_language("de"), pytest.raises(PermissionDenied) as refused:
        require("technician", Permission.MANAGE_USERS)
    assert str(refused.value).startswith("Die Rolle Techniker darf nicht Benutzer verwalten.")
    assert refused.value.canonical.startswith("The technician role may not manage users.")


def test_the_pseudo_language_shows_the_role_and_permission_words_translated():
    with in_language("pseudo"), pytest.raises(PermissionDenied) as refused:
        require("qa", Permission.KEEP_SYSTEM, "quinn")
    message = str(refused.value)
    assert f"({pseudo('qa')})" in message
    assert pseudo("keep the system (clock incidents, backups, checkpoints)") in message
    assert refused.value.canonical == (
        "quinn (qa) may not keep the system (clock incidents, backups, checkpoints). Ask a user "
        "whose role allows it."
    )
    with in_language("pseudo"):
        assert role_words("supervisor") == pseudo("supervisor")
        assert role_words("supervisor").startswith("[") and role_words("supervisor").endswith("]")


def test_the_audit_trail_keeps_a_denial_in_english_whatever_the_readers_language(site, people):
    with in_language("pseudo"), pytest.raises(PermissionDenied) as refused:
        create_user(site, people["qa"], "nora", "Nora New", "technician", PW)
    assert pseudo("qa") in str(refused.value)
    reasons = [e.reason for e in audit_trail.events(site, action="auth.denied")]
    assert "quinn (qa) may not manage users. Ask a user whose role allows it." in reasons
    assert not any("[" in (r or "") for r in reasons)


# -- case -----------------------------------------------------------------------------------------


def test_first_upper_raises_the_first_letter_only():
    assert first_upper("in der Herstellung eingegangen") == "In der Herstellung eingegangen"
    assert first_upper("freigabe durch QA") == "Freigabe durch QA"
    assert first_upper("QK-Probe entnommen") == "QK-Probe entnommen"
    assert first_upper("") == ""


def test_a_disposition_in_a_sentence_keeps_its_german_capitals(german):
    with in_language("de"), pytest.raises(DomainError) as refused:
        required_details(Disposition.EXCEPTIONAL_RELEASE, None, None)
    message = str(refused.value)
    assert "„Ausnahmefreigabe (außerhalb der Spezifikation)“" in message
    assert "ausnahmefreigabe" not in message
    # in English the sentence reads as it did: the in-sentence word, not the heading lowered
    with pytest.raises(DomainError) as refused:
        required_details(Disposition.EXCEPTIONAL_RELEASE, None, None)
    assert str(refused.value) == (
        "An exceptional release (out of specification) names the deviation it rests on."
    )
    assert all(DISPOSITION_WORDS.raw[d] == DISPOSITION_LABEL.raw[d].lower() for d in Disposition)


def test_a_custody_kind_opening_a_review_item_keeps_its_german_capitals(auto, people):
    _record(auto, people["tech"], "received", "2026-11-02 08:30", password=PW)
    without_guards(auto, "custody_event", "UPDATE custody_event SET location = 'Suite C'")
    with in_language("de"):
        titles = [i.title for i in review_batch(auto, LOT).items]
        expected = _("{kind}: e-signature not valid").format(kind=_("received at manufacturing"))
    assert expected.startswith("in der Herstellung")  # the catalogue's words, lower case first
    assert "In der Herstellung eingegangen: elektronische Unterschrift nicht gültig" in titles
    assert not any("herstellung" in t for t in titles)
    english = [i.title for i in review_batch(auto, LOT).items]
    assert "Received at manufacturing: e-signature not valid" in english


@pytest.fixture
def auto(site, admin, people, tmp_path):
    from tests.core.test_custody import _mini, _started

    return _started(site, admin, people, tmp_path, _mini())
