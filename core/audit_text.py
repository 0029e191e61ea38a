"""An audit event's stored old/new values (canonical JSON texts) as words, one way for every
front: the audit-trail screen, its detail pane and the PDF's audit extract."""

from __future__ import annotations

import json
from typing import Any

NOTHING = "—"


def _parse(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_scalar(v)}" for key, v in value.items())
    return _scalar(value)


def change_text(old: str | None, new: str | None) -> str:
    """``old`` and ``new`` in one line: for objects only the keys that changed
    ("status: in_progress → released"), otherwise from → to."""
    before, after = _parse(old), _parse(new)
    if before is None and after is None:
        return ""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
        if not keys:
            return _flat(after)
        return "; ".join(
            f"{k}: {_scalar(before[k]) if k in before else NOTHING} → "
            f"{_scalar(after[k]) if k in after else NOTHING}"
            for k in keys
        )
    if before is None:
        return f"→ {_flat(after)}"
    if after is None:
        return f"{_flat(before)} → removed"
    return f"{_flat(before)} → {_flat(after)}"


def change_rows(old: str | None, new: str | None) -> list[tuple[str, str, str, bool]]:
    """``old`` and ``new`` field by field: (field, before, after, changed), changed fields first
    in their stored order; a value that is not an object is one row named "value"."""
    before, after = _parse(old), _parse(new)
    if before is None and after is None:
        return []
    if isinstance(before, dict | None) and isinstance(after, dict | None):
        was, now = before or {}, after or {}
        rows = [
            (
                str(key),
                _scalar(was[key]) if key in was else NOTHING,
                _scalar(now[key]) if key in now else NOTHING,
                was.get(key) != now.get(key) or (key in was) != (key in now),
            )
            for key in dict.fromkeys([*was, *now])
        ]
        return [r for r in rows if r[3]] + [r for r in rows if not r[3]]
    shown = [_flat(v) if v is not None else NOTHING for v in (before, after)]
    return [("value", shown[0], shown[1], before != after)]


def pretty(text: str | None) -> str:
    """A stored old/new text indented for reading (kept as is when it is not JSON)."""
    if text is None:
        return "(nothing)"
    value = _parse(text)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return _scalar(value)


# Each action an event records, in a reviewer's words (the code stays in the trail, the export
# and on hover: it is what filters and verify read).
ACTION_WORDS = {
    "auth.login": "logged in",
    "auth.login_failed": "log-in refused",
    "auth.denied": "action refused (role or separation of duties)",
    "result.record": "value recorded",
    "result.correct": "value corrected",
    "result.justify": "out-of-spec value justified",
    "result.calculate": "value calculated",
    "result.scan_mismatch": "scan refused: mismatch",
    "result.use_refused": "lot or equipment refused at the point of use",
    "result.use_override": "refused lot or equipment used on QA's override",
    "signature.sign": "signed",
    "batch.start": "batch started",
    "batch.status": "batch status changed",
    "batch.disposition": "QA disposition",
    "template.load": "template loaded",
    "template.approve": "template approved",
    "user.create": "user added",
    "user.deactivate": "user deactivated",
    "user.lock": "account locked",
    "user.unlock": "account unlocked",
    "user.password_change": "password changed",
    "user.password_reset": "password reset",
    "setting.change": "site setting changed",
    "deviation.open": "deviation opened",
    "deviation.close": "deviation closed",
    "deviation.link": "deviation linked",
    "excursion.assess": "process excursion assessed",
    "instrument.import": "instrument file imported",
    "material.define": "material defined",
    "material_lot.receive": "material lot received",
    "material_lot.attach_coa": "certificate of analysis attached",
    "material_lot.decide": "material lot status decided (QA)",
    "equipment.register": "equipment registered",
    "equipment.calibration": "equipment calibration recorded",
    "equipment.qualification": "equipment qualification recorded",
    "equipment.maintenance": "equipment maintenance recorded",
    "equipment.status": "equipment taken out of / back into service",
    "custody.record": "custody hand-off recorded",
    "custody.coi_mismatch": "custody refused: chain-of-identity mismatch",
    "label.print": "labels printed",
    "audit_trail.review": "audit trail reviewed",
    "audit.checkpoint": "chain checkpoint signed",
    "audit.export": "audit trail exported",
    "audit.seal_baseline": "state sealed (upgrade)",
    "state.seal": "state sealed",
    "report.export": "PDF exported",
    "backup.create": "backup made",
    "backup.failed": "backup failed",
    "backup.scheduled": "scheduled backup",
    "clock.incident": "clock incident opened",
    "clock.clear": "clock incident cleared",
    "ca.create": "certificate authority created",
    "ca.slot_grant": "CA access granted",
    "signing_key.request": "signing key made",
    "signing_key.issue": "certificate issued",
    "signing_key.retire": "signing key retired",
    "signing_key.rewrap": "signing key re-protected",
    "demo.version": "demo database made",
    "oq.probe": "qualification probe",
    "series.excursion": "process excursion found",
    "series.live_start": "live log followed",
    "series.live_stop": "live log no longer followed",
    "site.create": "site created",
    "validation.run": "qualification run",
}


def action_words(action: str) -> str:
    """'value recorded' for 'result.record'; an action without words shows as its code."""
    return ACTION_WORDS.get(action, action)
