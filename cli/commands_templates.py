"""template list | show | load."""

from __future__ import annotations

from pathlib import Path

from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.readmodels import plain
from core.services import templates
from core.services.batch_record import formula_text
from core.specs import describe
from core.templates.model import CheckDef, TemplateDef


def cmd_template_list(args) -> int:
    views = templates.list_templates(open_db(args), all_versions=args.all)
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (v.key, v.version, v.product_family, v.title, v.steps, v.checks, v.sha256[:12])
        for v in views
    ]
    table(("KEY", "VERSION", "FAMILY", "TITLE", "STEPS", "CHECKS", "SHA-256"), rows)
    return 0


def cmd_template_load(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = templates.load_template(db, admin, Path(args.file))
    if view is None:
        info("That template version is already loaded; nothing changed.")
    else:
        info(f"Loaded {view.key} version {view.version} (SHA-256 {view.sha256}).")
    return 0


def _spec(check: CheckDef) -> str:
    return describe(
        check.spec,
        check.unit,
        precision=check.precision,
        notation=check.notation,
        pass_label=check.pass_label,
        fail_label=check.fail_label,
    )


def check_data(check: CheckDef) -> dict:
    spec = check.spec
    return {
        "id": check.id,
        "name": check.name,
        "step": check.step_id,
        "type": check.type,
        "unit": check.unit,
        "precision": check.precision,
        "notation": check.notation,
        "method": check.method,
        "sample_point": check.sample_point,
        "spec": _spec(check),
        "lower": plain(spec.lower) if spec else None,
        "upper": plain(spec.upper) if spec else None,
        "lower_inclusive": spec.lower_inclusive if spec else None,
        "upper_inclusive": spec.upper_inclusive if spec else None,
        "alert_lower": plain(spec.alert_lower) if spec else None,
        "alert_upper": plain(spec.alert_upper) if spec else None,
        "target": plain(spec.target) if spec else None,
        "expected": spec.expected if spec else None,
        "accepted": list(spec.accepted) if spec else [],
        "choices": list(check.choices),
        "gates_release": check.gates_release,
        "verify": check.verify,
        "required": check.required,
        "derived": check.derived,
        "formula": formula_text(check),
        "expect": check.expect,
        "attribute": check.attribute,
        "pending_allowed": check.pending_allowed,
        "source": check.source,
        "note": check.note,
    }


def template_data(tdef: TemplateDef) -> dict:
    return {
        "key": tdef.key,
        "version": tdef.version,
        "title": tdef.title,
        "product_family": tdef.product_family,
        "autologous": tdef.autologous,
        "description": tdef.description,
        "sha256": tdef.sha256,
        "steps": [
            {
                "id": s.id,
                "name": s.name,
                "day": s.day,
                "verify": s.verify,
                "release": s.is_release,
                "checks": [check_data(c) for c in s.checks],
            }
            for s in tdef.all_steps()
        ],
    }


def cmd_template_show(args) -> int:
    tdef = templates.get_template(open_db(args), args.key, args.version)
    if args.json:
        emit_json(template_data(tdef))
        return 0
    info(
        f"{tdef.title}  [{tdef.key} v{tdef.version}, {tdef.product_family}"
        f"{', autologous' if tdef.autologous else ''}]  SHA-256 {tdef.sha256}"
    )
    for step in tdef.all_steps():
        flags = " (second-person verification)" if step.verify else ""
        info(f"\n{step.id}  {step.name}{flags}")
        rows = []
        for c in step.checks:
            marks = [
                m
                for m, on in (
                    ("gates release", c.gates_release),
                    ("verify", c.verify),
                    ("calculated", c.derived),
                    ("optional", not c.required),
                )
                if on
            ]
            rows.append((c.id, c.name, c.type, c.unit or "", _spec(c), ", ".join(marks), c.source))
        table(("CHECK", "NAME", "TYPE", "UNIT", "SPEC", "", "SOURCE"), rows, indent="  ")
    return 0
