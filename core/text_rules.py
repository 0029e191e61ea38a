"""The one rule for free text a person gives (reasons, comments, descriptions, names, text values).

``clean_text`` returns the text in Unicode NFC with its whitespace runs folded into single spaces
(as every such field has been kept), or refuses it with a one-line ``InvalidValue`` that names
the character and its position: control characters, terminal escape sequences, bidirectional
overrides and isolates (they make stored text read in another order than it is kept), values
that are empty or invisible once whitespace and zero-width characters are removed, and text
longer than its kind allows. ``visible`` renders text already stored (by an older Lotbook) with
such characters shown, never obeyed, for a terminal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.errors import InvalidValue
from core.i18n import N_, _


@dataclass(frozen=True)
class TextKind:
    """A kind of free text: how a refusal names it (marked ``N_()``, translated where a refusal
    says it), and its length limit in characters."""

    name: str
    limit: int


USERNAME = TextKind(N_("username"), 64)  # the column's length
FULL_NAME = TextKind(N_("full name"), 200)  # the column's length
REASON = TextKind(N_("reason"), 2_000)
COMMENT = TextKind(N_("comment"), 2_000)
DESCRIPTION = TextKind(N_("description"), 10_000)
CONCLUSION = TextKind(N_("conclusion"), 10_000)
TEXT_VALUE = TextKind(N_("value"), 500)
PHYSICIAN = TextKind(N_("physician's notification"), 2_000)
SITE_NAME = TextKind(N_("site name (the database's name)"), 46)  # in the CA's 64-character name

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BIDI = {  # each in words, translated where a refusal names it
    "\u202a": N_("a left-to-right embedding"),
    "\u202b": N_("a right-to-left embedding"),
    "\u202c": N_("a pop directional formatting"),
    "\u202d": N_("a left-to-right override"),
    "\u202e": N_("a right-to-left override"),
    "\u2066": N_("a left-to-right isolate"),
    "\u2067": N_("a right-to-left isolate"),
    "\u2068": N_("a first strong isolate"),
    "\u2069": N_("a pop directional isolate"),
}
_FOLDED = "\t\n\r\v\f"  # whitespace controls: folded into a space like any other whitespace
_BLANKS = "\u115f\u1160\u3164\uffa0\u2800"  # fillers that show as nothing


def clean_text(text: str, kind: TextKind) -> str:
    """``text`` as it is kept (NFC, whitespace folded, trimmed), or an ``InvalidValue``."""
    kept = " ".join(unicodedata.normalize("NFC", text).split()).strip(ZERO_WIDTH + " ")
    name = _(kind.name)
    if len(kept) > kind.limit:
        raise InvalidValue(
            _("The {name} has {n} characters; at most {limit} are kept. Shorten it.").format(
                name=name, n=len(kept), limit=kind.limit
            )
        )
    problem = first_problem(text)
    if problem is not None:
        raise InvalidValue(
            _("The {name} contains {problem}: remove it and type it again.").format(
                name=name, problem=problem
            )
        )
    if all(_invisible(c) for c in kept):
        if not text.strip():
            raise InvalidValue(_("The {name} is empty: type it.").format(name=name))
        raise InvalidValue(
            _(
                "The {name} is made only of invisible characters (zero-width spaces or the "
                "like): type it in visible characters."
            ).format(name=name)
        )
    return kept


def optional_text(text: str | None, kind: TextKind) -> str | None:
    """As ``clean_text``, but nothing (None, or only whitespace) is None, not a refusal."""
    if text is None or not text.strip():
        return None
    return clean_text(text, kind)


def first_problem(text: str) -> str | None:
    """The first character a free text may not hold, in words with its 1-based position."""
    for index, char in enumerate(text, start=1):
        if char in _FOLDED:
            continue
        code = ord(char)
        if char == "\x1b":
            return _("a terminal escape sequence (ESC, U+001B) at character {index}").format(
                index=index
            )
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return _("a control character (U+{code:04X}) at character {index}").format(
                code=code, index=index
            )
        if char in _BIDI:
            return _("{what} (U+{code:04X}) at character {index}, which reorders text").format(
                what=_(_BIDI[char]), code=code, index=index
            )
        if _invalid(code):
            return _("an invalid character (U+{code:04X}) at character {index}").format(
                code=code, index=index
            )
    return None


def _invalid(code: int) -> bool:
    """A lone surrogate or a noncharacter that ends a plane's BMP (U+FFFE, U+FFFF)."""
    return 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANKS or unicodedata.category(char) == "Cf"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """``text`` safe for a terminal: control characters shown as their symbols (ESC as ␛), C1
    controls, bidirectional controls, lone surrogates and U+FFFE/U+FFFF as \\uXXXX.
    ``keep_lines`` keeps newlines and tabs (a message of several lines); otherwise they are shown
    too."""
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text  # the common case, at C speed
    out = []
    for char in text:
        code = ord(char)
        if keep_lines and char in "\n\t":
            out.append(char)
        elif code < 0x20:
            out.append(chr(0x2400 + code))  # ␀ … ␟ (␛ for ESC)
        elif code == 0x7F:
            out.append("\u2421")  # ␡
        elif 0x80 <= code <= 0x9F or char in _BIDI or _invalid(code):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
