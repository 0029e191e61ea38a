"""template list | show | load | approve."""

from __future__ import annotations

from pathlib import Path

from cli import credentials
from cli.context import acting, open_db
from cli.output import emit_json, info, table
from core.auth.roles import role_words
from core.clock import local_text
from core.i18n import _
from core.readmodels import plain
from core.services import templates
from core.services.template_contents import template_contents
from core.services.users import authenticate
from core.templates.describe import caveat_text, condition_text, formula_text, spec_text
from core.templates.model import CheckDef, TemplateDef


def cmd_template_list(args) -> int:
    views = templates.list_templates(open_db(args), all_versions=args.all)
    if args.json:
        emit_json(views)
        return 0
    rows = [
        (
            v.key,
            v.version,
            _("approved") if v.approved else _("DRAFT"),  # v.status, in the reader's words
            v.product_family,
            v.title,
            v.steps,
            v.checks,
            v.sha256[:12],
        )
        for v in views
    ]
    headers = (_("KEY"), _("VERSION"), _("STATUS"), _("FAMILY"), _("TITLE"), _("STEPS"))
    table((*headers, _("CHECKS"), "SHA-256"), rows)
    if any(not v.approved for v in views):
        info(
            "\n"
            + _(
                "A DRAFT version starts no batch until QA approves it "
                "(template approve KEY --version N --reason … --user QA)."
            )
        )
    return 0


def cmd_template_approve(args) -> int:
    from core.services.template_approval import approve_template

    db = open_db(args)
    password = credentials.password(args, _("Password (to sign the approval): "))
    actor = authenticate(db, args.user, password)
    view = approve_template(db, actor, password, args.key, args.version, args.reason)
    info(
        _(
            "Approved {key} version {version}: {name} ({who}, {role}) {at}, meaning APPROVED — "
            "{reason}"
        ).format(
            key=view.key,
            version=view.version,
            name=view.signer_name,
            who=view.signer,
            role=role_words(view.signer_role),
            at=local_text(view.signed_at),
            reason=view.reason,
        )
    )
    if view.confirmed:
        info(_("Example limits confirmed ({n}):").format(n=len(view.confirmed)))
        for line in view.confirmed:
            info(f"  {line}")
    info(
        _("Certificate {serial}; template SHA-256 {sha256}").format(
            serial=view.certificate_serial, sha256=view.template_sha256
        )
    )
    return 0


def cmd_template_load(args) -> int:
    db = open_db(args)
    admin = acting(db, args)
    view = templates.load_template(db, admin, Path(args.file))
    if view is None:
        info(_("That template version is already loaded; nothing changed."))
    else:
        info(
            _("Loaded {key} version {version} (SHA-256 {sha256}).").format(
                key=view.key, version=view.version, sha256=view.sha256
            )
        )
    return 0


def check_data(tdef: TemplateDef, check: CheckDef, approved: bool = True) -> dict:
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
        "spec": spec_text(check),
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
        "accepts_scan": check.accepts_scan,
        "source": check.source,
        "note": check.note,
        "range": [plain(x) for x in check.range] if check.range else None,
        "applies_when": condition_text(tdef, check),
        "example_limit": check.example_limit,
        "caveat": caveat_text(check) if check.example_limit and not approved else None,
    }


def template_data(tdef: TemplateDef, status=None) -> dict:
    approved = bool(status and status.approved)
    return {
        "key": tdef.key,
        "version": tdef.version,
        "status": "approved" if approved else "draft",
        "approved_by": status.approved_by_name if approved else None,
        "approved_at": plain(status.approved_at) if approved else None,
        "product": plain(tdef.product),
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
                "checks": [check_data(tdef, c, approved) for c in s.checks],
            }
            for s in tdef.all_steps()
        ],
    }


def _status(db, tdef: TemplateDef):
    for view in templates.list_templates(db, all_versions=True):
        if (view.key, view.version) == (tdef.key, tdef.version):
            return view
    return None


def cmd_template_show(args) -> int:
    db = open_db(args)
    if args.json:
        tdef = templates.get_template(db, args.key, args.version)
        emit_json(template_data(tdef, _status(db, tdef)))
        return 0
    shown = template_contents(db, args.key, args.version)
    t = shown.summary
    if t.autologous:
        title = _("{title}  [{key} v{version}, {family}, autologous]  SHA-256 {sha256}")
    else:
        title = _("{title}  [{key} v{version}, {family}]  SHA-256 {sha256}")
    info(
        title.format(
            title=t.title, key=t.key, version=t.version, family=t.product_family, sha256=t.sha256
        )
    )
    if t.approved_at is not None:  # set exactly when the version is approved (template_summary)
        info(
            _("Approved by {name} {at}.").format(
                name=t.approved_by_name, at=local_text(t.approved_at)
            )
        )
    else:
        info(
            _(
                "DRAFT: not approved by QA; it starts no batch. Its example limits "
                "({limits}) are marked 'not confirmed' below."
            ).format(limits=t.example_limits)
        )
    if shown.product:
        info(_("Product: {product}").format(product=shown.product))
    for step in shown.steps:
        if step.verify:
            heading = _("{step}  {name} (second-person verification)")
        else:
            heading = "{step}  {name}"
        info("\n" + heading.format(step=step.id, name=step.name))
        rows = [
            (c.check_id, c.name, c.type, c.unit, c.spec, ", ".join(c.rules), c.source)
            for c in step.checks
        ]
        headers = (_("CHECK"), _("NAME"), _("TYPE"), _("UNIT"), _("SPEC"), "", _("SOURCE"))
        table(headers, rows, indent="  ")
    return 0
