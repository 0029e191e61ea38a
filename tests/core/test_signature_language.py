"""An e-signature keeps the meaning's sentence exactly as the signer read it, in their language:
shown as signed to every reader, with a translation beside it for a reader of another language;
the words are inside the signed statement, so changing them breaks the signature."""

from __future__ import annotations

import json

from core.i18n import in_language
from core.services import trail_verification
from core.services.signing import sign
from core.signatures import READ_STATEMENT_VERSION
from core.signing_views import MEANING_STATEMENT, Meaning, signed_words
from tests.conftest import USER_PASSWORD as PW
from tests.core.test_signatures import STEP, _record_step0, _step
from tests.raw_db import raw_sql, without_guards

ENGLISH = MEANING_STATEMENT.raw[Meaning.VERIFIED]


def _verified_in(site, people, lot, code: str):
    _record_step0(site, people["tech"], lot)
    with in_language(code):
        korean = MEANING_STATEMENT[Meaning.VERIFIED]
        signed = sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    return signed, korean


def test_the_statement_is_kept_as_the_signer_read_it(site, people, lot):
    signed, korean = _verified_in(site, people, lot, "ko")
    assert korean != ENGLISH and any("\uac00" <= ch <= "\ud7a3" for ch in korean)
    assert (signed.statement, signed.statement_language) == (korean, "ko")
    ((statement,),) = raw_sql(site, "SELECT statement FROM signature")
    data = json.loads(statement)
    assert data["v"] == READ_STATEMENT_VERSION
    assert data["read"] == {"language": "ko", "text": korean}


def test_a_reader_of_another_language_sees_it_as_signed_with_a_translation(site, people, lot):
    _signed, korean = _verified_in(site, people, lot, "ko")
    (sig,) = _step(site, lot).signatures  # read in English (the tests' language)
    assert sig.valid
    assert sig.statement == korean  # never re-worded for the reader
    assert sig.statement_translation == ENGLISH
    shown = signed_words(sig)
    assert shown.startswith(f"“{korean}”") and "한국어" in shown and ENGLISH in shown
    with in_language("de"):
        (sig,) = _step(site, lot).signatures
        german = MEANING_STATEMENT[Meaning.VERIFIED]
        assert sig.statement == korean and sig.statement_translation == german != ENGLISH
    with in_language("ko"):
        (sig,) = _step(site, lot).signatures
        assert sig.statement_translation is None and signed_words(sig) == f"“{korean}”"


def test_changing_the_words_read_breaks_the_signature(site, people, lot):
    _signed, korean = _verified_in(site, people, lot, "ko")
    ((statement,),) = raw_sql(site, "SELECT statement FROM signature")
    altered = statement.replace(json.dumps(korean, ensure_ascii=False)[1:-1], "I read nothing.")
    assert altered != statement
    without_guards(site, "signature", "UPDATE signature SET statement = :s", {"s": altered})
    (sig,) = _step(site, lot).signatures
    assert sig.state == "broken"


def test_claiming_another_language_breaks_the_signature(site, people, lot):
    _verified_in(site, people, lot, "ko")
    ((statement,),) = raw_sql(site, "SELECT statement FROM signature")
    altered = statement.replace('"language":"ko"', '"language":"en"')
    assert altered != statement
    without_guards(site, "signature", "UPDATE signature SET statement = :s", {"s": altered})
    (sig,) = _step(site, lot).signatures
    assert sig.state == "broken"


def test_a_signature_read_in_english_has_no_translation_for_an_english_reader(site, people, lot):
    _record_step0(site, people["tech"], lot)
    sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    (sig,) = _step(site, lot).signatures
    assert (sig.statement, sig.statement_language) == (ENGLISH, "en")
    assert sig.statement_translation is None
    with in_language("zh_CN"):
        (sig,) = _step(site, lot).signatures
        assert sig.statement == ENGLISH
        assert sig.statement_translation == MEANING_STATEMENT[Meaning.VERIFIED] != ENGLISH


def test_a_statement_signed_before_the_words_were_kept_still_verifies(site, people, lot):
    """Signatures made before version 2 carry no words: they verify as before and show the
    source sentence (every signer read English then)."""
    from core.signatures import StatementFields, statement_text

    fields = StatementFields(
        lot="L",
        scope="batch",
        meaning="REVIEWED",
        signer="s",
        signer_name="S",
        signer_role="qa",
        signed_at=_now(),
        content_sha256="0" * 64,
        disposition=None,
        reason=None,
        certificate_serial="1",
    )
    data = json.loads(statement_text(fields))
    assert data["v"] == 1 and "read" not in data


def _now():
    from datetime import UTC, datetime

    return datetime(2026, 12, 5, tzinfo=UTC)


def test_the_trail_verifies_with_statements_in_several_languages(site, people, lot):
    _verified_in(site, people, lot, "zh_CN")
    report = trail_verification.verify_trail(site)
    assert report.intact and report.anchors >= 1, report.summary()
