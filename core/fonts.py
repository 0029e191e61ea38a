"""The fonts that carry Korean and Simplified Chinese (resources/fonts, built by
tools/subset_fonts.py from NanumGothic and LXGW WenKai, SIL OFL 1.1, renamed as the licence asks):
kept xz-compressed, unpacked in memory the first time a screen or a PDF needs one (the GUI after
its login window, the PDF when its text holds such characters). DejaVu carries every other script
Lotbook writes."""

from __future__ import annotations

import lzma
from functools import cache

from core.version import app_root

KOREAN = "Lotbook Sans KR"
CHINESE = "Lotbook Kai SC"
FILES: dict[tuple[str, bool], str] = {
    (KOREAN, False): "LotbookSansKR-Regular.ttf.xz",
    (KOREAN, True): "LotbookSansKR-Bold.ttf.xz",
    (CHINESE, False): "LotbookKaiSC-Regular.ttf.xz",
    (CHINESE, True): "LotbookKaiSC-Bold.ttf.xz",
}
# The family each language's own words are written in (after DejaVu, which has no Hangul or Han)
FAMILY_OF: dict[str, str] = {"ko": KOREAN, "zh_CN": CHINESE}


@cache
def font_data(family: str, bold: bool = False) -> bytes:
    """The TrueType file of ``family`` (regular or bold), unpacked."""
    path = app_root() / "resources" / "fonts" / FILES[(family, bold)]
    return lzma.decompress(path.read_bytes())


def needs_cjk(text: str) -> bool:
    """Whether ``text`` holds a character only the CJK fonts carry."""
    return any(ord(c) >= 0x1100 and family_for(c) is not None for c in text)


def family_for(char: str) -> str | None:
    """The CJK family that carries ``char``: Hangul → Korean, Han and CJK punctuation → Chinese,
    else None (DejaVu's)."""
    code = ord(char)
    if 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F or 0xAC00 <= code <= 0xD7A3:
        return KOREAN
    if 0x3000 <= code <= 0x303F or 0x3400 <= code <= 0x9FFF or 0xFF00 <= code <= 0xFFEF:
        return CHINESE
    return None
