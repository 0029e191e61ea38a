"""What people type for equipment, read or refused in words: asset codes, equipment types, event
kinds and statuses, days (YYYY-MM-DD), whether an event's outcome, next due date and certificate
fit its kind, and a certificate's file."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from core.errors import InvalidValue
from core.i18n import N_, _
from core.states import EquipmentEventKind, EquipmentStatus, EquipmentType
from core.store import Database
from core.text_rules import TextKind
from core.words import EQUIPMENT_EVENT_WORDS, EQUIPMENT_TYPE_WORDS

LATEST_DUE_YEARS = 30  # a due date further ahead is a typing error (check the year)
NAME = TextKind(N_("equipment name"), 200)
LOCATION = TextKind(N_("location"), 200)
CERTIFICATE = TextKind(N_("certificate reference"), 200)
RECORDED = (  # what is recorded against an item and sets the due date of the same name
    EquipmentEventKind.CALIBRATION,
    EquipmentEventKind.QUALIFICATION,
    EquipmentEventKind.MAINTENANCE,
)
JUDGED = (EquipmentEventKind.CALIBRATION, EquipmentEventKind.QUALIFICATION)  # pass or fail
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,31}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def asset_code(code: str) -> str:
    """The asset code as kept: upper case, no spaces; letters, digits and . _ / - only."""
    asset = "".join((code or "").split()).upper()
    if not _CODE.match(asset):
        raise InvalidValue(
            _(
                "'{code}' is not an asset code: up to 32 letters, digits and . _ / - "
                "(starting with a letter or digit), as on the item's label, e.g. BSC-01."
            ).format(code=asset or code)
        )
    return asset


def equipment_type(typed: str) -> EquipmentType:
    """An equipment type from its code (biosafety_cabinet) or its words (biosafety cabinet)."""
    key = " ".join((typed or "").split()).lower()
    for kind in EquipmentType:
        if key in (kind.value, kind.value.replace("_", " "), EQUIPMENT_TYPE_WORDS[kind].lower()):
            return kind
    choices = ", ".join(k.value for k in EquipmentType)
    raise InvalidValue(
        _("'{typed}' is not an equipment type. Use one of: {choices}.").format(
            typed=typed, choices=choices
        )
    )


def event_kind(kind: EquipmentEventKind | str) -> EquipmentEventKind:
    try:
        what = EquipmentEventKind(str(kind).strip().lower())
    except ValueError:
        what = None
    if what is None or what not in RECORDED:
        raise InvalidValue(
            _(
                "'{kind}' is not something recorded against equipment: use calibration, "
                "qualification or maintenance."
            ).format(kind=kind)
        )
    return what


def equipment_status(status: EquipmentStatus | str) -> EquipmentStatus:
    try:
        return EquipmentStatus(str(status).strip().lower().replace(" ", "_"))
    except ValueError:
        choices = ", ".join(s.value for s in EquipmentStatus)
        raise InvalidValue(
            _("'{status}' is not an equipment status. Use {choices}.").format(
                status=status, choices=choices
            )
        ) from None


def typed_day(value: str | date | None, what: str) -> date | None:
    """A date typed YYYY-MM-DD (or given as a date); nothing typed is None. ``what``: the field,
    in the reader's words (translated by the caller)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        raise TypeError(f"the {what} is a day, not a time")
    if isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            _(
                "'{value}' is not a date for the {what}: type it as YYYY-MM-DD, e.g. 2027-03-31."
            ).format(value=value, what=what)
        ) from None


def required_day(value: str | date | None, what: str) -> date:
    day = typed_day(value, what)
    if day is None:
        raise InvalidValue(_("Give the {what} (YYYY-MM-DD).").format(what=what))
    return day


def not_too_far(due: date, today: date, what: str) -> None:
    if due > today + timedelta(days=365 * LATEST_DUE_YEARS):
        raise InvalidValue(
            _("The {what} {due} is more than {years} years ahead: check the year.").format(
                what=what, due=due.isoformat(), years=LATEST_DUE_YEARS
            )
        )


def check_outcome(
    what: EquipmentEventKind,
    passed: bool | None,
    due: date | None,
    performed: date,
    reference: str | None,
) -> None:
    words = EQUIPMENT_EVENT_WORDS[what]
    if what in JUDGED:
        if passed is None:
            raise InvalidValue(
                _("Say whether the {kind} passed or failed.").format(kind=words),
                cli_hint=_("Add --passed or --failed."),
            )
        if reference is None:
            raise InvalidValue(
                _("Give the {kind} certificate's number or reference.").format(kind=words),
                cli_hint=_("Add --certificate REF."),
            )
    elif passed is not None:
        raise InvalidValue(
            _("A {kind} is not passed or failed: leave that out.").format(kind=words)
        )
    if what in JUDGED and passed is False:
        if due is not None:
            raise InvalidValue(
                _(
                    "A failed {kind} sets no next due date: the item goes out of service until a "
                    "passing {kind} is recorded. Leave the next due date out."
                ).format(kind=words)
            )
        return
    if due is None:
        raise InvalidValue(
            _("Give the date the next {kind} is due (YYYY-MM-DD).").format(kind=words),
            cli_hint=_("Add --next-due."),
        )
    if due <= performed:
        raise InvalidValue(
            _(
                "The next {kind} is due on {due}, not after the {kind} itself "
                "({performed}): check both dates."
            ).format(kind=words, due=due.isoformat(), performed=performed.isoformat())
        )


def read_certificate(db: Database, path: Path) -> tuple[str, bytes]:
    """The certificate file's name and exact bytes (a regular file within the import limit)."""
    from core.inputs import MB, read_regular_file
    from core.services.settings import show_policy

    limit = show_policy(db).import_max_mb
    data = read_regular_file(
        path, max_bytes=limit * MB, limit_name="import_max_mb", done=_("nothing was recorded")
    )
    if not data:
        raise InvalidValue(
            _("{path} is empty: choose the certificate's file; nothing was recorded.").format(
                path=path
            )
        )
    return Path(path).name, data
