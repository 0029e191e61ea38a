"""The operational qualification checks: each drives one data-integrity behaviour through the real
services on the scratch site and returns what it observed, or raises Deviates with it."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

from core.clock import FixedClock
from core.errors import (
    AlreadyExists,
    AuthenticationFailed,
    DomainError,
    JustificationRequired,
    PermissionDenied,
)
from core.i18n import SOURCE, _, in_language
from core.readmodels import CheckView, ResultVersionView
from core.services import audit_trail, batches, clock_incidents, recording
from core.services.signing import sign
from core.specs import Verdict
from core.validation.scratch import ScratchSite

STEP = "CART-S00"
IDLE_LOCK_MINUTES = (1, 60)  # the specified range of the idle-lock setting


class Deviates(Exception):
    """The behaviour was not what the requirement demands; the message says what was seen."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise Deviates(message)


def current(check: CheckView) -> ResultVersionView:
    """The check's current value; Deviates when it holds none."""
    if check.current is None:
        raise Deviates(_("{check} holds no value").format(check=check.id))
    return check.current


@dataclass
class Bench:
    """The scratch site the checks run on, and what they share."""

    site: ScratchSite
    clock: FixedClock
    lot: str
    lockout_attempts: int
    idle_lock_minutes: int
    shared: dict = field(default_factory=dict)

    def who(self, key: str):
        return self.site.people[key]

    def pw(self, key: str) -> str:
        return self.site.password(key)

    def check(self, check_id: str) -> CheckView:
        return next(
            c for c in batches.show_batch(self.site.db, self.lot).checks() if c.id == check_id
        )

    def step(self, step_id: str = STEP):
        return next(s for s in batches.show_batch(self.site.db, self.lot).steps if s.id == step_id)


class _Abort(Exception):
    pass


def audit_event_with_every_change(b: Bench) -> str:
    db, tech, check_id = b.site.db, b.who("tech"), "CART-IPC-01-DIN"
    reason = "DIN transcribed wrongly (OQ)"
    recording.record_value(db, tech, b.lot, check_id, "DIN-OQ-0001")
    recording.correct_value(db, tech, b.lot, check_id, "DIN-OQ-0002", reason)
    found = [e for e in audit_trail.events(db, lot=b.lot, action="result.correct")]
    expect(found, _("no audit event was written for the correction"))
    event = found[-1]
    old, new = json.loads(event.old or "{}"), json.loads(event.new or "{}")
    expect(
        event.user == tech.username,
        _("the event names {user}, not {expected}").format(user=event.user, expected=tech.username),
    )
    expect(event.at.endswith("+00:00"), _("the event time {at} is not UTC").format(at=event.at))
    expect(
        old.get("value") == "DIN-OQ-0001",
        _("old value {value} not kept").format(value=repr(old.get("value"))),
    )
    expect(
        new.get("value") == "DIN-OQ-0002",
        _("new value {value} not kept").format(value=repr(new.get("value"))),
    )
    expect(event.reason == reason, _("reason {reason} not kept").format(reason=repr(event.reason)))
    version = b.check(check_id).history[-1]
    expect(
        version.recorded_at.isoformat(timespec="microseconds") == event.at,
        _("the value and its event do not carry the same transaction time"),
    )
    try:
        with db.unit_of_work(tech.username) as uow:
            uow.audit("oq.probe", "probe", "rolled-back")
            raise _Abort
    except _Abort:
        pass
    expect(not audit_trail.events(db, action="oq.probe"), _("a rolled-back event was kept"))
    return _(
        "event #{seq} {action} by {user} at {at}: old {old} → new {new}, reason “{reason}”; same "
        "time as the value; an event of a rolled-back transaction was not kept"
    ).format(
        seq=event.seq,
        action=event.action,
        user=event.user,
        at=event.at,
        old=old["value"],
        new=new["value"],
        reason=event.reason,
    )


def reauthentication(b: Bench) -> str:
    db, vic = b.site.db, b.who("tech2")
    before = len(batches.show_batch(db, b.lot).signatures)
    try:
        sign(db, vic, "wrong-password-9", b.lot, "VERIFIED", step_id=STEP)
        raise Deviates(_("a signature with a wrong password was accepted"))
    except AuthenticationFailed as error:
        message = error.message
    expect(len(batches.show_batch(db, b.lot).signatures) == before, _("a signature was written"))
    failed = audit_trail.events(db, action="auth.login_failed", user=vic.username)
    expect(failed, _("the failed attempt was not audited"))
    return _("refused (“{message}”); no signature written; audited as event #{seq}").format(
        message=message, seq=failed[-1].seq
    )


def separation_of_duties(b: Bench) -> str:
    from core.signatures import SeparationOfDuties

    db, tess = b.site.db, b.who("tech")
    before = len(batches.show_batch(db, b.lot).signatures)
    seen = []
    try:
        sign(db, tess, b.pw("tech"), b.lot, "VERIFIED", step_id=STEP)
        raise Deviates(_("the performer verified their own step"))
    except SeparationOfDuties as error:
        seen.append(
            _("performer verifies: refused (“{message}…”)").format(message=error.message[:70])
        )
    try:
        sign(db, tess, b.pw("tech"), b.lot, "APPROVED", disposition="rejected", reason="OQ check")
        raise Deviates(_("a technician approved a disposition"))
    except PermissionDenied as error:
        seen.append(
            _("technician approves: refused (“{message}…”)").format(message=error.message[:70])
        )
    expect(len(batches.show_batch(db, b.lot).signatures) == before, _("a signature was written"))
    return "; ".join(seen)


def out_of_spec_needs_justification(b: Bench) -> str:
    db, tech, check_id = b.site.db, b.who("tech"), "CART-IPC-02-TIME"
    try:
        recording.record_value(db, tech, b.lot, check_id, "96")
        raise Deviates(_("96 h (limit 72 h) was accepted without a comment or deviation"))
    except JustificationRequired:
        pass
    expect(b.check(check_id).current is None, _("the refused value was stored"))
    out = recording.record_value(db, tech, b.lot, check_id, "96", comment="courier delay (OQ)")
    cur = current(out.entry)
    expect(
        cur.verdict == Verdict.OOS and cur.final,
        _("judged {verdict}, final {final}").format(verdict=cur.verdict, final=cur.final),
    )
    return _(
        "96 h without comment refused, nothing stored; with a comment: {verdict}, final"
    ).format(verdict=cur.verdict)


def correction_keeps_old_value(b: Bench) -> str:
    db, tech, check_id = b.site.db, b.who("tech"), "CART-IPC-01-CD3"
    first = current(recording.record_value(db, tech, b.lot, check_id, "2.6e9").entry)
    try:
        with in_language(SOURCE):  # its words are compared: in the language they are written in
            recording.correct_value(db, tech, b.lot, check_id, "2.7e9", "  ")
        raise Deviates(_("a correction without a reason was accepted"))
    except DomainError as error:
        expect(
            "reason" in error.message,
            _("refused for another cause: {message}").format(message=error.message),
        )
    recording.correct_value(db, tech, b.lot, check_id, "2.7e9", "count re-read (OQ)")
    history = b.check(check_id).history
    expect(len(history) == 2, _("{n} versions kept, not 2").format(n=len(history)))
    expect(history[0].value == first.value, _("the first version changed"))
    expect(history[1].reason == "count re-read (OQ)", _("the reason was not kept"))
    return _("without reason refused; v1 {first} kept, v2 {second} with its reason").format(
        first=history[0].display, second=history[1].display
    )


def change_after_signing_invalidates(b: Bench) -> str:
    db = b.site.db
    sign(db, b.who("tech"), b.pw("tech"), b.lot, "PERFORMED", step_id=STEP)
    sign(db, b.who("tech2"), b.pw("tech2"), b.lot, "VERIFIED", step_id=STEP)
    expect(b.step().verified, _("the step is not verified after signing"))
    recording.correct_value(db, b.who("tech"), b.lot, "CART-IPC-00-SLOT", "SLOT-9", "re-slotted")
    states = [(s.meaning, s.state) for s in b.step().signatures]
    expect(
        all(state == "invalidated" for _meaning, state in states),
        _("signatures now {states}").format(states=states),
    )
    sign(db, b.who("tech2"), b.pw("tech2"), b.lot, "VERIFIED", step_id=STEP)  # for OQ-12/13
    return _("{step} signed, then a value corrected → {states}").format(
        step=STEP, states=", ".join(f"{m} {s}" for m, s in states)
    )


def clock_incident_flagged(b: Bench) -> str:
    db, tech, check_id = b.site.db, b.who("tech"), "CART-IPC-02-TEMPLOG"
    now = b.clock.now()
    b.clock.set(now - timedelta(hours=1))  # this workstation's clock is an hour behind the trail
    try:
        recording.record_value(db, tech, b.lot, check_id, "pass")
    finally:
        b.clock.set(now + timedelta(seconds=1))
    expect(
        b.check(check_id).current is not None, _("the value was refused: the site is locked out")
    )
    opened = clock_incidents.incidents(db, only_open=True)
    expect(len(opened) == 1, _("{n} open clock incidents, expected 1").format(n=len(opened)))
    expect(audit_trail.events(db, action="clock.incident"), _("the incident was not audited"))
    clock_incidents.clear_incident(
        db,
        b.site.admin,
        b.site.passwords["ada"],
        opened[0].id,
        "OQ: the bench clock was set 1 h back",
    )
    expect(not clock_incidents.incidents(db, only_open=True), _("the incident is still open"))
    expect(audit_trail.verify(db).intact, _("the audit trail is not intact"))
    return _(
        "write with the clock 1 h back kept; clock incident opened and audited; cleared by the "
        "administrator with a reason and an e-signature"
    )


def lockout(b: Bench) -> str:
    from core.services.users import authenticate

    db, sam, limit = b.site.db, b.who("sup"), b.lockout_attempts
    messages = []
    for _attempt in range(limit):
        try:
            with in_language(SOURCE):  # its words are compared: in the language they are written in
                authenticate(db, sam.username, "wrong-password-9")
        except AuthenticationFailed as error:
            messages.append(error.message)
    expect(len(messages) == limit, _("a wrong password was accepted"))
    expect(
        "locked" in messages[-1],
        _("not locked after {n} failures: {message}").format(n=limit, message=messages[-1]),
    )
    try:
        authenticate(db, sam.username, b.pw("sup"))
        raise Deviates(_("the locked account still logged in with its right password"))
    except AuthenticationFailed:
        pass
    expect(audit_trail.events(db, action="user.lock"), _("the lock was not audited"))
    return _(
        "locked after {n} wrong passwords (the site's setting); right password then refused"
    ).format(n=limit)


def idle_lock_policy(b: Bench) -> str:
    from core.services.settings import LIMITS, set_setting, show_policy

    low, high = IDLE_LOCK_MINUTES
    shown = LIMITS["idle_lock_minutes"][:2]
    expect(
        shown == (low, high),
        _("the app allows {app_low}–{app_high} min, not {low}–{high}").format(
            app_low=shown[0], app_high=shown[1], low=low, high=high
        ),
    )
    site_value = b.idle_lock_minutes
    expect(
        low <= site_value <= high,
        _("the site's idle lock {value} min is outside {low}–{high}").format(
            value=site_value, low=low, high=high
        ),
    )
    db, admin = b.site.db, b.site.admin
    for value in (str(low - 1), str(high + 1)):
        try:
            set_setting(db, admin, "idle_lock_minutes", value, "OQ out-of-range check")
            raise Deviates(_("an idle lock of {value} min was accepted").format(value=value))
        except DomainError:
            pass
    set_setting(db, admin, "idle_lock_minutes", str(site_value), "OQ: the site's value")
    expect(show_policy(db).idle_lock_minutes == site_value, _("the setting did not take"))
    return _("site: {value} min (limits {low}–{high}); {below} and {above} refused").format(
        value=site_value, low=low, high=high, below=low - 1, above=high + 1
    )


def _sealed_pdf(b: Bench) -> bytes:
    if "pdf" not in b.shared:
        from core.services.reports import export_pdf

        out = export_pdf(b.site.db, b.who("qa"), b.pw("qa"), b.lot, b.site.folder / "oq.pdf")
        b.shared["pdf"] = out.path.read_bytes()
    return b.shared["pdf"]


def signed_pdf_verifies(b: Bench) -> str:
    from core.services.pdf_verification import verify_pdf
    from core.services.signing_keys import ca_certificate_pem

    data, ca = _sealed_pdf(b), ca_certificate_pem(b.site.db)
    result = verify_pdf(data, ca)
    expect(
        result.ok,
        _("the sealed PDF does not verify: {problems}").format(problems="; ".join(result.problems)),
    )
    damaged = bytearray(data)
    damaged[damaged.index(b"/Type /Page") + 1] ^= 0x01
    after = verify_pdf(bytes(damaged), ca)
    expect(not after.ok, _("a copy with one byte changed still verifies"))
    why = after.problems[0].split(":")[0] if after.problems else _("no reason given")
    return _("seal valid, {n} e-signatures verified; one byte changed → FAILED ({why})").format(
        n=len(result.e_signatures), why=why
    )


def manifestation_in_pdf(b: Bench) -> str:
    from pypdf import PdfReader

    from core.reports.text import LocalTime
    from core.services.report_data import report_time_zone

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(_sealed_pdf(b))).pages)
    squashed = re.sub(r"\s+", "", text)
    local = LocalTime(report_time_zone(b.site.db))
    shown = []
    for sig in batches.show_batch(b.site.db, b.lot).signatures:
        for part in (sig.signer_name, local(sig.signed_at), sig.label):
            expect(
                re.sub(r"\s+", "", part) in squashed,
                _("“{part}” is not printed in the PDF").format(part=part),
            )
        shown.append(f"{sig.label} {sig.signer_name} {local(sig.signed_at)}")
    expect(shown, _("the batch has no signature to show"))
    return _("printed: {signatures}").format(signatures="; ".join(shown))


def unique_user_ids(b: Bench) -> str:
    from core.services.signing_keys import key_states
    from core.services.users import create_user

    try:
        create_user(b.site.db, b.site.admin, "tess", "Tess Twin", "technician", "Other-pass-2026")
        raise Deviates(_("a second user 'tess' was created"))
    except AlreadyExists:
        pass
    serials = [v.serial_hex for v in key_states(b.site.db) if v.serial_hex]
    expect(len(serials) == len(set(serials)), _("two users share a certificate serial"))
    return _("a second 'tess' refused; {n} certificates, each serial unique").format(n=len(serials))
