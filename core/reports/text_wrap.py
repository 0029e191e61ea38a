"""Word wrapping for the fast report tables: glyph widths cached per font, over-long tokens
(hashes, JSON) broken anywhere, lines capped with "…", runs of text with their own font and
colour (a bold first line, a verdict word in dark red)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.reports.fonts import SANS, SANS_BOLD, fallback_font, register_fonts

register_fonts()

from reportlab.pdfbase import pdfmetrics  # noqa: E402

if TYPE_CHECKING:
    from reportlab.lib.colors import Color

ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a cell's text in its own font and colour (None: the column's)."""

    text: str
    font: str | None = None
    colour: Color | None = None


def bold(text: str, colour: Color | None = None) -> Run:
    return Run(text, SANS_BOLD, colour)


Cell = str | Sequence[Run]


def bold_first_line(first: str, rest: str = "") -> tuple[Run, ...]:
    """A cell whose first line is bold ("CHECK-ID" over the check's name)."""
    if not rest:
        return (Run(first, SANS_BOLD),)
    return (Run(first, SANS_BOLD), Run("\n" + rest))


# --- measuring ---------------------------------------------------------------------------------


class _Metrics:
    """Advance widths at size 1 of one font: per character from the font's width table, and
    per word memoised (the same words come back thousands of times)."""

    __slots__ = ("chars", "default", "fixed", "font", "space", "words")

    def __init__(self, font: str) -> None:
        self.font = font
        face = pdfmetrics.getFont(font).face
        self.chars = {chr(code): width / 1000.0 for code, width in face.charWidths.items()}
        self.default = face.defaultWidth / 1000.0
        self.words: dict[str, float] = {}
        self.space = self.chars.get(" ", self.default)
        # a monospaced font: every width is the same, a text's width is its length times it
        same = all(w == self.default for w in self.chars.values())
        self.fixed = self.default if same else None

    def char(self, ch: str) -> float:
        width = self.chars.get(ch)
        if width is None:
            width = self.chars[ch] = self._fallback(ch)
        return width

    def _fallback(self, ch: str) -> float:
        """The width of a character this font has no glyph for: the Korean or Chinese face's,
        which writes it (core/reports/fonts.py ``runs``), else the font's default."""
        face = fallback_font(ch, self.font) if ord(ch) >= 0x1100 else None
        if face is None:
            return self.default
        metrics = pdfmetrics.getFont(face).face
        return metrics.charWidths.get(ord(ch), metrics.defaultWidth) / 1000.0

    def word(self, word: str) -> float:
        if self.fixed is not None:
            return len(word) * self.fixed
        width = self.words.get(word)
        if width is None:
            if len(self.words) > _WORD_CACHE:  # a long-lived process exports many reports
                self.words.clear()
            if word.isascii():
                get, default = self.chars.get, self.default
                width = sum([get(ch, default) for ch in word])
            else:  # Korean or Chinese may be written in another face
                width = sum([self.char(ch) for ch in word])
            self.words[word] = width
        return width

    def text(self, text: str) -> float:
        """The width of a whole text at size 1, from its (memoised) words."""
        if self.fixed is not None:
            return len(text) * self.fixed
        words = text.split(" ")
        word = self.word
        return sum([word(w) for w in words]) + (len(words) - 1) * self.space


_METRICS: dict[str, _Metrics] = {}
_WORD_CACHE = 200_000


def metrics(font: str) -> _Metrics:
    found = _METRICS.get(font)
    if found is None:
        found = _METRICS[font] = _Metrics(font)
    return found


def text_width(text: str, font: str, size: float) -> float:
    return metrics(font).text(text) * size


# --- laying out --------------------------------------------------------------------------------

# A laid-out line: its fragments, each (font, colour or None, text), drawn one after the other.
Fragment = tuple[str, "Color | None", str]
Line = list[Fragment]


def _hard_break(word: str, m: _Metrics, size: float, first: float, rest: float) -> list[str]:
    """``word`` in pieces: the first at most ``first`` wide, the others at most ``rest``."""
    pieces, start, width, limit = [], 0, 0.0, first
    for i, ch in enumerate(word):
        w = m.char(ch) * size
        if width + w > limit and i > start:
            pieces.append(word[start:i])
            start, width, limit = i, 0.0, rest
        width += w
    pieces.append(word[start:])
    return pieces


def wrap_plain(text: str, font: str, size: float, avail: float) -> list[str]:
    """One font: the lines of ``text`` within ``avail`` points."""
    m = metrics(font)
    if m.fixed is not None:
        return _wrap_fixed(text, max(1, int(avail / (m.fixed * size) + 1e-9)))
    if "\n" not in text and m.text(text) * size <= avail:
        return [text]  # most cells: one line as they are
    limit = avail / size  # compared at size 1
    space = m.space
    word_width = m.word
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        width = 0.0
        for word in paragraph.split():
            w = word_width(word)
            if current and width + space + w <= limit:
                current.append(word)
                width += space + w
                continue
            if current:
                lines.append(" ".join(current))
            if w <= limit:
                current, width = [word], w
                continue
            pieces = _hard_break(word, m, size, avail, avail)
            lines += pieces[:-1]
            current, width = [pieces[-1]], word_width(pieces[-1])
        lines.append(" ".join(current))
    return lines


def _wrap_fixed(text: str, per_line: int) -> list[str]:
    """A monospaced font: the lines of ``text`` at most ``per_line`` characters long."""
    if len(text) <= per_line and "\n" not in text:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        length = 0
        for word in paragraph.split():
            n = len(word)
            if current and length + 1 + n <= per_line:
                current.append(word)
                length += 1 + n
                continue
            if current:
                lines.append(" ".join(current))
            if n <= per_line:
                current, length = [word], n
                continue
            lines += [word[i : i + per_line] for i in range(0, n - per_line, per_line)]
            last = word[(n - 1) // per_line * per_line :]
            current, length = [last], len(last)
        lines.append(" ".join(current))
    return lines


def truncate(line: str, font: str, size: float, avail: float) -> str:
    """``line`` shortened to end in "…" within ``avail`` points."""
    m = metrics(font)
    limit = avail - m.char(ELLIPSIS) * size
    width, end = 0.0, 0
    for i, ch in enumerate(line):
        width += m.char(ch) * size
        if width > limit:
            break
        end = i + 1
    return line[:end].rstrip() + ELLIPSIS


# A word of a multi-run cell: its pieces (font, colour, text) that touch without a space.
_Word = list[Fragment]


def _words(runs: Sequence[Run], font: str) -> list[_Word | None]:
    """The words of ``runs`` in order; None marks a forced line break."""
    out: list[_Word | None] = []
    current: _Word | None = None
    for run in runs:
        style_font = run.font or font
        for p, part in enumerate(run.text.split("\n")):
            if p:
                out.append(None)
                current = None
            for s, segment in enumerate(part.split(" ")):
                if s:
                    current = None  # a space ends the word
                if not segment:
                    continue
                piece = (style_font, run.colour, segment)
                if current is None:
                    current = [piece]
                    out.append(current)
                else:
                    current.append(piece)
    return out


def _paragraphs(runs: Sequence[Run]) -> list[list[Run]]:
    """``runs`` cut at their line breaks."""
    out: list[list[Run]] = [[]]
    for run in runs:
        if "\n" not in run.text:
            out[-1].append(run)
            continue
        for i, part in enumerate(run.text.split("\n")):
            if i:
                out.append([])
            if part:
                out[-1].append(Run(part, run.font, run.colour))
    return out


def wrap_runs(runs: Sequence[Run], font: str, size: float, avail: float) -> list[Line]:
    """Several fonts or colours: the lines of ``runs`` within ``avail`` points; touching
    fragments of one style are merged, so a line is drawn in as few pieces as it has styles."""
    lines: list[Line] = []
    limit = avail / size
    for paragraph in _paragraphs(runs):
        # most often a paragraph fits on one line as it is
        line: Line = []
        width = 0.0
        for run in paragraph:
            f = run.font or font
            width += metrics(f).text(run.text)
            if line and line[-1][0] == f and line[-1][1] == run.colour:
                line[-1] = (f, run.colour, line[-1][2] + run.text)
            else:
                line.append((f, run.colour, run.text))
        if width <= limit:
            lines.append(line)
        else:
            lines += _wrap_words(paragraph, font, size, avail)
    return lines


def _wrap_words(runs: Sequence[Run], font: str, size: float, avail: float) -> list[Line]:
    """The greedy word wrap of one paragraph of runs."""
    lines: list[Line] = []
    line: Line = []
    width = 0.0

    def flush() -> None:
        nonlocal line, width
        lines.append(line)
        line, width = [], 0.0

    def add(piece: Fragment, spaced: bool) -> None:
        if line and spaced:
            f, c, t = line[-1]
            line[-1] = (f, c, t + " ")
        if line and line[-1][0] == piece[0] and line[-1][1] == piece[1]:
            f, c, t = line[-1]
            line[-1] = (f, c, t + piece[2])
        else:
            line.append(piece)

    for word in _words(runs, font):
        if word is None:
            flush()
            continue
        w = sum(metrics(f).word(t) for f, _, t in word) * size
        space = metrics(line[-1][0]).space * size if line else 0.0
        if line and width + space + w > avail:
            flush()
            space = 0.0
        if w <= avail or line:
            for i, piece in enumerate(word):
                add(piece, i == 0 and bool(line))
            width += space + w
            continue
        # one word wider than the cell: break it (hashes, JSON), piece by piece
        for f, c, t in word:
            m = metrics(f)
            for j, chunk in enumerate(_hard_break(t, m, size, avail - width, avail)):
                if j:
                    flush()
                add((f, c, chunk), False)
                width += m.word(chunk) * size
    lines.append(line)
    return lines


def truncate_runs(line: Line, size: float, avail: float) -> Line:
    out: Line = []
    width = 0.0
    for f, c, t in line:
        w = metrics(f).word(t) * size
        out.append((f, c, t))
        width += w
    f, c, t = out[-1] if out else (SANS, None, "")
    while out and width + metrics(f).char(ELLIPSIS) * size > avail:
        f, c, t = out.pop()
        width -= metrics(f).word(t) * size
        if len(t) > 1:
            out.append((f, c, t[:-1]))
            width += metrics(f).word(t[:-1]) * size
    out.append((f, c, ELLIPSIS))
    return out


# --- the table ---------------------------------------------------------------------------------
