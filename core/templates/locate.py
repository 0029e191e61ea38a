"""Line numbers for template errors: tomllib reports none, so we find tables and keys in the text.

A table is addressed by its path in the parsed document, e.g. ``("steps", 2, "checks", 0)`` for the
first ``[[steps.checks]]`` after the third ``[[steps]]``. ``Locator`` scans the text once, keeping
track of multi-line strings and arrays so that only real headers and keys are indexed.
``Where`` couples a path with the locator to raise ``TemplateInvalid`` at the right line.
"""

from __future__ import annotations

import re
from typing import NoReturn

from core.errors import TemplateInvalid
from core.i18n import _

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")
_BARE = r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'"
_KEY = re.compile(rf"^\s*((?:{_BARE})(?:\s*\.\s*(?:{_BARE}))*)\s*=")
_SYNTAX_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(rf"{_BARE}", dotted)]


class Locator:
    """Index of table headers and keys (with the lines their values span) in a TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._tables: dict[Path, int] = {}
        self._keys: dict[Path, dict[str, tuple[int, int]]] = {(): {}}
        self._scan()

    def _scan(self) -> None:
        counters: dict[Path, int] = {}
        table: Path = ()
        open_key: tuple[Path, str, int] | None = None
        multiline: str | None = None
        depth = 0
        for number, line in enumerate(self._lines, start=1):
            if multiline is None and depth == 0:
                header = _HEADER.match(line)
                key = None if header else _KEY.match(line)
                if header:
                    table = self._resolve(
                        _parts(header.group(2)), header.group(1) == "[[", counters
                    )
                    self._tables.setdefault(table, number)
                    self._keys.setdefault(table, {})
                    continue
                if key:
                    names = _parts(key.group(1))
                    keys = self._keys.setdefault(table, {})
                    for n in range(1, len(names) + 1):
                        keys.setdefault(".".join(names[:n]), (number, number))
                    open_key = (table, ".".join(names), number)
                    line = line[key.end() :]
            multiline, depth = _carry(line, multiline, depth)
            if open_key and multiline is None and depth == 0:
                path, name, start = open_key
                self._keys[path][name] = (start, number)
                first = name.split(".")[0]
                if self._keys[path][first][0] == start:
                    self._keys[path][first] = (start, number)
                open_key = None

    @staticmethod
    def _resolve(names: list[str], is_array: bool, counters: dict[Path, int]) -> Path:
        path: Path = ()
        for i, name in enumerate(names):
            path = (*path, name)
            if i == len(names) - 1 and is_array:
                index = counters.get(path, 0)
                counters[path] = index + 1
                return (*path, index)
            if path in counters:  # an array of tables seen before: its latest element
                path = (*path, counters[path] - 1)
        return path

    def line(self, path: Path, *keys: str) -> int | None:
        """Line of ``keys`` (nested: "spec", "lower") inside the table at ``path``, else the line of
        the nearest enclosing thing that was found (key, table header, ancestor table)."""
        table = path
        for i, key in enumerate(keys):
            if (*table, key) in self._tables:
                table = (*table, key)
                continue
            found = self._keys.get(table, {})
            rest = keys[i:]
            for n in range(len(rest), 0, -1):
                span = found.get(".".join(rest[:n]))
                if span:
                    deeper = rest[n:]
                    return self._inside(span, deeper[-1]) if deeper else span[0]
            break
        while table and table not in self._tables:
            table = table[:-1]
        return self._tables.get(table)

    def line_of_assignment(self, key: str, value: str) -> int | None:
        """Line of ``key = "value"`` anywhere (fallback for tables written inline)."""
        pattern = re.compile(rf"(?:^|[\s{{,]){re.escape(key)}\s*=\s*[\"']{re.escape(value)}[\"']")
        for number, text in enumerate(self._lines, start=1):
            if pattern.search(text):
                return number
        return None

    def _inside(self, span: tuple[int, int], key: str) -> int:
        pattern = re.compile(rf"(?:^|[\s{{,]){re.escape(key)}\s*=")
        for number in range(span[0], span[1] + 1):
            if pattern.search(self._lines[number - 1]):
                return number
        return span[0]


def _carry(text: str, multiline: str | None, depth: int) -> tuple[str | None, int]:
    """State after ``text``: open multi-line string delimiter and bracket depth of the value."""
    i = 0
    while i < len(text):
        if multiline:
            end = text.find(multiline, i)
            while end > 0 and multiline == '"""' and text[end - 1] == "\\":
                end = text.find(multiline, end + 1)
            if end < 0:
                return multiline, depth
            i, multiline = end + 3, None
            continue
        char = text[i]
        if char == "#":
            break
        if char in "\"'":
            if text.startswith(char * 3, i):
                multiline, i = char * 3, i + 3
                continue
            i += 1
            while i < len(text) and text[i] != char:
                i += 2 if char == '"' and text[i] == "\\" else 1
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return multiline, depth


def syntax_error_line(message: str) -> tuple[int | None, str]:
    """Split tomllib's "reason (at line N, column M)" into (N, reason)."""
    found = _SYNTAX_LINE.search(message)
    if not found:
        return None, message
    return int(found.group(1)), message[: found.start()]


class Where:
    """A place in a template file that can name its line and raise ``TemplateInvalid`` there.

    ``path`` is the table (e.g. a check), ``prefix`` the keys inside it that lead to a nested
    inline table (e.g. ``("spec",)``), ``label`` what the message calls it ("check CART-IPC-05", in
    the reader's language; a table's own name such as "[template]" as written).
    """

    def __init__(
        self, file: str, locator: Locator, path: Path, label: str, prefix: tuple[str, ...] = ()
    ) -> None:
        self.file = file
        self.locator = locator
        self.path = path
        self.label = label
        self.prefix = prefix

    def at(self, path_tail: Path, label: str) -> Where:
        """The table ``path_tail`` below this one (e.g. ``("checks", 0)``)."""
        return Where(self.file, self.locator, (*self.path, *path_tail), label)

    def named(self, label: str) -> Where:
        return Where(self.file, self.locator, self.path, label, self.prefix)

    def sub(self, *keys: str) -> Where:
        """The inline table at ``keys`` inside this one (e.g. ``spec = { … }``)."""
        return Where(self.file, self.locator, self.path, self.label, (*self.prefix, *keys))

    def line(self, *keys: str) -> int | None:
        return self.locator.line(self.path, *self.prefix, *keys)

    def fail(self, reason: str, *keys: str) -> NoReturn:
        # Translators: {place} is where in the template file, e.g. "check CART-IPC-05"
        said = _("{place}: {reason}").format(place=self.label, reason=reason)
        raise TemplateInvalid(self.file, self.line(*keys), said)
