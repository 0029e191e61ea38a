"""Labels as printed: what a label says and its QR code's payload, laid out to fit each stock
(no line wider than the label, text that cannot fit refused), a PDF page per label whose rendered
code decodes back to the essentials its text shows, and ZPL with one format per label.
Printing them for a batch, and reconciling them: tests/core/test_label_printing.py."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from core.errors import DomainError
from core.labels.content import AUTOLOGOUS_ONLY, LabelContent, label_run, read_payload
from core.labels.layout import LabelDoesNotFit, lay_out
from core.labels.pdf import render_pdf
from core.labels.stock import STOCKS, stock_named
from core.labels.zpl import render_zpl
from core.states import LabelKind

EXPIRY = "2027-01-31"
STORAGE = "≤ −150 °C, vapour-phase LN2"
COI = "COI-W123426000042"


def _content(**changes) -> LabelContent:
    fields = {
        "kind": LabelKind.VIAL,
        "lot": "CART-2026-0042",
        "coi": COI,
        "product": "CAR-T, autologous (lentiviral vector)",
        "product_key": "cart-auto-lv",
        "serial": 12,
        "of": 20,
        "autologous": True,
        "expiry": date(2027, 1, 31),
        "storage": STORAGE,
    }
    fields.update(changes)
    return LabelContent(**fields)


# -- what a label says ---------------------------------------------------------------------------


def test_the_payload_holds_the_essentials_and_reads_back():
    label = _content()
    assert label.payload == (
        "LB1|L=CART-2026-0042|C=COI-W123426000042|K=vial|S=12/20|E=2027-01-31|P=cart-auto-lv|A=Y"
    )
    assert read_payload(label.payload) == {
        "L": "CART-2026-0042",
        "C": COI,
        "K": "vial",
        "S": "12/20",
        "E": "2027-01-31",
        "P": "cart-auto-lv",
        "A": "Y",
    }
    other = _content(coi=None, autologous=False, kind=LabelKind.BAG, serial=1, of=1)
    assert read_payload(other.payload)["C"] == "" and read_payload(other.payload)["A"] == "N"
    for bad in ("LB2|L=X", "hello", label.payload.replace("K=", "Q="), label.payload + "|X=1"):
        with pytest.raises(ValueError, match="not the barcode of a Lotbook label"):
            read_payload(bad)


def test_the_text_says_autologous_use_only_exactly_when_the_template_is_autologous():
    texts = [line.text for line in _content().lines]
    assert texts == [
        "CAR-T, autologous (lentiviral vector)",
        "Lot CART-2026-0042",
        f"COI {COI}",
        "Vial 12 of 20",
        "Expiry 2027-01-31",
        f"Store {STORAGE}",
        AUTOLOGOUS_ONLY,
    ]
    assert _content().lines[-1].bold
    allogeneic = _content(autologous=False, coi=None, kind=LabelKind.SAMPLE)
    assert AUTOLOGOUS_ONLY not in allogeneic.text and "COI" not in allogeneic.text
    assert "Sample 12 of 20" in allogeneic.text


def test_a_label_run_continues_its_serials_and_refuses_impossible_ones():
    run = label_run(
        kind=LabelKind.BAG, lot="L-1", coi=None, product="P", product_key="p", autologous=False,
        first_serial=4, count=2, expiry=date(2027, 1, 31), storage="2–8 °C",
    )  # fmt: skip
    assert [(label.serial, label.of) for label in run] == [(4, 5), (5, 5)]
    with pytest.raises(ValueError, match="serial"):
        _content(serial=21)
    with pytest.raises(ValueError, match="barcode"):
        _content(lot="A|B")


# -- fitting the stocks --------------------------------------------------------------------------


def _longest() -> LabelContent:
    """As long as a batch lets a label be: a 40-character lot, a 64-character COI."""
    return _content(
        lot="L" * 8 + "-2026-" + "0" * 26,
        coi="COI-" + "W1234260000420" * 4 + "ABCD",
        product="CAR-T cells, autologous, lentiviral vector (example)",
        product_key="cart-auto-lv",
        serial=499,
        of=500,
        storage="≤ −150 °C, vapour-phase liquid nitrogen",
    )


def _long() -> LabelContent:
    """A long lot, COI, product and storage condition that a vial label still takes."""
    return _content(
        lot="CART-2026-000042-A",
        coi="COI-W123426000042-0001",
        product="CAR-T cells, autologous (lentiviral)",
        storage="≤ −150 °C, vapour-phase liquid nitrogen",
        serial=499,
        of=500,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [(name, _content) for name in sorted(STOCKS)]
    + [(name, _long) for name in sorted(STOCKS)]
    + [("100x50", _longest)],
)
def test_every_line_and_the_code_fit_inside_the_label(name, content):
    stock = stock_named(name)
    layout = lay_out(content(), stock)
    code = layout.code
    assert code.x_mm >= 0 and code.y_mm >= 0
    assert code.x_mm + code.side_mm <= layout.text_x_mm
    assert code.y_mm + code.side_mm <= stock.height_mm
    assert code.module_mm >= 0.19  # still printable at 203 dpi (0.125 mm dots)
    assert stock.min_font_pt <= layout.font_pt <= stock.font_pt
    for line in layout.lines:
        assert line.width_mm <= layout.text_width_mm + 1e-6, line.text
        assert line.x_mm + line.width_mm <= stock.width_mm - stock.margin_mm + 1e-6
        assert line.top_mm >= stock.margin_mm - 1e-6
        assert line.baseline_mm >= stock.margin_mm - 1e-6
    written = content().packed_lines if stock.packed else content().lines
    printed = "".join(line.text for line in layout.lines).replace(" ", "")
    assert printed == "".join(line.text for line in written).replace(" ", "")  # nothing cut off


def test_text_that_cannot_fit_a_stock_is_refused_never_cut():
    storage = "Keep frozen in the vapour phase of liquid nitrogen, " * 4
    with pytest.raises(LabelDoesNotFit, match=r"cryovial labels \(38 × 13 mm\).*larger stock"):
        lay_out(_content(storage=storage.strip()), stock_named("38x13"))
    for name, room in (("38x13", 8), ("50x25", 11)):  # a 40-character lot, a 64-character COI
        with pytest.raises(LabelDoesNotFit, match=rf"takes \d+ lines on .* where {room} fit"):
            lay_out(_longest(), stock_named(name))
    assert lay_out(_content(storage=storage.strip()), stock_named("100x50")).lines
    assert stock_named(" 100 × 50 mm ").name == "100x50"
    with pytest.raises(DomainError, match="100x50 \\(bag labels, 100 × 50 mm\\)"):
        stock_named("A4")


# -- the PDF, rendered and decoded ---------------------------------------------------------------


def _page_image(pdf: Path, page: int, out: Path) -> np.ndarray:
    from PIL import Image

    stem = out / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    with Image.open(stem.with_suffix(".png")) as image:
        return np.asarray(image.convert("L"))


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _decoded(image: np.ndarray) -> list[str]:
    import zxingcpp

    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("100x50", LabelKind.BAG), ("50x25", LabelKind.SAMPLE), ("38x13", LabelKind.VIAL)],
)
def test_each_pdf_page_is_one_label_whose_code_decodes_to_its_printed_text(tmp_path, name, kind):
    from pypdf import PdfReader

    stock = stock_named(name)
    labels = label_run(
        kind=kind, lot="CART-2026-0042", coi=COI, product="CAR-T, autologous",
        product_key="cart-auto-lv", autologous=True, first_serial=7, count=3,
        expiry=date(2027, 1, 31), storage=STORAGE,
    )  # fmt: skip
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(render_pdf(labels, stock))
    pages = PdfReader(pdf).pages
    assert len(pages) == 3
    for page in pages:  # the stock's size, in points
        box = page.mediabox
        assert float(box.width) == pytest.approx(stock.width_mm / 25.4 * 72, abs=0.01)
        assert float(box.height) == pytest.approx(stock.height_mm / 25.4 * 72, abs=0.01)
    second = labels[1]
    (decoded,) = _decoded(_page_image(pdf, 2, tmp_path))
    assert decoded == second.payload
    fields = read_payload(decoded)
    text = " ".join(_page_text(pdf, 2).split())
    assert f"Lot {fields['L']}" in text and f"COI {fields['C']}" in text
    assert fields["S"] == "8/9" and f"{kind.value.capitalize()} 8 of 9" in text
    assert f"Expiry {fields['E']}" in text and AUTOLOGOUS_ONLY in text and STORAGE in text


def test_a_long_vial_label_still_decodes(tmp_path):
    label = _long()
    pdf = tmp_path / "vial.pdf"
    pdf.write_bytes(render_pdf([label], stock_named("38x13")))
    assert _decoded(_page_image(pdf, 1, tmp_path)) == [label.payload]


# -- ZPL -----------------------------------------------------------------------------------------


def test_zpl_has_one_format_per_label_with_its_code_and_text():
    labels = label_run(
        kind=LabelKind.VIAL, lot="CART-2026-0042", coi=COI, product="CAR-T ^XZ~JA",
        product_key="cart-auto-lv", autologous=True, first_serial=1, count=2,
        expiry=date(2027, 1, 31), storage=STORAGE,
    )  # fmt: skip
    text = render_zpl(labels, stock_named("38x13"), dpi=300).decode("utf-8")
    formats = text.strip().split("\n^XZ")
    assert text.count("^XA") == text.count("^XZ") == 2 and formats[-1] == ""
    for label, body in zip(labels, formats[:2], strict=True):
        lines = body.strip().splitlines()
        assert lines[:5] == ["^XA", "^CI28", "^PW449", "^LL154", "^LH0,0"]  # 38 × 13 mm at 300 dpi
        codes = [line for line in lines if "^BQN,2," in line]
        assert len(codes) == 1 and codes[0].endswith(f"^FDLA,{label.payload}^FS")
        fields = [line for line in lines if line.startswith("^FO") and "^A0N" in line]
        shown = [f.split("^FD", 1)[1].removesuffix("^FS") for f in fields]
        assert f"Lot CART-2026-0042 · Vial {label.serial} of 2" in shown  # packed: a vial
        assert f"COI {COI}" in shown and shown[-1] == AUTOLOGOUS_ONLY
        assert "<= -150 °C" in " ".join(shown)  # font 0 has no ≤ or −
        assert shown[0] == "CAR-T \\5EXZ\\7EJA"  # a ^ or ~ in the text is printed, not obeyed
        assert all("^FB" in f and "^FH\\" in f for f in fields)
    with pytest.raises(ValueError, match="dpi"):
        render_zpl(labels, stock_named("38x13"), dpi=150)
