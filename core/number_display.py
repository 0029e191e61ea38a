"""The decimal mark numbers are shown with: the site's choice (the ``decimal_mark`` setting:
point or comma), else the reader's language's own (a comma in German, a point in English, Korean
and Chinese). Entry accepts both marks whatever is shown (core.values).

Only what a person reads changes: stored values, rules and signed contents are canonical (a
point), and a text composed for the record (``in_language(SOURCE)``) keeps the point."""

from __future__ import annotations

import re
from functools import cache

from core.i18n import LOCALE_OF, SOURCE, block_language, language

_site_mark = "auto"  # the site's decimal_mark setting: auto | point | comma
_POINT_IN_NUMBER = re.compile(r"(?<=\d)\.(?=\d)")


def set_site_mark(mark: str) -> None:
    """The site's ``decimal_mark`` setting, applied once its database is open."""
    global _site_mark
    _site_mark = mark if mark in ("auto", "point", "comma") else "auto"


def shown_mark() -> str:
    """ "." or "," for numbers shown now."""
    block = block_language()
    if block == SOURCE:  # a text composed for the record
        return "."
    if _site_mark == "point":
        return "."
    if _site_mark == "comma":
        return ","
    return _mark_of(block or language())


@cache
def _mark_of(code: str) -> str:
    if code not in LOCALE_OF or code == SOURCE:
        return "."
    from babel.numbers import get_decimal_symbol

    return "," if get_decimal_symbol(LOCALE_OF[code]) == "," else "."


def with_shown_mark(text: str) -> str:
    """``text`` (numbers written with a point, as core writes them) with the decimal mark shown
    now: "7.2 %" → "7,2 %" for a comma reader; digits and everything else unchanged."""
    if shown_mark() == ".":
        return text
    return _POINT_IN_NUMBER.sub(",", text)
