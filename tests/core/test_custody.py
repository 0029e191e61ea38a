"""Custody of autologous material: the template's plan (`[custody]`) as parsed and refused; each
hand-off recorded with the chain-of-identity id scanned and refused — and audited — on a
mismatch; the e-signature a plan asks for, and its verification (a row changed behind Lotbook's
back no longer verifies); the trail complete or incomplete with the missing hand-offs named."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.crypto.statements import verify_statement
from core.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidValue,
    PermissionDenied,
    ScanMismatch,
    TemplateInvalid,
)
from core.i18n import _
from core.services import audit_trail, batches
from core.services.custody import custody_trail, record_custody
from core.states import CustodyKind
from core.templates import parse_template
from core.typed_times import parse_typed_time
from tests.conftest import USER_PASSWORD as PW
from tests.raw_db import count, raw_sql, without_guards

COI = "COI-W123426000042"
LOT = "AUTO-1"
PLAN = """
[custody]
events = ["collected", "shipped", "received", "handoff", "qc_sample", "stored", "infused"]
sign = ["received", "infused"]
"""
BERLIN = ZoneInfo("Europe/Berlin")


def _mini(plan: str = PLAN, autologous: bool = True) -> str:
    from tests.core.test_templates import BASE

    text = BASE + plan
    return text if autologous else text.replace("autologous = true", "autologous = false", 1)


def _refused(text: str) -> TemplateInvalid:
    with pytest.raises(TemplateInvalid) as err:
        parse_template(text.encode(), "mini.toml")
    return err.value


# -- the plan in the template ---------------------------------------------------------------------


def test_the_plan_is_read_in_order_with_the_kinds_that_are_signed():
    plan = parse_template(_mini().encode(), "mini.toml").custody
    assert [k.value for k in plan.events] == [
        "collected",
        "shipped",
        "received",
        "handoff",
        "qc_sample",
        "stored",
        "infused",
    ]
    assert plan.sign == {CustodyKind.RECEIVED, CustodyKind.INFUSED}
    assert plan.needs_signature("received") and not plan.needs_signature("shipped")
    assert plan.line == _mini().splitlines().index(PLAN.splitlines()[2]) + 1
    free = parse_template(_mini("").encode(), "mini.toml").custody
    assert free.empty and not free.needs_signature("infused")


def test_a_hand_off_and_a_qc_sample_may_be_expected_more_than_once():
    text = _mini('[custody]\nevents = ["received", "handoff", "qc_sample", "handoff", "qc_sample"]')
    plan = parse_template(text.encode(), "mini.toml").custody
    assert plan.expected_count("handoff") == 2 and plan.expected_count("received") == 1
    assert plan.kinds() == (CustodyKind.RECEIVED, CustodyKind.HANDOFF, CustodyKind.QC_SAMPLE)


@pytest.mark.parametrize(
    ("plan", "why"),
    [
        (
            '[custody]\nevents = ["collected", "beamed"]',
            "'beamed' in events is not a custody event; the choices: collected, shipped, "
            "received, handoff, qc_sample, stored, product_shipped, product_received, thawed, "
            "infused",
        ),
        ('[custody]\nevents = ["collected", "infused", "infused"]', "'infused' 2 times"),
        ('[custody]\nevents = ["collected"]\nsign = ["infused"]', "sign names 'infused'"),
        ('[custody]\nevents = ["collected"]\nsign = ["nope"]', "'nope' in sign is not"),
        ("[custody]\nevents = []", "names no event"),
        ('[custody]\nevents = "collected"', "must be a list"),
        ('[custody]\nsign = ["collected"]', "'events' is missing"),
        ('[custody]\nevents = ["collected"]\nsigned = ["collected"]', "did you mean 'sign'?"),
    ],
)
def test_a_doubtful_plan_is_refused_at_its_line(plan, why):
    error = _refused(_mini(plan))
    assert why in error.reason
    assert error.line is not None and error.line > _mini("").count("\n")


def test_custody_must_be_a_table():
    text = _mini("").replace("schema = 1\n", 'schema = 1\ncustody = "collected"\n', 1)
    error = _refused(text)
    assert "'custody' must be a table" in error.reason and error.line == 2


def test_only_an_autologous_template_may_have_a_plan():
    error = _refused(_mini(autologous=False))
    assert "only for an autologous template" in error.reason


# -- times as typed -------------------------------------------------------------------------------


def test_a_typed_time_is_read_in_the_sites_zone():
    assert parse_typed_time(" 2026-12-05  14:30 ", BERLIN) == datetime(
        2026, 12, 5, 13, 30, tzinfo=UTC
    )
    assert parse_typed_time("2026-07-05T14:30:15", BERLIN) == datetime(
        2026, 7, 5, 12, 30, 15, tzinfo=UTC
    )
    assert parse_typed_time("2026-10-25 02:30 +01:00", BERLIN) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    for typed, why in (
        ("05/12/2026 14:30", "type YYYY-MM-DD HH:MM"),
        ("2026-12-05", "type YYYY-MM-DD HH:MM"),
        ("2026-02-30 10:00", "not a time that exists"),
        ("2026-03-29 02:30", "does not exist in Europe/Berlin: the clocks went forward"),
        ("2026-10-25 02:30", "happened twice in Europe/Berlin"),
        ("", "Give the time"),
    ):
        with pytest.raises(InvalidValue, match=why):
            parse_typed_time(typed, BERLIN)


# -- recording ------------------------------------------------------------------------------------


@pytest.fixture
def auto(site, admin, people, tmp_path):
    """Lot AUTO-1 of the mini template with the plan, started by tess (in Berlin, on 2026-11-02
    at 09:00 local); the clock then moves on to 2026-11-12."""
    return _started(site, admin, people, tmp_path, _mini())


def _started(site, admin, people, tmp_path, text: str, lot: str = LOT):
    from core.services.settings import set_setting
    from core.services.template_approval import approve_template
    from core.services.templates import load_template

    set_setting(site, admin, "time_zone", "Europe/Berlin", "the site is in Berlin (CC-TEST-2)")
    path = tmp_path / "mini.toml"
    path.write_text(text, "utf-8")
    load_template(site, admin, path)
    approve_template(site, people["qa"], PW, "mini", 1, "CC-15 custody plan")
    batches.start_batch(site, people["tech"], "mini", lot, COI)
    site.clock.advance(timedelta(days=10))
    return site


def _record(site, actor, kind, at, *, coi=COI, password=None, **extra):
    extra.setdefault("location", "Suite B")
    return record_custody(
        site, actor, LOT, kind, coi_scanned=coi, occurred_at=at, password=password, **extra
    )


def test_a_wrong_coi_is_refused_and_the_refusal_stays_on_the_record(auto, people):
    with pytest.raises(ScanMismatch) as err:
        _record(auto, people["tech"], "shipped", "2026-11-01 16:00", coi="COI-W999999000001")
    message = str(err.value)
    assert message.startswith(f"Mismatch: expected {COI}, scanned COI-W999999000001.")
    assert "report a mix-up to QA" in message
    assert count(auto, "custody_event") == 0
    (event,) = audit_trail.events(auto, action="custody.coi_mismatch")
    assert (event.user, event.lot, event.entity_id) == ("tess", LOT, f"{LOT}/shipped")
    said = json.loads(event.new)
    assert (said["scanned"], said["expected"], said["event"]) == (
        "COI-W999999000001",
        COI,
        "shipped",
    )
    # a signed kind: the mismatch is refused and audited before any password is asked
    with pytest.raises(ScanMismatch):
        _record(auto, people["tech"], "received", "2026-11-02 08:30", coi=f" {COI}X ")
    assert len(audit_trail.events(auto, action="custody.coi_mismatch")) == 2
    assert count(auto, "custody_event") == 0


def test_the_scan_is_compared_exactly_after_trimming(auto, people):
    with pytest.raises(ScanMismatch):
        _record(auto, people["tech"], "collected", "2026-11-01 10:00", coi=COI.lower())
    trail = _record(auto, people["tech"], "collected", "2026-11-01 10:00", coi=f"  {COI}\t")
    assert [e.coi_scanned for e in trail.events] == [COI]


def test_a_signed_kind_needs_the_password_and_its_signature_verifies(auto, people):
    tech = people["tech"]
    with pytest.raises(DomainError, match="is e-signed: give your password"):
        _record(auto, tech, "received", "2026-11-02 08:30")
    with pytest.raises(AuthenticationFailed):
        _record(auto, tech, "received", "2026-11-02 08:30", password="wrong-password-1")
    assert count(auto, "custody_event") == 0
    trail = _record(
        auto,
        tech,
        "received",
        "2026-11-02 08:30",
        password=PW,
        container_id="DS-0042",
        logger_id="TL-7781",
        temperature="≤ −150 °C throughout",
    )
    (event,) = trail.events
    assert event.signed and event.signature_valid and event.signature_required
    assert (event.signer_name, event.recorded_by_name) == ("Tess Technician", "Tess Technician")
    ((statement, signature, serial),) = raw_sql(
        auto, "SELECT statement, crypto_signature, certificate_serial FROM custody_event"
    )
    ((owner, cert_pem),) = raw_sql(
        auto,
        "SELECT username, cert_pem FROM signing_key WHERE serial_hex = :serial",
        {"serial": serial},
    )
    assert owner == "tess"
    cert, raw = cert_pem.encode("ascii"), base64.b64decode(signature)
    assert verify_statement(cert, statement.encode("utf-8"), raw)
    said = json.loads(statement)
    assert said["lot"] == LOT and said["coi"] == COI and said["event"] == "received"
    assert said["occurred_at"] == "2026-11-02T07:30:00.000000+00:00"  # 08:30 in Berlin
    assert (said["container"], said["logger"]) == ("DS-0042", "TL-7781")
    assert said["temperature"] == "≤ −150 °C throughout"
    assert (said["recorder"], said["printed_name"]) == ("tess", "Tess Technician")
    assert said["certificate_serial"] == serial and said["signed_at"].startswith("2026-11-12")
    assert "chain of custody" in said["meaning"]
    assert not verify_statement(cert, statement.replace("DS-0042", "DS-0043").encode(), raw)
    # an unsigned kind keeps no signature
    trail = _record(auto, tech, "handoff", "2026-11-03 10:00")
    assert not trail.events[-1].signed and not trail.events[-1].signature_required


def test_a_row_changed_behind_lotbooks_back_no_longer_verifies(auto, people):
    _record(auto, people["tech"], "received", "2026-11-02 08:30", password=PW)
    assert custody_trail(auto, LOT).events[0].signature_valid
    error = None
    try:
        raw_sql(auto, "UPDATE custody_event SET location = 'Suite C'")
    except Exception as refused:  # the append-only trigger, whatever the driver calls it
        error = refused
    assert error is not None and "append-only" in str(error)
    without_guards(auto, "custody_event", "UPDATE custody_event SET location = 'Suite C'")
    trail = custody_trail(auto, LOT)
    (event,) = trail.events
    assert event.location == "Suite C" and event.signed and not event.signature_valid
    assert "e-signature not valid: received at manufacturing" in trail.status_text()
    # the statement rewritten to say the same as the changed row: the signature no longer verifies
    without_guards(
        auto,
        "custody_event",
        "UPDATE custody_event SET statement = REPLACE(statement, 'Suite B', 'Suite C')",
    )
    ((statement,),) = raw_sql(auto, "SELECT statement FROM custody_event")
    assert '"location":"Suite C"' in statement
    assert not custody_trail(auto, LOT).events[0].signature_valid


def test_the_trail_is_complete_only_with_every_expected_event_and_valid_signature(auto, people):
    tech = people["tech"]
    trail = custody_trail(auto, LOT)
    assert trail.planned and not trail.complete and trail.events == ()
    assert trail.sign == ("received", "infused")
    _record(auto, tech, "collected", "2026-11-01 10:00")  # before the batch: allowed
    _record(auto, tech, "shipped", "2026-11-01 16:00")
    trail = _record(auto, tech, "received", "2026-11-02 08:30", password=PW)
    assert [e.kind for e in trail.done] == ["collected", "shipped", "received"]
    assert [e.kind for e in trail.missing] == ["handoff", "qc_sample", "stored", "infused"]
    assert trail.status_text() == (
        "INCOMPLETE: missing manufacturing hand-off, QC sample taken, stored, infused."
    )
    _record(auto, tech, "stored", "2026-11-10 12:00")
    trail = _record(auto, tech, "handoff", "2026-11-10 15:00")  # after storage: out of order
    assert [e.kind for e in trail.out_of_order] == ["handoff"]
    _record(auto, tech, "qc_sample", "2026-11-10 16:00")
    trail = _record(auto, tech, "infused", "2026-11-12 08:00", password=PW)
    assert trail.complete and trail.missing == ()
    assert trail.status_text().startswith("COMPLETE: all 7 expected hand-offs recorded")
    assert [e.kind for e in trail.events] == [
        "collected",
        "shipped",
        "received",
        "stored",
        "handoff",
        "qc_sample",
        "infused",
    ]
    assert [e.kind for e in trail.out_of_order] == ["handoff", "qc_sample"]
    assert trail.events[0].occurred_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    (recorded, *_) = audit_trail.events(auto, action="custody.record")
    assert recorded.lot == LOT and json.loads(recorded.new)["event"] == "collected"
    assert len(audit_trail.events(auto, action="custody.record")) == 7
    # a second infusion is kept, and flagged: it happens once
    trail = _record(auto, tech, "infused", "2026-11-12 09:00", password=PW)
    assert trail.events[-1].repeated and trail.complete
    from core.services.trail_verification import verify_trail

    assert verify_trail(auto).intact  # each hand-off and its audit event written together


def test_an_expected_hand_off_twice_counts_each(site, admin, people, tmp_path):
    text = _mini('[custody]\nevents = ["received", "handoff", "handoff", "stored"]')
    _started(site, admin, people, tmp_path, text)
    trail = _record(site, people["tech"], "handoff", "2026-11-03 10:00")
    assert [e.label for e in trail.missing] == [
        "received at manufacturing",
        "manufacturing hand-off (2 of 2)",
        "stored",
    ]
    trail = _record(site, people["tech"], "handoff", "2026-11-04 10:00")
    assert not trail.events[-1].repeated and not trail.events[-1].out_of_order
    assert [e.label for e in trail.missing] == ["received at manufacturing", "stored"]


def test_times_in_the_future_or_before_the_batch_are_refused(auto, people):
    tech = people["tech"]
    with pytest.raises(InvalidValue, match="is in the future: the time now is 2026-11-12 09:"):
        _record(auto, tech, "shipped", "2026-11-12 09:30")
    with pytest.raises(InvalidValue, match="comes before lot AUTO-1 was started"):
        _record(auto, tech, "handoff", "2026-11-02 08:30")
    with pytest.raises(InvalidValue, match="type YYYY-MM-DD HH:MM"):
        _record(auto, tech, "handoff", "3/11/2026 10:00")
    assert count(auto, "custody_event") == 0
    trail = _record(auto, tech, "handoff", "2026-11-12 09:04")  # within the clock tolerance
    assert len(trail.events) == 1


def test_a_kind_the_plan_does_not_expect_is_refused_naming_the_plan(auto, people):
    with pytest.raises(Conflict) as err:
        _record(auto, people["tech"], "thawed", "2026-11-03 10:00")
    assert "has no 'thawed' event: it expects collected, shipped to manufacturing" in str(err.value)
    with pytest.raises(InvalidValue, match="'beamed' is not a custody event; the choices"):
        _record(auto, people["tech"], "beamed", "2026-11-03 10:00")
    with pytest.raises(InvalidValue, match="Give the location"):
        _record(auto, people["tech"], "handoff", "2026-11-03 10:00", location="  ")
    assert count(auto, "custody_event") == 0


def test_without_a_plan_the_trail_is_free(site, admin, people, tmp_path):
    _started(site, admin, people, tmp_path, _mini(""))
    trail = _record(site, people["tech"], "thawed", "2026-11-11 10:00")
    assert not trail.planned and not trail.complete and trail.expected == ()
    assert trail.events[0].in_plan and not trail.events[0].signature_required
    assert trail.status_text().startswith("No custody plan")


def test_a_batch_that_is_not_autologous_keeps_no_custody(site, people):
    batches.start_batch(site, people["tech"], "msc-expanded", "M-1")
    with pytest.raises(Conflict, match="is not autologous"):
        record_custody(
            site,
            people["tech"],
            "M-1",
            "collected",
            coi_scanned=COI,
            occurred_at="2026-11-01 10:00",
            location="Suite B",
        )
    trail = custody_trail(site, "M-1")
    assert not trail.autologous and trail.status_text() == (
        "Lot M-1 is not autologous: no custody trail is kept."
    )
    assert count(site, "custody_event") == 0


def test_only_a_role_that_records_may_record_custody(auto, people):
    with pytest.raises(PermissionDenied):
        _record(auto, people["qa"], "collected", "2026-11-01 10:00")
    assert count(auto, "custody_event") == 0
    assert audit_trail.events(auto, action="auth.denied")


def test_the_hand_off_meaning_is_kept_as_the_recorder_read_it(auto, people):
    """A Korean recorder signs the meaning they were shown, in Korean: kept in the signed
    statement with its language; changing those words breaks the e-signature."""
    from core.i18n import in_language
    from core.records.custody import MEANING, read_meaning

    with in_language("ko"):
        korean = _(MEANING)
        _record(auto, people["tech"], "received", "2026-11-02 08:30", password=PW)
    assert korean != MEANING
    ((statement,),) = raw_sql(auto, "SELECT statement FROM custody_event")
    said = json.loads(statement)
    assert said["read"] == {"language": "ko", "text": korean}
    assert said["meaning"] == MEANING  # the canonical meaning beside the words read
    assert read_meaning(statement) == (korean, "ko")
    assert custody_trail(auto, LOT).events[0].signature_valid
    altered = statement.replace(korean, "I read nothing")
    without_guards(auto, "custody_event", "UPDATE custody_event SET statement = :s", {"s": altered})
    assert not custody_trail(auto, LOT).events[0].signature_valid
