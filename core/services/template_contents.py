"""What a process template version holds, as a reader checks it before approving or starting a
batch on it: each step and its checks, with the spec in words, the rules that apply (gates
release, second-person verification, calculated, optional, when it applies) and the source of
each limit. The GUI's template view and ``template show`` read the same lines."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import _
from core.readmodels import TemplateSummary
from core.services.templates import get_template, list_templates
from core.store import Database
from core.templates.describe import condition_text, spec_text
from core.templates.model import CheckDef, TemplateDef


@dataclass(frozen=True)
class TemplateCheckLine:
    """One check of a step, described."""

    step_id: str
    check_id: str
    name: str
    type: str
    unit: str
    spec: str
    rules: tuple[str, ...]  # "gates release", "verify", "if …", "NOT CONFIRMED", …
    source: str


@dataclass(frozen=True)
class TemplateStepLine:
    id: str
    name: str
    day: str | None
    verify: bool  # the step is verified by a second person
    checks: tuple[TemplateCheckLine, ...]


@dataclass(frozen=True)
class TemplateContents:
    summary: TemplateSummary  # key, version, title, SHA-256, approval (as the list shows them)
    product: str | None  # storage, shelf life and manufacture date rule, in words
    steps: tuple[TemplateStepLine, ...]

    @property
    def checks(self) -> tuple[TemplateCheckLine, ...]:
        return tuple(check for step in self.steps for check in step.checks)


def rules_of(tdef: TemplateDef, check: CheckDef, approved: bool) -> tuple[str, ...]:
    """The rules that apply to a check, in words."""
    return tuple(
        word
        for word, on in (
            (_("gates release"), check.gates_release),
            (_("pending allowed"), check.pending_allowed),
            (_("accepts scans"), check.accepts_scan),
            (_("verify"), check.verify),
            (_("calculated"), check.derived),
            (_("counted when labels are printed"), check.counts is not None),
            (_("optional"), not check.required),
            (
                _("if {condition}").format(condition=condition_text(tdef, check)),
                check.applies_when is not None,
            ),
            (_("NOT CONFIRMED"), check.example_limit and not approved),
        )
        if on
    )


def _product_text(tdef: TemplateDef) -> str | None:
    product = tdef.product
    if not (product.storage or product.shelf_life_months):
        return None
    return _(
        "storage {storage}; shelf life {months} months; manufacture date from {step} {source}"
    ).format(
        storage=product.storage or "—",
        months=product.shelf_life_months or "—",
        step=product.manufacture_step or "—",
        source=product.source,
    )


def template_contents(db: Database, key: str, version: int | None = None) -> TemplateContents:
    """Version ``version`` of template ``key`` (the newest when None), described."""
    tdef = get_template(db, key, version)
    summary = next(
        v
        for v in list_templates(db, all_versions=True)
        if (v.key, v.version) == (tdef.key, tdef.version)
    )
    steps = tuple(
        TemplateStepLine(
            id=step.id,
            name=step.name,
            day=step.day,
            verify=step.verify,
            checks=tuple(
                TemplateCheckLine(
                    step_id=step.id,
                    check_id=c.id,
                    name=c.name,
                    type=c.type,
                    unit=c.unit or "",
                    spec=spec_text(c),
                    rules=rules_of(tdef, c, summary.approved),
                    source=c.source or "",
                )
                for c in step.checks
            ),
        )
        for step in tdef.all_steps()
    )
    return TemplateContents(summary=summary, product=_product_text(tdef), steps=steps)
