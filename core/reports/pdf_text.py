"""Writing text straight into a page's content stream in reportlab's font subsets (one text
object per table part, fonts and colours set only when they change)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics

if TYPE_CHECKING:
    from reportlab.lib.colors import Color


_RGB: dict[int, tuple[Color, str]] = {}


def rgb_operands(colour: Color) -> str:
    """ "r g b" of an opaque colour (cached: the same few colours are set again and again)."""
    found = _RGB.get(id(colour))
    if found is None or found[0] is not colour:
        r, g, b = colour.rgb()
        found = _RGB[id(colour)] = (colour, f"{r:.3f} {g:.3f} {b:.3f}")
    return found[1]


class _Encoder:
    """How text is written in one document's font subsets (reportlab subsets TrueType fonts
    256 glyphs at a time; ASCII is always in subset 0 under its own code)."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.names: dict[tuple[str, int], str] = {}
        self.chars: dict[str, dict[str, tuple[int, str]]] = {}
        # per font: the subset-0 characters not written as themselves → how they are written
        self.zero: dict[str, dict[str, str]] = {}

    def name(self, font: str, subset: int) -> str:
        key = (font, subset)
        found = self.names.get(key)
        if found is None:
            found = pdfmetrics.getFont(font).getSubsetInternalName(subset, self.doc)
            self.names[key] = found
        return found

    def encode(self, font: str, text: str) -> list[tuple[int, str]]:
        """``text`` as (subset, PDF string literal body) pieces."""
        zero = self.zero.get(font)
        if zero is None and getattr(pdfmetrics.getFont(font), "_asciiReadable", False):
            # the font's state for this document, where ASCII has codes of its own in subset 0
            self.name(font, 0)
            zero = self.zero[font] = {"\\": "\\\\", "(": "\\(", ")": "\\)"}
        if zero is not None:
            literal = subset_zero(zero, text)
            if literal is not None:
                return [(0, literal)]
        table = self.chars.get(font)
        if table is None:
            table = self.chars[font] = {}
        out: list[tuple[int, str]] = []
        subset = -1
        parts: list[str] = []
        for ch in text:
            found = table.get(ch)
            if found is None:
                found = table[ch] = self._assign(font, ch)
            if found[0] != subset:
                if parts:
                    out.append((subset, "".join(parts)))
                subset, parts = found[0], []
            parts.append(found[1])
        if parts:
            out.append((subset, "".join(parts)))
        return out

    def _assign(self, font: str, ch: str) -> tuple[int, str]:
        ((subset, code),) = pdfmetrics.getFont(font).splitString(ch, self.doc)
        literal = escapePDF(code)
        zero = self.zero.get(font)
        if zero is not None and subset == 0 and _SPECIAL.match(ch):
            zero[ch] = literal
        return subset, literal


# what is not written as itself in a PDF string: all but printable ASCII, and ( ) \
_SPECIAL = re.compile(r"[^ -'*-\[\]-~]")


def subset_zero(zero: dict[str, str], text: str) -> str | None:
    """``text`` as a PDF string literal body if all of it is in subset 0 (None if not)."""
    try:
        return _SPECIAL.sub(lambda m: zero[m.group()], text)
    except KeyError:
        return None


def encoder_for(canvas) -> _Encoder:
    doc = canvas._doc
    found = getattr(doc, "_fast_table_encoder", None)
    if found is None:
        found = doc._fast_table_encoder = _Encoder(doc)
    return found
