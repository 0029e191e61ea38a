"""An audit event's stored old/new values (canonical JSON texts) as words, one way for every
front: the audit-trail screen, its detail pane and the PDF's audit extract."""

from __future__ import annotations

import json
from typing import Any

from core.i18n import N_
from core.words import Words

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
ACTION_WORDS: Words[str] = Words(
    {
        "auth.login": N_("logged in"),
        "auth.login_failed": N_("log-in refused"),
        "auth.denied": N_("action refused (role or separation of duties)"),
        "result.record": N_("value recorded"),
        "result.correct": N_("value corrected"),
        "result.justify": N_("out-of-spec value justified"),
        "result.calculate": N_("value calculated"),
        "result.scan_mismatch": N_("scan refused: mismatch"),
        "result.use_refused": N_("lot or equipment refused at the point of use"),
        "result.use_override": N_("refused lot or equipment used on QA's override"),
        "signature.sign": N_("signed"),
        "batch.start": N_("batch started"),
        "batch.status": N_("batch status changed"),
        "batch.disposition": N_("QA disposition"),
        "template.load": N_("template loaded"),
        "template.approve": N_("template approved"),
        "user.create": N_("user added"),
        "user.deactivate": N_("user deactivated"),
        "user.lock": N_("account locked"),
        "user.unlock": N_("account unlocked"),
        "user.password_change": N_("password changed"),
        "user.password_reset": N_("password reset"),
        "user.language": N_("language chosen"),
        "setting.change": N_("site setting changed"),
        "deviation.open": N_("deviation opened"),
        "deviation.close": N_("deviation closed"),
        "deviation.link": N_("deviation linked"),
        "excursion.assess": N_("process excursion assessed"),
        "instrument.import": N_("instrument file imported"),
        "material.define": N_("material defined"),
        "material_lot.receive": N_("material lot received"),
        "material_lot.attach_coa": N_("certificate of analysis attached"),
        "material_lot.decide": N_("material lot status decided (QA)"),
        "equipment.register": N_("equipment registered"),
        "equipment.calibration": N_("equipment calibration recorded"),
        "equipment.qualification": N_("equipment qualification recorded"),
        "equipment.maintenance": N_("equipment maintenance recorded"),
        "equipment.status": N_("equipment taken out of / back into service"),
        "custody.record": N_("custody hand-off recorded"),
        "custody.coi_mismatch": N_("custody refused: chain-of-identity mismatch"),
        "label.print": N_("labels printed"),
        "audit_trail.review": N_("audit trail reviewed"),
        "audit.checkpoint": N_("chain checkpoint signed"),
        "audit.export": N_("audit trail exported"),
        "audit.seal_baseline": N_("state sealed (upgrade)"),
        "state.seal": N_("state sealed"),
        "report.export": N_("PDF exported"),
        "backup.create": N_("backup made"),
        "backup.failed": N_("backup failed"),
        "backup.scheduled": N_("scheduled backup"),
        "clock.incident": N_("clock incident opened"),
        "clock.clear": N_("clock incident cleared"),
        "ca.create": N_("certificate authority created"),
        "ca.slot_grant": N_("CA access granted"),
        "signing_key.request": N_("signing key made"),
        "signing_key.issue": N_("certificate issued"),
        "signing_key.retire": N_("signing key retired"),
        "signing_key.rewrap": N_("signing key re-protected"),
        "demo.version": N_("demo database made"),
        "oq.probe": N_("qualification probe"),
        "series.excursion": N_("process excursion found"),
        "series.live_start": N_("live log followed"),
        "series.live_stop": N_("live log no longer followed"),
        "site.create": N_("site created"),
        "validation.run": N_("qualification run"),
    }
)


def action_words(action: str) -> str:
    """'value recorded' for 'result.record'; an action without words shows as its code."""
    return ACTION_WORDS.get(action, action)
