"""The translation mechanism (core/i18n.py): the language of the moment, for the process and for
a block; the pseudo-language that shows any sentence that escaped the catalogue; the words tables
translated at every look-up; the catalogues kept up to date with the code (make translations)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import i18n
from core.i18n import _, in_language, language, language_of, pseudo, set_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    set_language("en")


def test_pseudo_keeps_placeholders_markup_and_mnemonics_and_is_longer():
    source = "&Kind of lot {lot}: <b>{n}</b> labels, %s\nnext"
    shown = pseudo(source)
    assert shown.startswith("[") and shown.endswith("]")
    for kept in ("{lot}", "<b>", "{n}", "</b>", "%s", "\n", "&K"):
        assert kept in shown
    assert not re.search(r"[a-z]{3}", re.sub(r"\{[^}]*\}|<[^>]*>|%s", "", shown))
    assert len(shown) - 2 >= 1.4 * len(source) - 1  # 40 % longer, brackets aside
    assert shown.format(lot="CT-1", n=3).count("CT-1") == 1  # still a format string


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("de", "de"),
        ("de_DE.UTF-8", "de"),
        ("de_AT@euro", "de"),
        ("ko_KR.UTF-8", "ko"),
        ("zh_CN.utf8", "zh_CN"),
        ("zh-Hans", "zh_CN"),
        ("zh_TW.UTF-8", None),  # Traditional Chinese is not offered, never shown as Simplified
        ("Deutsch", "de"),
        ("한국어", "ko"),
        ("fr_FR.UTF-8", None),
        ("", None),
        ("pseudo", "pseudo"),
    ],
)
def test_a_language_is_found_from_a_code_a_locale_or_its_name(typed, code):
    assert language_of(typed) == code


def test_the_environment_is_read_as_gettext_reads_it():
    assert i18n.from_environment({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert i18n.from_environment({"LANGUAGE": "fr:de", "LANG": "ko_KR.UTF-8"}) == "de"
    assert i18n.from_environment({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}) is None
    assert i18n.from_environment({}) is None


def test_an_unknown_language_is_refused_naming_the_offered_ones():
    with pytest.raises(ValueError, match="Deutsch"):
        set_language("fr")
    assert language() == "en"


def test_a_block_has_its_own_language_and_the_process_keeps_its_own():
    from core.words import STATUS_SHORT, VERDICT_WORDS

    assert VERDICT_WORDS["pass"] == "Pass"
    set_language("pseudo")
    assert VERDICT_WORDS["pass"] == pseudo("Pass") and _("Lot") == pseudo("Lot")
    with in_language("en"):  # a stored text is composed in the canonical language
        assert VERDICT_WORDS["pass"] == "Pass"
        assert STATUS_SHORT["released"] == "Released"  # a table built on another: raw words
    assert language() == "pseudo" and STATUS_SHORT["released"] == pseudo("Released")


def test_the_catalogues_are_up_to_date_with_the_code():
    """Every marked sentence is in the template and each language's catalogue, and every .mo is
    compiled from its .po: `make translations` leaves nothing to change."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def test_times_are_written_as_the_readers_language_writes_them(monkeypatch):
    import time
    from datetime import UTC, datetime

    from core.clock import local_text

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    monkeypatch.setattr("core.clock.local_zone_name", lambda: "Europe/Berlin")
    try:
        when = datetime(2026, 12, 5, 7, 43, tzinfo=UTC)
        assert local_text(when) == "2026-12-05 08:43:00 CET (UTC+01:00)"
        expected = {
            "de": "05.12.2026 08:43:00 MEZ (UTC+01:00)",
            "ko": "2026. 12. 5. 08:43:00 중부유럽 표준시 (UTC+01:00)",
            "zh_CN": "2026年12月5日 08:43:00 中欧标准时间 (UTC+01:00)",
        }
        for code, text in expected.items():
            with in_language(code):
                assert local_text(when) == text
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
