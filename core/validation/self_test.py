"""The self-test: a short end-to-end scenario in a scratch database, one timed result per step.

Create a site and its CA, people of every role, start a CAR-T batch, record values (one out of
specification), correct one, sign, export a sealed PDF, verify it and a damaged copy, verify the
audit chain, and load the templates and fonts shipped with the app. Each step catches its own
failure; a step whose prerequisite did not pass is reported as skipped, not run. The scratch
database lives in a fresh temporary folder (removed afterwards unless the caller gave one), never
in the user's data folder. No display and no Qt are needed.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import AuthenticationFailed, DomainError, JustificationRequired
from core.i18n import N_, SOURCE, _, in_language, ngettext
from core.specs import Verdict
from core.validation import scratch
from core.version import app_version

if TYPE_CHECKING:
    from core.readmodels import CheckView, ResultVersionView

LOT = "ST-0001"
IN_SPEC = (
    ("CART-IPC-00-COI", scratch.COI),
    ("CART-IPC-00-PATIENT", "pass"),
    ("CART-IPC-00-SLOT", "SLOT-1"),
)
OOS_CHECK, OOS_VALUE = "CART-IPC-02-TIME", "96"  # spec: at most 72 h
STEP = "CART-S00"
STEP_WORD = {True: N_("PASS"), False: N_("FAIL"), None: N_("SKIP")}


@dataclass(frozen=True)
class StepResult:
    name: str  # as shown (in the language of the run)
    passed: bool | None  # None: skipped (a step it needs did not pass)
    detail: str
    seconds: float

    @property
    def word(self) -> str:
        return _(STEP_WORD[self.passed])


@dataclass(frozen=True)
class SelfTestReport:
    steps: tuple[StepResult, ...]
    passed: bool
    seconds: float
    app_version: str

    @property
    def not_passed(self) -> tuple[StepResult, ...]:
        return tuple(s for s in self.steps if not s.passed)


class StepFailed(Exception):
    """What a step expected did not happen."""


def _expect(condition: object, message: str) -> None:
    if not condition:
        raise StepFailed(message)


@dataclass
class _Scenario:
    folder: Path
    site: scratch.ScratchSite | None = None
    pdf: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def s(self) -> scratch.ScratchSite:
        assert self.site is not None
        return self.site


# -- the steps ---------------------------------------------------------------------------------


def _create_site(sc: _Scenario) -> str:
    from core.crypto.keys import certificate_info
    from core.services.signing_keys import ca_certificate_pem

    sc.site = scratch.create_site(sc.folder)
    info = certificate_info(ca_certificate_pem(sc.s.db))
    return _("scratch database {file}; site CA {ca}").format(
        file=sc.s.path.name, ca=info.subject_name
    )


def _create_people(sc: _Scenario) -> str:
    scratch.add_people(sc.s)
    roles = ", ".join(a.role for a in sc.s.people.values())
    return ngettext(
        "{n} user ({roles}), own passwords, certificates issued",
        "{n} users ({roles}), own passwords, certificates issued",
        len(sc.s.people),
    ).format(n=len(sc.s.people), roles=roles)


def _start_batch(sc: _Scenario) -> str:
    from core.services.batches import show_batch

    scratch.start_batch(sc.s, LOT)
    view = show_batch(sc.s.db, LOT)
    _expect(view.coi_id == scratch.COI, _("the batch carries COI {coi}").format(coi=view.coi_id))
    return _("lot {lot} on {template} v{version}, COI {coi}").format(
        lot=LOT, template=view.template_key, version=view.template_version, coi=view.coi_id
    )


def _check(sc: _Scenario, check_id: str) -> CheckView:
    from core.services.batches import show_batch

    return next(c for c in show_batch(sc.s.db, LOT).checks() if c.id == check_id)


def _current(check: CheckView) -> ResultVersionView:
    if check.current is None:
        raise StepFailed(_("{check} holds no value").format(check=check.id))
    return check.current


def _record_in_spec(sc: _Scenario) -> str:
    from core.services.recording import record_value

    tech = sc.s.people["tech"]
    for check_id, value in IN_SPEC:
        current = _current(record_value(sc.s.db, tech, LOT, check_id, value).entry)
        _expect(current.final, _("{check} was not final").format(check=check_id))
        _expect(
            current.verdict in (Verdict.PASS, Verdict.REPORT),
            _("{check} was judged {verdict}").format(check=check_id, verdict=current.verdict),
        )
    shown = _current(_check(sc, "CART-IPC-00-PATIENT"))
    return ngettext(
        "{n} value of {step}; {check} {value} ({verdict})",
        "{n} values of {step}; {check} {value} ({verdict})",
        len(IN_SPEC),
    ).format(
        n=len(IN_SPEC),
        step=STEP,
        check="CART-IPC-00-PATIENT",
        value=shown.display,
        verdict=shown.verdict,
    )


def _oos_refused(sc: _Scenario) -> str:
    from core.services.recording import record_value

    try:
        record_value(sc.s.db, sc.s.people["tech"], LOT, OOS_CHECK, OOS_VALUE)
    except JustificationRequired as error:
        _expect(_check(sc, OOS_CHECK).current is None, _("the refused value was stored anyway"))
        return _("{check} = {value} h refused: {message}…").format(
            check=OOS_CHECK, value=OOS_VALUE, message=error.message[:60]
        )
    raise StepFailed(
        _("{check} = {value} h (limit 72 h) was accepted without a comment").format(
            check=OOS_CHECK, value=OOS_VALUE
        )
    )


def _oos_with_comment(sc: _Scenario) -> str:
    from core.services.recording import record_value

    comment = "transport delayed by the courier; QA informed (self-test)"
    out = record_value(sc.s.db, sc.s.people["tech"], LOT, OOS_CHECK, OOS_VALUE, comment=comment)
    cur = _current(out.entry)
    _expect(
        cur.verdict == Verdict.OOS,
        _("judged {verdict}, not out of specification").format(verdict=cur.verdict),
    )
    _expect(cur.final and cur.comment == comment, _("the comment was not kept with the value"))
    return _("{check} {value}: out of specification, final with its comment").format(
        check=OOS_CHECK, value=cur.display
    )


def _correct(sc: _Scenario) -> str:
    from core.services.recording import correct_value

    tech, check_id = sc.s.people["tech"], "CART-IPC-00-SLOT"
    try:
        with in_language(SOURCE):  # its words are compared: in the language they are written in
            correct_value(sc.s.db, tech, LOT, check_id, "SLOT-2", "")
        raise StepFailed(_("a correction without a reason was accepted"))
    except DomainError as error:
        _expect(
            "reason" in error.message,
            _("refused for another cause: {message}").format(message=error.message),
        )
    correct_value(sc.s.db, tech, LOT, check_id, "SLOT-2", "wrong slot typed (self-test)")
    history = _check(sc, check_id).history
    _expect(len(history) == 2, _("{n} versions kept, not 2").format(n=len(history)))
    _expect(history[0].value == "SLOT-1", _("the old value was not kept"))
    _expect(history[1].reason, _("the reason was not kept"))
    return _("{check} {old} → {new}; version 1 kept; a correction without reason refused").format(
        check=check_id, old="SLOT-1", new="SLOT-2"
    )


def _sign(sc: _Scenario) -> str:
    from core.services.batches import show_batch
    from core.services.signing import sign

    db, tech, tech2 = sc.s.db, sc.s.people["tech"], sc.s.people["tech2"]
    sign(db, tech, sc.s.password("tech"), LOT, "PERFORMED", step_id=STEP)
    try:
        sign(db, tech2, "not-the-password-1", LOT, "VERIFIED", step_id=STEP)
        raise StepFailed(_("a signature with a wrong password was accepted"))
    except AuthenticationFailed:
        pass
    step = next(s for s in show_batch(db, LOT).steps if s.id == STEP)
    _expect(len(step.signatures) == 1, _("the wrong password left a signature behind"))
    sign(db, tech2, sc.s.password("tech2"), LOT, "VERIFIED", step_id=STEP)
    step = next(s for s in show_batch(db, LOT).steps if s.id == STEP)
    _expect(
        step.verified,
        _("step {step} is {state}, not verified").format(step=STEP, state=step.state_words),
    )
    done = _("{step} performed by {performer}, verified by {verifier}; a wrong password refused")
    return done.format(step=STEP, performer=tech.full_name, verifier=tech2.full_name)


def _export(sc: _Scenario) -> str:
    from core.services.reports import export_pdf

    qa = sc.s.people["qa"]
    out = export_pdf(sc.s.db, qa, sc.s.password("qa"), LOT, sc.folder / "self-test-summary.pdf")
    sc.pdf = out.path
    return ngettext(  # the same English for one and many (as before)
        "{file}: {pages} pages, {kib} KiB, sealed by {name}",
        "{file}: {pages} pages, {kib} KiB, sealed by {name}",
        out.pages,
    ).format(file=out.path.name, pages=out.pages, kib=out.size // 1024, name=out.sealed_by_name)


def _verify_pdf(sc: _Scenario) -> str:
    from core.services.pdf_verification import verify_pdf
    from core.services.signing_keys import ca_certificate_pem

    assert sc.pdf is not None
    data, ca = sc.pdf.read_bytes(), ca_certificate_pem(sc.s.db)
    result = verify_pdf(data, ca)
    _expect(
        result.ok,
        _("the sealed PDF does not verify: {problems}").format(problems="; ".join(result.problems)),
    )
    damaged = bytearray(data)
    damaged[damaged.index(b"/Type /Page") + 1] ^= 0x01  # one byte inside the sealed content
    _expect(not verify_pdf(bytes(damaged), ca).ok, _("a copy with one byte changed still verifies"))
    return _("seal and {n} e-signatures verified; one flipped byte detected").format(
        n=len(result.e_signatures)
    )


def _print_label(sc: _Scenario) -> str:
    from datetime import UTC, datetime, timedelta

    from core.services.labels import print_labels

    tech = sc.s.people["tech"]
    expiry = datetime.now(UTC).date() + timedelta(days=14)  # past today in any zone
    out = print_labels(
        sc.s.db, tech, LOT, "bag", 1, "100x50", sc.folder / "self-test-label.pdf",
        expiry=expiry, storage="Below -150 °C (LN2 vapour phase)",
    )  # fmt: skip
    _expect(out.path.read_bytes().startswith(b"%PDF-"), _("the label file is not a PDF"))
    return _("{kind} label {serial} with its QR code, {kib} KiB").format(
        kind=out.kind_words, serial=out.first_serial, kib=out.size // 1024
    )


def _verify_audit(sc: _Scenario) -> str:
    from core.services.audit_trail import verify

    report = verify(sc.s.db)
    _expect(report.intact, report.summary())
    return ngettext(  # the same English for one and many (as before)
        "{n} events, chain head {head}…", "{n} events, chain head {head}…", report.events
    ).format(n=report.events, head=report.head_hash[:16])


def _resources(sc: _Scenario) -> str:
    from core.validation.iq import load_fonts, load_templates

    templates, fonts = load_templates(), load_fonts()
    return _("{n} templates ({templates}); {fonts} fonts").format(
        n=len(templates), templates=", ".join(templates), fonts=len(fonts)
    )


# (key, name, the keys of the steps it needs, function); the name is shown as _(name)
STEPS: tuple[tuple[str, str, tuple[str, ...], Callable[[_Scenario], str]], ...] = (
    ("site", N_("create a site and its certificate authority"), (), _create_site),
    (
        "people",
        N_("create users, set their own passwords, issue certificates"),
        ("site",),
        _create_people,
    ),
    ("batch", N_("start a CAR-T batch with a chain-of-identity id"), ("people",), _start_batch),
    ("in_spec", N_("record in-spec values"), ("batch",), _record_in_spec),
    ("oos", N_("record an out-of-spec value (refused without comment)"), ("batch",), _oos_refused),
    (
        "oos_ok",
        N_("record the out-of-spec value with a comment (accepted)"),
        ("oos",),
        _oos_with_comment,
    ),
    ("correct", N_("correct a value (old version kept, reason required)"), ("in_spec",), _correct),
    ("sign", N_("sign PERFORMED and VERIFIED (wrong password refused)"), ("in_spec",), _sign),
    ("export", N_("export a sealed PDF batch summary"), ("batch",), _export),
    (
        "verify_pdf",
        N_("verify the PDF (and a copy with one flipped byte fails)"),
        ("export",),
        _verify_pdf,
    ),
    ("label", N_("print a bag label with its QR code"), ("batch",), _print_label),
    ("audit", N_("verify the audit chain"), ("site",), _verify_audit),
    ("resources", N_("load the shipped templates and fonts"), (), _resources),
)


def _reason(error: BaseException) -> str:
    if isinstance(error, StepFailed | DomainError):
        return str(error)
    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"{type(error).__name__}: {error}{place}"


def run_self_test(
    folder: Path | None = None, on_step: Callable[[StepResult], None] | None = None
) -> SelfTestReport:
    """Run the scenario; ``folder`` keeps the scratch database and PDF (else a temporary folder
    is made and removed); ``on_step`` is told of each step as it finishes."""
    started = time.perf_counter()
    keep = folder is not None
    work = Path(folder) if folder is not None else scratch.scratch_folder("lotbook-self-test-")
    work.mkdir(parents=True, exist_ok=True)
    scenario = _Scenario(folder=work)
    outcome: dict[str, bool | None] = {}
    results: list[StepResult] = []
    try:
        for key, name, needs, run in STEPS:
            blocked = [n for n in needs if not outcome.get(n)]
            began = time.perf_counter()
            shown = _(name)
            if blocked:
                names = ", ".join(_(n) for k, n, *_rest in STEPS if k in blocked)
                skipped = _("skipped: needs “{names}”").format(names=names)
                result = StepResult(shown, None, skipped, 0.0)
            else:
                try:
                    result = StepResult(shown, True, run(scenario), time.perf_counter() - began)
                except Exception as error:
                    result = StepResult(shown, False, _reason(error), time.perf_counter() - began)
            outcome[key] = result.passed
            results.append(result)
            if on_step is not None:
                on_step(result)
    finally:
        if scenario.site is not None:
            scenario.site.close()
        if not keep:
            scratch.remove_folder(work)
    return SelfTestReport(
        steps=tuple(results),
        passed=all(r.passed for r in results),
        seconds=time.perf_counter() - started,
        app_version=app_version(),
    )
