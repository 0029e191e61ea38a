"""The batch summary and the certificate of analysis in Korean and Simplified Chinese: every
Hangul and Han character written in an embedded face that has it (no missing glyph: the text
layer gives back what was written), the language named on every page, the seal verifying; the
embedded batch data the same in every language."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from core.fonts import needs_cjk
from core.i18n import _, in_language
from core.reports.embedded import EMBEDDED_NAME
from core.services.pdf_verification import verify_pdf
from core.services.reports import export_pdf
from core.services.signing_keys import ca_certificate_pem
from tests.conftest import USER_PASSWORD as PW
from tests.core.test_export_pdf import signed_batch  # noqa: F401  (a fixture)

FACES = {"ko": "LotbookSansKR", "zh_CN": "LotbookKaiSC"}
NAMES = {"ko": "한국어", "zh_CN": "简体中文"}


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


def _embedded(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    return reader.attachments[EMBEDDED_NAME][0]


@pytest.mark.parametrize("code", ["ko", "zh_CN"])
def test_a_summary_and_a_draft_certificate_in_korean_and_chinese(
    site,
    people,
    signed_batch,  # noqa: F811  (the fixture imported above)
    tmp_path,
    code,
):
    qa, ca = people["qa"], ca_certificate_pem(site)
    english = export_pdf(site, qa, PW, signed_batch, tmp_path / "en.pdf")
    summary = export_pdf(site, qa, PW, signed_batch, tmp_path / f"{code}.pdf", language=code)
    coa = export_pdf(
        site, qa, PW, signed_batch, tmp_path / f"coa-{code}.pdf", coa=True, draft=True,
        language=code,
    )  # fmt: skip
    for out in (summary, coa):
        data = out.path.read_bytes()
        assert verify_pdf(data, ca).ok
        fonts = _fonts(out.path)
        assert FACES[code] in fonts and "Helvetica" not in fonts
        text = _text(out.path)
        with in_language(code):
            heading = _("Batch summary") if out is summary else _("Certificate of analysis")
        assert heading in text  # the text layer gives back the Korean / Chinese words
        assert NAMES[code] in text  # "Language: 한국어" on every page
        assert "\ufffd" not in text
        assert text.count(NAMES[code]) == len(PdfReader(out.path).pages)
    data = _embedded(summary.path.read_bytes()).decode("utf-8")
    assert not needs_cjk(data)  # the batch data stay canonical: values, ids, units, words
    english_data = _embedded(english.path.read_bytes()).decode("utf-8")
    assert data.count("CART-IPC-") == english_data.count("CART-IPC-") > 100


def test_an_unknown_export_language_is_refused(site, people, signed_batch, tmp_path):  # noqa: F811
    from core.errors import InvalidValue

    with pytest.raises(InvalidValue, match="not a language"):
        export_pdf(site, people["qa"], PW, signed_batch, tmp_path / "x.pdf", language="fr")
    assert not (tmp_path / "x.pdf").exists()


def test_a_statement_signed_in_korean_shows_as_signed_in_an_english_summary(
    site, people, lot, tmp_path
):
    """The Korean reviewer's statement is printed as they read it, its translation beside it;
    the embedded data keep the signed statement (with its words) as it was signed."""
    import re

    from core.services.signing import sign
    from core.signing_views import MEANING_STATEMENT, Meaning
    from tests.core.test_signatures import STEP, _record_step0

    _record_step0(site, people["tech"], lot)
    with in_language("ko"):
        korean = MEANING_STATEMENT[Meaning.VERIFIED]
        sign(site, people["tech2"], PW, lot, "VERIFIED", step_id=STEP)
    out = export_pdf(site, people["qa"], PW, lot, tmp_path / "en.pdf")
    assert verify_pdf(out.path.read_bytes(), ca_certificate_pem(site)).ok
    assert FACES["ko"] in _fonts(out.path)
    flat = re.sub(r"\s+", "", _text(out.path))
    assert re.sub(r"\s+", "", korean) in flat  # the words signed, in the signer's Korean
    assert "signedin한국어" in flat
    assert re.sub(r"\s+", "", MEANING_STATEMENT.raw[Meaning.VERIFIED]) in flat  # translation
    assert korean in _embedded(out.path.read_bytes()).decode("utf-8")
