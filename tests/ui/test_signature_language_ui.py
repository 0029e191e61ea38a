"""A statement signed in Korean, read in English on the review screen and in the step's
signatures: shown as signed, with the language it was signed in and its translation."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from core.demo.sample_batch import fill_batch
from core.i18n import in_language
from core.services.signing import sign
from core.signing_views import MEANING_STATEMENT, Meaning
from tests.conftest import USER_PASSWORD as PW
from tests.ui.conftest import shot
from tests.ui.layout_check import fit
from tests.ui.test_release_ui import _open_review, _verify_all


def test_a_korean_review_statement_reads_as_signed_with_its_translation(
    qtbot, window, site, people, lot
):
    from core.fonts import FILES, font_data
    from ui.language import register_fonts

    register_fonts([font_data(family, bold) for family, bold in FILES])
    fill_batch(site, people["tech"], lot, qc=people["qc"], password=PW)
    _verify_all(site, people["tech2"], lot)
    with in_language("ko"):
        korean = MEANING_STATEMENT[Meaning.REVIEWED]
        sign(site, people["sup"], PW, lot, "REVIEWED")
    screen = _open_review(qtbot, window, "quinn", lot)
    fit(window, 1366, 768)
    QApplication.processEvents()
    text = screen.signatures.text()
    assert korean in text and "한국어" in text
    assert MEANING_STATEMENT.raw[Meaning.REVIEWED] in text  # the translation beside it
    shot(window, "review_signature_signed_in_korean")
