"""Lotbook in the reader's language: one gettext catalogue (domain ``lotbook``) for core, the CLI
and the GUI, its sources in ``resources/locale/<language>/LC_MESSAGES/lotbook.po`` (compiled to
``.mo`` by ``make translations``), the regulated terms fixed in ``resources/locale/glossary.csv``.

- ``_("Lot {lot} is locked.").format(lot=lot)``: a sentence shown to a person, translated when it
  is shown. Placeholders are named (``{lot}``), never an f-string inside ``_()``: a translator
  moves them, and the catalogue finds the sentence (ruff's INT rules refuse the f-string).
- ``ngettext("{n} value", "{n} values", n)``: a sentence that depends on a count.
- ``N_("Pass")``: marked for the catalogue where it is defined (a table of words), translated
  where it is shown (``core.words.Words`` does it on every look-up).
- What is stored stays canonical: values, units, ids, action codes and the audit trail are
  language-neutral, and a text Lotbook composes to store (a deviation it opens, an audit detail)
  is composed ``in_language(SOURCE)``. An e-signature's statement is stored as the signer read it.

The language is the process's (``set_language``: the GUI's user at log-in, the CLI's ``--lang`` or
``LANG``), or the one a block asks for (``in_language``: a PDF exported in another language); it
follows a block into the worker thread that runs it only when set inside it.

``pseudo`` is a test language: every translated sentence comes back accented, 40 % longer and in
brackets (``[Ŀöţ {lot} ĩš ļöçķéð·····]``), placeholders, markup and mnemonics kept, so a test can
see any visible English that escaped the catalogue, and any layout that cannot take longer words.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "lotbook"
SOURCE = "en"  # the language the sentences are written in, and the canonical record's
PSEUDO = "pseudo"
# The languages offered, each in its own words (what a person picks from)
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "ko": "한국어",
    "zh_CN": "简体中文",
}
# Locale names for dates and numbers (Babel) and Qt's own translations (qtbase_<name>.qm)
LOCALE_OF: dict[str, str] = {"en": "en_GB", "de": "de_DE", "ko": "ko_KR", "zh_CN": "zh_Hans_CN"}
QT_NAME: dict[str, str] = {"en": "en", "de": "de", "ko": "ko", "zh_CN": "zh_CN"}

_process_language = SOURCE
_block_language: ContextVar[str | None] = ContextVar("lotbook_language", default=None)


def locale_dir() -> Path:
    """The compiled catalogues, in the source tree or the frozen bundle."""
    from core.version import app_root

    return app_root() / "resources" / "locale"


def language_of(text: str | None) -> str | None:
    """The offered language ``text`` names — a code ("de", "zh_CN", "pseudo"), a POSIX locale
    ("ko_KR.UTF-8", "zh_CN.utf8", "de_AT@euro") or a name ("Deutsch") — else None."""
    if not text:
        return None
    typed = text.strip()
    if typed == PSEUDO:
        return PSEUDO
    for code, name in LANGUAGES.items():
        if typed.casefold() in (code.casefold(), name.casefold()):
            return code
    base = re.split(r"[.@]", typed, maxsplit=1)[0].replace("-", "_")
    if base.casefold() in ("zh_cn", "zh_sg", "zh_hans", "zh_hans_cn", "zh"):
        return "zh_CN"
    if base.casefold().startswith("zh"):
        return None  # Traditional Chinese is not offered: never shown as Simplified
    short = base.split("_", 1)[0].casefold()
    return short if short in LANGUAGES else None


def from_environment(environ: dict[str, str]) -> str | None:
    """The language the environment asks for, as gettext reads it: LANGUAGE (a list), LC_ALL,
    LC_MESSAGES, LANG; the first offered one wins. "C" and "POSIX" ask for none."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key, "")
        for part in value.split(":"):
            if part in ("C", "POSIX", "C.UTF-8", "C.utf8"):
                return None
            found = language_of(part)
            if found is not None:
                return found
    return None


def set_language(code: str) -> str:
    """Make ``code`` the process's language (an offered one or ``pseudo``); returns it."""
    global _process_language
    found = language_of(code)
    if found is None:
        offered = ", ".join(f"{c} ({n})" for c, n in LANGUAGES.items())
        raise ValueError(f"'{code}' is not a language Lotbook is offered in: {offered}.")
    _process_language = found
    return found


def language() -> str:
    """The language sentences are shown in now."""
    return _block_language.get() or _process_language


def block_language() -> str | None:
    """The language of an ``in_language`` block around this code, if any (a canonical text is
    composed in ``in_language(SOURCE)``)."""
    return _block_language.get()


@contextmanager
def in_language(code: str) -> Iterator[str]:
    """Within the block (in this thread), sentences are in ``code``: a PDF exported in the
    language chosen for it, or a stored text composed in the canonical language."""
    found = language_of(code)
    if found is None:
        raise ValueError(f"'{code}' is not a language Lotbook is offered in.")
    token = _block_language.set(found)
    try:
        yield found
    finally:
        _block_language.reset(token)


def _(message: str) -> str:
    """``message`` in the language of the moment."""
    return catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is shown."""
    return message


def first_upper(text: str) -> str:
    """``text`` with its first character raised and the rest as written: a translated word or
    sentence that opens a line or a cell ("freigabe durch QA" → "Freigabe durch QA"), where
    ``str.capitalize`` would lower the rest ("Freigabe durch qa", a German noun in lower case)."""
    return text[:1].upper() + text[1:]


@cache
def catalogue(code: str) -> gettext.NullTranslations:
    if code == SOURCE:
        return gettext.NullTranslations()
    if code == PSEUDO:
        return PseudoTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[code], fallback=True)


# -- the pseudo-language --------------------------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥĩĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤĨĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# kept as they are: {placeholders}, %(name)s / %s, <markup> and &entities;, a mnemonic's & and the
# letter after it, line breaks
_KEPT = re.compile(r"(\{[^{}]*\}|%\(\w+\)[sdif]|%[sdif]|<[^<>]+>|&\w+;|&&|&\w|\n)")
PAD = "·"


def pseudo(message: str) -> str:
    """``message`` accented, 40 % longer and bracketed (see the module's docstring)."""
    if not message:
        return message
    parts = _KEPT.split(message)
    shown = "".join(p if i % 2 else p.translate(_ACCENTED) for i, p in enumerate(parts))
    return f"[{shown}{PAD * max(1, round(len(message) * 0.4))}]"


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)
