"""The CJK fonts Lotbook ships (resources/fonts), cut down from their Debian packages:

- Korean: NanumGothic (fonts-nanum, SIL OFL 1.1, © NAVER) →
  ``LotbookSansKR-Regular.ttf.xz``, ``LotbookSansKR-Bold.ttf.xz``: every modern Hangul syllable
  and jamo;
- Simplified Chinese: LXGW WenKai (fonts-lxgw-wenkai, SIL OFL 1.1, © lxgw) →
  ``LotbookKaiSC-Regular.ttf.xz``, ``LotbookKaiSC-Bold.ttf.xz``: every character of GB 2312
  (6,763 Han characters, 99.7 % of modern text);

both with ASCII, CJK punctuation and full-width forms, and every character the Korean and Chinese
catalogues use (resources/locale/*/LC_MESSAGES/lotbook.po), TrueType outlines kept (reportlab
embeds them), xz-compressed (10 MB → 4.3 MB: the bundle's size goal; core/fonts.py unpacks one
when a screen or a PDF first needs it). The OFL reserves the originals' names for unmodified
fonts, so the cut-down fonts are renamed (family "Lotbook Sans KR" and "Lotbook Kai SC"); their
licences are in resources/fonts.

Run after the catalogues change (a test checks every translated character is covered):

    apt-get download fonts-nanum fonts-lxgw-wenkai && for f in *.deb; do dpkg-deb -x $f ext; done
    .venv/bin/python tools/subset_fonts.py ext/usr/share/fonts/truetype
"""

from __future__ import annotations

import argparse
import io
import lzma
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
LOCALE = ROOT / "resources" / "locale"

# (source file under the Debian font folder, output file, family, style, catalogue language)
CUTS = (
    ("nanum/NanumGothic.ttf", "LotbookSansKR-Regular.ttf.xz", "Lotbook Sans KR", "Regular", "ko"),
    ("nanum/NanumGothicBold.ttf", "LotbookSansKR-Bold.ttf.xz", "Lotbook Sans KR", "Bold", "ko"),
    ("lxgw-wenkai/LXGWWenKai-Regular.ttf", "LotbookKaiSC-Regular.ttf.xz", "Lotbook Kai SC",
     "Regular", "zh_CN"),
    ("lxgw-wenkai/LXGWWenKai-Bold.ttf", "LotbookKaiSC-Bold.ttf.xz", "Lotbook Kai SC", "Bold",
     "zh_CN"),
)  # fmt: skip


def _ranges(*spans: tuple[int, int]) -> set[int]:
    return {code for low, high in spans for code in range(low, high + 1)}


COMMON = _ranges(
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # full-width and half-width forms
)
HANGUL = _ranges((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7A3))


def gb2312() -> set[int]:
    """Every character of GB 2312 (rows 16–87: the Han characters; 1–9: symbols)."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def catalogue_characters(code: str) -> set[int]:
    """Every character the language's translations use (msgstr lines of its .po)."""
    po = LOCALE / code / "LC_MESSAGES" / "lotbook.po"
    if not po.exists():
        return set()
    chars: set[int] = set()
    for line in po.read_text("utf-8").splitlines():
        if line.startswith(("msgstr", '"')):
            chars.update(ord(c) for c in line)
    return chars


def wanted(code: str) -> set[int]:
    script = HANGUL if code == "ko" else gb2312()
    return COMMON | script | catalogue_characters(code)


def _rename(font: TTFont, family: str, style: str) -> None:
    full = f"{family} {style}" if style != "Regular" else family
    postscript = f"{family.replace(' ', '')}-{style}"
    names = font["name"]
    names.names = [n for n in names.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17, 21, 22)]
    for name_id, value in ((1, family), (2, style), (3, f"Lotbook: {postscript}"), (4, full),
                           (6, postscript)):  # fmt: skip
        names.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English
        names.setName(value, name_id, 1, 0, 0)  # Macintosh, Roman, English


def cut(source: Path, target: Path, family: str, style: str, characters: set[int]) -> int:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # smaller; screens hint anyway, PDFs do not need it
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    _rename(font, family, style)
    data = io.BytesIO()
    font.save(data)
    target.write_bytes(lzma.compress(data.getvalue(), preset=9 | lzma.PRESET_EXTREME))
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("debian_fonts", type=Path, help="…/usr/share/fonts/truetype")
    args = parser.parse_args(argv)
    for source, target, family, style, code in CUTS:
        size = cut(args.debian_fonts / source, FONTS / target, family, style, wanted(code))
        print(f"{target}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
