"""Electronic signatures: what a signature covers, how it is bound to it, and who may sign what.

- The *content* of a signature is canonical JSON of the record it covers (one step's checks, or
  the whole batch); its SHA-256 is stored with the signature. A later change to that content shows
  the signature as invalidated, never silently valid (21 CFR 11.50, 11.70).
- The *statement* binds record (lot, scope), meaning, signer, time, disposition, reason and content
  hash; the signer's key (unlocked by the password given at signing) signs the statement, so a
  signature row copied to another record or altered no longer verifies. Since version 2 it also
  holds the meaning's sentence exactly as the signer read it and the language they read it in
  (``read``): what was signed is shown as signed, a translation beside it for another reader.
- Separation of duties: a verifier never performed what they verify; a reviewer or approver
  recorded nothing in the batch; approval needs the QA role.
Pure functions over read models: no database, no Qt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.clock import utc_iso
from core.errors import PermissionDenied
from core.i18n import N_, _
from core.readmodels import BatchView, CheckView, StepView
from core.signing_views import Meaning, SignatureState
from core.states import EntryKind

BATCH_SCOPE = "batch"
STATEMENT_VERSION = 1  # a statement without the words read (signed before version 2)
READ_STATEMENT_VERSION = 2  # with the meaning's sentence as read and its language


class SeparationOfDuties(PermissionDenied):
    """The signer may not sign this record with this meaning. Made with ``said``: the refusal is
    audited (auth.denied) in its canonical text."""


def step_scope(step_id: str) -> str:
    return f"step:{step_id}"


def scope_step(scope: str) -> str | None:
    return scope.split(":", 1)[1] if scope.startswith("step:") else None


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- content ------------------------------------------------------------------------------------


def _record(view: BatchView) -> dict[str, Any]:
    return {
        "lot": view.lot,
        "coi_id": view.coi_id,
        "template": view.template_key,
        "template_version": view.template_version,
        "template_sha256": view.template_sha256,
    }


def _check(check: CheckView) -> dict[str, Any]:
    cur = check.current
    if cur is None:
        return {"id": check.id, "value": None}
    return {
        "id": check.id,
        "version": cur.version,
        "value": cur.value,
        "unit": cur.unit,
        "verdict": cur.verdict,
        "final": cur.final,
        "comment": cur.comment,
        "deviation": cur.deviation,
        "source": cur.source,
        "recorded_by": cur.recorded_by,
        "recorded_at": utc_iso(cur.recorded_at),
    }


def step_content(view: BatchView, step: StepView) -> str:
    return canonical(
        {"record": _record(view), "step": step.id, "checks": [_check(c) for c in step.checks]}
    )


@dataclass(frozen=True)
class BatchExtras:
    """What the batch scope covers beyond the checks: deviations, files and excursions."""

    deviations: tuple[tuple[str, str, str], ...] = ()  # ref, classification, description
    files: tuple[str, ...] = ()  # SHA-256 of each imported file
    excursions: tuple[tuple[int, str, str, str], ...] = ()  # id, channel, side, started_at


def batch_content(view: BatchView, extras: BatchExtras) -> str:
    return canonical(
        {
            "record": _record(view),
            "steps": [{"step": s.id, "checks": [_check(c) for c in s.checks]} for s in view.steps],
            "deviations": [list(d) for d in extras.deviations],
            "files": sorted(extras.files),
            "excursions": [list(e) for e in extras.excursions],
        }
    )


def content_for(view: BatchView, scope: str, extras: BatchExtras) -> str:
    if scope == BATCH_SCOPE:
        return batch_content(view, extras)
    step_id = scope_step(scope)
    step = next((s for s in view.steps if s.id == step_id), None)
    if step is None:
        return canonical({"record": _record(view), "step": step_id, "missing": True})
    return step_content(view, step)


def changed_checks(signed: str, current: str) -> list[str]:
    """The check ids whose entries differ between two contents (to say what changed)."""

    def by_id(text: str) -> dict[str, Any]:
        data = json.loads(text)
        checks = data.get("checks") or [c for s in data.get("steps", []) for c in s["checks"]]
        return {c["id"]: c for c in checks}

    before, after = by_id(signed), by_id(current)
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# -- statement ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFields:
    lot: str
    scope: str
    meaning: str
    signer: str
    signer_name: str
    signer_role: str
    signed_at: datetime
    content_sha256: str
    disposition: str | None
    reason: str | None
    certificate_serial: str
    details: str | None = None  # canonical JSON: what a disposition rests on beyond its reason
    chain_seq: int | None = None  # the audit chain's head when signed
    chain_hash: str | None = None
    read_text: str | None = None  # the meaning's sentence as the signer read it
    read_language: str | None = None  # the language they read it in (core.i18n code)


def statement_text(f: StatementFields) -> str:
    extra: dict = {} if f.details is None else {"details": f.details}
    if f.chain_seq is not None:
        extra["chain"] = {"seq": f.chain_seq, "hash": f.chain_hash}
    if f.read_text is not None:
        extra["read"] = {"language": f.read_language, "text": f.read_text}
    return canonical(
        {
            **extra,
            "v": STATEMENT_VERSION if f.read_text is None else READ_STATEMENT_VERSION,
            "lot": f.lot,
            "scope": f.scope,
            "meaning": f.meaning,
            "signer": f.signer,
            "signer_name": f.signer_name,
            "signer_role": f.signer_role,
            "signed_at": utc_iso(f.signed_at),
            "content_sha256": f.content_sha256,
            "disposition": f.disposition,
            "reason": f.reason,
            "certificate_serial": f.certificate_serial,
        }
    )


def added_only(signed: str, current: str, may_follow: frozenset[str]) -> list[str]:
    """The checks added since signing when every difference is a result that had no value when
    signed and may follow release (a pending release result); [] when anything else changed."""

    def by_id(text: str) -> dict[str, Any]:
        data = json.loads(text)
        checks = data.get("checks") or [c for s in data.get("steps", []) for c in s["checks"]]
        return {c["id"]: c for c in checks}

    def rest(text: str) -> Any:
        data = json.loads(text)
        data.pop("checks", None)
        for step in data.get("steps", []):
            step.pop("checks", None)
        return data

    before, after = by_id(signed), by_id(current)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not changed or rest(signed) != rest(current):
        return []
    pending = all(
        k in may_follow and k in before and before[k].get("value") is None for k in changed
    )
    return changed if pending else []


def evaluate(
    stored: StatementFields,
    statement: str,
    content: str,
    current_content: str,
    crypto_ok: bool,
    certificate_problem: str | None,
    may_follow: frozenset[str] = frozenset(),
) -> tuple[str, str]:
    """The state of one stored signature, with the reason when it is not valid."""
    expected = statement_text(stored)
    if statement != expected:
        try:
            claimed = json.loads(statement)
            where = f"{claimed.get('lot')} {claimed.get('scope')}"
        except ValueError:
            where = _("another record")
        return SignatureState.BROKEN, (
            _("Signed for {where}, not for {lot} {scope}, or altered after signing.").format(
                where=where, lot=stored.lot, scope=stored.scope
            )
        )
    if sha256_text(content) != stored.content_sha256:
        return SignatureState.BROKEN, _("The stored signed content does not match its hash.")
    if certificate_problem:
        return SignatureState.BROKEN, certificate_problem
    if not crypto_ok:
        return SignatureState.BROKEN, _("The cryptographic signature does not verify.")
    if sha256_text(current_content) != stored.content_sha256:
        added = added_only(content, current_content, may_follow) if may_follow else []
        if added:
            return SignatureState.VALID, ""
        changed = changed_checks(content, current_content)
        what = ", ".join(changed) if changed else _("the record")
        return SignatureState.INVALIDATED, _("Changed after signing: {what}.").format(what=what)
    return SignatureState.VALID, ""


# -- who may sign -------------------------------------------------------------------------------


def recorders(checks: Iterable[CheckView]) -> set[str]:
    """Everyone who recorded any version of these checks (calculations excepted)."""
    return {v.recorded_by for c in checks for v in c.history if v.kind != EntryKind.CALCULATION}


def check_separation(
    meaning: str,
    signer: str,
    checks: Iterable[CheckView],
    performers: Iterable[str] = (),
) -> None:
    checks = list(checks)
    who = recorders(checks)
    if meaning == Meaning.PERFORMED:
        if signer not in who:
            raise SeparationOfDuties.said(
                N_(
                    "Only someone who recorded values in this step signs it as performed: "
                    "you ({signer}) recorded none of them."
                ),
                keyword={"username": signer},
                signer=signer,
            )
    elif meaning == Meaning.VERIFIED:
        if signer in who or signer in set(performers):
            raise SeparationOfDuties.said(
                N_("You ({signer}) performed or recorded this step: a second person verifies it."),
                keyword={"username": signer},
                signer=signer,
            )
    elif meaning in (Meaning.REVIEWED, Meaning.APPROVED) and signer in who:
        refusal = (
            N_(
                "You ({signer}) recorded entries in this batch, so you cannot review it. Ask "
                "someone who did not take part in it."
            )
            if meaning == Meaning.REVIEWED
            else N_(
                "You ({signer}) recorded entries in this batch, so you cannot approve it. Ask "
                "someone who did not take part in it."
            )
        )
        raise SeparationOfDuties.said(refusal, keyword={"username": signer}, signer=signer)
