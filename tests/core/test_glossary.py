"""The regulated terms are translated one way everywhere: each catalogue gives a glossary term
(resources/locale/glossary.csv) exactly the glossary's translation where the term is a whole
sentence (a verdict, a disposition, a signature meaning, a role), and the terms that name a
record (audit trail, e-signature, deviation, chain of identity …) carry the glossary's word in
every Korean and Chinese sentence that names them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("de", "ko", "zh_CN")
# Terms whose glossary word must appear wherever a Korean or Chinese sentence uses the term
# (German inflects and compounds them: it is held to whole sentences only)
NAMED_EVERYWHERE = ("audit trail", "e-signature", "deviation", "chain of identity")


def _glossary() -> list[dict[str, str]]:
    with (ROOT / "resources/locale/glossary.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _catalogue(code: str) -> dict[str, str]:
    with (ROOT / "resources/locale" / code / "LC_MESSAGES/lotbook.po").open("rb") as f:
        catalog = read_po(f)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)}


def test_the_glossary_names_every_language_for_every_term():
    rows = _glossary()
    assert len(rows) >= 40
    for row in rows:
        for code in LANGUAGES:
            assert row[code].strip(), f"{row['term']}: no {code}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_term_that_is_a_whole_sentence_is_translated_as_the_glossary_says(code):
    catalogue = _catalogue(code)
    wrong = [
        f"{row['term']!r} → {catalogue[row['term']]!r}, glossary {row[code]!r}"
        for row in _glossary()
        if row["term"] in catalogue and catalogue[row["term"]] != row[code]
    ]
    assert wrong == []


@pytest.mark.parametrize("code", ["ko", "zh_CN"])
def test_a_record_named_in_a_sentence_carries_the_glossary_word(code):
    catalogue = _catalogue(code)
    words = {row["term"]: row[code] for row in _glossary()}
    wrong = []
    for term in NAMED_EVERYWHERE:
        pattern = re.compile(rf"\b{re.escape(term)}s?\b", re.IGNORECASE)
        for source, translated in catalogue.items():
            words_of_source = re.sub(r"\{[^{}]*\}", "", source)  # placeholders are not words
            if pattern.search(words_of_source) and words[term] not in translated:
                wrong.append(f"{term}: {source!r} → {translated!r}")
    assert wrong == []
