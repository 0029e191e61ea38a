"""Every command of the command line, declared once: its name and what it does.

main.py routes a command here by this table (it is read without argparse: start-up time matters);
the parser takes each command's help from it; a test holds the parser and the README's command
list to it."""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "init": "create a new site database and its admin",
    "user": "users: add, deactivate, passwd, list, unlock, reset",
    "template": "process templates: list, show, load, approve",
    "batch": "batches: start, record, correct, justify, show, list",
    "deviation": "deviations: open, list, close",
    "excursion": "process excursions: assess",
    "material": (
        "materials and their lots: define, receive, release/reject/expire (QA, e-signed), "
        "attach a CoA, show, list, recall"
    ),
    "equipment": (
        "equipment: register, calibrate, qualify, maintain, take out of / back into service, "
        "show, list"
    ),
    "custody": "custody of autologous material: record a hand-off (COI scanned), show the trail",
    "label": "labels: print bag, sample and vial labels (PDF or ZPL), list what was printed",
    "audit": "audit trail: verify, export, list, review, checkpoint",
    "clock": "clock incidents: list, clear (admin)",
    "settings": "site settings: show, set (admin)",
    "profiles": "instrument import profiles",
    "import": "import an instrument file into a batch",
    "simulate": "write a simulated instrument log",
    "demo": "realistic demo data in a fresh database",
    "sign": "e-sign a step or the batch (re-authenticates); QA dispositions",
    "review": "review by exception: what needs a human",
    "export-pdf": "export a sealed PDF batch summary, or the certificate of analysis (--coa)",
    "verify-pdf": (
        "verify an exported PDF, and its audit chain head against the database (exit 1: not)"
    ),
    "ca": "site certificate authority: export, issue, status, create",
    "backup": (
        "back the site database up to a verified file with its manifest (admin); --if-due "
        "for a timer; list; verify FILE"
    ),
    "restore": "restore a backup into a new database file, verified first (never over a file)",
    "self-test": "an end-to-end scenario in a scratch database (exit 1: a step failed)",
    "validate": (
        "installation and operational qualification: a sealed PDF report (exit 1: a failure)"
    ),
}
