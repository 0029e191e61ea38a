"""The steps of the batch record as printed: each step's checks with value, unit, spec (and its
caveat while the limit is an unconfirmed example), verdict word, who entered it and when (and
the instrument's own measurement time with its zone); every earlier version as a correction row;
comments, deviation references and why a measurement time was accepted; "does not apply" for a
check whose condition does not hold; and the step's signatures under it.

The step tables are :class:`~core.reports.fasttable.FastTable` s: a batch with thousands of
corrections prints thousands of history rows, one line each where it fits."""

from __future__ import annotations

from core.i18n import N_, _
from core.readmodels import CheckView, ResultVersionView, StepView
from core.reports.fasttable import FastTable, Row, Run, TableLook, bold, bold_first_line
from core.reports.signatures import signature_line
from core.reports.styles import (
    CAVEAT_AMBER,
    H2,
    LIGHT_GREY,
    NOTE,
    VERDICT_COLOUR,
    WIDTH,
    Flowable,
    Paragraph,
    Spacer,
    esc,
    para,
)
from core.reports.text import (
    DOES_NOT_APPLY,
    EMPTY,
    ReportContext,
    applies_text,
    verdict_word,
)
from core.states import EntryKind

COLUMNS = (128, 74, 42, 106, 40, 125)
HEAD = (
    N_("Check"),
    N_("Value"),
    N_("Unit"),
    N_("Specification"),
    N_("Verdict"),
    N_("Recorded by · when"),
)
NBSP = "\u00a0"  # a time wraps as a whole
_KIND = {
    "correction": N_("Correction"),
    "calculation": N_("Recalculated"),
    "justification": N_("Justified"),
}
# History rows: a little tighter than the check rows, so a long history reads as one block.
LOOK = TableLook(detail_pad_top=1.2, detail_pad_bottom=1.2, detail_size=6.2)


def _version_change(
    before: ResultVersionView, after: ResultVersionView, ctx: ReportContext
) -> list[Run]:
    kind = _(_KIND[after.kind]) if after.kind in _KIND else after.kind
    reason = (
        after.reason
        or after.comment
        or (_("follows its inputs") if after.kind == EntryKind.CALCULATION else EMPTY)
    )
    when = ctx.time(after.recorded_at).replace(" ", NBSP)
    return [
        Run("↳ "),
        bold(kind),
        Run(f" v{before.version} → v{after.version}: {before.display} → "),
        bold(after.display),
        Run(
            " · "
            + " · ".join(
                (
                    _("reason: {reason}").format(reason=reason),
                    _("by {name}").format(name=after.recorded_by_name),
                    when,
                )
            )
        ),
    ]


def _with_bold(sentence: str, placeholder: str, value: str) -> list[Run]:
    """``sentence`` (translated, with ``{placeholder}`` in it) as runs, ``value`` in bold."""
    before, found, after = sentence.partition("{" + placeholder + "}")
    if not found:  # a translation that lost its placeholder still shows the value
        return [Run(before + " "), bold(value)]
    runs = [Run(before)] if before else []
    runs.append(bold(value))
    if after:
        runs.append(Run(after))
    return runs


def _annotation(current: ResultVersionView, ctx: ReportContext) -> list[Run] | None:
    parts: list[list[Run]] = []
    timing = ctx.timing(current)
    if timing:
        parts.append([Run(timing)])
    if current.comment:
        parts.append([Run(_("comment: {comment}").format(comment=current.comment))])
    if current.deviation:
        parts.append(_with_bold(_("deviation {ref}"), "ref", current.deviation))
    if not current.final:
        parts.append([bold(_("not final")), Run(" " + _("(awaiting justification)"))])
    if not parts:
        return None
    runs = [Run("↳ ")]
    for i, part in enumerate(parts):
        if i:
            runs.append(Run(" · "))
        runs += part
    return runs


def _verdict(verdict: str | None) -> str | tuple[Run, ...]:
    word = verdict_word(verdict)
    colour = VERDICT_COLOUR.get(verdict or "")
    return word if colour is None else (bold(word, colour),)


def _spec(check: CheckView) -> str | tuple[Run, ...]:
    """The specification, and its caveat while the limit is an unconfirmed example."""
    if not check.caveat:
        return check.spec
    return (Run(check.spec), Run("\n" + check.caveat, colour=CAVEAT_AMBER))


def _recorded(current: ResultVersionView, ctx: ReportContext) -> str:
    """Who entered the value and when, and the instrument's own time beside it."""
    measured = ctx.measured(current)
    if measured is None:
        return f"{current.recorded_by_name}\n{ctx.time(current.recorded_at)}"
    entered = _("entered {time}").format(time=ctx.time(current.recorded_at))
    return f"{current.recorded_by_name}\n{entered}\n{measured}"


def _unrecorded(check: CheckView) -> Row:
    name = bold_first_line(check.id, check.name)
    if check.applies is False:
        value: str | tuple[Run, ...] = (bold(_(DOES_NOT_APPLY)),)
        why = (
            _("applies only when {condition}").format(condition=check.condition)
            if check.condition
            else _(DOES_NOT_APPLY)
        )
        return Row([name, value, check.unit or "", _spec(check), "", why])
    why = applies_text(check) or _("not recorded")
    return Row([name, EMPTY, check.unit or "", _spec(check), "", why])


def _check_rows(check: CheckView, ctx: ReportContext) -> list[Row]:
    """The check's main row and its history and annotation rows (spanning the table)."""
    current = check.current
    name = bold_first_line(check.id, check.name)
    if current is None:
        return [_unrecorded(check)]
    notes = [
        _version_change(before, after, ctx)
        for before, after in zip(check.history, check.history[1:], strict=False)
    ]
    annotation = _annotation(current, ctx)
    if annotation:
        notes.append(annotation)
    main = Row(
        [
            name,
            current.display,
            current.unit or check.unit or "",
            _spec(check),
            _verdict(current.verdict),
            _recorded(current, ctx),
        ],
        keep_with_next=bool(notes),
    )
    # a page that starts within the history says whose history it is
    label = Row(
        [
            (
                bold(check.id),
                Run(" " + _("{name} · history continued").format(name=check.name)),
            )
        ],
        span=True,
        keep_with_next=True,
    )
    return [main] + [
        Row([note], background=LIGHT_GREY, span=True, continues=label) for note in notes
    ]


def step_table(step: StepView, ctx: ReportContext) -> FastTable:
    rows: list[Row] = []
    for check in step.checks:
        rows += _check_rows(check, ctx)
    widths = [w * WIDTH / sum(COLUMNS) for w in COLUMNS]
    return FastTable(widths, [_(h) for h in HEAD], rows, look=LOOK)


def step_heading(step: StepView) -> Paragraph:
    when = f" · {step.day}" if step.day and step.day not in step.name else ""
    return Paragraph(
        f"{esc(step.id)} · {esc(step.name)}{esc(when)} "
        f"<font size=7 color='#555555'>({esc(step.state_words)})</font>",
        H2,
    )


def step_section(step: StepView, ctx: ReportContext) -> list[Flowable]:
    heading = step_heading(step)
    heading.keepWithNext = True
    story: list[Flowable] = [heading, step_table(step, ctx)]
    signatures = [s for s in ctx.report.review.signatures if s.step_id == step.id]
    for signature in sorted(signatures, key=lambda s: s.signed_at):
        story.append(Spacer(1, 2))
        story.append(signature_line(signature, ctx))
    if not signatures and step.verify:
        story.append(para(_("No step signature recorded (the step asks for verification)."), NOTE))
    return story
