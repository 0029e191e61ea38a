"""The CJK fonts: shipped compressed and renamed, unpacked in memory, TrueType outlines (what
reportlab embeds), and carrying every character the Korean and Chinese catalogues use."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from core.fonts import CHINESE, FILES, KOREAN, family_for, font_data, needs_cjk

ROOT = Path(__file__).resolve().parents[2]


def _po_characters(code: str) -> set[str]:
    from babel.messages.pofile import read_po

    with (ROOT / "resources/locale" / code / "LC_MESSAGES/lotbook.po").open("rb") as f:
        catalog = read_po(f)
    return {c for m in catalog if m.id and m.string for s in _strings(m.string) for c in s}


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize(("family", "bold"), list(FILES))
def test_each_font_unpacks_to_a_renamed_truetype_font(family, bold):
    font = TTFont(io.BytesIO(font_data(family, bold)))
    assert "glyf" in font  # TrueType outlines: reportlab cannot embed CFF
    assert font["name"].getDebugName(1) == family
    assert font["name"].getDebugName(2) == ("Bold" if bold else "Regular")
    assert "Nanum" not in font["name"].getDebugName(4) and "LXGW" not in font["name"].getDebugName(
        6
    )


@pytest.mark.parametrize(("code", "family"), [("ko", KOREAN), ("zh_CN", CHINESE)])
def test_every_translated_character_has_a_glyph(code, family):
    cmap = TTFont(io.BytesIO(font_data(family))).getBestCmap()
    dejavu = TTFont(ROOT / "resources/fonts/DejaVuSans.ttf").getBestCmap()
    shown = {c for c in _po_characters(code) if c.isprintable() and not c.isspace()}
    missing = sorted(c for c in shown if ord(c) not in cmap and ord(c) not in dejavu)
    assert missing == [], f"run tools/subset_fonts.py: {''.join(missing)}"


def test_each_character_goes_to_the_family_that_carries_it():
    assert family_for("한") == KOREAN and family_for("批") == CHINESE and family_for("a") is None
    assert needs_cjk("Lot 批次") and not needs_cjk("Lot CT-0042 · µg ≤ 5 °C")
