"""Bytes → text for instrument exports: the encodings Windows instrument PCs write, nothing else.

Order: a byte-order mark (UTF-8, UTF-16 LE/BE) decides; NUL bytes in a pattern of UTF-16 text
without a mark mean UTF-16; otherwise strict UTF-8, then cp1252 (the Windows "ANSI" code page).
Line endings come back as "\\n". Binary content (NUL bytes that are not UTF-16, control
characters) is refused: it is not an export, or the export is damaged.
"""

from __future__ import annotations

import codecs
import re

from core.i18n import _
from core.instruments.model import InstrumentFileInvalid

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SNIFF = 4096  # bytes looked at to tell UTF-16 without a mark from binary data
# Characters no text export contains: C0 controls except tab and newline, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F) or b in b"\t\n\r")
_UTF8_C1 = re.compile(b"\xc2[\x80-\x9f]")


def decode(data: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` with "\\n" line endings, or raise InstrumentFileInvalid.

    ``encoding`` (a Python codec name) skips the detection, as a site profile may ask; a byte-order
    mark is still honoured and removed.
    """
    if not data[:_SNIFF].strip(b" \t\r\n\x00") and not data.strip(b" \t\r\n\x00"):
        raise InstrumentFileInvalid(file, None, _("The file is empty."))
    if encoding is not None:
        name = _codec(encoding, file)
        if data.startswith(_UTF8_BOM) and name == "utf-8":
            name = "utf-8-sig"
        text = _strict(data, name, file)
    elif data.startswith(_UTF8_BOM):
        name, text = "utf-8-sig", _strict(data, "utf-8-sig", file)
    elif data.startswith(_UTF16_BOMS):
        name, text = "utf-16", _strict(data, "utf-16", file)
    elif b"\x00" in data:
        name = _utf16_without_mark(data, file)
        text = _strict(data, name, file)
    else:
        try:
            name, text = "utf-8", data.decode("utf-8")
        except UnicodeDecodeError:
            name, text = "cp1252", _strict(data, "cp1252", file)
    text = text.lstrip("\ufeff") if name != "utf-8-sig" else text
    text = normalise_newlines(text)
    bad = _CONTROL.search(text) if _may_hold_controls(data, name) else None
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        code = f"U+{ord(bad.group()):04X}"
        raise InstrumentFileInvalid(
            file,
            line,
            _(
                "contains the control character {code}: this is not a text export, or the file "
                "is damaged. Export the file again from the instrument software as text (CSV)."
            ).format(code=code),
        )
    return text, name


def _may_hold_controls(data: bytes, encoding: str) -> bool:
    """False when the bytes alone prove the text holds no control character (a fast check of a
    large UTF-8 or cp1252 file; C1 controls are 0xC2 0x80-0x9F in UTF-8)."""
    if encoding not in ("utf-8", "utf-8-sig", "cp1252"):
        return True
    if encoding != "cp1252" and _UTF8_C1.search(data):
        return True
    return bool(data.translate(None, _NOT_CONTROL_BYTES))


def normalise_newlines(text: str) -> str:
    """CR LF and lone CR (old Mac exports) become LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _utf16_without_mark(data: bytes, file: str) -> str:
    """UTF-16 LE or BE when NUL bytes sit in every other position (ASCII-range text), else junk."""
    head = data[:_SNIFF]
    pairs = len(head) // 2
    even_nuls = head[0 : pairs * 2 : 2].count(0)
    odd_nuls = head[1 : pairs * 2 : 2].count(0)
    if len(data) % 2 == 0 and pairs:
        if odd_nuls >= 0.6 * pairs and even_nuls <= 0.05 * pairs:
            return "utf-16-le"
        if even_nuls >= 0.6 * pairs and odd_nuls <= 0.05 * pairs:
            return "utf-16-be"
    offset = data.index(b"\x00")
    raise InstrumentFileInvalid(
        file,
        data.count(b"\n", 0, offset) + 1,
        _(
            "contains NUL bytes (at byte {offset}) but is not UTF-16 text: it is a binary file or "
            "a damaged export. Export the file again from the instrument software as text (CSV)."
        ).format(offset=offset),
    )


def _strict(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        start = error.start  # the utf-8-sig codec counts from after the mark
        start += len(_UTF8_BOM) if encoding == "utf-8-sig" and data.startswith(_UTF8_BOM) else 0
        prefix = data[:start].decode(encoding, errors="replace")
        line = normalise_newlines(prefix).count("\n") + 1
        raise InstrumentFileInvalid(
            file,
            line,
            _(
                "byte {start} cannot be read as {encoding} text ({problem}): the file is "
                "damaged or not a text export. Export the file again from the instrument "
                "software as text (CSV)."
            ).format(start=start, encoding=encoding, problem=error.reason),
        ) from None


def _codec(encoding: str, file: str) -> str:
    try:
        info = codecs.lookup(encoding)
        if getattr(info, "_is_text_encoding", True):
            return info.name
    except LookupError:
        pass
    raise InstrumentFileInvalid(
        file,
        None,
        _("'{encoding}' is not a known text encoding; correct the profile.").format(
            encoding=encoding
        ),
    )
