"""What every benchmark site needs before a batch can start: QA approves the built-in templates
(a new site's templates are drafts) and the materials and equipment they scan are in stock; and a
plan of typical entries a technician makes, in template order, only for checks that apply and
are not release tests (those are QC's)."""

from __future__ import annotations

from decimal import Decimal

from core.demo.stock import stock_site
from core.services import signing_keys, users
from core.services.template_approval import approve_drafts
from core.templates.model import CheckDef, TemplateDef

APPROVER = "tqa"


def approve_templates(db, admin, admin_password: str, password: str) -> None:
    users.create_user(db, admin, APPROVER, "Tara Template-Approver", "qa", "initial-" + password)
    users.change_password(db, APPROVER, "initial-" + password, password)
    signing_keys.issue_certificates(db, admin, admin_password)
    qa = users.authenticate(db, APPROVER, password)
    approve_drafts(db, qa, password, "Benchmark site: example limits confirmed")
    # the lots and equipment the CAR-T template's point-of-use checks scan (core/demo/stock.py)
    stock_site(db, admin, qa, qa, password, today=db.clock.now().date())


def entry_plan(tdef: TemplateDef, value_for) -> list[tuple[CheckDef, str]]:
    """(check, typed text) for every in-process check that applies given the values before it."""
    chosen: dict[str, str] = {}
    plan = []
    for step in tdef.steps:
        for check in step.checks:
            text = value_for(check)
            if text is None:
                continue
            cond = check.applies_when
            if cond is not None:
                seen = chosen.get(cond.check_id)
                if seen is None:
                    continue
                number = Decimal(seen) if tdef.check(cond.check_id).type == "number" else None
                if not check.applies_given((seen, number)):
                    continue
            chosen[check.id] = text
            plan.append((check, text))
    return plan
