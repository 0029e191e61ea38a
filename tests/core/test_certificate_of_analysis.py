"""The certificate of analysis QA signs a release on, read back from the PDF's text: the product
facts (manufacture, expiry, storage, fill, containers, weight and dose band), "For autologous use
only", the QA disposition's manifestation, an exceptional release with its deviation and the
physician's notification, checks that do not apply, and caveats on unconfirmed figures."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from core.demo.history import PHYSICIAN
from core.reports.batch_summary import render_batch_summary
from core.reports.coa import render_certificate_of_analysis
from core.reports.text import LocalTime
from core.services.product_facts import add_months
from tests.core.report_samples import (
    EXCEPTIONAL_LOT,
    PENDING_LOT,
    RELEASED_HEAVY,
    RELEASED_LIGHT,
    built_report,
    demo_copy,
)

LOTS = (RELEASED_LIGHT, RELEASED_HEAVY, PENDING_LOT, EXCEPTIONAL_LOT)
STORAGE = "Vapour-phase liquid nitrogen, at or below −120 °C"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    db = demo_copy(tmp_path_factory.mktemp("coa"))
    try:
        yield {lot: built_report(db, lot) for lot in LOTS}
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def texts(reports):
    return {lot: pages(render_certificate_of_analysis(r).data) for lot, r in reports.items()}


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str | list[str]) -> str:
    """Text without white space: cells wrap long values over lines."""
    return re.sub(r"\s+", "", " ".join(text) if isinstance(text, list) else text)


def line_with(label: str, text: list[str]) -> str:
    """The text after ``label`` on its line (a key-value row reads "Label value")."""
    found = re.search(rf"^{re.escape(label)}\s*\n?(.+)$", "\n".join(text), re.MULTILINE)
    assert found, label
    return found.group(1).strip()


@pytest.mark.parametrize(
    ("lot", "weight", "band"),
    [
        (RELEASED_LIGHT, "42.0 kg", "patients ≤ 50 kg"),
        (RELEASED_HEAVY, "68.0 kg", "patients > 50 kg"),
    ],
)
def test_the_certificate_states_manufacture_expiry_storage_fill_and_dose(
    reports, texts, lot, weight, band
):
    text = texts[lot]
    made = date.fromisoformat(line_with("Manufacture date", text))
    expiry = re.match(
        r"(\d{4}-\d\d-\d\d) \(9 months after manufacture\)", line_with("Expiry date", text)
    )
    assert expiry, line_with("Expiry date", text)
    # expiry is the template's 9 months' shelf life after manufacture, the day of manufacture on
    # the record's first entry of the formulation step
    assert date.fromisoformat(expiry.group(1)) == add_months(made, 9)
    assert made == reports[lot].product.manufactured_on
    assert line_with("Storage condition", text) == STORAGE
    assert line_with("Fill volume", text) == "50.0 mL"
    assert line_with("Containers", text) == "1 bag"
    assert line_with("Patient body weight", text) == weight
    dose = flat(text)[flat(text).index("Doseatthisweight") :]
    assert (
        flat(f"Dose: CAR+ viable T cells {'per kg' if '≤' in band else 'in total'} ({band})")
        in dose
    )


def test_autologous_product_says_for_autologous_use_only_with_its_chain_of_identity(reports, texts):
    for lot in LOTS:
        coi = reports[lot].batch.coi_id
        statement = (
            f"For autologous use only. Only for the patient identified by chain of identity {coi}."
        )
        assert flat(statement) in flat(texts[lot])


def test_a_check_that_does_not_apply_is_listed_as_such_with_its_condition(reports, texts):
    text = flat(texts[RELEASED_HEAVY])
    # 68 kg: the per-kg dose does not apply; the flat dose does, with its result
    per_kg = text[text.index("CART-REL-06") : text.index("CART-REL-06-TOTAL")]
    assert flat("applies only when CART-IPC-10-WEIGHT (Patient body weight) ≤ 50 kg") in per_kg
    assert "doesnotapply" in per_kg and "nottested" not in per_kg
    total = reports[RELEASED_HEAVY].batch.check("CART-REL-06-TOTAL").current.display
    assert flat(total) in text
    assert flat("2 do not apply to this batch (CART-REL-06, CART-REL-10)") in text
    assert "nottested" not in text  # a released lot has every applicable result in
    # 42 kg: the other way round
    light = flat(texts[RELEASED_LIGHT])
    total_row = light[light.index("CART-REL-06-TOTAL") :]
    assert flat("applies only when CART-IPC-10-WEIGHT (Patient body weight) > 50 kg") in total_row


def test_the_disposition_is_printed_with_its_signature_manifestation(reports, texts):
    report, text = reports[RELEASED_HEAVY], flat(texts[RELEASED_HEAVY])
    (approval,) = [s for s in report.review.signatures if s.meaning == "APPROVED"]
    local = LocalTime(report.time_zone)
    assert "QAdisposition" in text
    assert flat("Disposition Released Reason") in text
    assert flat(f"Reason {approval.reason}") in text
    assert flat("Signed by Quinn Quality (quinn, qa)") in text
    assert flat(f"Date and time {local(approval.signed_at, seconds=True)}") in text
    assert flat(f"Meaning Approved by (QA disposition) — “{approval.statement}”") in text
    assert approval.content_sha256 in text
    assert flat("Signature state valid") in text
    assert flat("All 23 release test results recorded meet their specifications.") in text


def test_an_exceptional_release_reads_as_one_with_its_deviation_and_physician(reports, texts):
    report = reports[EXCEPTIONAL_LOT]
    (approval,) = [s for s in report.review.signatures if s.meaning == "APPROVED"]
    deviation = report.batch.deviations[0]
    coa = flat(texts[EXCEPTIONAL_LOT])
    summary = flat(pages(render_batch_summary(report).data))
    assert approval.deviation == deviation.ref
    for text in (coa, summary):
        assert flat("Exceptional release (out of specification)") in text
        assert flat(PHYSICIAN) in text and deviation.ref in text
    # the certificate says plainly what failed and on what the release rests
    assert (
        flat(
            "EXCEPTIONAL RELEASE — this lot does not meet its specification. Out of specification: "
            "CART-REL-05 Viability 76.0 % (specification ≥ 80.0 %). Released for its patient only, "
            f"at the treating physician's request, under deviation {deviation.ref}."
        )
        in coa
    )
    assert flat(f"Deviation {deviation.ref} (major, closed): {deviation.description}") in coa
    assert flat(f"Treating physician notified {PHYSICIAN}") in coa
    # and the summary's header, disposition section and signature table carry them too
    assert flat(f"deviation {deviation.ref}; treating physician notified: {PHYSICIAN}") in summary
    assert summary.count(flat(PHYSICIAN)) >= 3


def test_released_with_results_pending_names_the_results_still_due(texts):
    text = flat(texts[PENDING_LOT])
    assert flat("Batch status Released with results pending") in text
    assert flat("Still pending: CART-REL-09 Replication-competent lentivirus (RCL).") in text
    rcl = text[text.index("CART-REL-09") : text.index("CART-REL-10")]
    assert flat("may follow release pending") in rcl


def test_example_figures_carry_their_caveat_beside_them(reports):
    report = reports[RELEASED_HEAVY]
    caveat = "[T][?] example storage and shelf life: not yet confirmed by the site's QA"
    limit = "[P] example limit: not yet confirmed by the site's QA (template not approved)"
    viability = report.batch.check("CART-REL-05")
    batch = report.batch.with_checks([replace(viability, caveat=limit)])
    shown = replace(
        report,
        batch=replace(batch, template_approved=False),
        product=replace(report.product, caveat=caveat),
    )
    text = flat(pages(render_certificate_of_analysis(shown).data))
    assert text.count(flat(caveat)) == 2  # beside the expiry date and the storage condition
    assert flat(f"≥ 80.0 % {limit}") in text
    assert text.count(flat(limit)) == 1  # only the limit that is an example
    assert flat("NOT APPROVED by the site's QA") in text
