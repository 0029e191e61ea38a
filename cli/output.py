"""Printing for the CLI: aligned text tables for people, JSON for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from core.readmodels import plain


def emit_json(data: Any) -> None:
    json.dump(plain(data), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> None:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = indent + "  ".join(h.ljust(widths[i]) for i, h in enumerate(headers))
    print(line.rstrip())
    print(indent + "  ".join("-" * w for w in widths))
    for row in cells:
        print((indent + "  ".join(c.ljust(widths[i]) for i, c in enumerate(row))).rstrip())


def info(message: str) -> None:
    print(message)
