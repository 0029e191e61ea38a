"""The rules of one entry, without storage: read the typed text, judge it (spec, or the expected
scan), and compute the derived checks that depend on it from the values already recorded."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal

from core.calculations import compute
from core.check_kinds import kind_of
from core.errors import CalculationError, Conflict
from core.i18n import _
from core.models import EntryKind
from core.plausibility import check_plausible
from core.records.result_rows import BatchRow, ResultRow
from core.rule_words import BATCH_COI, MATCH, NOTHING_TO_COMPARE, RECORDED_VALUE, SCANNED
from core.specs import Evaluation, Verdict, evaluate
from core.templates.model import CheckDef, TemplateDef
from core.values import ParsedValue

_DERIVED_DIGITS = Context(prec=12)


@dataclass
class Pending:
    """A value about to be written: what it is, how it was judged, why it is there."""

    check: CheckDef
    value: str  # canonical exact value
    number: Decimal | None
    raw: str
    evaluation: Evaluation
    kind: EntryKind
    reason: str | None = None

    @property
    def out_of_spec(self) -> bool:
        return self.evaluation.verdict == Verdict.OOS


def related_checks(tdef: TemplateDef, check: CheckDef) -> set[str]:
    """The checks whose stored values an entry for ``check`` needs to see."""
    ids = {check.id}
    for derived in tdef.dependents(check.id):
        ids.add(derived.id)
        ids.update(derived.depends_on)
    if check.applies_when is not None:
        ids.add(check.applies_when.check_id)
    if check.expect and check.expect.startswith("check:"):
        ids.add(check.expect.split(":", 1)[1])
    return ids


def parse(check: CheckDef, text: str, decimal_mark: str = "auto") -> ParsedValue:
    """The typed text as the check reads it (numbers with ``decimal_mark``: core.values); a number
    must also be physically possible (before any specification judges it: an impossible value is
    refused, never recorded)."""
    parsed = kind_of(check).parse(check, text, decimal_mark)
    if parsed.number is not None:
        check_plausible(
            parsed.number,
            name=f"{check.id} {check.name}",
            unit=check.unit,
            measures=check.measures,
            template_range=check.range,
        )
    return parsed


def current_of(
    known: dict[str, list[ResultRow]], check_id: str
) -> tuple[str, Decimal | None] | None:
    rows = known.get(check_id)
    return (rows[-1].value, rows[-1].number) if rows else None


def require_applicable(
    tdef: TemplateDef, check: CheckDef, known: dict[str, list[ResultRow]]
) -> None:
    """Refuse an entry for a check that does not apply to this batch (or not yet known)."""
    cond = check.applies_when
    if cond is None:
        return
    recorded = current_of(known, cond.check_id)
    applies = check.applies_given(recorded)
    if applies:
        return
    from core.templates.describe import condition_text, display_value

    other = tdef.check(cond.check_id)
    when = condition_text(tdef, check)
    if applies is None:
        raise Conflict(
            _("Record {other} ({name}) first: {check} applies only when {when}.").format(
                other=other.id, name=other.name, check=check.id, when=when
            )
        )
    shown = display_value(other, recorded[0]) if recorded else "—"
    raise Conflict(
        _(
            "{check} ({name}) does not apply to this batch: it applies only when {when} "
            "({other} is {shown})."
        ).format(check=check.id, name=check.name, when=when, other=other.id, shown=shown)
    )


def stored_text(parsed: ParsedValue) -> str:
    if parsed.kind == "number" and parsed.number is not None:
        return str(parsed.number)
    return parsed.text or ""


def same_value(parsed: ParsedValue, previous: ResultRow) -> bool:
    if parsed.number is not None and previous.number is not None:
        return parsed.number == previous.number
    return stored_text(parsed) == previous.value


def expected_scan(
    batch: BatchRow, check: CheckDef, known: dict[str, list[ResultRow]]
) -> tuple[str | None, str]:
    """What a scan must equal, and how to say it."""
    if check.expect == "coi":
        return batch.coi_id, BATCH_COI
    if check.expect and check.expect.startswith("check:"):
        ref = check.expect.split(":", 1)[1]
        recorded = known.get(ref)
        if not recorded:
            raise Conflict(
                _("Record {ref} first: {check} is compared with it.").format(
                    ref=ref, check=check.id
                )
            )
        return recorded[-1].value, RECORDED_VALUE.format(ref=ref)
    return None, NOTHING_TO_COMPARE


def judge(
    batch: BatchRow, check: CheckDef, parsed: ParsedValue, known: dict[str, list[ResultRow]]
) -> Evaluation | None:
    """The verdict of a typed value; None for a scan that does not match what is expected."""
    kind = kind_of(check)
    if not kind.takes_scans:
        return kind.judge(check, parsed)
    expected, what = expected_scan(batch, check, known)
    if expected is None:
        return Evaluation(Verdict.REPORT, SCANNED.format(what=what), None, None, None)
    if parsed.text != expected:
        return None
    return Evaluation(Verdict.PASS, MATCH.format(what=what), None, None, None)


def derive(
    tdef: TemplateDef, entry: Pending, known: dict[str, list[ResultRow]]
) -> tuple[list[Pending], list[str]]:
    """The derived values that change because of ``entry`` (inputs first), and notes on the
    ones that cannot be calculated (for example a division by zero)."""
    dependents = tdef.dependents(entry.check.id)
    if not dependents:
        return [], []
    values = {cid: n for cid, rows in known.items() if rows and (n := rows[-1].number) is not None}
    if entry.number is not None:
        values[entry.check.id] = entry.number
    pending: list[Pending] = []
    notes: list[str] = []
    for derived in dependents:
        cond = derived.applies_when
        if cond is not None:
            value = values.get(cond.check_id)
            text = entry.value if cond.check_id == entry.check.id else None
            if text is None and known.get(cond.check_id):
                text = known[cond.check_id][-1].value
            if text is None or not derived.applies_given((text, value)):
                continue  # does not apply (or not known yet): not calculated
        inputs: dict[str, Decimal] = {}
        for ref in derived.inputs:
            value = ref.constant if ref.check_id is None else values.get(ref.check_id)
            if value is None:
                break
            inputs[ref.param] = value
        else:
            try:
                result = compute(derived.calc or "", inputs).normalize(_DERIVED_DIGITS)
            except CalculationError as error:
                notes.append(
                    _("{check} ({name}) not calculated: {error}").format(
                        check=derived.id, name=derived.name, error=error
                    )
                )
                continue
            values[derived.id] = result
            text = plain_decimal(result)
            old = known.get(derived.id)
            if old and old[-1].value == text:
                continue
            parsed = ParsedValue(
                raw=text, kind="number", number=result, text=None, unit=derived.unit
            )
            evaluation = evaluate(
                parsed, derived.spec, precision=derived.precision, notation=derived.notation
            )
            shown = ", ".join(f"{k}={v}" for k, v in inputs.items())
            reason = None
            if entry.kind == EntryKind.CORRECTION:
                reason = f"recalculated after the correction of {entry.check.id}"
            pending.append(
                Pending(
                    derived,
                    text,
                    result,
                    f"{derived.calc}({shown})",
                    evaluation,
                    EntryKind.CALCULATION,
                    reason,
                )
            )
    return pending, notes


def plain_decimal(value: Decimal) -> str:
    """A calculated number as plain digits (3100000000, not 3.1E+9) where that stays readable."""
    if value.is_zero():
        return "0"
    if -7 <= value.adjusted() <= 18:
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)
