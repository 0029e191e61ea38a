"""Printing for the CLI: aligned text tables for people, JSON for programs.

Text stored by an older Lotbook may hold control characters, terminal escape sequences or
bidirectional overrides: they are shown (ESC as ␛, U+202E as \\u202e), never sent raw to the
terminal (core.text_rules.visible).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from core.readmodels import plain
from core.text_rules import visible

# What JSON leaves raw but a terminal may obey (DEL, C1 controls, bidirectional controls) or
# cannot print (lone surrogates).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def emit_json(data: Any) -> None:
    text = json.dumps(plain(data), ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> None:
    cells = [[visible("" if c is None else str(c)) for c in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    line = indent + "  ".join(_pad(h, widths[i]) for i, h in enumerate(headers))
    print(line.rstrip())
    print(indent + "  ".join("-" * w for w in widths))
    for row in cells:
        print((indent + "  ".join(_pad(c, widths[i]) for i, c in enumerate(row))).rstrip())


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a wide character (Korean, Chinese) takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def info(message: str) -> None:
    print(visible(message, keep_lines=True))


def refusal(message: str) -> str:
    """A refusal for stderr: one line, nothing a terminal would obey."""
    return visible(message)
