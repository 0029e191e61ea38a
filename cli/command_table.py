"""Every command of the command line, declared once: its name and what it does.

main.py routes a command here by this table (it is read without argparse: start-up time matters);
the parser takes each command's help from it (marked N_() here, translated where it is shown); a
test holds the parser and the README's command list to it."""

from __future__ import annotations

from core.i18n import N_

COMMANDS: dict[str, str] = {
    "init": N_("create a new site database and its admin"),
    "user": N_("users: add, deactivate, passwd, list, unlock, reset"),
    "template": N_("process templates: list, show, load, approve"),
    "batch": N_("batches: start, record, correct, justify, show, list"),
    "deviation": N_("deviations: open, list, close"),
    "excursion": N_("process excursions: assess"),
    "material": N_(
        "materials and their lots: define, receive, release/reject/expire (QA, e-signed), "
        "attach a CoA, show, list, recall"
    ),
    "equipment": N_(
        "equipment: register, calibrate, qualify, maintain, take out of / back into service, "
        "show, list"
    ),
    "custody": N_(
        "custody of autologous material: record a hand-off (COI scanned), show the trail"
    ),
    "label": N_("labels: print bag, sample and vial labels (PDF or ZPL), list what was printed"),
    "audit": N_("audit trail: verify, export, list, review, checkpoint"),
    "clock": N_("clock incidents: list, clear (admin)"),
    "settings": N_("site settings: show, set (admin)"),
    "profiles": N_("instrument import profiles"),
    "import": N_("import an instrument file into a batch"),
    "simulate": N_("write a simulated instrument log"),
    "demo": N_("realistic demo data in a fresh database"),
    "sign": N_("e-sign a step or the batch (re-authenticates); QA dispositions"),
    "review": N_("review by exception: what needs a human"),
    "export-pdf": N_("export a sealed PDF batch summary, or the certificate of analysis (--coa)"),
    "verify-pdf": N_(
        "verify an exported PDF, and its audit chain head against the database (exit 1: not)"
    ),
    "ca": N_("site certificate authority: export, issue, status, create"),
    "backup": N_(
        "back the site database up to a verified file with its manifest (admin); --if-due "
        "for a timer; list; verify FILE"
    ),
    "restore": N_("restore a backup into a new database file, verified first (never over a file)"),
    "self-test": N_("an end-to-end scenario in a scratch database (exit 1: a step failed)"),
    "validate": N_(
        "installation and operational qualification: a sealed PDF report (exit 1: a failure)"
    ),
}


def command_help(name: str) -> str:
    """What command ``name`` does, in the reader's language."""
    from core.i18n import _

    return _(COMMANDS[name])
