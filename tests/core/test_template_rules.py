"""Templates as QA approved them: drafts start no batch; an approval is an e-signature that a row
forged into the database cannot imitate; example limits carry their caveat until approved.
Conditional checks: the dose band follows the patient's weight; a check that does not apply is
neither required nor recordable."""

from __future__ import annotations

import pytest

from core.errors import AuthenticationFailed, Conflict, DomainError, PermissionDenied
from core.records.template_versions import example_limits
from core.services import audit_trail, batches, recording, signing_keys
from core.services.template_approval import approvals, approve_template
from core.services.templates import get_template, list_templates
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user
from tests.raw_db import raw_dicts, raw_sql, without_guards

COI = "COI-W123426000042"


@pytest.fixture
def draft_admin(draft_site):
    from core.services.users import authenticate

    return authenticate(draft_site, "ada", ADMIN_PASSWORD)


@pytest.fixture
def draft_tech(draft_site, draft_admin):
    return make_user(draft_site, draft_admin, "tess", "technician", "Tess Technician")


@pytest.fixture
def qa(draft_site, draft_admin):
    person = make_user(draft_site, draft_admin, "quinn", "qa", "Quinn Quality")
    signing_keys.issue_certificates(draft_site, draft_admin, ADMIN_PASSWORD)
    return person


def test_a_draft_template_starts_no_batch(draft_site, draft_admin, draft_tech):
    assert {t.status for t in list_templates(draft_site)} == {"draft"}
    with pytest.raises(Conflict, match="No version of template cart-auto-lv is approved yet"):
        batches.start_batch(draft_site, draft_tech, "cart-auto-lv", "CT-1", COI)
    assert batches.list_batches(draft_site) == []


def test_qa_approves_with_an_e_signature(draft_site, draft_admin, draft_tech, qa):
    with pytest.raises(PermissionDenied, match="approve process template"):
        approve_template(
            draft_site, draft_admin, ADMIN_PASSWORD, "cart-auto-lv", 2, "CC-1 confirmed"
        )
    with pytest.raises(AuthenticationFailed):
        approve_template(draft_site, qa, "wrong-password-1", "cart-auto-lv", 2, "CC-1 confirmed")
    with pytest.raises(DomainError, match="what the approval rests on"):
        approve_template(draft_site, qa, USER_PASSWORD, "cart-auto-lv", 2, "")
    view = approve_template(draft_site, qa, USER_PASSWORD, "cart-auto-lv", 2, "CC-1 confirmed")
    assert view.valid and view.signer_name == "Quinn Quality" and view.signer_role == "qa"
    limits = example_limits(get_template(draft_site, "cart-auto-lv", 2))
    assert len(view.confirmed) == len(limits) > 10
    assert any(line.startswith("CART-REL-05 Viability: ≥ 80.0 %") for line in view.confirmed)
    event = audit_trail.events(draft_site, action="template.approve")[-1]
    assert event.entity_id == "cart-auto-lv/v2" and "CC-1 confirmed" in (event.reason or "")
    started = batches.start_batch(draft_site, draft_tech, "cart-auto-lv", "CT-1", COI)
    assert started.template_version == 2 and started.template_approved
    with pytest.raises(Conflict, match="already approved"):
        approve_template(draft_site, qa, USER_PASSWORD, "cart-auto-lv", 2, "again")


def test_a_forged_approval_row_approves_nothing(draft_site, draft_admin, draft_tech, qa):
    approve_template(draft_site, qa, USER_PASSWORD, "msc-expanded", 2, "CC-2 confirmed")
    (row,) = raw_dicts(draft_site, "SELECT * FROM template_approval")
    ((cart_id, cart_sha),) = raw_sql(
        draft_site, "SELECT id, sha256 FROM template_version WHERE key = 'cart-auto-lv'"
    )
    forged = {k: v for k, v in row.items() if k != "id"} | {
        "template_version_id": cart_id,
        "template_sha256": cart_sha,
    }
    raw_sql(
        draft_site,
        f"INSERT INTO template_approval ({', '.join(forged)}) VALUES "
        f"({', '.join(':' + k for k in forged)})",
        forged,
    )
    assert [a.valid for a in approvals(draft_site, "cart-auto-lv", 2)] == [False]
    with pytest.raises(Conflict, match="No version of template cart-auto-lv is approved"):
        batches.start_batch(draft_site, draft_tech, "cart-auto-lv", "CT-1", COI)


def test_the_approval_keeps_its_meaning_as_qa_read_it(draft_site, draft_admin, draft_tech, qa):
    """A Korean QA approves: the meaning they read is kept in Korean inside the signed
    statement; the approval verifies; changing those words unapproves the version."""
    import json

    from core.i18n import _, in_language
    from core.records.template_versions import APPROVAL_MEANING

    with in_language("ko"):
        korean = _(APPROVAL_MEANING)
        approve_template(draft_site, qa, USER_PASSWORD, "msc-expanded", 2, "CC-5 confirmed")
    assert korean != APPROVAL_MEANING
    ((statement,),) = raw_sql(draft_site, "SELECT statement FROM template_approval")
    assert json.loads(statement)["read"] == {"language": "ko", "text": korean}
    assert [a.valid for a in approvals(draft_site, "msc-expanded", 2)] == [True]
    altered = statement.replace(korean, "I approve nothing.")
    without_guards(
        draft_site, "template_approval", "UPDATE template_approval SET statement = :s",
        {"s": altered},
    )  # fmt: skip
    assert [a.valid for a in approvals(draft_site, "msc-expanded", 2)] == [False]


def test_limits_show_their_caveat_until_the_template_is_approved(
    draft_site, draft_admin, draft_tech, qa
):
    # a batch started before approval existed (an older site): its limits are still examples
    approve_template(draft_site, qa, USER_PASSWORD, "cart-auto-lv", 2, "CC-3 confirmed")
    view = batches.start_batch(draft_site, draft_tech, "cart-auto-lv", "CT-1", COI)
    assert view.check("CART-REL-05").caveat is None
    without_guards(draft_site, "template_approval", "DELETE FROM template_approval")
    from core.records import template_versions as templates

    templates._APPROVED.clear()  # a new process would not have it cached
    view = batches.show_batch(draft_site, "CT-1")
    assert not view.template_approved
    caveat = view.check("CART-REL-05").caveat
    assert caveat and "[P]" in caveat and "not yet confirmed" in caveat
    assert view.check("CART-IPC-00-SLOT").caveat is None  # no limit, nothing to confirm


@pytest.fixture
def cart(site, tech):
    batches.start_batch(site, tech, "cart-auto-lv", "CT-0042", COI)
    return "CT-0042"


def _cells(site, tech, lot):
    for check, value in (
        ("CART-IPC-10-VCD", "3.0e6"),
        ("CART-IPC-10-FILL", "50"),
        ("CART-IPC-10-CD3", "97"),
        ("CART-IPC-10-CAR", "35"),
    ):
        recording.record_value(site, tech, lot, check, value)


@pytest.mark.parametrize(
    ("weight", "applies", "value"),
    [
        ("42", "CART-IPC-10-DOSE", "1.21×10⁶ cells/kg"),
        ("50", "CART-IPC-10-DOSE", "1.02×10⁶ cells/kg"),
        ("68", "CART-IPC-10-DOSE-TOTAL", "5.09×10⁷ cells"),
    ],
)
def test_the_dose_band_follows_the_weight(site, tech, cart, weight, applies, value):
    _cells(site, tech, cart)
    out = recording.record_value(site, tech, cart, "CART-IPC-10-WEIGHT", weight)
    changed = {c.id: c for c in out.derived}
    other = ({"CART-IPC-10-DOSE", "CART-IPC-10-DOSE-TOTAL"} - {applies}).pop()
    assert changed[applies].applies and changed[applies].current.display == value
    assert changed[applies].current.verdict == "pass"
    assert changed[other].applies is False and not changed[other].required
    view = batches.show_batch(site, cart)
    assert view.check(other).current is None and not view.check(other).required


def test_a_check_that_does_not_apply_cannot_be_recorded(site, tech, cart):
    with pytest.raises(Conflict, match=r"Record CART-IPC-02-FORM .* first"):
        recording.record_value(site, tech, cart, "CART-IPC-03-TEMP", "5")
    recording.record_value(site, tech, cart, "CART-IPC-02-FORM", "Cryopreserved")
    with pytest.raises(Conflict, match="does not apply to this batch"):
        recording.record_value(site, tech, cart, "CART-IPC-03-TEMP", "5")
    out = recording.record_value(site, tech, cart, "CART-IPC-03-TEMP-CRYO", "-150")
    assert out.entry.current.verdict == "pass"
    view = batches.show_batch(site, cart)
    assert not view.check("CART-IPC-03-TEMP").required
    assert view.check("CART-IPC-03-TEMP-CRYO").required
    # beads only for bead activation
    recording.record_value(site, tech, cart, "CART-IPC-05-REAGENT", "TransAct")
    with pytest.raises(Conflict, match="does not apply"):
        recording.record_value(site, tech, cart, "CART-IPC-05-BEADS", "3")


def test_a_fresh_receipt_outside_2_to_8_degrees_is_out_of_spec(site, tech, cart):
    recording.record_value(site, tech, cart, "CART-IPC-02-FORM", "Fresh (2–8 °C)")
    with pytest.raises(DomainError, match="out of specification"):
        recording.record_value(site, tech, cart, "CART-IPC-03-TEMP", "10")
