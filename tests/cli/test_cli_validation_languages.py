"""`validate` in German, Korean and Simplified Chinese (--lang): the IQ/OQ run passes, says so in
the language asked for, and its report is a sealed PDF that verifies against the site's CA."""

from __future__ import annotations

import re

import pytest

from core import i18n
from core.i18n import _, in_language
from tests.cli.conftest import ADMIN_PW, TECH_PW
from tests.cli.test_cli_validation import issued  # noqa: F401  (a fixture: a site, a data folder)

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    """Only --lang chooses the language (nothing from the machine's environment); English again
    for the tests after."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
    i18n.set_language("en")


@pytest.mark.slow  # a whole IQ/OQ run in each language
@pytest.mark.parametrize("code", ["de", "ko", "zh_CN"])
def test_validate_passes_in_the_language_asked_for_and_its_report_verifies(
    issued,  # noqa: F811
    tmp_path,
    code,
):
    from core.reports.verify_pdf import verify_sealed_pdf

    cli = issued
    assert cli("ca", "issue", "--user", "ada", password=ADMIN_PW).code == 0
    pdf = tmp_path / "iqoq.pdf"
    argv = ("--lang", code, "validate", "--report", str(pdf), "--user", "tess")
    r = cli(*argv, password=TECH_PW)
    assert r.code == 0, r.out + r.err
    english = "Validation passed: {iq} IQ and {oq} OQ items, none failed."
    with in_language(code):
        passed = _(english)
    assert passed != english  # the catalogue has the sentence in that language
    said = re.escape(passed).replace(r"\{iq\}", r"\d+").replace(r"\{oq\}", r"\d+")
    assert re.search(rf"^{said}$", r.out, re.MULTILINE), r.out[-500:]
    assert "Validation passed" not in r.out

    ca = tmp_path / "ca.pem"
    assert cli("ca", "export", "-o", str(ca)).code == 0
    seal = verify_sealed_pdf(pdf.read_bytes(), ca.read_bytes())
    assert seal.ok and seal.signer_username == "tess"
