"""What a signer read: the meaning of an e-signature in the words they were shown and the
language they read it in, kept inside the signed statement (``"read": {"language", "text"}``).

The statement's ECDSA signature covers those words, so changing them (or the language) breaks
the signature; every reader is shown the words as signed, and a reader of another language a
translation beside them. A statement signed before the words were kept has none: its signer read
the source language (the only one then)."""

from __future__ import annotations

import json
from typing import Any

from core.i18n import LANGUAGES, SOURCE, _, language

KEY = "read"


def as_read(text: str) -> dict[str, str]:
    """The words shown to the signer now, in the language of the moment."""
    return {"language": language(), "text": text}


def read_of(statement: str | None) -> dict[str, Any] | None:
    """The words read as a stored statement holds them (None: kept before, or not JSON)."""
    try:
        read = json.loads(statement or "").get(KEY)
    except (ValueError, AttributeError):
        return None
    if not isinstance(read, dict):
        return None
    text, code = read.get("text"), read.get("language")
    if not isinstance(text, str) or not isinstance(code, str):
        return None
    return {"language": code, "text": text}


def as_signed(text: str, code: str, translation: str | None, quoted: bool = True) -> str:
    """Words as signed (a sentence in quotes, a label as it is); for a reader of another
    language, the language they were signed in and ``translation`` (the same meaning in the
    reader's words) beside them: “…” (signed in 한국어) — translation: “…”."""
    signed = f"“{text}”" if quoted else text
    if language() == code or not translation or translation == text:
        return signed
    return _("{signed} (signed in {language}) — translation: “{translation}”").format(
        signed=signed, language=LANGUAGES.get(code, code), translation=translation
    )


def words_read(statement: str | None, source_text: str) -> tuple[str, str]:
    """The words the signer read and their language; ``source_text`` (the source-language
    sentence) for a statement signed before the words were kept."""
    read = read_of(statement)
    if read is None:
        return source_text, SOURCE
    return read["text"], read["language"]
